# `(1, 2)[0] = 5` compiles (the target is not folded) and fails when it runs.
a, b = (1, 2)
print(a, b)
(1, 2)[0] = 5
