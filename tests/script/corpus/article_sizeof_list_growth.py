# sys.getsizeof of a growing list shows over-allocation.
import sys

lst = []
last = sys.getsizeof(lst)
print(0, last)
for i in range(40):
    lst.append(i)
    size = sys.getsizeof(lst)
    if size != last:
        print(len(lst), size)
        last = size
print(sys.getsizeof([0] * 10), sys.getsizeof([0, 0, 0]), sys.getsizeof(list(range(10))))
print(sys.getsizeof([i for i in range(10)]))
while lst:
    lst.pop()
    if sys.getsizeof(lst) != last:
        last = sys.getsizeof(lst)
        print("shrunk at", len(lst), last)
