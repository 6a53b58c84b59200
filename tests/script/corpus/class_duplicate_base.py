# The same base twice: check_duplicates' TypeError, after the class body
# ran (as CPython's __build_class__ runs it first).
class A:
    pass


class X(A, A):
    print('body runs')
