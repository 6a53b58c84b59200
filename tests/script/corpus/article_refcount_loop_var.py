# A for loop's variable holds the last item after the loop ends.
import sys

items = [object(), object(), object()]
for it in items:
    pass
print(it is items[-1], sys.getrefcount(items[-1]), sys.getrefcount(items[0]))
del it
print(sys.getrefcount(items[-1]))
pairs = [(i, [i]) for i in range(3)]
for k, v in pairs:
    pass
print(k, v, sys.getrefcount(v))
