# Sizes of empty and small containers.
import sys

for obj in [[], [1], (), (1,), {}, {"a": 1}, set(), {1}, "", "a", b"", 0, 1, 2 ** 30, 0.0, None, True]:
    print(type(obj).__name__, repr(obj), sys.getsizeof(obj))
