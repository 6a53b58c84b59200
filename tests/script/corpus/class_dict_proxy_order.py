# Ordering a mappingproxy is its mapping's: the dict refuses, then the
# reflected comparison of the two dicts refuses with the reflected op.
class A:
    x = 1


print(A.__dict__ == A.__dict__, A.__dict__ != {})
print(A.__dict__ < A.__dict__)
