# The peak while a class statement runs: type_new's transients end with
# the copy of the class dict that type_new_set_names walks, then
# init_subclass's super() object and bound __init_subclass__, alive
# together while the class body's function still lives; the bound
# type.__prepare__ comes and goes before the namespace is filled.
import gc
import tracemalloc

cur = peak = 0
gc.collect()
tracemalloc.start()


class A:
    pass


cur, peak = tracemalloc.get_traced_memory()
print(cur, peak)
tracemalloc.reset_peak()


class B(A):
    x = 1

    def f(self):
        return self.x


cur, peak = tracemalloc.get_traced_memory()
print(cur, peak)
tracemalloc.reset_peak()


class C(B, A):
    def __del__(self):
        pass


cur, peak = tracemalloc.get_traced_memory()
print(cur, peak)
tracemalloc.reset_peak()


class S:
    __slots__ = ("a", "b")


cur, peak = tracemalloc.get_traced_memory()
print(cur, peak)
tracemalloc.reset_peak()
del A, B, C, S
print(gc.collect())
cur, peak = tracemalloc.get_traced_memory()
print(cur, peak)
