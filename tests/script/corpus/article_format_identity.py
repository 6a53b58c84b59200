# str.format returns the field's own str when the template is that one field
# (the writer keeps it as its result), else a new str.
s = "abc"
print("{}".format(s) is s, "{0}".format(s) is s, "{x}".format(x=s) is s, "{!s}".format(s) is s, "{:}".format(s) is s, "{} ".format(s) is s)
print("{}".format(True) is str(True), "{!r}".format(False))
