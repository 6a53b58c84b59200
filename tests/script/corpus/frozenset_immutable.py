# a frozenset has no add (issue 5)
fs = frozenset([1])
print(fs)
fs.add(2)
