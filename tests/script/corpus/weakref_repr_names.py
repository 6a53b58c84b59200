# a weakref names what it points to: a function, a bound method, a class,
# however long the name (the repr was cut at 64 bytes)
import weakref
def f():
    pass
def a_rather_long_function_name_for_a_weakref_repr():
    pass
class AVeryLongClassNameIndeedForTheRepr:
    pass
print(weakref.ref(f))
print(weakref.ref(a_rather_long_function_name_for_a_weakref_repr))
print(weakref.ref(AVeryLongClassNameIndeedForTheRepr))
class K:
    def m(self):
        pass
k = K()
bm = k.m
print(weakref.ref(bm))
