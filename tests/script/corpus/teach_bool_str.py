# str(True) and repr(False) come back as one shared string, not a new one:
# tracemalloc's current figure does not move, and two calls give the same
# object. format(True, spec) formats the int 1 once the spec is not empty.
import sys
import tracemalloc

tracemalloc.start()
flag = True
other = False
before = tracemalloc.get_traced_memory()[0]
s1 = str(flag)
s2 = repr(flag)
s3 = f"{flag}"
s4 = format(other, "")
s5 = "{}".format(flag)
after = tracemalloc.get_traced_memory()[0]
print("bytes for five strs of bools:", after - before - 0)
print(s1 is s2, s2 is s3, s4 is str(False), s5 is s1)
print(sys.getsizeof(s1), sys.getsizeof(s4))
print(s1 + "!", len(s4))
print(repr(format(flag, ">4")), repr(format(other, "03")), repr(f"{flag:x}"), repr(f"{flag!s:>6}"))
print("%s %d %r" % (flag, flag, other))
n = None
t1 = str(n)
t2 = str(n)
print(t1 == t2, t1 is t2, sys.getsizeof(t1))
tracemalloc.stop()
