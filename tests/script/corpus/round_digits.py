# round() with ndigits: floats round their exact binary value half-even at
# 10**-ndigits (double_round), ints round half-even to a multiple of
# 10**-ndigits (long_round); round(float) of a big float is a big int
# (issue 5)
import sys

print(round(1234.5678, -2), round(1234, -2))
floats = [1234.5678, -1234.5678, 0.5, 1.5, 2.5, -0.5, -2.5, 2.675, 0.125, 0.375, 1e-5,
          5.0, 15.0, 25.0, -25.0, 0.0, -0.0, 123456789.987654321, 1e300, -1e300, 9.999,
          5e-324, 1.7976931348623157e307, 0.1, 0.7, 1e22, 4503599627370497.5]
for x in floats:
    print(x, [round(x, n) for n in (-400, -310, -308, -300, -23, -22, -3, -2, -1, 0, 1, 2, 3,
                                    5, 17, 300, 323, 324, 400)])
print([round(x) for x in (0.5, 1.5, 2.5, -0.5, -1.5, -0.4, 1e18, 2.0**63, -2.0**63, 1e22, 1e300,
                          -1.7976931348623157e308)])
ints = [0, 1, 5, 15, 25, 35, -5, -15, -25, 1234, -1234, 1250, 1350, -1250, 49, 50, 51, 150,
        250, 2**62, 2**64 + 5 * 10**10, -(10**30) - 5 * 10**9, 10**40 + 5 * 10**39, True, False]
for x in ints:
    r = [round(x, n) for n in (-50, -41, -40, -39, -20, -19, -11, -10, -3, -2, -1, 0, 1, 5)]
    print(x, r, [type(v).__name__ for v in r[-3:]])
print(round(1.5, 10**20), round(1.5, -10**20), round(-1.5, -10**20), round(7, 10**20))
print(round(2.5, None), round(7, None), round(True), round(True, 2), round(1.25, True))
print(round(float("inf"), 2), round(float("-inf"), -2), round(float("nan"), 0))
print(sys.getsizeof(round(2**64 + 5 * 10**10, -11)), sys.getsizeof(round(10**40 + 1, -40)),
      sys.getsizeof(round(1e300)), sys.getsizeof(round(-2.0**63)))
print(int(1e300), int(-2.0**63), int(2.0**63), int(-9.3e18), [int(x) for x in (1.5, -1.5, 2.0**80 + 2.0**30)])
