# a split __dict__ releases its values in the shared keys' order when it
# dies or is cleared (3.11 walks ma_values by key index); merges and
# iteration keep its insertion order (issue 5)
class F:
    def __init__(self, n):
        self.n = n

    def __del__(self):
        print("del", self.n)


class A:
    pass


a = A()
a.x = 1
a.y = 2
a.z = 3
b = A()
b.z = F("z")
b.y = F("y")
b.x = F("x")
d = b.__dict__
e = {}
e.update(d)
print(list(d), list(dict(d)), list(d.copy()), list(e), d)
del b, e
del d
c = A()
c.y = F("cy")
c.x = F("cx")
cd = c.__dict__
cd["w"] = F("cw")
cd.clear()
print("cleared", cd)
g = A()
g.z = F("gz")
g.x = F("gx")
gd = g.__dict__
del g
del gd["z"]
gd["z"] = F("gz2")
del gd
print("end")
