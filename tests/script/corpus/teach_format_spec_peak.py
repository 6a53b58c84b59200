# Formatting numbers with a spec, as a memory article prints its figures:
# the bound __format__, the int's text or the float's digits block, the
# result (a one-character result is the shared str). tracemalloc's current
# and peak figures around each.
import gc
import tracemalloc

gc.collect()
tracemalloc.start()
values = [
    (0.5, ".2f"), (1234.5678, ",.1f"), (-3.25, "+.3e"), (1e-7, "g"), (100.0, ".0f"),
    (0.001, ".2f"), (2.5, "%"), (0.125, ".1%"), (7, "05d"), (-42, "x"), (255, "#x"),
    (10 ** 20, ","), (3, ".2f"), (True, "d"), (12345, ">10"), (1.0, ".3"),
    (123456789.0, "g"), (-0.0, ".1f"), (5, "b"), (1.5, "10.2f"), (2 ** 70, "e"),
    (65, "c"), (9, "d"), (123, "X"), (4096, "_"),
]
rows = []
for v, spec in values:
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    s = format(v, spec)
    after = tracemalloc.get_traced_memory()
    rows.append((s, after[0] - before, after[1] - before))
    del s
for row in rows:
    print(row)
current, peak = tracemalloc.get_traced_memory()
line = f"current {current / 1024:.1f} KiB, peak {peak / 1024:.2f} KiB, {current:,} bytes"
tracemalloc.reset_peak()
again = tracemalloc.get_traced_memory()
line2 = f"{again[0] - current} {again[1] - current}"
print(len(line) > 0, line2)
tracemalloc.stop()
