# str methods make new strings.
import sys

s = "Hello, World"
for t in [s.lower(), s.upper(), s.replace("l", "L"), s.strip(), s[:5], s.split(",")[0], s * 2]:
    print(repr(t), sys.getsizeof(t), t is s)
print(s.strip() is s, s[:] is s, s[0:len(s)] is s)
u = " ".join(["a", "b", "c"])
print(u, sys.getsizeof(u))
