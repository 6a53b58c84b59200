# A constant subscripted by a constant is folded only where it is read (as
# ast_opt.c folds only Load contexts): as the target of += it stays a
# subscript, compiles, and raises TypeError when the line runs. The folded
# target once crashed heapd's compiler.
print((1, 2)[0], "ab"[1], (1, 2)[0] + 1)
x = [0, 0]
[x[0] for x[1] in (1, 2)]
print(x)
(1, 2)[0] += 1
print("not reached")
