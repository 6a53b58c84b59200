# str.encode for utf-8, ascii and latin-1 (and their spellings): the bytes
# and their sizes next to the str's, one-byte results shared, and the
# _PyBytesWriter's bytes object past 512 bytes seen by tracemalloc's peak
# (issue 5, s4)
import sys
import tracemalloc

for s in ["", "a", "abc", "café", "naïve", "€uro", "𝄞", "ÿ", "日本語"]:
    b = s.encode()
    print(repr(s), b, len(s), len(b), sys.getsizeof(s), sys.getsizeof(b))
print("a".encode() is "a".encode(), "".encode() is b"", "abc".encode() is "abc".encode())
print("café".encode("latin-1"), "café".encode("ISO-8859-1"), "abc".encode("ascii"))
print("x".encode("UTF8"), "x".encode(encoding="utf_8"), "é".encode("utf-8", "strict"))
print("é".encode(errors="strict", encoding="latin1"), "ok".encode("US-ASCII"))
tracemalloc.start()
for text in ["é" * 100, "é" * 300, "€" * 200, "a" * 1000, "𝄞" * 130, "é" + "a" * 400]:
    tracemalloc.reset_peak()
    c0 = tracemalloc.get_traced_memory()[0]
    b = text.encode()
    cur, peak = tracemalloc.get_traced_memory()
    print(len(b), cur - c0, peak - c0)
    del b
tracemalloc.stop()
print("naïve".encode("ascii"))
