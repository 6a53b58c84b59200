# 3.11's int max str digits: decimal text of ints up to 4300 digits is made
# (str, repr, f-strings, format, %d), non-decimal text has no limit, and the
# first decimal conversion of a longer int raises ValueError
big = 10 ** 4300
print(len(str(big - 1)), len(repr(-(big - 1))), len(f"{big - 1:,}"), len("%d" % (big - 1)))
print(len(format(big, "x")), len("%o" % big), len(f"{big:b}"))
print([big])
