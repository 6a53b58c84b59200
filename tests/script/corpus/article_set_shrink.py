# Sets keep their size after removals.
import sys

s = set(range(100))
print(sys.getsizeof(s))
for i in range(95):
    s.discard(i)
print(len(s), sys.getsizeof(s))
s.clear()
print(sys.getsizeof(s))
t = set(s)
print(sys.getsizeof(t))
u = {1, 2, 3} | {4, 5}
print(sys.getsizeof(u), u)
v = frozen = {1, 2} & {2, 3}
print(v, sys.getsizeof(v))
