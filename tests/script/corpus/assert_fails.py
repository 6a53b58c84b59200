# assert raises AssertionError, with its message when it has one
assert 1 == 1, "never evaluated"
x = [1, 2]
assert len(x) == 2
assert x[0] == 2, "x[0] is %d" % x[0]
