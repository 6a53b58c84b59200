# A mutable default argument is one object, kept by the function.
import sys

def append_to(item, bucket=[]):
    bucket.append(item)
    return bucket

first = append_to(1)
second = append_to(2)
print(first, second, first is second)
print(sys.getrefcount(first))
print(append_to.__defaults__[0] is first)
del first, second
print(sys.getrefcount(append_to.__defaults__[0]))

def safe(item, bucket=None):
    if bucket is None:
        bucket = []
    bucket.append(item)
    return bucket

a = safe(1)
b = safe(2)
print(a, b, a is b, sys.getrefcount(a))
