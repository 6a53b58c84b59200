# sys.getsizeof of strs and ints.
import sys

for s in ["", "a", "ab", "hello", "é", "日本", "x" * 100]:
    print(repr(s), sys.getsizeof(s))
for n in [0, 1, 2 ** 30 - 1, 2 ** 30, 2 ** 60, 2 ** 90, -1, -(2 ** 64)]:
    print(n, sys.getsizeof(n))
print(sys.getsizeof(1.5), sys.getsizeof(True), sys.getsizeof(None))
print(sys.getsizeof(()), sys.getsizeof((1,)), sys.getsizeof((1, 2, 3)))
print(sys.getsizeof(b""), sys.getsizeof(b"abc"))
