# set.union of an iterable with an unhashable item (issue 5)
s = {1, 2}
print(s.union([3]), s.intersection([2, 5]), s.difference([2]))
s.union([4, []])
