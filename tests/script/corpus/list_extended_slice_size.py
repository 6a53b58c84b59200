# an extended slice takes exactly as many items as it selects (issue 5)
a = list(range(10))
a[::2] = [1, 2, 3, 4, 5]
print(a)
a[::3] = [1, 2]
