# Calling with the wrong number of arguments.
def greet(name, greeting):
    return greeting + ", " + name

print(greet("Ada", "Hello"))
print(greet("Ada"))
