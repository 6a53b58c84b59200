# A mappingproxy on the right of an order: int refuses, the proxy's
# reflected comparison hands the op to its mapping.
class A:
    x = 1


print(1 > A.__dict__)
