# a missing %(key) is the mapping's KeyError (issue 5)
print("%(a)s|%(b)d" % {"a": 1, "b": 2})
print("%(a)s|%(z)s" % {"a": 1})
