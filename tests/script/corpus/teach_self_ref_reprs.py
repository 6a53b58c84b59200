# Containers that contain themselves print [...] and {...}.
lst = [1, 2]
lst.append(lst)
print(lst)
print(len(lst), lst[2] is lst)
d = {"name": "d"}
d["self"] = d
print(d)
a = []
b = [a]
a.append(b)
print(a, b)
outer = {"inner": [1]}
outer["inner"].append(outer)
print(outer)
print(repr(lst), str(d))
t = ([],)
t[0].append(t)
print(t)
