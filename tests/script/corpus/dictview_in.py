# 'in' on dict views: keys() is the dict's lookup, items() looks the pair's
# key up and compares the value, values() iterates the values (issue 5)
import tracemalloc

d = {"a": 1, "b": [2], 3: "c"}
print(("a", 1) in d.items(), 1 in d.values(), 1 in {1: 2}.values())
print(("a", 2) in d.items(), ("b", [2]) in d.items(), (3, "c") in d.items())
print(("a", 1, 2) in d.items(), "a" in d.items(), ["a", 1] in d.items())
print(("z", 1) in d.items(), ("a", 1.0) in d.items(), ("a", True) in d.items())
print([2] in d.values(), "c" in d.values(), "a" in d.values(), 1.0 in d.values())
print("a" in d.keys(), 1 in d.keys(), 3 in d.keys(), ("a", 1) not in d.items())
nan = float("nan")
e = {nan: nan}
print((nan, nan) in e.items(), nan in e.values(), float("nan") in e.values())
print(("x", [1]) in {}.items(), 0 in {}.values())
print((1, []) in d.items(), [] in d.values())
tracemalloc.start()
v = d.values()
a = tracemalloc.get_traced_memory()
found = "c" in v
b = tracemalloc.get_traced_memory()
print(found, b[0] - a[0], b[1] - a[0])
