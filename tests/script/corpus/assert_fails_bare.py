# a bare failing assert: the last line is just AssertionError
assert True
assert 1 == 2
