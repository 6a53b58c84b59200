# A mappingproxy's methods are its own: called through the proxy they run
# on the class's dict, but dict's descriptors refuse the proxy itself.
class A:
    x = 1


p = A.__dict__
print(p.get('x'), p.get('y', 2), sorted(p.keys()), len(p.items()), len(p.values()))
print(A.__dict__.copy() == dict(p), type(A.__dict__.copy()))
print(dict.keys(p))
