# bound methods compare by __func__ and the identity of __self__, and hash
# the same way; builtin methods by self's identity and the C function
# (issue 5)
class A:
    def f(self):
        pass

    def g(self):
        pass


class E:
    def __eq__(self, other):
        return True

    def __hash__(self):
        return 1

    def f(self):
        pass


a = A()
b = A()
print(a.f == a.f, a.f != a.f, a.f == b.f, a.f != b.f, a.f == a.g, A.f == A.f)
m = a.f
print(m == a.f, m is a.f, a.f in [a.f], a.f in (b.f, a.f), b.f in [a.f, a.g])
print(hash(a.f) == hash(a.f), hash(m) == hash(a.f), len({a.f, a.f, b.f, a.g}))
d = {a.f: "af"}
print(d[a.f], d.get(b.f), a.f in d, a.g in d)
e1 = E()
e2 = E()
print(e1 == e2, e1.f == e2.f, e1.f == e1.f)
lst = [1]
other = [1]
print(lst.append == lst.append, lst.append == other.append, lst.append == lst.extend)
print(lst.append != lst.append, hash(lst.append) == hash(lst.append), len({lst.append, lst.append}))
print(a.f == 1, a.f == A.f, [a.f] == [a.f], (a.f,) == (a.f,))
