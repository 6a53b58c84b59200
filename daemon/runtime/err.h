/*
 * err.h: the error codes of heapd, in one X-macro table.
 *
 * Every fallible function of the project returns an int: 0 on success or a
 * negative HD_E* code. The same table gives the enum, hd_strerror() and the
 * JSON-RPC error code that the server answers with, so the three can never
 * drift apart.
 */
#ifndef HD_ERR_H
#define HD_ERR_H

/*      name          value  rpc code  message */
#define HD_ERRNO_MAP(X)                                                                            \
    X(ENOMEM, -1, -32603, "out of memory")                                                         \
    X(EINVAL, -2, -32602, "invalid argument")                                                      \
    X(ENOTFOUND, -3, -32003, "object not found")                                                   \
    X(ELIMIT, -4, -32004, "limit exceeded")                                                        \
    X(ETYPE, -5, -32005, "type error")                                                             \
    X(ENAME, -6, -32006, "name not bound")                                                         \
    X(EEXIST, -7, -32007, "already exists")                                                        \
    X(EKEY, -8, -32009, "key or index error")                                                      \
    X(ENOHEAP, -9, -32000, "heap not found")                                                       \
    X(EBUSY, -10, -32603, "busy: a collection is running")                                         \
    X(ESCRIPT, -11, -32008, "script error")                                                        \
    X(EVALUE, -12, -32602, "value error")                                                          \
    X(ERANGE, -13, -32602, "value out of range")

enum {
    HD_OK = 0,
#define HD__ERR_ENUM(name, value, rpc, msg) HD_##name = value,
    HD_ERRNO_MAP(HD__ERR_ENUM)
#undef HD__ERR_ENUM
};

/* hd_strerror: a short English message for an HD_E* code ("unknown error" for
 * anything else). Returns a static string. */
const char *hd_strerror(int err);

/* hd_err_rpc_code: the JSON-RPC error code for an HD_E* code (-32603 for
 * anything unknown). */
int hd_err_rpc_code(int err);

/* hd_err_name: the symbolic name ("ENOMEM") of an HD_E* code; static string. */
const char *hd_err_name(int err);

#endif
