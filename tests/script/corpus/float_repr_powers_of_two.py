# repr of floats at every power of two and next to it (the gap below a
# power of two is half the gap above: the shortest repr may not be the
# correctly rounded one of its length)
out = []
for k in range(-1074, 1024):
    x = 2.0 ** k
    out.append(repr(x))
    out.append(repr(-x))
    out.append(repr(x * 3))
    out.append(repr(x * 1.0000000000000002))
    out.append(str(x / 3))
print(len(out))
for i in range(0, len(out), 5):
    print(" ".join(out[i:i + 5]))
