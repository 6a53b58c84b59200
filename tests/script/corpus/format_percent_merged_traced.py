# Formatting after the merge of two models of it: format() specs and '%'
# conversions of ints, bools, floats and strs, each measured by tracemalloc
# (current and peak around it). '%d' of a float formats the int of it
# (_PyUnicode_FormatLong's str, zero-extended by a precision), '%e' of an
# int makes and drops a float; a float's fast path returns dtoa's text as
# the result (one character: the shared str); format(255, 'c') has its
# writer's Latin-1 buffer; widths and precisions count characters, not
# UTF-8 bytes; format(s, 's') and format(s, '<') are s itself.
import gc
import tracemalloc

gc.collect()
tracemalloc.start()
ints = [0, 7, -255, 2**40, -(2**70) - 3, True]
floats = [3.5, -0.25, 1e-5, 123456.789, 7.0]
strs = ["abc", "é", "ünïcödé"]
pct_int = ["%d", "%5d", "%-6d|", "%+d", "% d", "%05d", "%.4d", "%#x", "%X", "%#X", "%o", "%.3x",
           "%#.6X", "%s", "%r", "[%d]", "%d%%", "%u", "%+.5d", "% 8.3d", "%e", "%10.2f", "%g", "%+f"]
pct_float = ["%d", "%.4d", "%+d", "%5i", "%e", "%10.2f", "%g", "%+f", "%s", "%r"]
pct_str = ["%s", "%10s", "%-10s|", "%.2s", "%r", "[%s]"]
spec_int = ["", "d", "5d", "+d", "x", "#X", "o", "b", ",", "_", "08,d", "n", ">10", "^9", "e", "g",
            ".2f", "%", "010.3f", "+.1e", "=+12,"]
spec_float = ["", "e", "g", ".2f", "%", "010.3f", "+.1e", "10", ">10", ",", ".3", "n"]
spec_str = ["", "s", "<", ">10", "<5", "^9", ".2", "*^7"]
rows = []
cases = [(v, f, True) for v in ints for f in pct_int]
cases += [(v, f, True) for v in floats for f in pct_float]
cases += [(v, f, True) for v in strs for f in pct_str]
cases += [(v, f, False) for v in ints for f in spec_int]
cases += [(v, f, False) for v in floats for f in spec_float]
cases += [(v, f, False) for v in strs for f in spec_str]
cases += [(255, "c", False), (65, "c", False), (0x263A, "c", False)]
for v, f, pct in cases:
    tracemalloc.reset_peak()
    b = tracemalloc.get_traced_memory()[0]
    s = f % v if pct else format(v, f)
    a = tracemalloc.get_traced_memory()
    rows.append((f, s, s is v, a[0] - b, a[1] - b))
    del s
for r in rows:
    print(r)
tracemalloc.stop()
