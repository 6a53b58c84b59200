# None, True and False are singletons.
x = None
y = None
print(x is y, type(None).__name__)
print(True is (1 == 1), False is (1 == 2), True == 1, True is 1 == 1)
flags = [True, False, True]
print(flags.count(True), sum(flags), str(flags[0]), repr(flags[1]))
print(str(True) + str(False), f"{flags[0]}-{flags[1]}")
print(bool([]), bool([0]), bool(""), bool(None))
print(True + True, True * 10, -False)
