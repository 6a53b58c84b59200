# Errors inside functions end the program with CPython's message.
def ratio(a, b):
    return a / b

print(ratio(1, 4))
print(ratio(10, 3))
print(7 // 2, -7 // 2, 7 % 3, -7 % 3)
print(ratio(1, 0))
