# int +, -, *, ~, << allocate at CPython 3.11's sizes: one-digit operands give an
# exact-size result, else x_add allocates size_a+1 digits, x_sub size_a
# (equal top digits dropped first), x_mul size_a+size_b, << size+wordshift(+1); sys.getsizeof
# counts the normalized digits while tracemalloc sees the block
import sys, tracemalloc
tracemalloc.start()


def show(f, quiet=False):
    before = tracemalloc.get_traced_memory()[0]
    v = f()
    after = tracemalloc.get_traced_memory()[0]
    if not quiet:
        print(after - before, sys.getsizeof(v))


# the first call's 2-tuple from get_traced_memory() comes from the free
# list python3's startup filled (untraced), so it costs nothing here
show(lambda: 1)
A = 2 ** 40
B = 2 ** 60 + 12345
C = -(2 ** 70)
show(lambda: A + 1)
show(lambda: A + A)
show(lambda: B - (2 ** 60))
show(lambda: B - 2 ** 60 - 12000)
show(lambda: A * 3)
show(lambda: A * A)
show(lambda: B * B)
show(lambda: C + B)
show(lambda: C - B)
show(lambda: C * 7)
show(lambda: 5 + A)
show(lambda: 0 - A)
show(lambda: A - A)
show(lambda: B - 2)
show(lambda: 2 ** 30 * 2 ** 30)
show(lambda: 70000 * 70000)
show(lambda: -A - 1)
show(lambda: (2 ** 90 + 1) - 2 ** 90)
show(lambda: (2 ** 90 + 2 ** 31) - 2 ** 90)
show(lambda: 2 ** 29 + 2 ** 29)
show(lambda: -(2 ** 29) - 2 ** 29)
show(lambda: C * C * C)
show(lambda: ~A)
show(lambda: ~C)
show(lambda: ~(-(2 ** 40)))
show(lambda: ~(-(2 ** 30)))
show(lambda: ~(2 ** 29))
show(lambda: -A)
one = 1
m = -5
show(lambda: A << 3)
show(lambda: A << 30)
show(lambda: A << 60)
show(lambda: C << 1)
show(lambda: one << 40)
show(lambda: one << 29)
show(lambda: one << 30)
show(lambda: m << 29)
show(lambda: m << 31)
show(lambda: (2 ** 29) << 1)
show(lambda: 1000 << 28)
show(lambda: True << 3)
print(A << 0 is A, sys.getrefcount(A << 0), 0 << 5, True << 0, (A << 64) >> 64 == A)
