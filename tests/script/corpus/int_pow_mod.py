# pow(a, b, m) as long_pow makes it: each product reduced by l_mod, a
# negative modulus copied and negated, a negative exponent through
# long_invmod, exponents of three digits or more by the 5-bit sliding
# window; tracemalloc current and peak around each, against python3.
import gc, sys, tracemalloc
gc.collect()
tracemalloc.start()


def show(f):
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    v = f()
    after, peak = tracemalloc.get_traced_memory()
    print(after - before, peak - before, v)


show(lambda: 1)
show(lambda: pow(3, 200, 1000))
show(lambda: pow(12345, 65537, 99991))
show(lambda: pow(2 ** 40, 3, 2 ** 50 + 1))
show(lambda: pow(-7, 5, 13))
show(lambda: pow(7, 5, -13))
show(lambda: pow(7, 0, 1))
show(lambda: pow(123456789, 12, 1000000007))
show(lambda: pow(3, 2 ** 70, 1000))
show(lambda: pow(2 ** 90 + 5, 2 ** 65 + 3, 2 ** 70 - 1))
show(lambda: pow(-(2 ** 90) - 5, 12345, -(2 ** 70) - 1))
show(lambda: pow(3, -1, 7))
show(lambda: pow(38, -3, 97))
show(lambda: pow(2 ** 80 + 1, -5, 2 ** 61 - 1))
show(lambda: pow(5, 3, -3))
show(lambda: pow(5, 3, -13))
show(lambda: pow(5, 3, -(2 ** 40)))
show(lambda: pow(0, 0, 7))
show(lambda: pow(True, 5, 3))
show(lambda: pow(7, 1, 5))
show(lambda: pow(7, 2, 2 ** 31))
show(lambda: pow(3 ** 100, 3, 10 ** 40))
show(lambda: pow(3, 2 ** 61, 2 ** 200 + 7))
print(pow(3, 5, 7), pow(2, 10), pow(-2, 3, 5))
