# an extended slice needs an iterable (issue 5)
a = list(range(4))
a[::2] = iter([8, 9])
print(a)
a[::2] = 5
