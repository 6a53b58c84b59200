/*
 * stdout.c: the model of sys.stdout that print() writes through.
 *
 * When stdout is a pipe, TextIOWrapper.write keeps the text it has not yet
 * passed on in `pending_bytes`: the first str itself, then a list of them,
 * flushed (and freed) once 8192 bytes are pending. print() therefore
 * allocates a list now and then and keeps its strs alive for a while;
 * PyFile_WriteObject also looks up `write` each time, making and dropping
 * a bound method, which lives while str(arg) is made (sc_write_obj).
 * sc_write_str does all of that with real objects (state->pending), so
 * the generation-0 count and tracemalloc see what python3 does; the text
 * itself goes straight into the run's output.
 */
#include <string.h>

#include "impl.h"
#include "vm.h"

#define CHUNK_SIZE 8192 /* TextIOWrapper's chunk_size */

static bool is_ascii(hd_obj_t *s)
{
    return (((hd_str_obj_t *)s)->state & HD_STR_ASCII) != 0;
}

/* writeflush: _textiowrapper_writeflush: the pending text becomes one
 * bytes object handed to the buffer, and the pending objects go */
static int writeflush(sc_vm_t *vm)
{
    sc_state_t *st = vm->st;
    hd_obj_t *pending = st->pending, *bytes = NULL;
    if (!pending)
        return 0;
    if (pending->type != HD_T_BYTES) {
        char *tmp = hd_mem_malloc(vm->h->mem, (size_t)st->pending_bytes + 1);
        if (!tmp)
            return sc_nomem(vm, HD_ENOMEM);
        memset(tmp, ' ', (size_t)st->pending_bytes);
        int rc = hd_bytes_new(vm->h, tmp, (size_t)st->pending_bytes, &bytes);
        hd_mem_free(vm->h->mem, tmp);
        if (rc)
            return sc_nomem(vm, rc);
    } else {
        hd__incref(pending);
        bytes = pending;
    }
    st->pending_bytes = 0;
    st->pending = NULL;
    hd__decref(vm->h, pending);
    hd_obj_t *n;
    if (hd__int_from_long(vm->h, hd_len(bytes), &n) == 0) /* buffer.write's result */
        hd__decref(vm->h, n);
    hd__decref(vm->h, bytes);
    return 0;
}

static int pending_add(sc_vm_t *vm, hd_obj_t *b, int64_t blen)
{
    sc_state_t *st = vm->st;
    int rc = 0;
    if (!st->pending) {
        st->pending_bytes = 0;
        hd__incref(b);
        st->pending = b;
    } else if (st->pending_bytes + blen > CHUNK_SIZE) {
        if (writeflush(vm))
            return -1;
        hd__incref(b);
        st->pending = b;
    } else if (st->pending->type != HD_T_LIST) {
        hd_obj_t *items[2] = {st->pending, b}, *l;
        if ((rc = hd_list_new(vm->h, 2, items, &l)))
            return sc_nomem(vm, rc);
        hd__decref(vm->h, st->pending);
        st->pending = l;
    } else if ((rc = hd_list_append(vm->h, st->pending, b))) {
        return sc_nomem(vm, rc);
    }
    st->pending_bytes += blen;
    if (st->pending_bytes >= CHUNK_SIZE)
        return writeflush(vm);
    return 0;
}

/* file_writer: PyFile_WriteObject's getattr(file, 'write'), a bound method */
static int file_writer(sc_vm_t *vm, hd_obj_t **writer)
{
    hd_obj_t *wfn = sc_builtin(vm, SC_BI_PRINT);
    int rc = wfn ? hd__cmethod_new(vm->h, wfn, vm->h->none, writer) : HD_ENOMEM;
    return rc ? sc_nomem(vm, rc) : 0;
}

/* write_str: writer(s); releases the writer */
static int write_str(sc_vm_t *vm, hd_obj_t *s, hd_obj_t *writer)
{
    hd_obj_t *b = s;
    int rc;
    size_t len;
    char *text = sc_str_utf8(vm, s, &len);
    if (!text) {
        hd__decref(vm->h, writer);
        return sc_nomem(vm, HD_ENOMEM);
    }
    rc = 0;
    if (!vm->out_closed) {
        if (vm->lim && vm->lim->max_output && vm->out.n + len > vm->lim->max_output)
            rc = sc_fatal(vm, SC_FATAL_BUDGET, "script_output");
        else
            rc = sc_buf_put(vm, &vm->out, text, len);
    }
    if (!rc && !is_ascii(s)) {
        int r = hd_bytes_new(vm->h, text, len, &b);
        rc = r ? sc_nomem(vm, r) : 0;
    }
    hd_mem_free(vm->h->mem, text);
    if (!rc) {
        rc = pending_add(vm, b, (int64_t)len);
        if (b != s)
            hd__decref(vm->h, b);
    }
    if (!rc) {
        hd_obj_t *ret; /* write() returns the length */
        if (hd__int_from_long(vm->h, hd_len(s), &ret) == 0)
            hd__decref(vm->h, ret);
    }
    hd__decref(vm->h, writer);
    return rc;
}

int sc_write_str(sc_vm_t *vm, hd_obj_t *s)
{
    hd_obj_t *writer;
    return file_writer(vm, &writer) ? -1 : write_str(vm, s, writer);
}

int sc_write_obj(sc_vm_t *vm, hd_obj_t *o)
{
    hd_obj_t *writer, *s;
    if (file_writer(vm, &writer))
        return -1;
    if (sc_str(vm, o, &s)) {
        hd__decref(vm->h, writer);
        return -1;
    }
    int rc = write_str(vm, s, writer);
    hd__decref(vm->h, s);
    return rc;
}

void sc_flush_stdout(sc_vm_t *vm)
{
    (void)writeflush(vm);
}
