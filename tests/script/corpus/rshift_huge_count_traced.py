# x >> n for a count of 2**63 or more, measured by tracemalloc: CPython's
# divmod_shift gets an OverflowError from PyLong_AsSsize_t (its message
# str made and cleared), divides the count by 30 with divrem1 (a
# temporary of the count's size) and, when the quotient does not fit a
# Py_ssize_t either, gets the error once more while the quotient lives.
import gc
import tracemalloc

x = 2**100 + 5
y = 12345
r = None
cur = peak = 0
gc.collect()
tracemalloc.start()
for a in [x, -x, y, -y, 0, True]:
    for n in [2**63 - 1, 2**63, 2**64, 2**70, 30 * 2**63 - 1, 30 * 2**63, 2**2000]:
        tracemalloc.reset_peak()
        r = a >> n
        cur, peak = tracemalloc.get_traced_memory()
        print(r, cur, peak)
        r = None
