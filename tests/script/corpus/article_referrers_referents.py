# Who points at what: gc.get_referents and gc.get_referrers.
import gc

x = [1, 2]
y = {"x": x}
z = [x, y]
refs = gc.get_referents(z)
print(len(refs), refs[0] is x, refs[1] is y)
print(len(gc.get_referents(y)))
holders = gc.get_referrers(x)
print(len(holders))
print(len([h for h in holders if h is y]), len([h for h in holders if h is z]))
t = (x, "s", 3)
print(len(gc.get_referents(t)))
print(gc.get_referents(1, "a"))
