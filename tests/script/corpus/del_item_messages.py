# PyObject_DelItem's two messages: an index given to a type with sequence
# methods but no item deletion ("doesn't"), and anything else ("does not").
t = (1, 2)
del t['a']
