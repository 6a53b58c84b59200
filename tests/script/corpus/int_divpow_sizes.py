# int //, %, divmod, ** and >> allocate as CPython 3.11's longobject.c does:
# divrem1 (size_a digits), x_divrem (v, w and the quotient, v freed), the
# sign fix-ups of l_divmod (mod + b, div - 1), long_pow's products freed
# step by step, k_mul's split/add temporaries for operands over 70 digits,
# long_rshift1's size_a - wordshift digits; small results are allocated and
# freed (maybe_small_long). Printed: the change in traced memory, the peak
# above the start (temporaries move it), and sys.getsizeof (normalized).
import gc, sys, tracemalloc
gc.collect()
tracemalloc.start()


def show(f):
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    v = f()
    after, peak = tracemalloc.get_traced_memory()
    if type(v) is tuple:
        print(after - before, peak - before, sys.getsizeof(v[0]), sys.getsizeof(v[1]), v[0] % 1009, v[1] % 1009)
    else:
        print(after - before, peak - before, sys.getsizeof(v), v % 1009)


show(lambda: 1)
A = 2 ** 40
B = 2 ** 60 + 12345
C = -(2 ** 70)
D = 2 ** 90 + 7
vals = [A, B, C, D, -B, 3 ** 40, 7, -7, 2 ** 30, -(2 ** 30), 2 ** 30 - 1, 255, 256, -5, 0, True]
for x in vals:
    for y in vals:
        if y:
            show(lambda: x // y)
            show(lambda: x % y)
            show(lambda: divmod(x, y))
for x in vals:
    for e in [0, 1, 2, 3, 4, 7, 13, 31]:
        show(lambda: x ** e)
    for s in [0, 1, 29, 30, 31, 60, 61, 200]:
        show(lambda: x >> s)
    show(lambda: ~x)
    for y in [A, -B, 5, -(2 ** 29)]:
        show(lambda: x + y)
        show(lambda: x - y)
        show(lambda: x * y)
show(lambda: B - (B - 5))
show(lambda: (2 ** 60 + 12345) // 2 ** 40)
show(lambda: -(2 ** 70) % (2 ** 60 + 12345))
show(lambda: (2 ** 40) ** 2)
# Karatsuba (both operands over 70 digits; squares over 140), lopsided
# products, long quotients
P = 3 ** 2000
Q = -(7 ** 1500 + 1)
S = 2 ** 2100 - 1
T = 2 ** 4300 + 99
for x in [P, Q, S, T, 2 ** 2160 + 1]:
    for y in [P, Q, S, T, 5 ** 300]:
        show(lambda: x * y)
        show(lambda: divmod(x, y))
    show(lambda: x * x)
for x in [3, -3, 2 ** 35 + 1, 10 ** 20]:
    for e in [64, 333, 2500]:
        show(lambda: x ** e)
show(lambda: -T >> 1020)
print(1 ** (2 ** 70), (-1) ** (2 ** 70 + 1), 0 ** (2 ** 70))
