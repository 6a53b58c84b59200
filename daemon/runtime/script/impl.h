/*
 * impl.h: the implementations behind the builtin table and the helpers
 * builtins.c, methods.c, modules.c and format.c share (internal).
 */
#ifndef SC_IMPL_H
#define SC_IMPL_H

#include "vm.h"

#define SC_ARGS hd_obj_t *const *args, int nargs, hd_obj_t *kwnames, hd_obj_t **out

/* builtins.c's argument helpers, shared with builtins_num.c */
int sc_check_kwargs(sc_vm_t *vm, const char *fname, hd_obj_t *kwnames, const char *const *allowed);
int sc_npos_of(int nargs, hd_obj_t *kwnames);
int sc_index_arg(sc_vm_t *vm, hd_obj_t *o, int64_t *v);
/* methods.c: the argument check of a method (no keywords, min..max
 * positional arguments), with CPython's messages; shared with methods_str.c */
int sc_nargs_ok(sc_vm_t *vm, const char *name, int nargs, hd_obj_t *kwnames, int min, int max);
/* builtins.c: dict() of no argument (dict_new: PyType_GenericAlloc,
 * untracked, the shared empty keys) */
int sc_dict_new_generic(sc_vm_t *vm, hd_obj_t **out);
/* builtins_num.c */
int sc_int_from_double(sc_vm_t *vm, double r, hd_obj_t **out);
int bi_round(sc_vm_t *, hd_obj_t *, SC_ARGS);
int bi_divmod(sc_vm_t *, hd_obj_t *, SC_ARGS);
int bi_pow(sc_vm_t *, hd_obj_t *, SC_ARGS);
/* builtins_obj.c */
int bi_ascii(sc_vm_t *, hd_obj_t *, SC_ARGS);
int bi_vars(sc_vm_t *, hd_obj_t *, SC_ARGS);
int sys_intern(sc_vm_t *, hd_obj_t *, SC_ARGS);
int sys_getrefcount(sc_vm_t *, hd_obj_t *, SC_ARGS);
int sys_getsizeof(sc_vm_t *, hd_obj_t *, SC_ARGS);
int sys_getrecursionlimit(sc_vm_t *, hd_obj_t *, SC_ARGS);
int sys_setrecursionlimit(sc_vm_t *, hd_obj_t *, SC_ARGS);
#define GC_FN(n) int gc_##n(sc_vm_t *, hd_obj_t *, SC_ARGS);
GC_FN(collect)
GC_FN(enable)
GC_FN(disable)
GC_FN(isenabled)
GC_FN(get_count)
GC_FN(get_threshold)
GC_FN(set_threshold)
GC_FN(get_stats)
GC_FN(is_tracked)
GC_FN(is_finalized)
GC_FN(get_referrers)
GC_FN(get_referents)
GC_FN(get_objects)
GC_FN(freeze)
GC_FN(unfreeze)
GC_FN(get_freeze_count)
GC_FN(set_debug)
GC_FN(get_debug)
#undef GC_FN
int wr_ref(sc_vm_t *, hd_obj_t *, SC_ARGS);
int wr_getweakrefcount(sc_vm_t *, hd_obj_t *, SC_ARGS);
int wr_getweakrefs(sc_vm_t *, hd_obj_t *, SC_ARGS);
int wr_finalize(sc_vm_t *, hd_obj_t *, SC_ARGS);
int sp_fin_detach(sc_vm_t *, hd_obj_t *, SC_ARGS);
int sp_fin_peek(sc_vm_t *, hd_obj_t *, SC_ARGS);
int sp_snap_statistics(sc_vm_t *, hd_obj_t *, SC_ARGS);
int sp_snap_compare_to(sc_vm_t *, hd_obj_t *, SC_ARGS);
int ty_subclasses(sc_vm_t *, hd_obj_t *, SC_ARGS);
#define TM_FN(n) int tm_##n(sc_vm_t *, hd_obj_t *, SC_ARGS);
TM_FN(start)
TM_FN(stop)
TM_FN(is_tracing)
TM_FN(get_traced_memory)
TM_FN(reset_peak)
TM_FN(clear_traces)
TM_FN(take_snapshot)
TM_FN(get_traceback_limit)
#undef TM_FN
#define M_FN(n) int m_##n(sc_vm_t *, hd_obj_t *, SC_ARGS);
M_FN(list_append)
M_FN(list_extend)
M_FN(list_insert)
M_FN(list_pop)
M_FN(list_remove)
M_FN(list_clear)
M_FN(seq_index)
M_FN(seq_count)
M_FN(list_copy)
M_FN(list_reverse)
M_FN(list_sort)
M_FN(dict_get)
M_FN(dict_keys)
M_FN(dict_values)
M_FN(dict_items)
M_FN(dict_pop)
M_FN(dict_popitem)
M_FN(dict_setdefault)
M_FN(dict_update)
M_FN(dict_clear)
M_FN(dict_copy)
M_FN(set_add)
M_FN(set_discard)
M_FN(set_remove)
M_FN(set_pop)
M_FN(set_clear)
M_FN(set_copy)
M_FN(set_update)
M_FN(set_union)
M_FN(set_intersection)
M_FN(set_difference)
M_FN(set_issubset)
M_FN(set_issuperset)
M_FN(str_join)
M_FN(str_format)
M_FN(str_upper)
M_FN(str_lower)
M_FN(str_strip)
M_FN(str_lstrip)
M_FN(str_rstrip)
M_FN(str_split)
M_FN(str_replace)
M_FN(str_startswith)
M_FN(str_endswith)
M_FN(str_find)
M_FN(str_count)
M_FN(str_isdigit)
M_FN(str_isalpha)
M_FN(str_ljust)
M_FN(str_rjust)
M_FN(str_center)
M_FN(str_zfill)
M_FN(int_bit_length)
M_FN(float_is_integer)
M_FN(bytes_decode)
M_FN(set_difference_update)
M_FN(set_intersection_update)
M_FN(set_isdisjoint)
M_FN(set_symmetric_difference)
M_FN(set_symmetric_difference_update)
M_FN(str_rsplit)
M_FN(str_rfind)
M_FN(str_index)
M_FN(str_rindex)
M_FN(str_partition)
M_FN(str_rpartition)
M_FN(str_splitlines)
M_FN(str_removeprefix)
M_FN(str_removesuffix)
M_FN(str_title)
M_FN(str_capitalize)
M_FN(str_swapcase)
M_FN(str_isspace)
M_FN(str_isupper)
M_FN(str_islower)
M_FN(str_isalnum)
M_FN(str_isascii)
M_FN(str_isdecimal)
M_FN(str_isnumeric)
M_FN(frozenset_copy)
M_FN(str_encode)
M_FN(dict_fromkeys)
#undef M_FN

/* helpers */
int sc_list_new_generic(sc_vm_t *vm, hd_obj_t **out);
/* sc_kwtuple: the tuple of keyword names an Argument Clinic parser makes the
 * first time it parses keywords (3.11 builds it then, and keeps it) */
int sc_kwtuple(sc_vm_t *vm, int index, const char *const *names);
/* suggest.c: "Did you mean" for NameError and AttributeError */
void sc_hint_name(sc_vm_t *vm, const char *name);
void sc_hint_attr(sc_vm_t *vm, hd_obj_t *o, const char *name);
void sc_hint_clear(sc_vm_t *vm);
const char *sc_hint_text(sc_vm_t *vm);
/* sc_classes_changed: forget the cached class attribute lookups */
void sc_classes_changed(sc_vm_t *vm);
/* sc_writer_t: CPython's _PyUnicodeWriter as tracemalloc sees it (format.c):
 * a traced block standing for its buffer, grown as 3.11 grows it. Used
 * only while tracemalloc traces; zero it, set min_length and
 * overallocate, write, then sc_writer_close before the result str is made
 * (the final shrink). */
typedef struct sc_writer {
    void *block;        /* owned: the traced stand-in for the buffer, or NULL */
    int64_t size, pos;  /* its capacity and length, in characters */
    int64_t min_length; /* writer.min_length */
    uint32_t maxchar;   /* the buffer's kind: 0 (none yet), 127, 255, 65535, 0x10ffff */
    bool overallocate;  /* writer.overallocate */
} sc_writer_t;
/* sc_writer_write: _PyUnicodeWriter_Prepare(len, maxchar) and the write;
 * sc_writer_text: the same for UTF-8 text. 0 or -1 (MemoryError raised). */
int sc_writer_write(sc_vm_t *vm, sc_writer_t *w, int64_t len, uint32_t maxchar);
int sc_writer_text(sc_vm_t *vm, sc_writer_t *w, const char *utf8, size_t n);
void sc_writer_close(sc_vm_t *vm, sc_writer_t *w);
/* sc_writer_sync: while tracing, writes to w the text b holds past *from;
 * then *from = b->n. 0 or -1. */
int sc_writer_sync(sc_vm_t *vm, sc_writer_t *w, const sc_buf_t *b, size_t *from);
/* reprs that model CPython's allocations (writer.c): a list, tuple or dict
 * and object_repr while tracing, a set and a dict view always; the text
 * goes to b */
int sc_traced_repr(sc_vm_t *vm, hd_obj_t *o, sc_buf_t *b);
int sc_traced_object_repr(sc_vm_t *vm, hd_obj_t *o, sc_buf_t *b);
int sc_repr_set(sc_vm_t *vm, hd_obj_t *o, sc_buf_t *b);
int sc_traced_atom_repr(sc_vm_t *vm, hd_obj_t *o, sc_buf_t *b); /* 1: not modelled */
int sc_repr_view(sc_vm_t *vm, hd_obj_t *o, sc_buf_t *b);
/* sc_format_field_obj: str.format's render_field for a value other than a
 * str, int or float: PyObject_Format(v, spec) makes a str, which becomes
 * *whole when whole is not NULL, else is copied to b. Steals v. 0 or -1. */
int sc_format_field_obj(sc_vm_t *vm, hd_obj_t *v, const char *spec, sc_buf_t *b, hd_obj_t **whole);
/* sc_temps_t: what a number's formatter makes before its text is written
 * (format.c, while tracing): a str, long_to_decimal_string's scratch int,
 * PyNumber_Float's float, dtoa's block; sc_temps_close releases them once
 * the text is written. sc_field_temps: str.format's render_field for an
 * int or a float and its spec (0, or -1 with the spec's error raised). */
typedef struct sc_temps {
    hd_obj_t *str, *scratch, *num; /* owned, or NULL */
    void *block;                   /* owned traced block, or NULL */
    void *locale;                  /* owned: 'n''s locale grouping copy, or NULL */
    bool fast; /* a float's text written as one str: its str(), or from the block */
} sc_temps_t;
int sc_field_temps(sc_vm_t *vm, hd_obj_t *o, const char *spec, sc_temps_t *t);
void sc_temps_close(sc_vm_t *vm, sc_temps_t *t);
/* sc_dtoa_digits: the digit count and decimal point _Py_dg_dtoa gives for
 * a decimal text (false for inf and nan); sc_dtoa_size: format_float_short's
 * block for them in format code type ('r', 'e', 'f', 'g') (writer.c) */
bool sc_dtoa_digits(const char *text, int64_t *decpt_out, int64_t *nd_out);
size_t sc_dtoa_size(int64_t decpt, int64_t nd, char type, int prec, bool alt, bool dot0);
/* format.c's buffer and Py_Repr helpers, for writer.c */
int sc_buf_puts(sc_vm_t *vm, sc_buf_t *b, const char *s);
int sc_buf_put_str(sc_vm_t *vm, sc_buf_t *b, hd_obj_t *s);
int sc_repr_enter(sc_vm_t *vm, hd_obj_t *o, bool *recursive);
void sc_repr_leave(sc_vm_t *vm, hd_obj_t *o);

/* sc_static_str: one of the strs CPython has statically (see state.c),
 * borrowed, or NULL */
hd_obj_t *sc_static_str(sc_vm_t *vm, const char *name);
int sc_list_sort(sc_vm_t *vm, hd_obj_t *list, hd_obj_t *key, bool reverse);
int sc_format_buf(sc_vm_t *vm, hd_obj_t *o, const char *spec, sc_buf_t *b);
int sc_int_str(sc_vm_t *vm, hd_obj_t *o, hd_obj_t **out);
int sc_percent_format(sc_vm_t *vm, hd_obj_t *fmt, hd_obj_t *args, hd_obj_t **out);
/* sc_special_repr: finalize and tracemalloc objects; 1 when o is not one */
int sc_special_repr(sc_vm_t *vm, hd_obj_t *o, sc_buf_t *b);
hd_obj_t *sc_finalize_class(sc_vm_t *vm, bool create);
int sc_finalize_call(sc_vm_t *vm, hd_obj_t *fin, hd_obj_t *const *args, int nargs, hd_obj_t **out);
/* sc_weakref_died: a weakref callback of the runtime: finalize objects */
bool sc_is_finalize(sc_vm_t *vm, hd_obj_t *o);
bool sc_is_snapshot(sc_vm_t *vm, hd_obj_t *o);
void sc_snapshot_died(sc_vm_t *vm, hd_obj_t *snap);
/* sc_special_getattr: attributes and methods of the support classes (see
 * modules.c); 2 when o has no such attribute */
int sc_special_getattr(sc_vm_t *vm, hd_obj_t *o, const char *name, bool method, hd_obj_t **out);

#endif
