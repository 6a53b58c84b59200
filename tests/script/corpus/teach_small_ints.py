# Small ints (-5..256) are shared; bigger ones made at run time are new.
def make(n):
    return n + 0

for n in [-6, -5, 0, 100, 256, 257, 1000]:
    a = make(n)
    b = make(n)
    print(n, a is b)
x = 250
for i in range(10):
    y = x + i
    z = x + i
    print(y, y is z)
