# Closures over loop variables and what they keep.
import sys

funcs = []
for i in range(3):
    def f(x=i):
        return x
    funcs.append(f)
print([g() for g in funcs])
late = []
for i in range(3):
    late.append(lambda: i)
print([g() for g in late])
big = [0] * 1000
keep = lambda: len(big)
del big
print(keep(), sys.getsizeof(keep.__closure__[0].cell_contents))
