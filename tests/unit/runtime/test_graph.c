/*
 * test_graph.c: export a heap and import it into a new one: the same
 * objects, names, edges and reference counts.
 */
#include "rt_util.h"

#include "graph.h"

/* A deep copy of the exported nodes (they are valid during the callback
 * only). */
typedef struct copy {
    hd_graph_node_t *nodes;
    size_t n, cap;
    hd_graph_name_t names[64];
    size_t nnames;
} copy_t;

static int copy_node(const hd_graph_node_t *node, void *arg)
{
    copy_t *c = arg;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->nodes = realloc(c->nodes, c->cap * sizeof(*c->nodes));
    }
    hd_graph_node_t *d = &c->nodes[c->n++];
    *d = *node;
    d->refs = NULL;
    d->attr_names = NULL;
    d->data = NULL;
    d->digits = NULL;
    d->slots = NULL;
    if (node->nrefs) {
        uint64_t *refs = malloc(node->nrefs * sizeof(*refs));
        memcpy(refs, node->refs, node->nrefs * sizeof(*refs));
        d->refs = refs;
        if (node->type == HD_T_INSTANCE) {
            char **names = malloc(node->nrefs * sizeof(*names));
            for (size_t i = 0; i < node->nrefs; i++)
                names[i] = strdup(node->attr_names[i]);
            d->attr_names = (const char *const *)names;
        }
    }
    if (node->data) {
        char *data = malloc(node->len + 1);
        memcpy(data, node->data, node->len);
        d->data = data;
    }
    if (node->digits) {
        uint32_t *digits = malloc(node->ndigits * 4 + 4);
        memcpy(digits, node->digits, node->ndigits * 4);
        d->digits = digits;
    }
    d->class_name = node->class_name ? strdup(node->class_name) : NULL;
    d->nslots = 0; /* no __slots__ classes in this test */
    return 0;
}

static int copy_name(const char *name, uint64_t id, void *arg)
{
    copy_t *c = arg;
    c->names[c->nnames].name = strdup(name);
    c->names[c->nnames++].id = id;
    return 0;
}

static void copy_free(copy_t *c)
{
    for (size_t i = 0; i < c->n; i++) {
        hd_graph_node_t *d = &c->nodes[i];
        if (d->type == HD_T_INSTANCE)
            for (size_t k = 0; k < d->nrefs; k++)
                free((char *)d->attr_names[k]);
        if (d->type == HD_T_INSTANCE && d->nrefs)
            free((void *)d->attr_names);
        free((void *)d->refs);
        free((void *)d->data);
        free((void *)d->digits);
        free((void *)d->class_name);
    }
    for (size_t i = 0; i < c->nnames; i++)
        free((void *)c->names[i].name);
    free(c->nodes);
}

static void describe(rt_t *r, const char *name, char *buf, size_t len)
{
    hd_obj_t *o;
    CHECK_OK(hd_ns_get(r->h, name, &o));
    char repr[128] = "";
    int t = hd_obj_type(o);
    if (t != HD_T_INSTANCE && t != HD_T_WEAKREF && t != HD_T_CLASS)
        hd_obj_repr(r->h, o, repr, sizeof(repr));
    snprintf(buf, len, "%s %s refs=%llu size=%zu %s", name, hd_obj_type_name(r->h, o),
             (unsigned long long)hd_obj_refcount(o), hd_obj_sizeof(r->h, o), repr);
}

TEST(export_import_round_trip)
{
    rt_t *a = rt_new();
    hd_heap_t *h = a->h;
    hd_obj_t *cls, *n1, *n2, *l, *d, *s, *t, *v, *k, *wr, *big;
    hd_class_spec_t del = {true, false, 0, NULL};
    CHECK_OK(hd_class_new(h, "Node", &del, &cls));
    CHECK_OK(hd_instance_new(h, cls, false, &n1));
    CHECK_OK(hd_instance_new(h, cls, false, &n2));
    CHECK_OK(hd_obj_setattr(h, n1, "next", n2));
    CHECK_OK(hd_obj_setattr(h, n2, "next", n1)); /* a cycle */
    CHECK_OK(hd_list_new(h, 0, NULL, &l));
    CHECK_OK(hd_list_append(h, l, l));
    CHECK_OK(hd_int_from_i64(h, 123456789012LL, &v));
    CHECK_OK(hd_list_append(h, l, v));
    CHECK_OK(hd_str_new(h, "k\xc3\xa9", 3, &k));
    CHECK_OK(hd_dict_new(h, 1, &k, &l, &d));
    CHECK_OK(hd_set_new(h, 1, &v, &s));
    CHECK_OK(hd_tuple_new(h, 1, &d, &t));
    CHECK_OK(hd_weakref_new(h, n1, NULL, true, &wr));
    hd_obj_t *gone, *dead;
    CHECK_OK(hd_instance_new(h, cls, false, &gone));
    CHECK_OK(hd_weakref_new(h, gone, NULL, false, &dead));
    CHECK_OK(hd_ns_bind(h, "dead", dead));
    hd_obj_decref(h, dead);
    hd_obj_decref(h, gone); /* __del__ runs; the weakref is dead from now on */
    uint32_t digits[4] = {1, 2, 3, 4};
    CHECK_OK(hd_int_from_digits(h, -1, digits, 4, &big));
    hd_obj_t *objs[] = {cls, n1, l, d, s, t, wr, big};
    const char *names[] = {"Node", "n1", "l", "d", "s", "t", "wr", "big"};
    for (int i = 0; i < 8; i++)
        CHECK_OK(hd_ns_bind(h, names[i], objs[i]));
    hd_obj_t *all[] = {cls, n1, n2, l, d, s, t, v, k, wr, big};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        hd_obj_decref(h, all[i]);

    copy_t c = {0};
    CHECK_OK(hd_graph_export(h, copy_node, copy_name, &c));
    CHECK_EQ(c.nnames, 9);
    rt_t *b = rt_new();
    size_t bad = 0;
    CHECK_OK(hd_graph_import(b->h, c.nodes, c.n, c.names, c.nnames, &bad));
    rt_check(b);
    hd_heap_totals_t ta, tb;
    hd_heap_totals(a->h, &ta);
    hd_heap_totals(b->h, &tb);
    CHECK_EQ(ta.objects, tb.objects);
    for (int t2 = 0; t2 < HD_TYPE_COUNT; t2++)
        CHECK_EQ(ta.by_type[t2], tb.by_type[t2]);
    hd_obj_t *dead_b;
    CHECK_OK(hd_ns_get(b->h, "dead", &dead_b));
    CHECK(hd_obj_type(dead_b) == HD_T_WEAKREF && hd_weakref_get(dead_b) == NULL);
    for (int i = 0; i < 8; i++) {
        char da[256], db[256];
        describe(a, names[i], da, sizeof(da));
        describe(b, names[i], db, sizeof(db));
        CHECK_STR(db, da);
    }
    /* the imported cycle is still garbage-collectable and still finalizes */
    CHECK_OK(hd_ns_del(b->h, "n1"));
    hd_gc_result_t res;
    CHECK_OK(hd_gc_collect(b->h, 2, &res));
    CHECK_EQ(res.collected, 2);
    copy_free(&c);
    rt_free(a);
    rt_free(b);
}

TEST(import_rejects_bad_references)
{
    rt_t *r = rt_new();
    uint64_t refs[] = {99};
    hd_graph_node_t nodes[1] = {{.id = 1, .type = HD_T_LIST, .nrefs = 1, .refs = refs}};
    size_t bad = 7;
    CHECK_EQ(hd_graph_import(r->h, nodes, 1, NULL, 0, &bad), HD_EINVAL);
    CHECK_EQ(bad, 0);
    rt_free(r);
}

TEST(import_rejects_an_impossible_list_capacity)
{
    /* capacity 2**61 would overflow the size of the item block */
    rt_t *r = rt_new();
    uint64_t refs[] = {2, 2};
    hd_graph_node_t nodes[2] = {
        {.id = 1, .type = HD_T_LIST, .nrefs = 2, .refs = refs, .capacity = INT64_C(1) << 61},
        {.id = 2, .type = HD_T_NONE}};
    size_t bad = 9;
    CHECK_EQ(hd_graph_import(r->h, nodes, 2, NULL, 0, &bad), HD_EINVAL);
    CHECK_EQ(bad, 0);
    rt_free(r);
}
