# Each attribute access to a method makes a new bound method.
import sys

class Greeter:
    def __init__(self, name):
        self.name = name
    def hello(self):
        return "hello " + self.name

g = Greeter("ada")
print(sys.getrefcount(g))
m = g.hello
print(sys.getrefcount(g), m())
print(g.hello is g.hello)
del m
print(sys.getrefcount(g))
methods = [g.hello for i in range(3)]
print(sys.getrefcount(g), sys.getsizeof(methods[0]))
