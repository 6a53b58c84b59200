# The mutable default argument trap.
def add(item, bucket=[]):
    bucket.append(item)
    return bucket

print(add(1))
print(add(2))
print(add(3, []))
print(add(4))
print(add.__defaults__)

def safe(item, bucket=None):
    if bucket is None:
        bucket = []
    bucket.append(item)
    return bucket

print(safe(1), safe(2))
def kw(a, b=2, c=3):
    return a + b * c
print(kw(1), kw(1, c=10), kw(a=0, b=0))
