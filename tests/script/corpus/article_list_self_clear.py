# A list that contains itself, then clear() breaks the cycle.
import sys
import gc

gc.collect()
lst = [1, 2]
lst.append(lst)
print(lst, sys.getrefcount(lst))
lst.clear()
print(lst, sys.getrefcount(lst))
lst.append(lst)
lst2 = lst
del lst
del lst2
print(gc.collect())
d = {}
d["self"] = d
print(d)
del d
print(gc.collect())
