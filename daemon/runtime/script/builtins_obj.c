/*
 * builtins_obj.c: builtins of the heap script language added after the
 * issue's list -- ascii() (PyObject_ASCII, with the blocks of
 * _PyBytesWriter that its backslashreplace encoding makes), vars(obj) and
 * sys.intern --
 * with CPython 3.11's results, objects and messages. The rest of the
 * builtins are in builtins.c and builtins_num.c.
 */
#include <string.h>

#include "impl.h"
#include "vm.h"

#define ARGS SC_ARGS

/* ---- ascii ---- */

#define BYTES_HEADER 33 /* PyBytesObject_SIZE: the header and the NUL */

/* the memory of a _PyBytesWriter (Objects/bytesobject.c): a 512-byte
 * buffer on the C stack until the bytes written outgrow it, then a bytes
 * object, grown by a quarter more than asked while the writer
 * overallocates */
typedef struct bwriter {
    void *block; /* the bytes object's block, or NULL while on the stack */
    int64_t allocated;
    int64_t min_size;
    bool overallocate;
} bwriter_t;

/* bw_prepare: _PyBytesWriter_Prepare(size), with _PyBytesWriter_Resize */
static int bw_prepare(sc_vm_t *vm, bwriter_t *w, int64_t size)
{
    if (size == 0)
        return 0;
    w->min_size += size;
    if (w->min_size <= w->allocated)
        return 0;
    int64_t alloc = w->min_size;
    if (w->overallocate)
        alloc += alloc / 4; /* OVERALLOCATE_FACTOR on POSIX */
    uint32_t kind = hd__type_kind(vm->h, HD_T_BYTES);
    size_t len = (size_t)(BYTES_HEADER + alloc);
    int rc = w->block ? hd__block_realloc(vm->h, w->block, len, kind, &w->block)
                      : hd__block_alloc(vm->h, len, kind, &w->block);
    if (rc)
        return sc_nomem(vm, rc);
    w->allocated = alloc;
    return 0;
}

/* bw_finish: _PyBytesWriter_Finish's bytes object of `size` bytes */
static int bw_finish(sc_vm_t *vm, bwriter_t *w, int64_t size)
{
    uint32_t kind = hd__type_kind(vm->h, HD_T_BYTES);
    size_t len = (size_t)(BYTES_HEADER + size);
    int rc = 0;
    if (!w->block) /* PyBytes_FromStringAndSize(small_buffer, size) */
        rc = hd__block_alloc(vm->h, len, kind, &w->block);
    else if (size != w->allocated) /* _PyBytes_Resize */
        rc = hd__block_realloc(vm->h, w->block, len, kind, &w->block);
    return rc ? sc_nomem(vm, rc) : 0;
}

/* escape_len: the length of backslashreplace's escape of c */
static int escape_len(uint32_t c)
{
    return c < 0x100 ? 4 : c < 0x10000 ? 6 : 10;
}

/* ascii(obj): the repr when it is ASCII; otherwise the repr encoded to
 * ASCII with backslashreplace (unicode_encode_ucs1's writer: the whole
 * length first, then for each run of non-ASCII characters its escapes less
 * the run, overallocating unless the run ends the text), the repr
 * released, and a str decoded from the bytes, which go last */
int bi_ascii(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "ascii", kwnames) || sc_arg_count(vm, "ascii", nargs, 1, 1))
        return -1;
    hd_obj_t *repr;
    if (sc_repr(vm, args[0], &repr))
        return -1;
    int64_t n = hd_len(repr), total = 0;
    for (int64_t i = 0; i < n; i++) {
        uint32_t c = hd__str_char(repr, i);
        total += c < 0x80 ? 1 : escape_len(c);
    }
    if (total == n) {
        *out = repr;
        return 0;
    }
    bwriter_t w = {NULL, 512, 0, false};
    int rc = bw_prepare(vm, &w, n);
    for (int64_t pos = 0; !rc && pos < n;) {
        if (hd__str_char(repr, pos) < 0x80) {
            pos++;
            continue;
        }
        int64_t end = pos + 1, incr = 0;
        while (end < n && hd__str_char(repr, end) >= 0x80)
            end++;
        w.overallocate = end < n;
        w.min_size -= end - pos;
        for (int64_t i = pos; i < end; i++)
            incr += escape_len(hd__str_char(repr, i));
        rc = bw_prepare(vm, &w, incr);
        pos = end;
    }
    char *text = NULL;
    if (!rc && !(text = hd_mem_malloc(vm->h->mem, (size_t)total + 1)))
        rc = sc_nomem(vm, HD_ENOMEM);
    if (!rc)
        rc = bw_finish(vm, &w, total);
    if (rc) {
        hd_mem_free(vm->h->mem, text);
        if (w.block)
            hd__block_free(vm->h, w.block);
        hd__decref(vm->h, repr);
        return -1;
    }
    static const char hex[] = "0123456789abcdef";
    char *p = text;
    for (int64_t i = 0; i < n; i++) {
        uint32_t c = hd__str_char(repr, i);
        if (c < 0x80) {
            *p++ = (char)c;
            continue;
        }
        int digits = escape_len(c) - 2;
        *p++ = '\\';
        *p++ = digits == 2 ? 'x' : digits == 4 ? 'u' : 'U';
        for (int k = digits - 1; k >= 0; k--)
            *p++ = hex[(c >> (4 * k)) & 15];
    }
    hd__decref(vm->h, repr);
    rc = sc_str_new(vm, text, (size_t)total, out);
    hd_mem_free(vm->h->mem, text);
    hd__block_free(vm->h, w.block);
    return rc;
}

/* ---- vars ---- */

/* vars(obj): obj.__dict__ (METH_VARARGS: an argument tuple); vars() with
 * no argument is locals(), which the language does not have */
int bi_vars(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "vars", kwnames) || sc_arg_count(vm, "vars", nargs, 0, 1))
        return -1;
    if (nargs == 0)
        return sc_raise(vm, EXC_TYPEERROR,
                        "vars() without an argument (locals()) is not supported by the heap "
                        "script language");
    if (sc_getattr(vm, args[0], "__dict__", NULL, out) == 0)
        return 0;
    if (vm->exc != EXC_ATTRIBUTEERROR)
        return -1;
    sc_clear_exc(vm);
    return sc_raise(vm, EXC_TYPEERROR, "vars() argument must have __dict__ attribute");
}

/* ---- sys.intern ---- */

/* sys.intern(string): PyUnicode_InternInPlace: the interned str equal to
 * the argument, which becomes it when there is none. The interned set is
 * the heap's (atoms.c); the compiler interns string constants made of
 * name characters, as 3.11's intern_string_constants does. */
int sys_intern(sc_vm_t *vm, hd_obj_t *self, ARGS)
{
    (void)self;
    if (sc_no_kwargs(vm, "intern", kwnames) || sc_arg_count(vm, "intern", nargs, 1, 1))
        return -1;
    if (args[0]->type != HD_T_STR)
        return sc_raise(vm, EXC_TYPEERROR, "intern() argument must be str, not %s",
                        sc_tname(vm, args[0]));
    int rc = hd__str_intern(vm->h, args[0], out);
    return rc ? sc_nomem(vm, rc) : 0;
}
