# type's own attributes of a class are not its dict's: __dict__ cannot be
# assigned (type_setattro finds type's getset first).
class C:
    pass


C.__doc__ = 'x'
print(C.__doc__, sorted(C.__dict__))
C.__dict__ = {}
