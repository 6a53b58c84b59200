# Instances of one class share their dict's keys: the instance is small and its
# attributes live in the instance's values, not in a dict of its own.
import sys

class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

p = Point(1, 2)
q = Point(3, 4)
print(sys.getsizeof(p), sys.getsizeof(q))
print(p.__dict__, q.__dict__)
q.z = 5
print(q.__dict__)
r = Point(5, 6)
print(r.x + r.y, r.__dict__)
plain = {"x": 1, "y": 2}
print(sys.getsizeof(plain))
del p.x
print(p.__dict__)
