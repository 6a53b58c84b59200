# an items() pair's key is looked up, so an unhashable one raises (issue 5)
d = {"a": 1}
print((1, []) in d.items(), [] in d.items(), [] in d.values())
([], 1) in d.items()
