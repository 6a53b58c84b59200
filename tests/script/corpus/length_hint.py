# list() and list.extend() presize by the iterable's length hint: reversed
# iterators have one (index + 1), as do list, tuple, str, range, dict and
# set iterators; enumerate and zip have none (8) (issue 5)
import sys

for n in (0, 1, 2, 5, 9, 10, 17, 40):
    src = [0] * n
    print(n, sys.getsizeof(list(reversed(src))), sys.getsizeof(list(reversed(tuple(src)))),
          sys.getsizeof(list(reversed("x" * n))), sys.getsizeof(list(reversed(range(n)))),
          sys.getsizeof(list(iter(src))), sys.getsizeof(list(iter(tuple(src)))),
          sys.getsizeof(list(iter(range(n)))), sys.getsizeof(list(iter("y" * n))),
          sys.getsizeof(list(iter({i: i for i in range(n)}))),
          sys.getsizeof(list(iter({i: i for i in range(n)}.values()))),
          sys.getsizeof(list(iter({i: i for i in range(n)}.items()))),
          sys.getsizeof(list(iter(set(range(n))))),
          sys.getsizeof(list(enumerate(src))), sys.getsizeof(list(zip(src, src))))
    it = reversed(src)
    for _ in range(n // 2):
        next(it)
    r = iter(src)
    for _ in range(n // 3):
        next(r)
    print(sys.getsizeof(list(it)), sys.getsizeof(list(r)))
    grow = [1, 2, 3]
    grow.extend(reversed(src))
    g2 = [1, 2, 3]
    g2.extend(enumerate(src))
    g3 = []
    g3.extend(reversed(src))
    print(sys.getsizeof(grow), sys.getsizeof(g2), sys.getsizeof(g3))
lst = [1, 2, 3, 4]
it = reversed(lst)
next(it)
del lst[1:]
print(list(it), sys.getsizeof(list(reversed([0] * 10))))
