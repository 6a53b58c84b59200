# Ints: 30-bit digits, small ints cached.
import sys

for n in [0, 1, -1, 255, 2**30 - 1, 2**30, 2**60, 2**90, -2**90, 10**100]:
    print(n if n < 10**20 else "big", sys.getsizeof(n))
print(sys.getsizeof(True), sys.getsizeof(False))
print(2**100, -(2**100) // 3, (2**100) % 7)
print(10**30 + 1, 3 * 10**25, 7 ** 40)
a = 256
b = 256
print(a is b)
x = int("1000")
y = int("1000")
print(x == y, x is y)
print(sys.getsizeof(1.0), sys.getsizeof(2**64 - 1))
print(bin(2**40), hex(-255), oct(8))
