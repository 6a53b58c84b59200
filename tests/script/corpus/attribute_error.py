# __slots__ instances reject attributes they do not declare.
class Point:
    __slots__ = ("x", "y")
    def __init__(self, x, y):
        self.x = x
        self.y = y

p = Point(1, 2)
print(p.x, p.y)
p.x = 10
print(p.x)
p.z = 3
