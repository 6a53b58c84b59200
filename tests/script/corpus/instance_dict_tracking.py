# An instance attribute set after its __dict__ was made tracks the dict when
# the value may be tracked (MAINTAIN_TRACKING in insertdict), as a store
# into the dict itself does.
import gc


class K:
    def __init__(self):
        self.a = 1


k = K()
d = k.__dict__
gc.collect()
print(gc.is_tracked(d))
k.c = []
print(gc.is_tracked(d))
d["e"] = []
print(gc.is_tracked(d))
