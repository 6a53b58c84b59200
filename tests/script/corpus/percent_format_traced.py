# printf-style % formatting measured by tracemalloc: PyUnicode_Format's
# writer starts at the format's length + 100 characters, grows by a
# quarter more until the last piece and is shrunk to the text at the end;
# a str written whole into it after that is the result itself; an int's
# digits are written at once (long_to_decimal_string's scratch int
# living meanwhile for base 10) unless a sign, width, precision or X asks
# for _PyUnicode_FormatLong's str (a bytes object for a precision's
# zeros, a copy without 0x); one character is the shared str. A bool
# formats as its number.
import gc
import tracemalloc

x = 2**40
n = -(2**70) + 12345
word = "memory"
s = None
cur = peak = 0
gc.collect()
tracemalloc.start()
for v in [x, n, 7, 0, True]:
    for f in ["%d", "%5d", "%x", "%o", "%i", "%+d", "%s", "%r", "%X", "%#x", "%.3d", "%.30d",
              "%-8x|", "%08d", "% d", "%#.5o", "<%d>", "%d and %d"]:
        if v is True and f in ("%s", "%r"):
            continue  # str(True) is a static str in python3 (docs/script.md)
        tracemalloc.reset_peak()
        s = f % (v, v) if f.count("%") == 2 else f % v
        cur, peak = tracemalloc.get_traced_memory()
        print(f, s, cur, peak)
        s = None
for f in ["%s", "%10s", "%.3s", "[%s]", "%s!" * 40, "%r", "%s and %r", "%%%s%%", "no args", "%c"]:
    tracemalloc.reset_peak()
    if f == "%c":
        s = f % 65
    elif f == "no args":
        s = f % ()
    elif f.count("%") - f.count("%%") * 2 == 2:
        s = f % (word, word)
    elif f.count("%s") > 1:
        s = f % ((word,) * 40)
    else:
        s = f % word
    cur, peak = tracemalloc.get_traced_memory()
    print(len(s), int(s is word), cur, peak)
    s = None
