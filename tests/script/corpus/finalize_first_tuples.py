# The first weakref.finalize imports atexit: python3 comes out of it with
# two 3-tuples in the free list (a third stays alive), so the third 3-tuple
# made after it moves the generation-0 count (found by gen_random.py: a
# class's MRO and type_call's arguments are 3-tuples).
import gc
import weakref

gc.collect()


class K0:
    pass


weakref.finalize(K0, print)
l = [0] * 20
l.clear()
i = 0
c = gc.get_count()[0]
out = []
while i < 8:
    l.append((i, i, i))
    out.append(gc.get_count()[0] - c)
    i += 1
print(out)


class K1(K0):
    pass


class K2(K0):
    pass


print(gc.get_count()[0] - c)
