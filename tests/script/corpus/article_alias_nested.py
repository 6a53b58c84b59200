# Aliasing a nested list: every name and every container slot is a reference.
import sys

inner = [1, 2, 3]
outer = [inner, inner]
print(sys.getrefcount(inner))
alias = outer
print(sys.getrefcount(outer), sys.getrefcount(inner))
copy = outer[:]
print(sys.getrefcount(inner), copy is outer, copy[0] is inner)
del outer
print(sys.getrefcount(alias), sys.getrefcount(inner))
copy.clear()
print(sys.getrefcount(inner))
alias[0] = None
print(sys.getrefcount(inner))
