# getweakrefcount and getweakrefs.
import weakref

class A:
    pass

a = A()
print(weakref.getweakrefcount(a), weakref.getweakrefs(a))
r1 = weakref.ref(a)
r2 = weakref.ref(a, lambda r: None)
print(weakref.getweakrefcount(a), len(weakref.getweakrefs(a)))
del r2
print(weakref.getweakrefcount(a))
print(r1() is a)
