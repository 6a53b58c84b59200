# str.format with numbers, measured: an int field is written straight into the
# writer (with its scratch int) or made a str first (a width, a sign,
# grouping, %X), a float field comes from its str() or dtoa's block, and a
# float alone in the template is the result as it is.
import gc
import tracemalloc
gc.collect()
tracemalloc.start()
out = []
cases = [("{}", (5,)), ("{}", (5000,)), ("{:,}", (10 ** 9,)), ("n={:d}!", (12345,)), ("{:x}", (255,)), ("{:#X}", (255,)), ("{:>8}", (42,)),
         ("{}", (1.5,)), ("{:.2f}", (3.14159,)), ("v={:e}", (12345.6789,)), ("{:10.3f}|", (2.5,)), ("{:%}", (0.25,)), ("{:.1f}", (7,)),
         ("{} {} {}", (1, 2.5, "s")), ("{0:b} {0:o}", (10,)), ("{:c}", (65,)), ("{:+d}", (3,)), ("{:,.2f}", (1234567.891,))]
for fmt, v in cases:
    tracemalloc.reset_peak()
    b = tracemalloc.get_traced_memory()[0]
    s = fmt.format(*v) if False else (fmt.format(v[0]) if len(v) == 1 else fmt.format(v[0], v[1], v[2]))
    a = tracemalloc.get_traced_memory()
    out.append((s, a[0] - b, a[1] - b))
    del s
for o in out:
    print(o)
