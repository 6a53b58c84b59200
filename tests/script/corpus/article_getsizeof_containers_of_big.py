# getsizeof counts the container, not what it holds.
import sys

small = [1, 2, 3]
big = ["x" * 1000, "y" * 1000, "z" * 1000]
print(sys.getsizeof(small) == sys.getsizeof(big))
total = sys.getsizeof(big)
for s in big:
    total += sys.getsizeof(s)
print(total)
nested = [[1] * 100, [2] * 100]
print(sys.getsizeof(nested), sys.getsizeof(nested[0]))
d = {"key": "v" * 500}
print(sys.getsizeof(d), sys.getsizeof(d["key"]))
