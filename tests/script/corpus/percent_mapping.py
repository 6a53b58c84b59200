# %-formatting with a mapping: "%(key)s" takes the mapping's item; any
# mapping (dict, list, an object with __getitem__) but a tuple or str
# leaves no argument unconverted (PyUnicode_Format) (issue 5)
print("%(a)s" % {"a": 1})
d = {"a": 2.25, "b": 7, "x(y)": "p", "": "empty", "s": "str"}
print("%(a)5.1f|%(b)-4d|%(a)r|%(x(y))s|%()s|%(s)r|%(b)x|%(b)05d|%(a)e" % d)
print("%s %(a)s" % {"a": 1}, "abc" % [1], "%s" % [1, 2], "abc" % {})
print("%s" % (1,), "%s-%s" % (1, 2), "%s" % 5, "%r" % "q", "%%" % ())


class M:
    def __getitem__(self, key):
        return key * 2


print("%(ab)s and %(c)s" % M(), "x" % M())
print("%(0)s" % {"0": "zero"}, "%(a)s%(a)s" % {"a": "twice"})
