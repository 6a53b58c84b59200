# A class's __dict__ (a mappingproxy) compares as its dict and, in 3.11,
# has no hash; a dict's values view hashes by identity.
class A:
    x = 1


v = A.__dict__.values()
print(hash(v) == hash(v), v in {1, 2})
s = {A.__dict__}
