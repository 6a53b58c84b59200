# 3.11's int max str digits when parsing: int() of a decimal string of more
# than 4300 digits (leading zeros count, base 16 has no limit) raises
# ValueError naming the digit count
print(int("0" * 4299 + "7"), int("0" * 5000 + "f", 16), int("0" * 4299 + "z", 36))
print(int("0" * 4400 + "7"))
