# unpacking a sequence that is too short names how many values it had
a, b = [1, 2]
print(a, b)
a, b, c = iter([1, 2])
