# A class the collector frees leaves object's tp_subclasses then (type_dealloc's
# remove_subclass), during the collection: its weakref's release does not
# move the generation-0 count of the next class statement (found by
# gen_random.py's classes).
import gc

gc.collect()


class K0:
    pass


print(gc.get_count())
del K0
print('collect', gc.collect(0))


class K2:
    pass


print(gc.get_count())
