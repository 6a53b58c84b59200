# format() of an int with a spec, measured by tracemalloc: PyObject_Format
# looks up int.__format__ (a bound method, alive for the call); the fast
# path (no sign, width or grouping, not X or n) writes the digits at once,
# for base 10 while long_to_decimal_string's scratch int lives; otherwise
# _PyLong_Format's text lives until the result is made; the float types
# convert the int (a float left in the free list) and format it through
# PyOS_double_to_string's buffer. A '0' fill aligned with '=' is grouped
# with the digits; a bool formats as its number.
import gc
import tracemalloc

x = 2**40
n = -(2**70) + 12345
s = None
cur = peak = 0
gc.collect()
tracemalloc.start()
for v in [x, n, 7, 0]:
    for spec in ["d", "10d", ",", "_", "x", "#x", "o", "b", ">20", "+d", "020,d", "X", "n",
                 "e", ".3f", "%", "E", "=+020,d", ">020,"]:
        tracemalloc.reset_peak()
        s = format(v, spec)
        cur, peak = tracemalloc.get_traced_memory()
        print(spec, s, cur, peak)
        s = None
tracemalloc.reset_peak()
s = f"{x:>16,}"
cur, peak = tracemalloc.get_traced_memory()
print(s, cur, peak)
s = None
print(format(True, ">5"), format(False, "05"), format(3.5, "010,.1f"), format(-5, "010,.1f"))
