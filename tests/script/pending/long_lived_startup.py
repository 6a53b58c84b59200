# KNOWN DIVERGENCE (startup state, not fixed here): after gc.collect(),
# python3's long_lived_total counts its ~5,800 startup objects in
# generation 2, a fresh heap's only the program's, so the 25% rule lets a
# heap collect generation 2 automatically far sooner (here at about 870
# allocations; python3 not in 2,000).
import gc

gc.collect()
gc.set_threshold(50, 3, 2)


class Node:
    pass


keep = []
for i in range(2000):
    n = Node()
    n.me = n
    if i % 3 == 0:
        keep.append(n)
    if i % 97 == 0:
        print(i, gc.get_count())
gc.set_threshold(700, 10, 10)
