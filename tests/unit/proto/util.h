/*
 * util.h: helpers shared by the test programs of hd_proto: reading files
 * and directories of proto/, walking its test vectors, and a counting, failing allocator for
 * jansson (and so for hd_proto, which allocates through jansson's functions).
 */
#ifndef HD_TEST_PROTO_UTIL_H
#define HD_TEST_PROTO_UTIL_H

#include <jansson.h>
#include <stddef.h>

/* The file at path, NUL-terminated, length in *len; exits the test on error.
 * Free with free(). */
char *read_file(const char *path, size_t *len);

/* The JSON file at path; fails the test when it does not parse. New reference. */
json_t *read_json(const char *path);

/* The names of dir's entries ending in suffix, sorted; *n set. Free with
 * free_names. */
char **list_dir(const char *dir, const char *suffix, size_t *n);
void free_names(char **names, size_t n);

/* One file of proto/vectors, as each_vector hands it to its callback; every
 * pointer is borrowed until the callback returns. */
typedef struct vector {
    const char *path;
    json_t *json;     /* the whole file */
    const char *text; /* the message: "message", or "message_hex" decoded; NULL without either */
    size_t len;       /* its length in bytes */
    int hex;          /* text came from "message_hex" */
    int valid;        /* from vectors/valid (1) or vectors/invalid (0) */
} vector_t;

#define VECTORS_VALID   1
#define VECTORS_INVALID 2

/* each_vector: calls fn(v, arg) for every vector of proto/vectors/valid (when
 * `which` has VECTORS_VALID), then of vectors/invalid (VECTORS_INVALID), each
 * directory in name order. Returns how many. */
size_t each_vector(int which, void (*fn)(const vector_t *v, void *arg), void *arg);

/* The bytes of a string of hex digits, length in *len; fails the test on a
 * bad digit. Free with free(). */
unsigned char *hex_decode(const char *hex, size_t *len);

/* The counting allocator: install it, read the counters, make the Nth
 * allocation from now fail (0: never; sticky: and every later one). */
void fi_install(void);
void fi_fail_at(long n, int sticky);
long fi_live(void);  /* allocations not yet freed */
long fi_count(void); /* allocations requested since install */
long fi_failed(void);

/* Allocations made inside jansson's parser (json_loadb): test_robust wraps
 * json_loadb and reports entering and leaving it; while inside, allocations
 * are neither counted nor failed unless fi_parser_failures(1). jansson 2.14
 * can crash when an allocation fails in its lexer while a token is longer
 * than 15 bytes (akheron/jansson#362), so failing them is only safe for
 * messages of short tokens. */
void fi_in_parser(int inside);
void fi_parser_failures(int allowed);

#endif
