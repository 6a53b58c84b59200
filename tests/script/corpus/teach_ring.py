# A ring of N nodes: one collection frees all of it.
import gc

gc.collect()

class Link:
    def __init__(self, n):
        self.n = n
        self.next = None

def ring(n):
    first = Link(0)
    cur = first
    for i in range(1, n):
        cur.next = Link(i)
        cur = cur.next
    cur.next = first
    return first

for size in [1, 2, 5, 10]:
    r = ring(size)
    del r
    print(size, gc.collect())
keep = ring(3)
print("kept:", gc.collect(), keep.next.next.next is keep)
