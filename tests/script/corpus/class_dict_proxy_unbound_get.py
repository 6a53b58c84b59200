# dict.get refuses a mappingproxy as its self.
class A:
    x = 1


print(A.__dict__.get('x'))
print(dict.get(A.__dict__, 'x'))
