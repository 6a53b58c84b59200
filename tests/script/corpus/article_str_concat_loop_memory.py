# Concatenation in a loop vs join, measured.
import tracemalloc

tracemalloc.start()
base = tracemalloc.get_traced_memory()[0]
s = ""
for i in range(50):
    s = s + "x"
c1 = tracemalloc.get_traced_memory()[0] - base
parts = []
for i in range(50):
    parts.append("x")
t = "".join(parts)
c2 = tracemalloc.get_traced_memory()[0] - base
print(len(s), len(t), s == t, c1, c2)
tracemalloc.stop()
