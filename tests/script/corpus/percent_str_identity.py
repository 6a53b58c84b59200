# '%' formatting's result is the argument itself when PyUnicode_Format's
# writer has nothing else to write: a str written whole by the last piece
# (no width or precision beyond its length, no sign flag) into an empty
# writer is taken as it is (WriteStr's readonly case), with tracemalloc
# tracing or not; a format without '%' is its own result.
s = "abcdef"
print(("%5s" % s) is s, ("%-3s" % s) is s, ("%.10s" % s) is s, ("%s" % s) is s, ("x%s" % s) is s,
      ("%.3s" % s) is s, ("%10s" % s) is s, ("%+s" % s) is s, ("no args" % ()) is "no args")
t = ("%5s" % (s,))
print(t is s, "%s%s" % (s, "") is s)
