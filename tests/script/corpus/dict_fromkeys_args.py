# dict.fromkeys takes one or two positional arguments (issue 5)
print(dict.fromkeys([1], 2))
dict.fromkeys()
