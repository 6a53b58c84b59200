# A misspelled name: the program stops with CPython's NameError.
import gc

items = [1, 2, 3]
total = 0
for item in items:
    total += item
print("total:", total)
print(totl)
print("never printed")
