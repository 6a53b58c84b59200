# Locals die when their function returns; returned objects live on.
class Tracked:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("  del", self.name)

def work():
    a = Tracked("local a")
    b = Tracked("local b")
    keep = Tracked("returned")
    print("  returning")
    return keep

print("calling")
r = work()
print("back with", r.name)

def nested(depth):
    t = Tracked("depth %d" % depth)
    if depth < 3:
        nested(depth + 1)
    print("  leaving", depth)

nested(1)
print("rebinding r")
r = None
print("done")
