# an instance's __dict__ is made from its values as a split dict
# (make_dict_from_instance_attributes): getsizeof counts the shared keys'
# usable size, tracemalloc only the dict object; it stays the instance's
# dict, split while the shared keys can take its new names (issue 5)
import sys
import tracemalloc


class P:
    def __init__(self):
        self.x = 1


p = P()
print(sys.getsizeof(p.__dict__))


class Q:
    def __init__(self, n):
        self.a = n
        self.b = [n]


qs = [Q(i) for i in range(3)]
d = qs[0].__dict__
print(sys.getsizeof(d), d, d is qs[0].__dict__, len(d), list(d), list(d.values()))
qs[0].c = 3
print(sys.getsizeof(d), d, sys.getsizeof(qs[1].__dict__))
del qs[0].a
print(sys.getsizeof(d), d, qs[0].__dict__, hasattr(qs[0], "a"))
d["a"] = "back"
d["zz"] = 9
print(qs[0].a, qs[0].zz, sys.getsizeof(d), list(d))
qs.append(Q(7))
print(sys.getsizeof(d), sys.getsizeof(qs[3].__dict__), qs[3].__dict__)
e = qs[1].__dict__
c = e.copy()
print(c, sys.getsizeof(c), c == e, c is e, sys.getsizeof(dict(e)))
e[5] = "int key"
print(sys.getsizeof(e), e, qs[1].b)


class R:
    pass


r = R()
print(sys.getsizeof(r.__dict__), r.__dict__)
r.k = 1
print(sys.getsizeof(r.__dict__), r.__dict__)
tracemalloc.start()
s = Q(1)
t0 = tracemalloc.get_traced_memory()[0]
sd = s.__dict__
t1 = tracemalloc.get_traced_memory()[0]
s.new_attr = 5
t2 = tracemalloc.get_traced_memory()[0]
print(t1 - t0, t2 - t1, sys.getsizeof(sd))


class Many:
    pass


m = Many()
md = m.__dict__
for i in range(40):
    setattr(m, "f" + str(i), i)
    if i % 7 == 0:
        print(i, sys.getsizeof(md))
print(len(md), sys.getsizeof(md), md["f39"])
del p, qs, d, e, c, r, s, sd, m, md


class Full:
    pass


f = Full()
for i in range(29):
    setattr(f, "g" + str(i), i)
g = Full()
print(sys.getsizeof(g.__dict__))
for i in range(31):
    setattr(f, "h" + str(i), i)
    if i % 5 == 0:
        print(i, sys.getsizeof(f.__dict__), sys.getsizeof(g.__dict__))
g.late = 1
print(sys.getsizeof(g.__dict__), len(f.__dict__), list(g.__dict__))
