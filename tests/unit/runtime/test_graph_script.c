/*
 * test_graph_script.c: export and import of a heap where scripts ran: the
 * program goes on in the imported heap with python3's output, the heap's
 * invariants hold, and damaged code blocks, unknown builtins and state
 * slots are refused.
 */
#include "rt_util.h"

#include <stddef.h>

#include "graph.h"
#include "script.h"
#include "script/code.h"

typedef struct copy {
    hd_graph_node_t *nodes;
    size_t n, cap;
    hd_graph_name_t names[64];
    size_t nnames;
    hd_graph_root_t roots[256];
    size_t nroots;
} copy_t;

static char **dup_strs(const char *const *s, size_t n)
{
    char **d = malloc((n + 1) * sizeof(*d));
    for (size_t i = 0; i < n; i++)
        d[i] = strdup(s[i]);
    return d;
}

static void free_strs(const char *const *s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        free((char *)s[i]);
    free((void *)s);
}

static int copy_node(const hd_graph_node_t *node, void *arg)
{
    copy_t *c = arg;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->nodes = realloc(c->nodes, c->cap * sizeof(*c->nodes));
    }
    hd_graph_node_t *d = &c->nodes[c->n++];
    *d = *node;
    uint64_t *refs = malloc((node->nrefs + 1) * sizeof(*refs));
    if (node->nrefs)
        memcpy(refs, node->refs, node->nrefs * sizeof(*refs));
    d->refs = refs;
    d->attr_names = node->type == HD_T_INSTANCE && node->nrefs
                        ? (const char *const *)dup_strs(node->attr_names, node->nrefs)
                        : NULL;
    d->slots = node->nslots ? (const char *const *)dup_strs(node->slots, node->nslots) : NULL;
    char *data = NULL;
    if (node->data) {
        data = malloc(node->len + 1);
        memcpy(data, node->data, node->len);
    }
    d->data = data;
    uint32_t *digits = NULL;
    if (node->digits) {
        digits = malloc(node->ndigits * 4 + 4);
        memcpy(digits, node->digits, node->ndigits * 4);
    }
    d->digits = digits;
    d->class_name = node->class_name ? strdup(node->class_name) : NULL;
    return 0;
}

static int copy_name(const char *name, uint64_t id, void *arg)
{
    copy_t *c = arg;
    CHECK(c->nnames < 64);
    c->names[c->nnames].name = strdup(name);
    c->names[c->nnames++].id = id;
    return 0;
}

static int copy_root(const char *slot, uint64_t id, int64_t value, void *arg)
{
    copy_t *c = arg;
    CHECK(c->nroots < 256);
    c->roots[c->nroots++] = (hd_graph_root_t){strdup(slot), id, value};
    return 0;
}

static void copy_free(copy_t *c)
{
    for (size_t i = 0; i < c->n; i++) {
        hd_graph_node_t *d = &c->nodes[i];
        free_strs(d->attr_names, d->attr_names ? d->nrefs : 0);
        free_strs(d->slots, d->nslots);
        free((void *)d->refs);
        free((void *)d->data);
        free((void *)d->digits);
        free((void *)d->class_name);
    }
    for (size_t i = 0; i < c->nnames; i++)
        free((void *)c->names[i].name);
    for (size_t i = 0; i < c->nroots; i++)
        free((void *)c->roots[i].slot);
    free(c->nodes);
}

static void export_all(hd_heap_t *h, copy_t *c)
{
    memset(c, 0, sizeof(*c));
    CHECK_OK(hd_graph_export(h, copy_node, copy_name, c));
    CHECK_OK(hd_graph_export_roots(h, copy_root, c));
}

/* run: the program's output, appended to out (ints, one per line) */
static size_t run(hd_heap_t *h, const char *src, long long *out, size_t n, size_t max)
{
    hd_script_result_t r;
    CHECK_OK(hd_script_run(h, src, strlen(src), NULL, &r));
    if (r.status != HD_SCRIPT_OK)
        fprintf(stderr, "%s: %s\n", r.exc_type, r.message ? r.message : "");
    CHECK_EQ(r.status, HD_SCRIPT_OK);
    for (char *p = r.out; *p && n < max;) {
        char *end;
        out[n++] = strtoll(p, &end, 10);
        CHECK(end != p); /* integers only */
        p = end;
        while (*p == '\n')
            p++;
    }
    hd_script_result_close(&r);
    return n;
}

static const char first[] = "import gc, sys, weakref\n"
                            "class Node:\n"
                            "    def __init__(self, v=3):\n"
                            "        self.v = v\n"
                            "    def get(self):\n"
                            "        return self.v\n"
                            "    def __del__(self):\n"
                            "        print(-self.v)\n"
                            "class P:\n"
                            "    __slots__ = ('x',)\n"
                            "def adder(k):\n"
                            "    def add(x, y=10):\n"
                            "        return x + y + k\n"
                            "    return add\n"
                            "a = Node(4)\n"
                            "p = P()\n"
                            "p.x = 9\n"
                            "add = adder(100)\n"
                            "m = a.get\n"
                            "r = range(1, 20, 4)\n"
                            "w = weakref.ref(a)\n"
                            "print(add(1))\n";

static const char second[] = "b = Node(6)\n"
                             "print(b.get())\n"
                             "print(m())\n"
                             "print(add(2, 3))\n"
                             "print(p.x)\n"
                             "print(sum(r))\n"
                             "print(sys.getrefcount(a))\n"
                             "print(sys.getrefcount(Node))\n"
                             "print(int(w() is a))\n"
                             "print(int(gc.is_tracked(add)))\n"
                             "print(sys.getsizeof(add))\n"
                             "del a, m, w, b\n"
                             "print(gc.collect())\n";

TEST(script_heap_round_trip_goes_on_as_python3)
{
    hd_mem_t ma, mb;
    hd_heap_t *a = rt_heap_new(&ma, true);
    long long got[64], want[64];
    size_t n = run(a, first, got, 0, 64);
    hd_heap_totals_t ta, tb;
    hd_heap_totals(a, &ta);
    copy_t c;
    export_all(a, &c);
    CHECK(c.nroots > 0);
    hd_heap_t *b = rt_heap_new(&mb, true);
    size_t bad = 0;
    CHECK_OK(hd_graph_import_ex(b, c.nodes, c.n, c.names, c.nnames, c.roots, c.nroots, NULL, 0,
                                NULL, &bad));
    rt_validate(b);
    hd_heap_totals(b, &tb);
    CHECK_EQ(ta.objects, tb.objects);
    CHECK_EQ(ta.tracked, tb.tracked);
    n = run(b, second, got, n, 64);
    /* the oracle: the whole program in python3 */
    char py[sizeof(first) + sizeof(second)];
    snprintf(py, sizeof(py), "%s%s", first, second);
    size_t nw = py_ints(py, want, 64);
    CHECK_EQ(n, nw);
    for (size_t i = 0; i < n && i < nw; i++) {
        if (got[i] != want[i])
            fprintf(stderr, "line %zu: %lld, python3 %lld\n", i + 1, got[i], want[i]);
        CHECK_EQ(got[i], want[i]);
    }
    rt_validate(b);
    copy_free(&c);
    hd_heap_free(a);
    hd_heap_free(b);
}

static void import_fails(copy_t *c, size_t want_bad);

/* drop_root: removes state slot `slot` and the node it names (a str only
 * the state holds) from c, as a document of an older build lacks them */
static void drop_root(copy_t *c, const char *slot)
{
    for (size_t i = 0; i < c->nroots; i++) {
        if (strcmp(c->roots[i].slot, slot) != 0)
            continue;
        for (size_t k = 0; k < c->n; k++)
            if (c->nodes[k].id == c->roots[i].id) {
                hd_graph_node_t gone = c->nodes[k];
                c->nodes[k] = c->nodes[c->n - 1];
                c->nodes[--c->n] = gone; /* kept for copy_free */
                break;
            }
        hd_graph_root_t r = c->roots[i];
        c->roots[i] = c->roots[c->nroots - 1];
        c->roots[c->nroots - 1] = r;
        c->nroots--;
        return;
    }
    CHECK(!"slot not exported");
}

/* "True" and "False" became static strs of the state after the first
 * export layout: a document without them still imports (the import makes
 * them) and str(True) is then shared as in python3; a document without an
 * older static str is refused. */
TEST(older_state_without_the_bool_strs_imports)
{
    hd_mem_t ma, mb;
    hd_heap_t *a = rt_heap_new(&ma, true);
    long long out[4];
    run(a, "x = 5\n", out, 0, 4);
    copy_t c;
    export_all(a, &c);
    size_t n = c.n, nroots = c.nroots;
    drop_root(&c, "kwstrs.17");
    drop_root(&c, "kwstrs.18");
    hd_heap_t *b = rt_heap_new(&mb, true);
    size_t bad = 0;
    CHECK_OK(hd_graph_import_ex(b, c.nodes, c.n, c.names, c.nnames, c.roots, c.nroots, NULL, 0,
                                NULL, &bad));
    rt_validate(b);
    static const char prog[] = "a = str(True)\nb = repr(True)\nc = f'{False}'\n"
                               "print(int(a is b), int(c is str(False)), x)\n";
    long long got[4], want[4];
    size_t ng = run(b, prog, got, 0, 4),
           nw = py_ints("x = 5\n" /* as in heap a */
                        "a = str(True)\nb = repr(True)\n"
                        "c = f'{False}'\n"
                        "print(int(a is b), int(c is str(False)), x)\n",
                        want, 4);
    CHECK_EQ(ng, nw);
    for (size_t i = 0; i < ng && i < nw; i++)
        CHECK_EQ(got[i], want[i]);
    rt_validate(b);
    hd_heap_free(b);
    drop_root(&c, "kwstrs.0");
    import_fails(&c, c.n + c.nroots); /* refused at the end, by the state */
    c.n = n, c.nroots = nroots;
    copy_free(&c);
    hd_heap_free(a);
}

static size_t find_type(const copy_t *c, int type)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->nodes[i].type == type)
            return i;
    CHECK(false);
    return 0;
}

/* import_fails: the import of c refuses node (or slot) `want_bad` */
static void import_fails(copy_t *c, size_t want_bad)
{
    hd_mem_t mb;
    hd_heap_t *b = rt_heap_new(&mb, true);
    size_t bad = (size_t)-1;
    CHECK_EQ(hd_graph_import_ex(b, c->nodes, c->n, c->names, c->nnames, c->roots, c->nroots, NULL,
                                0, NULL, &bad),
             HD_EINVAL);
    CHECK_EQ(bad, want_bad);
    hd_heap_free(b);
}

TEST(damaged_code_builtins_and_slots_are_refused)
{
    hd_mem_t ma;
    hd_heap_t *a = rt_heap_new(&ma, true);
    long long out[4];
    run(a, "import gc\ndef f(x):\n    return x\ng = gc.collect\n", out, 0, 4);
    copy_t c;
    export_all(a, &c);
    size_t code = find_type(&c, HD_T_CODE), bi = find_type(&c, HD_T_BUILTIN);
    hd_graph_node_t *cn = &c.nodes[code];
    char *blob = (char *)cn->data;
    char *saved = malloc(cn->len);
    memcpy(saved, blob, cn->len);
    /* every single byte of the block's header and arrays, set to 0xff:
     * either the import refuses that node, or (a byte the check cannot
     * tell from a good one: a line number, a name's letter) the heap is
     * sound */
    size_t refused = 0;
    for (size_t i = 0; i < cn->len; i++) {
        blob[i] = (char)0xff;
        hd_mem_t mb;
        hd_heap_t *b = rt_heap_new(&mb, true);
        size_t bad = (size_t)-1;
        int rc = hd_graph_import_ex(b, c.nodes, c.n, c.names, c.nnames, c.roots, c.nroots, NULL, 0,
                                    NULL, &bad);
        if (rc) {
            CHECK_EQ(rc, HD_EINVAL);
            CHECK_EQ(bad, code);
            refused++;
        } else {
            /* and the function runs, or raises: never a crash */
            rt_validate(b);
            hd_script_result_t r;
            CHECK_OK(hd_script_run(b, "print(f(5))\n", 12, NULL, &r));
            hd_script_result_close(&r);
        }
        hd_heap_free(b);
        blob[i] = saved[i];
    }
    fprintf(stderr, "code block of %zu bytes: %zu damaged bytes refused\n", cn->len, refused);
    CHECK(refused > 0);
    /* a value stack smaller than the code needs */
    uint32_t stacksize, one = 1;
    size_t at = offsetof(sc_code_t, stacksize);
    memcpy(&stacksize, blob + at, 4);
    CHECK(stacksize > 1);
    memcpy(blob + at, &one, 4);
    import_fails(&c, code);
    memcpy(blob + at, &stacksize, 4);
    /* a truncated block, another build's layout */
    size_t len = cn->len;
    cn->len = len - 8;
    import_fails(&c, code);
    cn->len = len;
    cn->aux[0] ^= 1;
    import_fails(&c, code);
    cn->aux[0] ^= 1;
    /* a builtin by a number whose name is not the one given */
    const char *name = c.nodes[bi].class_name;
    c.nodes[bi].class_name = "no_such_builtin";
    import_fails(&c, bi);
    c.nodes[bi].class_name = name;
    /* an unknown state slot, a slot of the wrong type */
    const char *slot = c.roots[0].slot;
    c.roots[0].slot = "no_such_slot";
    import_fails(&c, c.n + 0);
    c.roots[0].slot = slot;
    for (size_t i = 0; i < c.nroots; i++)
        if (strcmp(c.roots[i].slot, "globals") == 0) {
            uint64_t id = c.roots[i].id;
            c.roots[i].id = c.nodes[code].id; /* a code object, not a dict */
            import_fails(&c, c.n + i);
            c.roots[i].id = id;
        }
    free(saved);
    copy_free(&c);
    hd_heap_free(a);
}

/* split dicts (an instance's __dict__ made from its values, one outliving
 * its class): the heap validates, survives export and import, and frees
 * with them alive (under ASan the leak check sees any memory not freed) */
static const char split_first[] = "import gc, sys\n"
                                  "class T:\n"
                                  "    def __init__(self, n):\n"
                                  "        self.u = n\n"
                                  "        self.v = [n]\n"
                                  "def orphan():\n"
                                  "    class Gone:\n"
                                  "        pass\n"
                                  "    g = Gone()\n"
                                  "    g.k = 5\n"
                                  "    return g.__dict__\n"
                                  "t = T(1)\n"
                                  "d = t.__dict__\n"
                                  "o = orphan()\n"
                                  "c = d.copy()\n"
                                  "gc.collect()\n"
                                  "t.w = 7\n"
                                  "print(sys.getsizeof(d))\n"
                                  "print(sys.getsizeof(c))\n"
                                  "print(o['k'])\n";

static const char split_second[] = "print(t.u + t.w)\n"
                                   "print(len(d))\n"
                                   "d['u'] = 40\n"
                                   "print(t.u)\n"
                                   "print(o['k'] + c['u'])\n";

TEST(split_dicts_validate_round_trip_and_free)
{
    hd_mem_t ma, mb;
    hd_heap_t *a = rt_heap_new(&ma, true);
    long long got[16], want[16];
    size_t n = run(a, split_first, got, 0, 16);
    rt_validate(a);
    copy_t c;
    export_all(a, &c);
    hd_heap_t *b = rt_heap_new(&mb, true);
    size_t bad = 0;
    CHECK_OK(hd_graph_import_ex(b, c.nodes, c.n, c.names, c.nnames, c.roots, c.nroots, NULL, 0,
                                NULL, &bad));
    rt_validate(b);
    n = run(b, split_second, got, n, 16);
    /* the second part's sizes are not compared: an import makes combined dicts */
    char py[sizeof(split_first) + sizeof(split_second)];
    snprintf(py, sizeof(py), "%s%s", split_first, split_second);
    size_t nw = py_ints(py, want, 16);
    CHECK_EQ(n, nw);
    for (size_t i = 0; i < n && i < nw; i++)
        CHECK_EQ(got[i], want[i]);
    n = run(a, split_second, got, 0, 16); /* and in the first heap, split */
    rt_validate(a);
    copy_free(&c);
    hd_heap_free(a);
    hd_heap_free(b);
}

/* classes' type slots (dict, MRO, bases, base, subclasses, slots) travel as
 * references named by `present`: the program goes on as python3's, and a
 * class whose references do not fit their slots is refused */
static const char cls_first[] = "import gc, sys\n"
                                "class A:\n"
                                "    x = 1\n"
                                "class B(A):\n"
                                "    pass\n"
                                "class C(B, A):\n"
                                "    pass\n"
                                "class S:\n"
                                "    __slots__ = ('a', 'b')\n"
                                "print(len(gc.get_referents(C)))\n";

static const char cls_second[] = "print(len(A.__dict__))\n"
                                 "print(len(C.__mro__))\n"
                                 "print(int(C.__mro__[2] is A and C.__base__ is B))\n"
                                 "print(len(S.__slots__))\n"
                                 "print(sys.getrefcount(A))\n"
                                 "del C\n"
                                 "print(gc.collect())\n"
                                 "del B\n"
                                 "print(gc.collect())\n"
                                 "print(sys.getrefcount(A))\n";

static size_t find_class(const copy_t *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->nodes[i].type == HD_T_CLASS && strcmp(c->nodes[i].class_name, name) == 0)
            return i;
    CHECK(false);
    return 0;
}

TEST(class_type_slots_round_trip_and_damage_is_refused)
{
    hd_mem_t ma, mb;
    hd_heap_t *a = rt_heap_new(&ma, true);
    long long got[16], want[16];
    size_t n = run(a, cls_first, got, 0, 16);
    rt_validate(a);
    copy_t c;
    export_all(a, &c);
    /* dict, MRO, bases, base; A also its subclasses, S its slots */
    CHECK_EQ(c.nodes[find_class(&c, "C")].present, 0xfu);
    CHECK_EQ(c.nodes[find_class(&c, "A")].present, 0x1fu);
    CHECK_EQ(c.nodes[find_class(&c, "S")].present, 0x2fu);
    hd_heap_t *b = rt_heap_new(&mb, true);
    size_t bad = 0;
    CHECK_OK(hd_graph_import_ex(b, c.nodes, c.n, c.names, c.nnames, c.roots, c.nroots, NULL, 0,
                                NULL, &bad));
    rt_validate(b);
    n = run(b, cls_second, got, n, 16);
    rt_validate(b);
    char py[sizeof(cls_first) + sizeof(cls_second)];
    snprintf(py, sizeof(py), "%s%s", cls_first, cls_second);
    size_t nw = py_ints(py, want, 16);
    CHECK_EQ(n, nw);
    for (size_t i = 0; i < n && i < nw; i++)
        CHECK_EQ(got[i], want[i]);
    /* an unknown slot bit; the MRO and bases swapped (an MRO must start
     * with its class); a base that is no type */
    size_t ci = find_class(&c, "C");
    hd_graph_node_t *cn = &c.nodes[ci];
    cn->present |= 1u << 6;
    import_fails(&c, ci);
    cn->present &= ~(1u << 6);
    uint64_t *refs = (uint64_t *)cn->refs, mro = refs[1];
    refs[1] = refs[2];
    refs[2] = mro;
    import_fails(&c, ci);
    refs[2] = refs[1];
    refs[1] = mro;
    uint64_t base = refs[3];
    refs[3] = refs[0]; /* its dict */
    import_fails(&c, ci);
    refs[3] = base;
    copy_free(&c);
    hd_heap_free(a);
    hd_heap_free(b);
}

/* hostile class nodes: references of the right types in shapes no class
 * has (bases that are not types, a class among its own bases or in its own
 * MRO's tail through other classes, an MRO item that is not a type, a base
 * not among the bases, a subclass entry that is not a weakref, slots that
 * are not strs) are refused, each naming a class of the damage; dict sizes
 * out of range (huge, zero, negative, not a power of two) import as if
 * absent, and the heap validates */
static const char hostile_src[] = "class X:\n"
                                  "    pass\n"
                                  "class Y:\n"
                                  "    pass\n"
                                  "class Z(X):\n"
                                  "    pass\n"
                                  "class S:\n"
                                  "    __slots__ = ('a',)\n"
                                  "tx = (X,)\n"
                                  "ty = (Y,)\n"
                                  "mx = (X, Y)\n"
                                  "my = (Y, X)\n"
                                  "m5 = (X, 5)\n"
                                  "s5 = ('a', 5)\n"
                                  "dd = {1: 'a', 2: 'b'}\n"
                                  "big = {'k': 1}\n";

static size_t find_id(const copy_t *c, uint64_t id)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->nodes[i].id == id)
            return i;
    CHECK(false);
    return 0;
}

/* global_id: the id of the program's global `name` */
static uint64_t global_id(const copy_t *c, const char *name)
{
    for (size_t r = 0; r < c->nroots; r++) {
        if (strcmp(c->roots[r].slot, "globals") != 0)
            continue;
        const hd_graph_node_t *g = &c->nodes[find_id(c, c->roots[r].id)];
        for (size_t k = 0; k + 1 < g->nrefs; k += 2) {
            const hd_graph_node_t *key = &c->nodes[find_id(c, g->refs[k])];
            if (key->len == strlen(name) && memcmp(key->data, name, key->len) == 0)
                return g->refs[k + 1];
        }
    }
    CHECK(false);
    return 0;
}

/* swap_ref: sets reference `slot` of node i to `id`, returning the old one */
static uint64_t swap_ref(copy_t *c, size_t i, size_t slot, uint64_t id)
{
    uint64_t *refs = (uint64_t *)c->nodes[i].refs, old = refs[slot];
    refs[slot] = id;
    return old;
}

/* import_refused: the import refuses one of the nodes a, b */
static void import_refused(copy_t *c, size_t a, size_t b)
{
    hd_mem_t mb;
    hd_heap_t *h = rt_heap_new(&mb, true);
    size_t bad = (size_t)-1;
    CHECK_EQ(hd_graph_import_ex(h, c->nodes, c->n, c->names, c->nnames, c->roots, c->nroots, NULL,
                                0, NULL, &bad),
             HD_EINVAL);
    if (bad != a && bad != b)
        fprintf(stderr, "refused node %zu, not %zu or %zu\n", bad, a, b);
    CHECK(bad == a || bad == b);
    hd_heap_free(h);
}

TEST(hostile_class_nodes_are_refused)
{
    hd_mem_t ma;
    hd_heap_t *a = rt_heap_new(&ma, true);
    long long out[4];
    run(a, hostile_src, out, 0, 4);
    copy_t c;
    export_all(a, &c);
    size_t x = find_class(&c, "X"), y = find_class(&c, "Y"), z = find_class(&c, "Z"),
           s = find_class(&c, "S");
    uint64_t tx = global_id(&c, "tx"), ty = global_id(&c, "ty"), old, old2;
    /* refs: dict 0, MRO 1, bases 2, base 3 (X: subclasses 4; S: slots 4) */
    CHECK_EQ(c.nodes[x].present, 0x1fu);
    CHECK_EQ(c.nodes[s].present, 0x2fu);
    /* bases that are not types */
    old = swap_ref(&c, z, 2, global_id(&c, "s5"));
    import_refused(&c, z, z);
    swap_ref(&c, z, 2, old);
    /* a class among its own bases */
    old = swap_ref(&c, x, 2, tx);
    old2 = swap_ref(&c, x, 3, c.nodes[x].id);
    import_refused(&c, x, x);
    swap_ref(&c, x, 3, old2);
    swap_ref(&c, x, 2, old);
    /* two classes each the other's base */
    uint64_t xb = swap_ref(&c, x, 2, ty), xbase = swap_ref(&c, x, 3, c.nodes[y].id);
    uint64_t yb = swap_ref(&c, y, 2, tx), ybase = swap_ref(&c, y, 3, c.nodes[x].id);
    import_refused(&c, x, y);
    swap_ref(&c, x, 2, xb);
    swap_ref(&c, x, 3, xbase);
    swap_ref(&c, y, 2, yb);
    swap_ref(&c, y, 3, ybase);
    /* two classes each in the other's MRO */
    uint64_t xm = swap_ref(&c, x, 1, global_id(&c, "mx"));
    uint64_t ym = swap_ref(&c, y, 1, global_id(&c, "my"));
    import_refused(&c, x, y);
    swap_ref(&c, x, 1, xm);
    swap_ref(&c, y, 1, ym);
    /* an MRO item that is not a type */
    old = swap_ref(&c, x, 1, global_id(&c, "m5"));
    import_refused(&c, x, x);
    swap_ref(&c, x, 1, old);
    /* a base not among the bases */
    old = swap_ref(&c, z, 3, c.nodes[y].id);
    import_refused(&c, z, z);
    swap_ref(&c, z, 3, old);
    /* subclasses: an entry that is not a weakref */
    old = swap_ref(&c, x, 4, global_id(&c, "dd"));
    import_refused(&c, x, x);
    swap_ref(&c, x, 4, old);
    /* slots that are not strs */
    old = swap_ref(&c, s, 4, global_id(&c, "s5"));
    import_refused(&c, s, s);
    swap_ref(&c, s, 4, old);
    /* dict sizes out of range import as if absent */
    hd_graph_node_t *big = &c.nodes[find_id(&c, global_id(&c, "big"))];
    const int64_t caps[] = {INT64_MAX, (int64_t)1 << 40, 1 << 17, 1 << 18, 0, -16, 24, 1000, 16};
    for (size_t k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
        big->capacity = caps[k];
        hd_mem_t mb;
        hd_heap_t *b = rt_heap_new(&mb, true);
        CHECK_OK(hd_graph_import_ex(b, c.nodes, c.n, c.names, c.nnames, c.roots, c.nroots, NULL, 0,
                                    NULL, NULL));
        rt_validate(b);
        long long got[2];
        CHECK_EQ(run(b, "print(big['k'])\nbig['j'] = 2\nprint(len(big))\n", got, 0, 2), 2u);
        CHECK_EQ(got[0], 1);
        CHECK_EQ(got[1], 2);
        rt_validate(b);
        hd_heap_free(b);
    }
    copy_free(&c);
    hd_heap_free(a);
}

/* class statements (MRO, bases, subclasses, slots, mappingproxy, a
 * subclass registered with its bases) refused memory at every step, by the
 * heap's byte cap and by the system allocator's Nth request: each failure
 * is an error, the heap validates, and once the names are dropped and a
 * collection ran, exactly the objects of a run that did not fail remain */
static const char fail_warm[] = "import gc, weakref\n"
                                "A = B = C = S = r = d = m = l = i = None\n"
                                "gc.collect()\n";
static const char fail_prog[] = "class A:\n"
                                "    x = 1\n"
                                "class B(A):\n"
                                "    def __del__(self):\n"
                                "        pass\n"
                                "class C(B, A):\n"
                                "    pass\n"
                                "class S:\n"
                                "    __slots__ = ('a', 'b')\n"
                                "r = weakref.ref(B)\n"
                                "d = C.__dict__\n"
                                "m = C.__mro__\n"
                                "l = A.__subclasses__()\n"
                                "i = C()\n"
                                "i.me = i\n";
static const char fail_clean[] = "A = B = C = S = r = d = m = l = i = None\n"
                                 "gc.collect()\n";

/* fail_run: runs the program on a warmed heap with byte cap `budget` over
 * its use (or, with nth, the allocator's nth request failing); returns
 * whether it ran to its end, and the live objects once cleaned up */
static bool fail_run(uint64_t budget, uint64_t nth, uint64_t *objects)
{
    hd_mem_t mem;
    hd_heap_t *h = rt_heap_new(&mem, true);
    hd_script_result_t r;
    CHECK_OK(hd_script_run(h, fail_warm, strlen(fail_warm), NULL, &r));
    CHECK_EQ(r.status, HD_SCRIPT_OK);
    hd_script_result_close(&r);
    hd_heap_totals_t t;
    hd_heap_totals(h, &t);
    if (budget)
        hd_heap_set_limits(h, t.bytes + budget, 0);
    if (nth)
        hd_mem_fail_after(&mem, nth, 1);
    int rc = hd_script_run(h, fail_prog, strlen(fail_prog), NULL, &r);
    hd_mem_fail_after(&mem, 0, 0);
    hd_heap_set_limits(h, 0, 0);
    bool ok = rc == 0 && r.status == HD_SCRIPT_OK;
    if (rc == 0)
        hd_script_result_close(&r);
    else
        CHECK_EQ(rc, HD_ENOMEM);
    rt_validate(h);
    CHECK_OK(hd_script_run(h, fail_clean, strlen(fail_clean), NULL, &r));
    CHECK_EQ(r.status, HD_SCRIPT_OK);
    hd_script_result_close(&r);
    rt_validate(h);
    hd_heap_totals(h, &t);
    *objects = t.objects;
    hd_heap_free(h);
    return ok;
}

TEST(class_statements_fail_cleanly_at_every_step)
{
    uint64_t want, got;
    CHECK(fail_run(0, 0, &want));
    int failures = 0;
    for (uint64_t budget = 16;; budget += 16) {
        bool ok = fail_run(budget, 0, &got);
        if (got != want)
            fprintf(stderr, "byte cap +%llu: %llu objects left, %llu without failure\n",
                    (unsigned long long)budget, (unsigned long long)got, (unsigned long long)want);
        CHECK_EQ(got, want);
        if (ok)
            break;
        failures++;
    }
    CHECK(failures > 20);
    int mem_failures = 0;
    for (uint64_t nth = 1;; nth++) {
        bool ok = fail_run(0, nth, &got);
        if (got != want)
            fprintf(stderr, "request %llu: %llu objects left, %llu without failure\n",
                    (unsigned long long)nth, (unsigned long long)got, (unsigned long long)want);
        CHECK_EQ(got, want);
        if (ok)
            break;
        mem_failures++;
    }
    printf("%d byte caps and %d failed requests refused the program\n", failures, mem_failures);
    CHECK(mem_failures > 0);
}

/* a class's __dict__ held by the program (a mappingproxy) survives export
 * and import, so a heap holding one can still be saved; the other dict
 * views are still refused, and so is a proxy of another kind or of what is
 * not a dict */
static const char proxy_first[] = "import gc\n"
                                  "class A:\n"
                                  "    x = 1\n"
                                  "p = A.__dict__\n"
                                  "print(len(p))\n";
static const char proxy_second[] = "print(p['x'])\n"
                                   "A.y = 2\n"
                                   "print(len(p))\n"
                                   "print(int(gc.get_referents(p)[0] is gc.get_referents(A)[0]))\n"
                                   "del A\n"
                                   "print(gc.collect())\n"
                                   "del p\n"
                                   "print(gc.collect())\n";

TEST(class_dict_proxy_round_trips)
{
    hd_mem_t ma, mb;
    hd_heap_t *a = rt_heap_new(&ma, true);
    long long got[16], want[16];
    size_t n = run(a, proxy_first, got, 0, 16);
    copy_t c;
    export_all(a, &c);
    size_t pi = find_type(&c, HD_T_DICTVIEW);
    hd_heap_t *b = rt_heap_new(&mb, true);
    CHECK_OK(hd_graph_import_ex(b, c.nodes, c.n, c.names, c.nnames, c.roots, c.nroots, NULL, 0,
                                NULL, NULL));
    rt_validate(b);
    n = run(b, proxy_second, got, n, 16);
    rt_validate(b);
    char py[sizeof(proxy_first) + sizeof(proxy_second)];
    snprintf(py, sizeof(py), "%s%s", proxy_first, proxy_second);
    size_t nw = py_ints(py, want, 16);
    CHECK_EQ(n, nw);
    for (size_t i = 0; i < n && i < nw; i++)
        CHECK_EQ(got[i], want[i]);
    hd_heap_free(b);
    /* another kind of view; a proxy of a class, not of a dict */
    hd_graph_node_t *pn = &c.nodes[pi];
    pn->aux[0] = HD_DICT_KEYS;
    import_fails(&c, pi);
    pn->aux[0] = HD_DICT_PROXY;
    uint64_t dict = swap_ref(&c, pi, 0, c.nodes[find_class(&c, "A")].id);
    import_fails(&c, pi);
    swap_ref(&c, pi, 0, dict);
    copy_free(&c);
    hd_heap_free(a);
}

/* a class's dict changed through gc.get_referents (the dict itself, not
 * the class): the attribute caches (the global one, a LOAD_ATTR's and
 * __init__'s) must not answer from before the change, whose values are
 * freed (they did: the freed int was read, under UBSan a type index out of
 * bounds). python3 itself crashes on the warmed program (its type cache is
 * as stale), so its answer is the same program without the warming
 * lookups (a miss among them), whose first lookups come after the
 * change. */
static const char typedict_head[] = "import gc\n"
                                    "def big(n):\n"
                                    "    return n * 1000003\n"
                                    "def get(o):\n"
                                    "    return o.x\n"
                                    "class C:\n"
                                    "    x = big(7)\n"
                                    "    def f(self):\n"
                                    "        return 1\n"
                                    "c = C()\n";
static const char typedict_warm[] = "print(c.x)\n"
                                    "print(C.x)\n"
                                    "print(get(c))\n"
                                    "print(c.f())\n"
                                    "print(int(hasattr(c, 'g')))\n";
static const char typedict_tail[] = "d = gc.get_referents(C)[0]\n"
                                    "d['x'] = big(5)\n"
                                    "del d['f']\n"
                                    "print(c.x)\n"
                                    "print(C.x)\n"
                                    "print(get(c))\n"
                                    "print(int(hasattr(c, 'f')))\n"
                                    "d['g'] = big(2)\n"
                                    "print(C.g)\n";

TEST(class_dict_changed_through_referents_leaves_no_stale_cache)
{
    hd_mem_t ma;
    hd_heap_t *a = rt_heap_new(&ma, true);
    char src[sizeof(typedict_head) + sizeof(typedict_warm) + sizeof(typedict_tail)];
    snprintf(src, sizeof(src), "%s%s%s", typedict_head, typedict_warm, typedict_tail);
    long long got[16], want[16];
    size_t n = run(a, src, got, 0, 16);
    rt_validate(a);
    snprintf(src, sizeof(src), "%s%s", typedict_head, typedict_tail);
    size_t nw = py_ints(src, want, 16);
    CHECK_EQ(nw, 5u);
    CHECK_EQ(n, nw + 5);
    for (size_t i = 0; i < nw && i + 5 < n; i++)
        CHECK_EQ(got[i + 5], want[i]);
    hd_heap_free(a);
}
