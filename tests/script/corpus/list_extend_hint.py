# list.extend's presizing (3.11's list_extend): an empty list with no item vector gets exactly the length hint rounded up to even; others list_resize to size + hint, then shrink to fit
import sys
for n in range(0, 12):
    a = []; a.extend(range(n))
    b = [1]; b.pop(); b.extend(range(n))
    c = [0, 0, 0]; c.extend(range(n))
    d = []; d.extend({i: 0 for i in range(n)}.keys())
    e = []; e.extend(iter(list(range(n))))
    f = []; f.extend("x" * n)
    g = []; g.extend(tuple(range(n)))
    h = []; h.extend(set(range(n)))
    k = []; k.extend({i: 0 for i in range(n)})
    m = []; m.extend({i: 0 for i in range(n)}.values())
    p = []; p.extend({i: 0 for i in range(n)}.items())
    q = []; q.extend(iter(range(n)))
    r = [5]; r.extend(iter("ab" * n))
    print(n, [sys.getsizeof(x) for x in (a, b, c, d, e, f, g, h, k, m, p, q, r)])
