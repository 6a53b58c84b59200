# tracemalloc in a function: peaks of temporary lists.
import gc
import tracemalloc

def build(n):
    tmp = [str(i) for i in range(n)]
    return len("".join(tmp))

gc.collect()
tracemalloc.start()
for n in [10, 100, 1000]:
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    total = build(n)
    cur, peak = tracemalloc.get_traced_memory()
    print(f"n={n}: result {total}, kept {cur - before}, peak {peak - before}")
tracemalloc.stop()
