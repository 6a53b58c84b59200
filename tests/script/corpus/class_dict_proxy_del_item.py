# Deleting a key of a class's __dict__: a mappingproxy has no item
# deletion, and a str key is no sequence index ("does not", not the
# "doesn't" of PySequence_DelItem).
class A:
    x = 1


print(A.__dict__['x'])
del A.__dict__['x']
