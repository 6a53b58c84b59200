# printf-style formatting ("%d bytes" % n), measured: PyUnicode_Format's
# writer (the format's length + 100 characters, over-allocated until the
# last piece), ints and floats written straight into it or made into strs
# first (a width, a precision, a sign, %X), a str or a float alone becoming
# the result as it is. The objects' addresses are masked by the harness.
import gc
import tracemalloc
gc.collect()
tracemalloc.start()
class P:
    pass
p = P()
out = []
cases = [("%5s", ("ab",)), ("%-4d|", (3,)), ("%+d", (12,)), ("%05.1f", (2.25,)), ("%e", (12345.678,)), ("%g", (0.0001,)),
         ("%x %X %o", (255, 255, 8)), ("%c%c", (65, "b")), ("%(a)s=%(b)d", {"a": "k", "b": 10}), ("%s", (p,)), ("%r", ([1, 2],)),
         ("%.3s", ("abcdef",)), ("%%d %d", (4,)), ("%s" , ("é",)), ("%10.3f|", (3.14159,)), ("%i", (2 ** 64,)), ("%.2f%%", (99.5,)),
         ("%s and %s", ([1], (2,))), ("%d items", (1000,)), ("%s" * 30, tuple(range(30)))]
for fmt, v in cases:
    tracemalloc.reset_peak()
    b = tracemalloc.get_traced_memory()[0]
    s = fmt % v
    a = tracemalloc.get_traced_memory()
    out.append((s[:40], a[0] - b, a[1] - b))
    del s
for o in out:
    print(o)
