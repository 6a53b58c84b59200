# after a %(key), flags or a width, '%' is a conversion character, not a
# literal (issue 5)
print("%%|%%%s|%s%%" % (1, 2))
print("%(a)%" % {"a": 0})
