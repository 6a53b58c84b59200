# Which tuples and dicts the collector untracks depends on whether their
# items "may be tracked" (_PyObject_GC_MAY_BE_TRACKED): builtin functions,
# modules and method descriptors are GC objects in CPython, static types
# (int, object, type) are not, so a tuple of len stays tracked and a tuple
# of int does not.
import gc
import sys


class C:
    pass


tuples = [(int,), (object,), (type,), (C,), (len,), (print,), (sys,), (gc.collect,),
          (str.join,), ("".join,), (range(3),), ([],), ((1, (2,)),), (sys, 1), (1, int)]
dicts = [{"k": len}, {"k": int}, {"k": sys}, {len: 1}, {"k": str.join}, {"k": object}]
print([gc.is_tracked(d) for d in dicts])
gc.collect()
print([gc.is_tracked(t) for t in tuples])
print([gc.is_tracked(d) for d in dicts])
