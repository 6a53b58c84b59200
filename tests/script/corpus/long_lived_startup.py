# After gc.collect(), python3's long_lived_total counts its ~4,800-7,200
# startup objects in generation 2 (by the modules imported), so the 25% rule
# holds automatic generation-2 collections back; a heap that runs programs
# counts them too.
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
