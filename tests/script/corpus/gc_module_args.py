# gc's argument edge cases as 3.11's Argument Clinic reads them:
# get_objects(-1) is get_objects(None) (-1 is the C default), set_debug
# keeps a C int (negative flags read back negative), set_threshold with
# fewer arguments keeps the others.
import gc


class K:
    pass


gc.collect()
k = K()
k.me = k
print(len([o for o in gc.get_objects(-1) if o is k]), len([o for o in gc.get_objects(None) if o is k]))
gc.set_debug(-1)
print(gc.get_debug())
gc.set_debug(-2**31)
print(gc.get_debug())
gc.set_debug(2**31 - 1)
print(gc.get_debug())
gc.set_debug(0)
gc.set_threshold(5)
print(gc.get_threshold())
gc.set_threshold(6, 4)
print(gc.get_threshold())
gc.set_threshold(700, 10, 10)
print(gc.get_threshold())
del k
print(gc.collect())
