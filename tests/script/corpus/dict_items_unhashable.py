# dict_items has no hash: a set cannot hold it.
d = {'a': 1}
s = set([d.items()])
