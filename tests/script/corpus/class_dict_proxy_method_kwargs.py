# A mappingproxy's get takes no keyword arguments, and says so as
# mappingproxy.get.
class A:
    x = 1


print(A.__dict__.get('x', default=1))
