# '**' in dict displays: BUILD_MAP / DICT_UPDATE as 3.11's compiler_dict
# emits them, each update a dict_merge (sizes and tracking follow) (issue 5, s4)
import gc
import sys

defaults = {"color": "red", "size": 10}
extra = {"size": 12, "shape": "round"}
merged = {**defaults, **extra}
print(merged, sys.getsizeof(merged), gc.is_tracked(merged))
print({**defaults}, sys.getsizeof({**defaults}), {**defaults} is defaults)
print({"a": 1, **defaults, "b": 2, "size": 0})
print({**{}}, sys.getsizeof({**{}}), {**{}, **{}})
print(sys.getrefcount(defaults), sys.getrefcount(extra))
big = {f"k{i}": i for i in range(20)}
print(sys.getsizeof({**big}), sys.getsizeof({**big, "x": 1}), sys.getsizeof({"x": 1, **big}))
nested = {"inner": [1, 2]}
copy = {**nested}
print(copy["inner"] is nested["inner"], gc.is_tracked(copy), gc.is_tracked({**{"n": 1}}))
print({**{1: "a"}, 1.0: "b", True: "c"})
many = {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8, "i": 9, "j": 10,
        "k": 11, "l": 12, "m": 13, "n": 14, "o": 15, "p": 16, "q": 17, "r": 18, **extra}
print(len(many), sys.getsizeof(many))
gc.collect()
before = gc.get_count()
d = {**defaults, "z": 1}
print(gc.get_count()[0] - before[0])
