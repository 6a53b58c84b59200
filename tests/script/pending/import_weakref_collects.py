# KNOWN DIVERGENCE (startup counts, not fixed here): python3 starts with
# its startup's generation counts and `import weakref` runs weakref.py, so
# automatic collections happen before the program's first gc.collect()
# (count (144, 10, 0) after the import), and they untrack the constant
# tuples the compiler already made; a fresh heap starts at (0, 0, 0) and
# does not collect. docs/script.md says counts agree only after a
# gc.collect(); is_tracked of such constants is a consequence.
import gc
import weakref


class C:
    pass


c = C()
w = weakref.ref(c)
cands = [(10**30,)]
print([gc.is_tracked(t) for t in cands])
