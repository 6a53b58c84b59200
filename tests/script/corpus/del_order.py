# __del__ runs as soon as the last reference goes (no cycle involved).
class Noisy:
    def __init__(self, name, child=None):
        self.name = name
        self.child = child
        print("create", name)
    def __del__(self):
        print("delete", self.name)

leaf = Noisy("leaf")
mid = Noisy("mid", leaf)
top = Noisy("top", mid)
del leaf, mid
print("top still holds the chain")
del top
print("chain gone")

items = [Noisy("i%d" % i) for i in range(3)]
print("dropping the list")
items = None
print("replacing a binding")
x = Noisy("first")
x = Noisy("second")
print("end")
