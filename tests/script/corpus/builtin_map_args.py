# map() needs a function and at least one iterable (issue 5)
print(list(map(abs, [-1, 2])))
m = map(abs)
