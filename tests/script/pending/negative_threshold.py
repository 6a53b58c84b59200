# KNOWN DIVERGENCE (kept on purpose, not fixed here): CPython 3.11 stores a
# negative threshold as given ('i' format, no check), so count > -5 holds
# at every allocation and a collection runs each time; the heap stores 0
# (automatic collection off), because hd_gc_set_threshold and the
# server's export/import (m_gc.c, m_graph.c: 0 .. 2^31-1) refuse negatives.
import gc

gc.collect()
gc.set_threshold(-5)
print(gc.get_threshold())
x = []
print(gc.get_count(), gc.get_stats()[0]["collections"] > 0)
gc.set_threshold(700, 10, 10)
