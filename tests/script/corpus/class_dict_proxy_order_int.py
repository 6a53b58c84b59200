# A mappingproxy on the left of an order with an int.
class A:
    x = 1


print(A.__dict__ >= 1)
