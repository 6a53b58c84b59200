/*
 * format_int.h: what format.c (str, repr, format specs) and percent.c
 * (printf-style %) share: a parsed format spec and the formatters of ints
 * and floats. Private to those two files.
 */
#ifndef SC_FORMAT_INT_H
#define SC_FORMAT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "impl.h"
#include "vm.h"

/* widths and precisions past this would make strings of hundreds of MiB:
 * MemoryError (CPython tries the allocation) */
#define FMT_MAX_WIDTH (1 << 27)

typedef struct spec {
    char fill, align, sign, type, grouping;
    bool alt, zero;
    int width, precision;
} spec_t;

/* format.c's formatters; each is described where it is defined */
void sc_fmt_float_body(double v, const spec_t *p, char *out, size_t len);
int sc_fmt_format_float(sc_vm_t *vm, double v, const spec_t *p, sc_buf_t *b);
int sc_fmt_format_int(sc_vm_t *vm, hd_obj_t *o, const spec_t *p, sc_buf_t *b);
int sc_fmt_fresh_str(sc_vm_t *vm, const char *s, size_t n, hd_obj_t **out);
char *sc_fmt_int_digits(sc_vm_t *vm, hd_obj_t *o, int base, bool upper);
int sc_fmt_int_scratch(sc_vm_t *vm, hd_obj_t *o, hd_obj_t **scratch);
int sc_fmt_int_text_str(sc_vm_t *vm, hd_obj_t *o, const sc_buf_t *b, hd_obj_t **out);
int sc_fmt_pad(sc_vm_t *vm, const spec_t *p, const char *sign, const char *body, char def_align,
               sc_buf_t *b);
void sc_fmt_utf8_cut(char *s, size_t n);
int sc_fmt_writer_result(sc_vm_t *vm, const sc_buf_t *b, hd_obj_t **out);

#endif
