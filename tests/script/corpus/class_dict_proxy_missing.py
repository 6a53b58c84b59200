# A key a class's __dict__ does not have: the dict's KeyError.
class A:
    pass


print(sorted(A.__dict__))
print(A.__dict__['zz'])
