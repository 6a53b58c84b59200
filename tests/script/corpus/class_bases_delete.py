# __bases__ is type's getset: deleting it is type_set_bases' TypeError.
class A:
    pass


class C(A):
    pass


print(C.__bases__, C.__base__)
del C.__bases__
