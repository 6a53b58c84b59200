# Instances of one class share their dict keys.
import sys

class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

p = Point(1, 2)
q = Point(3, 4)
print(sys.getsizeof(p.__dict__), sys.getsizeof(q.__dict__))
q.z = 5
print(sys.getsizeof(q.__dict__))
r = Point(5, 6)
print(sys.getsizeof(r.__dict__))
d = {"x": 1, "y": 2}
print(sys.getsizeof(d))
print(p.__dict__, q.__dict__)
