# Tuples of atoms get untracked by the collector.
import gc

t = tuple([1, 2, 3])
print(gc.is_tracked(t))
gc.collect()
print(gc.is_tracked(t))
u = ([], 1)
gc.collect()
print(gc.is_tracked(u))
v = ("a", ("b", "c"))
w = tuple(["a", tuple(["b", "c"])])
print(gc.is_tracked(w))
gc.collect()
print(gc.is_tracked(w), gc.is_tracked(w[1]))
