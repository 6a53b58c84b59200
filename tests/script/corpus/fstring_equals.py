# f-string '=' specifiers (3.8+): the expression's text, '=', and its repr
# (or its str with !s, or its format with a spec) (issue 5, s4)
import sys

x = 42
name = "heap"
items = [1, 2, 3]
print(f"{x=}")
print(f"{name=}", f"{name=!s}", f"{name = }", f"{ name= }")
print(f"{x = :>6}|", f"{x=:05d}", f"{x=!r:>5}")
print(f"before {len(items)=} after", f"{items[1:]=}", f"{x == 42=}")
print(f"{x<50=}", f"{x>=40=}", f"{x!=1=}", f"{x<=x=}")
print(f"{sys.getrefcount(items)=}")
print(f"{'é'=}", f"{3.5=}", f"{None=}", f"{ {'a': 1}['a']=}")
d = {"k": [x, name]}
print(f"{d['k']=} and {d=}")
print(f"{x=}{x=}", f"{{x=}}", f"{x=}" + "!")
