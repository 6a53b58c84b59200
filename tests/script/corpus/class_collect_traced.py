# Classes made and collected while tracing leave nothing traced: the
# collector finds python3's count (6), and each class leaves its bases'
# tp_subclasses (B's, made for C, is freed once empty), as type_dealloc's
# remove_subclass does.
import gc
import tracemalloc


class A:
    pass


class B(A):
    pass


cur = peak = 0
x = None
gc.collect()
tracemalloc.start()


class C(B, A):
    pass


class D(A):
    pass


del C, D
x = gc.collect()
cur, peak = tracemalloc.get_traced_memory()
print(x, cur)
