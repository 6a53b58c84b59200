# A list over-allocates as it grows; getsizeof jumps only now and then.
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
while lst:
    lst.pop()
    size = sys.getsizeof(lst)
    if size != last:
        print("pop", len(lst), size)
        last = size
