# ascii() is repr() with non-ASCII characters escaped (\xNN, \uNNNN,
# \UNNNNNNNN); an ASCII repr is returned as it is (issue 5, s4)
import sys
import tracemalloc

print(ascii("plain"), ascii(42), ascii([1, "two"]))
print(ascii("café"), ascii("naïve ünïcödé"), ascii("€100"), ascii("𝄞 clef"))
print(ascii(["é", {"ключ": "значение"}]), ascii(("ß",)))
print(ascii("tab\there"), ascii("\x7f\x80\xff"), ascii(b"\xff"))
s = "é" * 3
a = ascii(s)
print(a, len(a), sys.getsizeof(a), sys.getsizeof(s))


class Thing:
    def __repr__(self):
        return "Thing(ü)"


print(ascii(Thing()))
tracemalloc.start()
for text in ("ok" * 10, "é" * 10, "ä" + "x" * 600, "x" * 600 + "ä", "ä" * 200,
             "€" * 100 + "x", "x" * 505 + "é" * 4, "a" * 100 + "é" + "b" * 400 + "ñ" * 30):
    tracemalloc.reset_peak()
    c0 = tracemalloc.get_traced_memory()[0]
    r = ascii(text)
    cur, peak = tracemalloc.get_traced_memory()
    print(len(r), cur - c0, peak - c0)
    del r
tracemalloc.stop()
