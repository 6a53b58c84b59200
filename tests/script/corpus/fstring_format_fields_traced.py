# f-strings and str.format fields of ints, bools, floats, strs, None and a
# list, with and without specs and conversions, measured by tracemalloc:
# the third place both merged formatting models covered (PyObject_Format's
# bound __format__, the formatters' temporaries, build_string's writer).
import gc
import tracemalloc

gc.collect()
tracemalloc.start()
vals = [0, 7, -255, 2**40, True, 3.5, -0.25, 7.0, "abc", "é", None, [1, 2]]
rows = []
for v in vals:
    for k in range(6):
        tracemalloc.reset_peak()
        b = tracemalloc.get_traced_memory()[0]
        if k == 0:
            s = f"{v}"
        elif k == 1:
            s = f"<{v}>"
        elif k == 2:
            s = f"{v!r:>12}"
        elif k == 3:
            s = "{}".format(v)
        elif k == 4:
            s = "[{0}|{0!s:^9}]".format(v)
        else:
            s = f"{v!s:<3}"
        a = tracemalloc.get_traced_memory()
        rows.append((k, s, s is v, a[0] - b, a[1] - b))
        del s
for r in rows:
    print(r)
rows = []
for v in [0, 7, -255, 2**40, True, 3.5, -0.25, 7.0, 1e22]:
    for k in range(7):
        tracemalloc.reset_peak()
        b = tracemalloc.get_traced_memory()[0]
        if k == 0:
            s = f"{v:>8}"
        elif k == 1:
            s = f"{v:,}"
        elif k == 2:
            s = f"{v:.2f}"
        elif k == 3:
            s = f"x={v:+}"
        elif k == 4:
            s = f"{v:e}|{v:g}"
        elif k == 5:
            s = "{0:^12}{0:%}".format(v)
        else:
            s = f"{v=}"
        a = tracemalloc.get_traced_memory()
        rows.append((k, s, a[0] - b, a[1] - b))
        del s
for r in rows:
    print(r)
