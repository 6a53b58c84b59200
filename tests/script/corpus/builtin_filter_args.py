# filter() takes exactly two arguments (issue 5)
print(list(filter(None, [0, 1])))
f = filter(None)
