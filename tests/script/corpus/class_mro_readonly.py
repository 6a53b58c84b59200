# A class's __mro__ is type's read-only member, not an entry of its dict.
class A:
    pass


class C(A):
    pass


print(C.__mro__, '__mro__' in C.__dict__)
del C.__mro__
