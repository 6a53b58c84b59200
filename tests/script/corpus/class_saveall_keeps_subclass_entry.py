# Under DEBUG_SAVEALL a collected class stays in gc.garbage: the collector
# clears the weakref object's tp_subclasses holds to it, but the entry stays
# until the class is freed (type_dealloc), so later class statements count
# as python3's (found by gen_random.py's classes).
import gc

gc.set_debug(gc.DEBUG_SAVEALL)


class K0:
    tag = 'K0'


del K0
print('collect', gc.collect(2))


class K1:
    def __del__(self):
        print('del', 'K1')


print(gc.get_count())


class K2(K1):
    tag = 'K2'


print(gc.get_count(), len(gc.garbage))
gc.set_debug(0)
gc.garbage.clear()
print(gc.collect(), gc.get_count())
