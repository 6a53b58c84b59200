# An iterator holds its sequence.
import sys

data = [10, 20, 30]
print(sys.getrefcount(data))
it = iter(data)
print(sys.getrefcount(data))
for x in data:
    print(x, sys.getrefcount(data))
print(sys.getrefcount(data))
del it
print(sys.getrefcount(data))
for i, v in enumerate(data):
    if i == 0:
        print("enumerate:", sys.getrefcount(data))
for a, b in zip(data, data):
    if a == 10:
        print("zip:", sys.getrefcount(data))
