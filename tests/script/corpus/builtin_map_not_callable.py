# map() does not check its function: the first next() calls it (issue 5)
m = map(1, [1, 2])
print(type(m))
print(list(m))
