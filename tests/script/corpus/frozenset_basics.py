# frozenset: a set's layout (same sizes, tracked), hashable (frozenset_hash),
# frozenset(fs) is fs, copy() is itself, algebra keeps the left operand's
# type, and `|=` on a frozenset makes a new object (issue 5, s4)
import gc
import sys

e = frozenset()
print(e, repr(e), e is frozenset(), sys.getsizeof(e), gc.is_tracked(e))
fs = frozenset([3, 1, 2, 3])
print(fs, len(fs), 2 in fs, 5 in fs, sys.getsizeof(fs), gc.is_tracked(fs))
print(frozenset(fs) is fs, fs.copy() is fs, set(fs) is fs, type(set(fs)), frozenset(range(10)))
print(hash(e), hash(fs), hash(frozenset({"a", "b"})) == hash(frozenset({"b", "a"})))
print(hash(frozenset([frozenset([1]), frozenset()])), hash(frozenset(range(100))))
s = {1, 2}
print(fs == {1, 2, 3}, {1, 2, 3} == fs, fs != s, s < fs, fs > s, fs <= fs)
print(type(fs | s), type(s | fs), type(fs & s), type(s & fs), type(fs - s), type(fs ^ s))
print(fs | s, fs & s, fs - s, fs ^ {9})
print(fs.union([7]), fs.intersection(range(2)), fs.difference({1}), fs.symmetric_difference([1, 8]))
print(type(fs.union()), fs.union() is fs, fs.issubset(range(5)), fs.issuperset([1]), fs.isdisjoint([0]))
alias = fs
alias |= {4}
print(alias is fs, alias, fs)
inter = fs
inter &= {1, 2}
print(inter is fs, inter)
d = {fs: "frozen", frozenset(): "empty"}
print(d[frozenset([1, 2, 3])], d[frozenset()], frozenset([1, 2, 3]) in d)
nested = {frozenset([1]), frozenset([1]), frozenset([2])}
print(len(nested), frozenset([1]) in nested, {1} in nested, {5} in nested)
print(isinstance(fs, frozenset), isinstance(s, frozenset), type(fs), frozenset.__name__)
print(sorted(frozenset("hello")), list(frozenset([5])), sys.getsizeof(frozenset(range(5))))
print(frozenset({1: 2, 3: 4}), frozenset(iter([1, 1])))
print(gc.get_referents(frozenset(["x"])), sys.getrefcount(fs))
gc.collect()
before = gc.get_count()[0]
r1 = fs.union()
r2 = fs.isdisjoint([7])
r3 = fs.copy()
print(gc.get_count()[0] - before, r2, r3 is fs)
import tracemalloc
other = frozenset([8, 9])
tracemalloc.start()
tracemalloc.reset_peak()
r4 = fs.isdisjoint(other)
cur, peak = tracemalloc.get_traced_memory()
print(r4, peak - cur)
tracemalloc.stop()
