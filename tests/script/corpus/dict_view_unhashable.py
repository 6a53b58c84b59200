# dict_keys and dict_items compare as sets and have no hash.
d = {'a': 1}
print(d.values() in [d.values()])
print(d.keys() in {'a'})
