# %(key) of a tuple (issue 5)
print("%(a)s" % (1,))
