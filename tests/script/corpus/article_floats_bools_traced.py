# Printing floats and bools in a traced loop.
import gc
import tracemalloc

gc.collect()
tracemalloc.start()
total = 0.0
flags = []
for i in range(5):
    total += i / 3
    flags.append(total > 1)
    print(f"step {i}: total={total:.3f} big={total > 1} raw={total}")
print(flags, total, round(total, 2))
cur, peak = tracemalloc.get_traced_memory()
print(cur, peak)
print("%.2f MB" % (cur / 1e6), "%d bytes" % cur, "{:,} bytes".format(peak))
print(tracemalloc.get_traced_memory())
tracemalloc.stop()
