# set.difference_update / intersection_update / symmetric_difference(_update)
# / isdisjoint as setobject.c does them: the same object changed in place,
# the same resizes (sizes) and table orders (issue 5, s4)
import gc
import sys

a = set(range(10))
ident = id(a)
a.difference_update({1, 2}, [3, 4], (5,), {6: 0})
print(a, sys.getsizeof(a), id(a) == ident)
a.difference_update(a)
print(a, sys.getsizeof(a))
b = set(range(20))
b.intersection_update(range(5, 40), {5, 6, 7, 8, 30})
print(b, sys.getsizeof(b))
b.intersection_update()
print(b)
c = set(range(50))
c.intersection_update({3})
print(c, sys.getsizeof(c))
d = {1, 2, 3}
print(d.symmetric_difference({3, 4}), d.symmetric_difference([3, 4, 4, 5]))
print(d.symmetric_difference({}), d.symmetric_difference({2: "x", 9: "y"}))
print(sys.getsizeof(d.symmetric_difference(set(range(30)))))
d.symmetric_difference_update([3, 4, 4])
print(d)
d.symmetric_difference_update({1: 0, 7: 0})
print(d, sys.getsizeof(d))
d.symmetric_difference_update(d)
print(d)
e = {"x", "y"}
print(e.isdisjoint({"z"}), e.isdisjoint(["y"]), e.isdisjoint(e), set().isdisjoint(set()))
print(e.isdisjoint(set(range(100))), e.isdisjoint(iter([])), e.isdisjoint("xyz"))
gc.collect()
before = gc.get_count()[0]
f = set(range(8))
f.symmetric_difference_update(range(4, 12))
print(gc.get_count()[0] - before, sorted(f))
