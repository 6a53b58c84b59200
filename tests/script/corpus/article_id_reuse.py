# A freed object's memory (and id) can be reused at once.
class A:
    pass

a = A()
first = id(a)
del a
b = A()
print(id(b) == first)
x = [1, 2, 3]
i1 = id(x)
x = [4, 5, 6]
print(id(x) == i1)
print(id([]) == id([]))
