/*
 * util.h: helpers shared by the test programs of hd_proto: reading files
 * and directories of proto/, and a counting, failing allocator for jansson
 * (and so for hd_proto, which allocates through jansson's functions).
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
