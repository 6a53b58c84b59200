# Passing an object to a function adds references while the call runs.
import sys

def show(obj):
    return sys.getrefcount(obj)

def nested(obj):
    inner = obj
    return show(inner)

x = object()
print(sys.getrefcount(x))
print(show(x))
print(nested(x))
items = [x]
print(show(x))
t = (x, x)
print(sys.getrefcount(x))
del t, items
print(sys.getrefcount(x))
