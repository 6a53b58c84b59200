# Building strings: each + makes a new str.
import sys

s = "a"
t = s
s += "b"
print(s, t, s is t)
parts = []
for ch in "memory":
    parts.append(ch)
word = "".join(parts)
print(word, sys.getsizeof(word), len(parts))
print(sys.getrefcount(word))
u = word * 3
print(len(u), sys.getsizeof(u))
