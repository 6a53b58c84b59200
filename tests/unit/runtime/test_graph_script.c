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
