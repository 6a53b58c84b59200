# set.isdisjoint hashes what it iterates (issue 5)
print({1}.isdisjoint([2, 3]))
print({1}.isdisjoint([[1]]))
