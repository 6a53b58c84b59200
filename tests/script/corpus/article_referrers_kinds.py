# gc.get_referrers finds who holds an object.
import gc

target = []
holder_list = [target]
holder_dict = {"t": target}
class Holder:
    def __init__(self, x):
        self.x = x
h = Holder(target)
refs = gc.get_referrers(target)
kinds = sorted([type(r).__name__ for r in refs])
print(kinds)
print(len([r for r in refs if r is holder_list]), len([r for r in refs if r is holder_dict]))
