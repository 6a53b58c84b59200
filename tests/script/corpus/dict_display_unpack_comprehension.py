# dict unpacking is refused in a dict comprehension (issue 5)
x = [{}]
print({**a for a in x})
