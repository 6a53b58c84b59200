# A for target that is a constant subscript compiles and fails on the first
# item; "ab"[0] += "c" would fail the same way.
for (1, 2)[0] in [7]:
    print("not reached")
