# Small ints from -5 to 256 are cached; others are made as needed.
import sys

def same(a, b):
    return a is b

for v in [-6, -5, 0, 100, 256, 257, 1000]:
    a = int(str(v))
    b = int(str(v))
    print(v, same(a, b))
x = 10
y = 5 + 5
print(x is y)
big1 = 10 ** 3
big2 = 10 ** 3
print(big1 == big2, big1 is big2)
print(sys.getsizeof(0), sys.getsizeof(256), sys.getsizeof(2 ** 40))
