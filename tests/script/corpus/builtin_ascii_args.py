# ascii() takes exactly one argument (issue 5)
print(ascii("é"))
ascii("a", "b")
