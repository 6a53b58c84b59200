# The same value, different objects: ids, equality and hashing.
a = (1, 2, [3])
b = (1, 2, [3])
print(a == b, a is b, id(a) == id(b))
c = a
c[2].append(4)
print(a, b, a == b)
d = {1: "one"}
e = dict(d)
print(d == e, d is e)
f = frozen = tuple(a[:2])
print(hash(f) == hash((1, 2)), f is a[:2])
