# A class's __dict__ (a mappingproxy) takes no item assignment; a missing
# key is a KeyError as the dict's own.
class A:
    x = 1


print(A.__dict__['x'], 'x' in A.__dict__)
A.x = 2
print(A.__dict__['x'])
A.__dict__['x'] = 3
