# str()/repr()/f-strings of ints (long_to_decimal_string's scratch int of
# 1 + size + size // 99 digits lives while the str is made: it moves the
# peak), & | ^ (long_bitwise: complemented copies of negative operands, a
# result of the longer or shorter operand's size, one digit more when
# negative) and / (long_true_divide: correctly rounded through a shifted
# copy of the dividend and x_divrem's blocks) against python3.
import gc, sys, tracemalloc
gc.collect()
tracemalloc.start()


def show(f):
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    v = f()
    after, peak = tracemalloc.get_traced_memory()
    print(after - before, peak - before, sys.getsizeof(v), repr(v))


show(lambda: 1)
for x in [0, 7, -7, 2 ** 30, 2 ** 40, -(2 ** 70), 3 ** 300]:
    show(lambda: str(x))
    show(lambda: repr(x))
    show(lambda: f"{x}")
    show(lambda: f"{x!r}")
    show(lambda: format(x))
vals = [2 ** 40, -(2 ** 40), 2 ** 60 + 12345, -(2 ** 60) - 7, -(2 ** 63), 12345, -12345, -1, 0, 2 ** 30, -(2 ** 30), True, False]
for x in vals:
    for y in vals:
        show(lambda: x & y)
        show(lambda: x | y)
        show(lambda: x ^ y)
nums = [2 ** 40, -(2 ** 70), 3 ** 300, 2 ** 53 + 1, 2 ** 100 + 1, 7, 0, True, 12345678901234567890123]
dens = [2 ** 40, 2 ** 60 + 12345, -(3 ** 301), 2 ** 53 - 1, 3, -7, 2 ** 30 + 1, 10 ** 400, 7 ** 600 + 1]
for x in nums:
    for y in dens:
        show(lambda: x / y)
for x in [10 ** 400, -(7 ** 600)]:
    for y in [7 ** 590, 10 ** 399, 2 ** 1100]:
        show(lambda: x / y)
