# Many attributes, and attributes set in a different order.
import sys
class Many:
    def __init__(self):
        for i in range(40):
            setattr(self, "a%d" % i, i)
m = Many()
print(sys.getsizeof(m), len(m.__dict__))
class Order:
    def __init__(self, flip):
        if flip:
            self.y = 1
            self.x = 2
        else:
            self.x = 1
            self.y = 2
o1 = Order(False)
o2 = Order(True)
print(sys.getsizeof(o1), sys.getsizeof(o2), list(o1.__dict__), list(o2.__dict__))
o3 = Order(False)
print(list(o3.__dict__))
