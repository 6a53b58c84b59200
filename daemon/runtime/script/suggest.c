/*
 * suggest.c: the "Did you mean: 'x'?" that CPython 3.11 adds to the last
 * traceback line of a NameError or AttributeError (Python/suggestions.c):
 * the candidate closest to the missing name by a Levenshtein distance in
 * which a case flip costs 1 and any other edit 2, within a third of the
 * characters involved, first best wins; no suggestion from 750 candidates
 * on, or for names over 40 bytes once the common affixes are trimmed.
 *
 * NameError looks at the raising frame's local variable names, then the
 * module's globals (in insertion order), then the builtins; it is worked
 * out when raised (the frame may be gone when the error is printed).
 * AttributeError looks at dir(obj), sorted: vm keeps the object (a new
 * reference, as the exception does) and the name until the error is
 * printed or cleared. Only the printed line gets the suggestion, as in
 * CPython (str(exc) has none).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impl.h"
#include "suggest_names.h"
#include "vm.h"

#define MAX_CANDIDATES 750
#define MAX_STRING     40
#define MOVE_COST      2
#define CASE_COST      1

static size_t sub_cost(char a, char b)
{
    if ((a & 31) != (b & 31))
        return MOVE_COST;
    if (a == b)
        return 0;
    if (a >= 'A' && a <= 'Z')
        a = (char)(a + ('a' - 'A'));
    if (b >= 'A' && b <= 'Z')
        b = (char)(b + ('a' - 'A'));
    return a == b ? CASE_COST : MOVE_COST;
}

/* levenshtein: suggestions.c's levenshtein_distance (max_cost + 1 when
 * over the limit) */
static size_t levenshtein(const char *a, size_t an, const char *b, size_t bn, size_t max_cost)
{
    size_t buffer[MAX_STRING];
    while (an && bn && a[0] == b[0])
        a++, an--, b++, bn--;
    while (an && bn && a[an - 1] == b[bn - 1])
        an--, bn--;
    if (an == 0 || bn == 0)
        return (an + bn) * MOVE_COST;
    if (an > MAX_STRING || bn > MAX_STRING)
        return max_cost + 1;
    if (bn < an) {
        const char *t = a;
        a = b, b = t;
        size_t tn = an;
        an = bn, bn = tn;
    }
    if ((bn - an) * MOVE_COST > max_cost)
        return max_cost + 1;
    for (size_t i = 0, tmp = MOVE_COST; i < an; i++, tmp += MOVE_COST)
        buffer[i] = tmp;
    size_t result = 0;
    for (size_t bi = 0; bi < bn; bi++) {
        char code = b[bi];
        size_t distance = result = bi * MOVE_COST, minimum = SIZE_MAX;
        for (size_t i = 0; i < an; i++) {
            size_t substitute = distance + sub_cost(code, a[i]);
            distance = buffer[i];
            size_t insert_delete = (result < distance ? result : distance) + MOVE_COST;
            result = insert_delete < substitute ? insert_delete : substitute;
            buffer[i] = result;
            if (result < minimum)
                minimum = result;
        }
        if (minimum > max_cost)
            return max_cost + 1;
    }
    return result;
}

/* best_of: calculate_suggestions over n names; NULL when none */
static const char *best_of(const char *name, const char *const *names, size_t n)
{
    if (n >= MAX_CANDIDATES)
        return NULL;
    size_t nn = strlen(name), best_d = SIZE_MAX;
    const char *best = NULL;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], name) == 0)
            continue;
        size_t in = strlen(names[i]);
        size_t max_d = (nn + in + 3) * MOVE_COST / 6;
        if (best_d != SIZE_MAX && best_d - 1 < max_d)
            max_d = best_d - 1;
        size_t d = levenshtein(name, nn, names[i], in, max_d);
        if (d > max_d)
            continue;
        if (!best || d < best_d) {
            best = names[i];
            best_d = d;
        }
    }
    return best;
}

static size_t count_of(const char *const *names)
{
    size_t n = 0;
    while (names[n])
        n++;
    return n;
}

/* ---- collecting names ---- */

typedef struct names {
    const char **v;
    size_t n, cap;
    char *pool; /* owned copies of str names */
    size_t pool_n, pool_cap;
} names_t;

static void names_add(sc_vm_t *vm, names_t *ns, const char *s)
{
    if (ns->n == ns->cap) {
        size_t cap = ns->cap ? ns->cap * 2 : 64;
        const char **v = hd_mem_malloc(vm->h->mem, cap * sizeof(*v));
        if (!v)
            return;
        if (ns->n)
            memcpy(v, ns->v, ns->n * sizeof(*v));
        hd_mem_free(vm->h->mem, ns->v);
        ns->v = v;
        ns->cap = cap;
    }
    ns->v[ns->n++] = s;
}

/* names_add_str: a str's text, kept in the pool (offsets until done) */
static void names_add_str(sc_vm_t *vm, names_t *ns, hd_obj_t *k)
{
    char buf[256];
    if (k->type != HD_T_STR)
        return;
    long len = hd_str_utf8(k, buf, sizeof(buf));
    if (len < 0 || len >= (long)sizeof(buf))
        return;
    if (ns->pool_n + (size_t)len + 1 > ns->pool_cap) {
        size_t cap = (ns->pool_cap + (size_t)len + 1) * 2;
        char *p = hd_mem_malloc(vm->h->mem, cap);
        if (!p)
            return;
        if (ns->pool_n)
            memcpy(p, ns->pool, ns->pool_n);
        hd_mem_free(vm->h->mem, ns->pool);
        ns->pool = p;
        ns->pool_cap = cap;
    }
    memcpy(ns->pool + ns->pool_n, buf, (size_t)len + 1);
    names_add(vm, ns, (const char *)(uintptr_t)(ns->pool_n + 1)); /* an offset, + 1 */
    ns->pool_n += (size_t)len + 1;
}

/* names_fix: pool offsets become pointers */
static void names_fix(names_t *ns)
{
    for (size_t i = 0; i < ns->n; i++)
        if ((uintptr_t)ns->v[i] <= ns->pool_n)
            ns->v[i] = ns->pool + ((uintptr_t)ns->v[i] - 1);
}

static void names_free(sc_vm_t *vm, names_t *ns)
{
    hd_mem_free(vm->h->mem, ns->v);
    hd_mem_free(vm->h->mem, ns->pool);
}

static void names_add_dict_keys(sc_vm_t *vm, names_t *ns, hd_obj_t *d)
{
    int64_t pos = 0;
    hd_obj_t *k, *v;
    while (d && hd_dict_next(d, &pos, &k, &v))
        names_add_str(vm, ns, k);
}

static void names_add_list(sc_vm_t *vm, names_t *ns, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        names_add(vm, ns, list[i]);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* names_sort_unique: dir()'s sorted(set(...)) */
static void names_sort_unique(names_t *ns)
{
    qsort(ns->v, ns->n, sizeof(*ns->v), cmp_names);
    size_t w = 0;
    for (size_t i = 0; i < ns->n; i++)
        if (!w || strcmp(ns->v[w - 1], ns->v[i]) != 0)
            ns->v[w++] = ns->v[i];
    ns->n = w;
}

/* ---- NameError ---- */

static void set_hint(sc_vm_t *vm, const char *s)
{
    if (s)
        snprintf(vm->hint, sizeof(vm->hint), "%s", s);
}

void sc_hint_name(sc_vm_t *vm, const char *name)
{
    vm->hint[0] = '\0';
    const sc_code_t *code = vm->frame ? vm->frame->code : NULL;
    const char *locals[256];
    size_t nl = 0;
    for (uint32_t i = 0; code && i < code->nlocals && nl < 256; i++)
        if (code->kinds[i] == LK_LOCAL)
            locals[nl++] = code->varnames[i];
    const char *s = nl ? best_of(name, locals, nl) : NULL;
    if (!s) {
        names_t g = {0};
        names_add_dict_keys(vm, &g, vm->st->globals);
        names_fix(&g);
        s = best_of(name, g.v, g.n);
        set_hint(vm, s);
        names_free(vm, &g);
        if (s)
            return;
        s = best_of(name, builtins_names, count_of(builtins_names));
    }
    set_hint(vm, s);
}

/* ---- AttributeError ---- */

void sc_hint_attr(sc_vm_t *vm, hd_obj_t *o, const char *name)
{
    sc_hint_clear(vm);
    hd__incref(o);
    vm->hint_obj = o;
    snprintf(vm->hint_attr, sizeof(vm->hint_attr), "%s", name);
}

void sc_hint_clear(sc_vm_t *vm)
{
    vm->hint[0] = '\0';
    if (vm->hint_obj) {
        hd_obj_t *o = vm->hint_obj;
        vm->hint_obj = NULL;
        hd__decref(vm->h, o);
    }
}

static const char *const *builtin_dir(sc_vm_t *vm, hd_obj_t *o)
{
    if (o->type == HD_T_BUILTIN && ((hd_builtin_obj_t *)o)->kind == HD_BUILTIN_MODULE) {
        int i = ((hd_builtin_obj_t *)o)->index;
        return i == SC_BI_MOD_GC            ? dir_mod_gc
               : i == SC_BI_MOD_SYS         ? dir_mod_sys
               : i == SC_BI_MOD_WEAKREF     ? dir_mod_weakref
               : i == SC_BI_MOD_TRACEMALLOC ? dir_mod_tracemalloc
                                            : NULL;
    }
    if (o->type == HD_T_FUNCTION)
        return function_dir;
    for (size_t i = 0; i < sizeof(type_dirs) / sizeof(type_dirs[0]); i++)
        if (type_dirs[i].type == o->type)
            return type_dirs[i].names;
    (void)vm;
    return NULL;
}

/* dir_of: dir(o) for instances and classes: own attributes, the class's
 * and its bases' dicts, object's */
static void dir_of(sc_vm_t *vm, hd_obj_t *o, names_t *ns)
{
    hd_obj_t *cls = o->type == HD_T_CLASS ? o : hd_obj_class(vm->h, o);
    if (o->type == HD_T_INSTANCE) {
        int64_t pos = 0;
        const char *an;
        hd_obj_t *av;
        while (hd_obj_attr_next(vm->h, o, &pos, &an, &av))
            names_add(vm, ns, an);
    }
    hd_obj_t *mro = sc_class_mro(cls);
    if (mro && mro->type == HD_T_TUPLE) {
        hd_tuple_obj_t *t = (hd_tuple_obj_t *)mro;
        for (int64_t i = 0; i < t->size; i++)
            if (t->items[i]->type == HD_T_CLASS)
                names_add_dict_keys(vm, ns, ((hd_class_obj_t *)t->items[i])->attrs);
    } else if (cls) {
        names_add_dict_keys(vm, ns, ((hd_class_obj_t *)cls)->attrs);
    }
    names_add_list(vm, ns, object_dir);
}

/* sc_hint_text: the suggestion for the error about to be printed, or "" */
const char *sc_hint_text(sc_vm_t *vm)
{
    if (!vm->hint_obj)
        return vm->hint;
    hd_obj_t *o = vm->hint_obj;
    const char *const *fixed = builtin_dir(vm, o);
    if (fixed) {
        set_hint(vm, best_of(vm->hint_attr, fixed, count_of(fixed)));
    } else if (o->type == HD_T_INSTANCE || o->type == HD_T_CLASS) {
        names_t ns = {0};
        dir_of(vm, o, &ns);
        names_fix(&ns);
        names_sort_unique(&ns);
        set_hint(vm, best_of(vm->hint_attr, ns.v, ns.n));
        names_free(vm, &ns);
    }
    return vm->hint;
}
