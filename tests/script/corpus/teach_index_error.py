# Off by one.
xs = [10, 20, 30]
for i in range(len(xs)):
    print(xs[i])
print(xs[len(xs)])
