#!/usr/bin/env python3
"""gen_random.py: random programs of the heap-script subset, each run by
python3 and by heapd's run_script, with identical output required.

    gen_random.py --run-script PATH [--count N] [--seed S] [--jobs J]
                  [--keep DIR] [--show SEED] [--ints]

Program i uses seed S + i (S defaults to a fresh one, printed first, so a
run can be repeated). The programs build objects (instances of a class, of
a subclass with a __del__ that prints and sometimes resurrects, lists,
dicts, tuples, and classes the program defines: subclasses of each other,
several bases, __slots__ or __del__, held by variables, weakref'd,
deleted, printed through __dict__, __mro__, __subclasses__() and
gc.get_referents), link them (attributes, appends, self-references, cycles),
drop them (del, rebinding, clear), take weak references with printing
callbacks and weakref.finalize, and print what the memory manager says:
sys.getrefcount, sys.getsizeof, gc.collect()'s result, gc.get_count(),
len(gc.get_referents()) and len(gc.get_referrers()),
gc.is_tracked, weakref liveness, gc.garbage under DEBUG_SAVEALL. Some
programs allocate enough to trigger automatic collections. Each starts with
gc.collect(), so both start from the same generation counts.

Objects may have several weakrefs with callbacks (weakref.finalize makes
one too): when such an object dies CPython's PyObject_ClearWeakRefs holds
them in a temporary tuple, an allocation that moves gc.get_count(), and the
runtime (weakref.c) models it. --no-strict gives an object at most one
weakref with a callback (the programs of before that tuple was modelled).

--ints gives programs of int arithmetic instead (IntGen below): every
operation the language has on ints, on operands of every size and sign,
measured with tracemalloc's current and peak figures and sys.getsizeof.

On a divergence the seed is printed (and the program kept in --keep);
--show SEED prints the program of a seed. Exit status 0 when every program
matched, 1 otherwise, 77 when /usr/bin/python3 is not CPython 3.11.
"""
import argparse
import concurrent.futures
import os
import random
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402

NVARS = 8

HEADER = '''import gc
import sys
import weakref
gc.collect()
saved = []
RESURRECT = {resurrect}

class Node:
    def __init__(self, name):
        self.name = name
        self.ref = None
        self.items = []
    def __repr__(self):
        return "Node(%s)" % self.name

class Fin(Node):
    def __del__(self):
        print("del", self.name)
        if RESURRECT and self.name.endswith("r") and len(saved) < 3:
            saved.append(self)

class Slim:
    __slots__ = ("name", "ref", "__weakref__")
    def __init__(self, name):
        self.name = name
        self.ref = None

def cb(tag):
    def callback(r):
        print("callback", tag, r() is None)
    return callback

def refs_in_call(x):
    return sys.getrefcount(x)

def make_pair(a, b):
    p = Node("pair")
    p.ref = a
    p.items.append(b)
    return p

def hold(x):
    keep = [x, x]
    return sys.getrefcount(x), len(keep)

def churn(n):
    out = []
    for i in range(n):
        a = Node("t%d" % i)
        a.ref = a
        if i % 3 == 0:
            out.append([a])
    return len(out)

'''


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.bound = {}  # var -> kind
        self.lines = []
        self.names = 0
        self.weak = []
        self.has_cb = set()  # vars whose object has a weakref with a callback
        self.strict = True
        # classes the program defined whose global name is bound: name ->
        # (ancestors, linear: single inheritance all the way, slotted)
        self.classes = {}
        self.nclasses = 0

    def var(self, bound=True):
        vs = [v for v in self.bound] if bound else ["v%d" % i for i in range(NVARS)]
        return self.r.choice(vs) if vs else None

    def name(self):
        self.names += 1
        return "n%d%s" % (self.names, "r" if self.r.random() < 0.3 else "")

    def emit(self, s):
        self.lines.append(s)

    def klass(self):
        """a class statement: 0-2 bases among the program's classes (two only
        when both are single-inheritance chains, the subclass first, so that
        C3 always succeeds), maybe __slots__ (never a base then) or a
        __del__; a variable may hold it, its name may go"""
        c = self.r.random()
        if c < 0.15 and self.classes:
            k = self.r.choice(sorted(self.classes))
            self.emit("del %s" % k)
            del self.classes[k]
            return
        if c < 0.35 and self.classes:
            k = self.r.choice(sorted(self.classes))
            self.emit("print(%r, sorted(%s.__dict__), [c.__name__ for c in %s.__mro__], "
                      "[c.__name__ for c in %s.__subclasses__()], len(gc.get_referents(%s)))"
                      % (k, k, k, k, k))
            return
        bases = [k for k in sorted(self.classes) if not self.classes[k][2]]
        self.r.shuffle(bases)
        bases = bases[:self.r.choice([0, 1, 1, 2])]
        if len(bases) == 2:
            a, b = bases
            if not (self.classes[a][1] and self.classes[b][1]):
                bases = bases[:1]
            elif a in self.classes[b][0]:
                bases = [b, a]
        name = "K%d" % self.nclasses
        self.nclasses += 1
        slotted = not bases and self.r.random() < 0.2
        self.emit("class %s(%s):" % (name, ", ".join(bases)))
        self.emit("    tag = %r" % name)
        if slotted:
            self.emit('    __slots__ = ("ref", "__weakref__")')
        elif self.r.random() < 0.2:
            self.emit("    def __del__(self):")
            self.emit("        print('del', %r)" % name)
        anc = set(bases)
        for b in bases:
            anc |= self.classes[b][0]
        linear = len(bases) <= 1 and all(self.classes[b][1] for b in bases)
        self.classes[name] = (anc, linear, slotted)
        if self.r.random() < 0.5:
            v = self.var(False)
            self.emit("%s = %s" % (v, name))
            self.bound[v] = "class"
            self.has_cb.discard(v)

    def new(self):
        v = self.var(False)
        k = self.r.choice(["Node", "Node", "Fin", "Fin", "Slim", "list", "dict", "tuple", "K"])
        if k == "K":
            if not self.classes:
                return
            k = self.r.choice(sorted(self.classes))
            self.emit("%s = %s()" % (v, k))
            k = "obj"
        elif k in ("Node", "Fin", "Slim"):
            self.emit('%s = %s("%s")' % (v, k, self.name()))
        elif k == "list":
            others = [o for o in self.bound if o != v][:2]
            self.emit("%s = [%s]" % (v, ", ".join(others)))
        elif k == "dict":
            o = self.var()
            self.emit('%s = {"k": %s}' % (v, o if o and o != v else "1"))
        else:
            o = self.var()
            self.emit("%s = (%s, 1)" % (v, o if o and o != v else "2"))
        self.bound[v] = k
        self.has_cb.discard(v)

    def cb_ok(self, v):
        if self.strict or v not in self.has_cb:
            self.has_cb.add(v)
            return True
        return False

    def link(self):
        a, b = self.var(), self.var()
        if not a or not b:
            return
        ka = self.bound[a]
        if ka in ("Node", "Fin", "Slim", "obj", "class"):
            self.emit("%s.ref = %s" % (a, b))
        elif ka == "list":
            self.emit("%s.append(%s)" % (a, b))
        elif ka == "dict":
            self.emit('%s["%s"] = %s' % (a, b, b))

    def items(self):
        a, b = self.var(), self.var()
        if a and b and self.bound[a] in ("Node", "Fin"):
            self.emit("%s.items.append(%s)" % (a, b))

    def drop(self):
        v = self.var()
        if not v:
            return
        if self.r.random() < 0.5:
            self.emit("del %s" % v)
        else:
            self.emit("%s = None" % v)
        del self.bound[v]
        self.has_cb.discard(v)

    def clear(self):
        v = self.var()
        if v and self.bound[v] in ("list", "dict"):
            self.emit("%s.clear()" % v)

    def weakref(self):
        v = self.var()
        if not v or self.bound[v] not in ("Node", "Fin", "Slim", "obj", "class"):
            return
        w = "w%d" % len(self.weak)
        self.weak.append(w)
        if self.r.random() < 0.6 and self.cb_ok(v):
            self.emit('%s = weakref.ref(%s, cb("%s"))' % (w, v, w))
        else:
            self.emit("%s = weakref.ref(%s)" % (w, v))

    def finalize(self):
        v = self.var()
        if v and self.bound[v] in ("Node", "Fin", "Slim", "obj", "class") and self.cb_ok(v):
            self.emit('weakref.finalize(%s, print, "finalized", "%s")' % (v, v))

    def show(self):
        c = self.r.random()
        v = self.var()
        if c < 0.25 and v:
            self.emit("print(%r, sys.getrefcount(%s))" % (v, v))
        elif c < 0.35 and v:
            self.emit("print(%r, refs_in_call(%s))" % (v, v))
        elif c < 0.45 and v and self.bound[v] in ("list", "dict", "tuple", "Slim"):
            self.emit("print(%r, sys.getsizeof(%s))" % (v, v))
        elif c < 0.55 and v:
            self.emit("print(%r, gc.is_tracked(%s))" % (v, v))
        elif c < 0.65 and self.weak:
            w = self.r.choice(self.weak)
            self.emit("print(%r, %s() is None)" % (w, w))
        elif c < 0.75:
            self.emit("print(gc.get_count())")
        elif c < 0.85 and v and self.bound[v] in ("Node", "Fin"):
            self.emit("print(%s, %s.ref is None, len(%s.items))" % (v, v, v))
        else:
            self.emit("print(len(saved), [s.name for s in saved])")

    def call(self):
        a, b, v = self.var(), self.var(), self.var(False)
        if not a or not b:
            return
        c = self.r.random()
        if c < 0.4:
            self.emit("%s = make_pair(%s, %s)" % (v, a, b))
            self.bound[v] = "Node"
            self.has_cb.discard(v)
        elif c < 0.7:
            self.emit("print(%r, hold(%s))" % (a, a))
        elif c < 0.85:
            self.emit("print(%r, len(gc.get_referents(%s)))" % (a, a))
        else:
            self.emit("print(%r, len(gc.get_referrers(%s)))" % (a, a))

    def container_op(self):
        v = self.var()
        if not v:
            return
        k = self.bound[v]
        o = self.var()
        c = self.r.random()
        if k == "list":
            if c < 0.3:
                self.emit("if %s: %s.pop()" % (v, v))
            elif c < 0.5 and o:
                self.emit("%s.insert(0, %s)" % (v, o))
            elif c < 0.6:
                self.emit("%s.extend(%s[:])" % (v, v))
            elif c < 0.7:
                self.emit("print(%r, [i for i, x in enumerate(%s)], gc.get_count())" % (v, v))
            elif c < 0.8:
                self.emit("print(%r, len(list(zip(%s, reversed(%s)))), gc.get_count())" % (v, v, v))
            else:
                self.emit("print(%r, len(%s), sys.getsizeof(%s))" % (v, v, v))
        elif k == "dict":
            if c < 0.3:
                self.emit('%s.pop("k", None)' % v)
            elif c < 0.6 and o:
                self.emit('%s.setdefault("s", %s)' % (v, o))
            else:
                self.emit("print(%r, sorted(%s.keys()), sys.getsizeof(%s))" % (v, v, v))
        elif k in ("Node", "Fin"):
            if c < 0.5:
                self.emit("%s.items.clear()" % v)
            else:
                self.emit("print(%r, %s.name, isinstance(%s, Node), type(%s).__name__)" % (v, v, v, v))

    def collect(self):
        g = self.r.choice([0, 1, 2, 2, 2])
        self.emit("print('collect', gc.collect(%d))" % g)

    def program(self):
        resurrect = self.r.random() < 0.3
        saveall = self.r.random() < 0.1
        body = []
        self.lines = body
        if saveall:
            self.emit("gc.set_debug(gc.DEBUG_SAVEALL)")
        steps = self.r.randint(10, 45)
        ops = [(self.new, 6), (self.link, 5), (self.items, 2), (self.drop, 4), (self.clear, 1),
               (self.weakref, 2), (self.finalize, 1), (self.show, 5), (self.collect, 2),
               (self.call, 2), (self.container_op, 3), (self.klass, 2)]
        total = sum(w for _, w in ops)
        for _ in range(steps):
            x = self.r.uniform(0, total)
            for fn, w in ops:
                x -= w
                if x <= 0:
                    fn()
                    break
        if self.r.random() < 0.25:
            self.emit("print('churn', churn(%d))" % self.r.choice([100, 800, 2500]))
            self.emit("print(gc.get_count())")
        for v in list(self.bound):
            if self.r.random() < 0.7:
                self.emit("del %s" % v)
        for k in sorted(self.classes):
            if self.r.random() < 0.7:
                self.emit("del %s" % k)
        self.emit("print('end', gc.collect())")
        if saveall:
            self.emit("print('garbage', len(gc.garbage))")
            self.emit("gc.set_debug(0)")
            self.emit("gc.garbage.clear()")
        self.emit("print('saved', len(saved))")
        return HEADER.format(resurrect=resurrect) + "\n".join(body) + "\n"


INT_HEADER = """import gc
import sys
import tracemalloc
gc.collect()
tracemalloc.start()


def m(f):
    tracemalloc.reset_peak()
    b = tracemalloc.get_traced_memory()[0]
    v = f()
    a, p = tracemalloc.get_traced_memory()
    if type(v) is tuple:
        v = (v[0] % 1000003, v[1] % 1000003)
    elif type(v) is int:
        v = (sys.getsizeof(v), v % 1000003)
    print(a - b, p - b, v)


m(lambda: 1)
"""

INT_OPS = ["+", "-", "*", "//", "%", "**", ">>", "<<", "&", "|", "^", "/", "divmod", "~", "-u",
           "str", "pow3"]


class IntGen:
    """--ints: random int arithmetic (signs, zero, one-digit and multi-digit
    operands, Karatsuba sizes, results that shrink) measured around each
    operation with tracemalloc (current and peak) and sys.getsizeof. The
    generator evaluates every expression itself, so it only emits what
    the language supports (& | ^ within 64 bits, / that fits a float)."""

    def __init__(self, seed):
        self.r = random.Random(seed)

    def value(self):
        r = self.r
        kind = r.random()
        if kind < 0.2:
            v = r.choice([0, 1, -1, 2, 7, 255, 256, 257, -5, -6, 2 ** 30 - 1, 2 ** 30, -(2 ** 30)])
        elif kind < 0.6:
            v = r.getrandbits(r.randint(31, 130))
        elif kind < 0.9:
            v = r.choice([2, 3, 5, 7, 10]) ** r.randint(10, 90)
        else:
            v = r.getrandbits(r.randint(2100, 6000))
        return -v if r.random() < 0.4 else v

    @staticmethod
    def literal(v):
        # ints of more than 64 bits are written as powers and sums, as
        # the language's literals stop at 18 digits
        if abs(v) < 2 ** 62:
            return "(%d)" % v
        sign, v = ("-", -v) if v < 0 else ("", v)
        parts, shift = [], 0
        while v:
            chunk = v & (2 ** 60 - 1)
            if chunk:
                parts.append("(%d << %d)" % (chunk, shift) if shift else "%d" % chunk)
            v >>= 60
            shift += 60
        return "%s(%s)" % (sign, " + ".join(parts))

    def expr(self, op, a, b, x, y):
        """(text, value) or None when the language cannot or CPython would not"""
        if op in ("&", "|", "^"):
            if not (-(2 ** 63) <= x < 2 ** 63 and -(2 ** 63) <= y < 2 ** 63):
                return None
            return "%s %s %s" % (a, op, b), eval("x %s y" % op)
        if op in ("//", "%", "divmod") and y == 0:
            return None
        if op == "divmod":
            return "divmod(%s, %s)" % (a, b), divmod(x, y)
        if op == "**":
            e = self.r.choice([0, 1, 2, 3, 4, 5, 7, 12, 31, 64])
            if abs(x).bit_length() * e > 40000:
                return None
            return "%s ** %d" % (a, e), x ** e
        if op in (">>", "<<"):
            n = self.r.choice([0, 1, 5, 29, 30, 31, 59, 60, 61, 90, 200, 1000])
            if op == "<<" and (abs(x).bit_length() + n > 40000 or n > 200):
                return None
            return "%s %s %d" % (a, op, n), (x >> n if op == ">>" else x << n)
        if op == "/":
            if y == 0:
                return None
            try:
                return "%s / %s" % (a, b), x / y
            except OverflowError:
                return None
        if op == "pow3":
            if y == 0:
                return None
            e = self.r.choice([0, 1, 2, 3, 5, 17, 65537, 2 ** 61 + 1, -1, -3])
            try:
                v = pow(x, e, y)
            except ValueError:  # not invertible
                return None
            return "pow(%s, %d, %s)" % (a, e, b), v
        if op == "~":
            return "~%s" % a, ~x
        if op == "-u":
            return "-%s" % a, -x
        if op == "str":
            if abs(x).bit_length() > 14000:
                return None
            return "str(%s)" % a, str(x)
        v = eval("x %s y" % op)
        if abs(v).bit_length() > 40000:
            return None
        return "%s %s %s" % (a, op, b), v

    def program(self):
        r = self.r
        vals = [self.value() for _ in range(6)]
        body = ["v%d = %s" % (i, self.literal(v)) for i, v in enumerate(vals)]
        for _ in range(r.randint(20, 60)):
            op = r.choice(INT_OPS)
            i, j = r.randrange(6), r.randrange(6)
            got = self.expr(op, "v%d" % i, "v%d" % j, vals[i], vals[j])
            if got is None:
                continue
            text, v = got
            body.append("m(lambda: %s)" % text)
            if type(v) is int and r.random() < 0.3 and abs(v).bit_length() < 8000:
                k = r.randrange(6)
                body.append("v%d = %s" % (k, text))
                vals[k] = v
        return INT_HEADER + "\n".join(body) + "\n"


def program_of(seed, strict=True, ints=False):
    if ints:
        return IntGen(seed).program()
    g = Gen(seed)
    g.strict = strict
    return g.program()


def run_one(run_script, seed, tmpdir, strict, ints):
    path = os.path.join(tmpdir, "prog_%d.py" % seed)
    with open(path, "w") as f:
        f.write(program_of(seed, strict, ints))
    ok = compare.compare(run_script, path, quiet=True)
    if ok:
        os.unlink(path)
    return seed, ok, path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run-script")
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--keep", default=None)
    ap.add_argument("--show", type=int, default=None)
    ap.add_argument("--strict", action=argparse.BooleanOptionalAction, default=True,
                    help="objects may have several weakref callbacks (default; --no-strict: "
                    "at most one)")
    ap.add_argument("--ints", action="store_true",
                    help="programs of int arithmetic measured with tracemalloc instead")
    args = ap.parse_args()
    if args.show is not None:
        sys.stdout.write(program_of(args.show, args.strict, args.ints))
        return 0
    if not args.run_script:
        ap.error("--run-script is required")
    if not compare.oracle_ok():
        print("SKIP: /usr/bin/python3 is not CPython 3.11")
        return 77
    seed0 = args.seed if args.seed is not None else int(time.time() * 1000) % 1000000007
    print("seeds %d .. %d" % (seed0, seed0 + args.count - 1), flush=True)
    keep = args.keep or tempfile.mkdtemp(prefix="heapd-random-")
    os.makedirs(keep, exist_ok=True)
    bad = []
    t0 = time.time()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = [ex.submit(run_one, args.run_script, seed0 + i, keep, args.strict, args.ints)
                for i in range(args.count)]
        for fut in concurrent.futures.as_completed(futs):
            seed, ok, path = fut.result()
            if not ok:
                bad.append(seed)
                print("DIVERGENCE seed %d (program kept in %s)" % (seed, path), flush=True)
    print("%d programs, %d divergences, %.1f s" % (args.count, len(bad), time.time() - t0))
    if bad:
        for seed in sorted(bad)[:3]:
            compare.compare(args.run_script, os.path.join(keep, "prog_%d.py" % seed))
    else:
        try:
            os.rmdir(keep)
        except OSError:
            pass
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
