# `del "ab"[0]` compiles (the target is not folded) and fails when it runs.
print("ab"[0])
del "ab"[0]
