# Adding a str and an int.
age = 30
print("age: " + str(age))
print("age: " + age)
