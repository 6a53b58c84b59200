# map() with more than five iterables takes its argument array from
# PyMem_Malloc for each call, so tracemalloc's peak sees it (issue 5, s4)
import tracemalloc


def six(a, b, c, d, e, f):
    return a


def two(a, b):
    return a


tracemalloc.start()
cols = [[1000 + i for i in range(3)] for _ in range(7)]
m6 = map(six, cols[0], cols[1], cols[2], cols[3], cols[4], cols[5])
m2 = map(two, cols[0], cols[6])
for m in (m6, m2, m6, m2):
    tracemalloc.reset_peak()
    v = next(m)
    cur, peak = tracemalloc.get_traced_memory()
    print(v, peak - cur)
del m, m6, m2
tracemalloc.stop()
