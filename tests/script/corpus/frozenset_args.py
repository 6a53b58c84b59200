# frozenset() takes at most one argument (issue 5)
print(frozenset("ab") == frozenset("ba"))
frozenset([1], [2])
