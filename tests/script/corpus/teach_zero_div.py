# Integer and float division by zero.
print(7 // 2, 7 / 2, 7 % 3, -7 // 2)
total = 0
print(10 / total)
