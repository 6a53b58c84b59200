# Garbage too deep for recursion: a 100,001-instance ring with a weakref
# callback, a 100,001-list nest and a 50,000-deep tuple chain, each
# collected in one gc.collect().
import gc, weakref
gc.collect()
class N:
    pass
head = N()
cur = head
for i in range(100000):
    nxt = N()
    cur.nxt = nxt
    cur = nxt
cur.nxt = head
del cur, nxt
w = weakref.ref(head, lambda r: print("head dies"))
del head
print(gc.collect())
l = []
x = l
for i in range(100000):
    x.append([])
    x = x[0]
x.append(l)
del x, l
print(gc.collect())
t = None
for i in range(50000):
    t = (t, [i])
t[1].append(t)
del t
print(gc.collect(), gc.get_count())
