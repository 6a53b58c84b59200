# Sets: table sizes as they grow, and set operations.
import sys

s = set()
last = sys.getsizeof(s)
print(0, last)
for i in range(40):
    s.add(i)
    n = sys.getsizeof(s)
    if n != last:
        print(len(s), n)
        last = n
a = {1, 2, 3}
b = {3, 4}
print(a | b, a & b, a - b, a ^ b)
print(sys.getsizeof(a), sys.getsizeof(b))
s.discard(0)
s.remove(1)
print(len(s), sys.getsizeof(s))
print(sys.getsizeof(set(range(100))))
print(sorted({x % 5 for x in range(20)}))
