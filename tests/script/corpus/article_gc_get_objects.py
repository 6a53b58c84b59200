# Counting instances of a class with gc.get_objects().
import gc

class Widget:
    pass

def count():
    return len([o for o in gc.get_objects() if type(o) is Widget])

gc.collect()
print(count())
ws = [Widget() for _ in range(5)]
print(count())
del ws[:3]
print(count())
w = Widget()
w.self = w
del w
print(count())
gc.collect()
print(count())
