# an f-string '=' still needs its closing '}' (issue 5)
x = 1
print(f"{x=}")
print(f"{x=!z}")
