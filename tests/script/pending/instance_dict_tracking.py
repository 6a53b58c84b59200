# KNOWN DIVERGENCE (instance.c, not fixed here): an instance attribute set
# after its __dict__ was materialized does not track the dict when the
# value may be tracked (CPython's MAINTAIN_TRACKING in insertdict).
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
