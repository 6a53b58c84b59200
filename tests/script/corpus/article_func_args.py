# Function arguments and locals hold references while the function runs.
import sys

def show(obj):
    print("inside:", sys.getrefcount(obj))
    local = obj
    print("with a local:", sys.getrefcount(obj))
    return local

data = {"a": 1}
print("outside:", sys.getrefcount(data))
result = show(data)
print("after return:", sys.getrefcount(data))
del result
print("result dropped:", sys.getrefcount(data))

def nested(x):
    def inner(y):
        return sys.getrefcount(y)
    return inner(x)

print("two frames:", nested(data))
