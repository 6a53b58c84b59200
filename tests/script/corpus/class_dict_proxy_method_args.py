# A mappingproxy's keys/values/items/copy parse their own arguments: the
# error names mappingproxy, not dict.
class A:
    x = 1


p = A.__dict__
print(p.get('x'), p.get('y', 2))
print(p.items(1))
