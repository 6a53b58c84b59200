# Finding the line that allocates the most.
import tracemalloc

def make_strings(n):
    return ["item-" + str(i) for i in range(n)]

def make_dicts(n):
    return [{"id": i} for i in range(n)]

tracemalloc.start()
a = make_strings(100)
b = make_dicts(50)
c = bytes(5000)
snap = tracemalloc.take_snapshot()
stats = snap.statistics("lineno")
for s in stats[:5]:
    print(s)
print(len(stats) >= 3)
total = sum([s.size for s in stats])
print(total > 5000)
tracemalloc.stop()
