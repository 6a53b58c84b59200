/*
 * value.h: heapctl's value syntax: command-line words to the protocol's
 * values and targets (proto/README.md, "Names, targets and values").
 *
 * The rules (heapctl(1), VALUES):
 *   @name          the object bound to name          {"name":"name"}
 *   #17            the object with id 17             {"id":17}
 *   None True False                                  null true false
 *   17 -3 0x1f 1_000                                 an int (64-bit)
 *   1.5 -2e3 .5 1.                                   a float
 *   'text' "text"  a str, with Python's escapes      "text"
 *   b'..'          a bytes object                    {"new":"bytes","value":".."}
 *   [a, b]  (a, b)  (a,)  {k: v}  {a, b}  {}  ()     a new list, tuple, dict, set
 *   word           a bare identifier is a str        "word"
 * Anything else (say `1.2.3` or `@`) is refused: heapctl never guesses.
 */
#ifndef HC_VALUE_H
#define HC_VALUE_H

#include <jansson.h>
#include <stddef.h>

/* hc_value_parse: one VALUE word to a protocol value. Returns 0 and a new
 * reference in *out, or -1 with a message in err.
 * Ownership: s is borrowed; *out is a new reference. */
int hc_value_parse(const char *s, json_t **out, char *err, size_t errlen);

/* hc_target_parse: a TARGET word: "@a" or "a" (a bound name) gives the JSON
 * string "a"; "#17" or "17" (an object id) gives the integer 17. Returns 0
 * or -1 with a message in err.
 * Ownership: *out is a new reference. */
int hc_target_parse(const char *s, json_t **out, char *err, size_t errlen);

/* hc_pair_parse: "KEY:VALUE" (a dict item for `new HEAP dict`): two values
 * separated by a colon outside quotes and brackets. Returns 0 or -1.
 * Ownership: *key and *value are new references. */
int hc_pair_parse(const char *s, json_t **key, json_t **value, char *err, size_t errlen);

/* hc_attr_parse: "NAME=VALUE" (an attribute for `new HEAP instance`).
 * Returns 0 with *name (a new JSON string) and *value, or -1.
 * Ownership: new references. */
int hc_attr_parse(const char *s, char *name, size_t namelen, json_t **value, char *err,
                  size_t errlen);

/* hc_ident_valid: s is an ASCII identifier [A-Za-z_][A-Za-z0-9_]*, at most
 * 255 bytes (a name the heap's namespace accepts). */
int hc_ident_valid(const char *s);

#endif
