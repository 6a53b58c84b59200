# f-strings and str() in a traced program: what they cost.
import tracemalloc

tracemalloc.start()
flag = False
count = 12345
name = "heap"
base = tracemalloc.get_traced_memory()[0]
s1 = f"{name}"
print("same str:", s1 is name, tracemalloc.get_traced_memory()[0] - base)
s2 = f"{count}"
print("int text:", tracemalloc.get_traced_memory()[0] - base)
s3 = f"{flag}"
s4 = str(flag)
print("bool text:", s3 is s4, tracemalloc.get_traced_memory()[0] - base)
s5 = f"{name}:{count}:{flag}"
print(s5, tracemalloc.get_traced_memory()[0] - base)
s6 = str(None)
print(tracemalloc.get_traced_memory()[0] - base)
tracemalloc.stop()
