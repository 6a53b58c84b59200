/*
 * hd_proto.h: heapd's wire protocol in C (library hd_proto, jansson).
 *
 * The one place where heapd and heapctl turn WebSocket text messages into
 * JSON-RPC 2.0 requests and back. proto/README.md is the user-facing
 * reference; ../shared/PROTOCOL.md is the contract. Four parts:
 *
 *   - decode (server side): one message -> a single request or a batch, each
 *     member either a valid request/notification or the error the server must
 *     answer it with. The envelope is checked exactly; ids are kept as the
 *     exact JSON text the client sent, so they are echoed byte for byte.
 *   - encode/reply (server side): responses, error responses, batch arrays
 *     (notifications omitted, nothing at all for an all-notification batch)
 *     and server notifications, appended to an hd_proto_buf_t.
 *   - client side (heapctl): requests with integer ids, and the decoding of
 *     what a server sends (responses, batches of them, stream notifications).
 *   - the method table (generated from proto/methods.json at build time):
 *     each method's required role and whether it takes `heap`.
 *
 * Errors: functions return 0 or a negative HD_E* code (daemon/runtime/err.h).
 * A malformed message is not an error of the decode call: it decodes to
 * members that carry the JSON-RPC error to answer with.
 *
 * Memory: everything hd_proto allocates (buffers, ids, arrays) comes from
 * jansson's allocator (json_set_alloc_funcs), so a program that counts or
 * limits jansson's memory counts and limits ours too, and a test can fail
 * the Nth allocation of both at once.
 */
#ifndef HD_PROTO_H
#define HD_PROTO_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define HD_PROTO_VERSION     1
#define HD_PROTO_SUBPROTOCOL "heapd.v1"

/* Defaults of the decoder's limits (the server's config may change them). */
#define HD_PROTO_DEFAULT_MAX_MESSAGE_LEN ((size_t)1 << 20)
#define HD_PROTO_DEFAULT_MAX_BATCH_LEN   ((size_t)1000)
/* jansson 2.14 refuses JSON nested deeper than this (JSON_PARSER_MAX_DEPTH);
 * the decoder answers such a message with -32004, data.limit "nesting_depth". */
#define HD_PROTO_MAX_DEPTH 2048

/* The JSON-RPC error codes of PROTOCOL.md. */
enum {
    HD_RPC_PARSE_ERROR = -32700,
    HD_RPC_INVALID_REQUEST = -32600,
    HD_RPC_METHOD_NOT_FOUND = -32601,
    HD_RPC_INVALID_PARAMS = -32602,
    HD_RPC_INTERNAL_ERROR = -32603,
    HD_RPC_HEAP_NOT_FOUND = -32000,
    HD_RPC_UNAUTHORIZED = -32001,
    HD_RPC_FORBIDDEN = -32002,
    HD_RPC_OBJECT_NOT_FOUND = -32003,
    HD_RPC_LIMIT_EXCEEDED = -32004,
    HD_RPC_TYPE_ERROR = -32005,
    HD_RPC_NAME_ERROR = -32006,
    HD_RPC_ALREADY_EXISTS = -32007,
    HD_RPC_SCRIPT_ERROR = -32008,
    HD_RPC_KEY_ERROR = -32009,
};

/* hd_proto_errno_code: the JSON-RPC code of an HD_E* code, from err.h's
 * table (as hd_err_rpc_code gives it; -32603 for a code not in the table).
 * Ownership: none. */
int hd_proto_errno_code(int err);

/* hd_proto_errno_message: the message of an HD_E* code from err.h's table
 * ("internal error" for a code not in it).
 * Ownership: returns a static string. */
const char *hd_proto_errno_message(int err);

/* hd_proto_code_message: the standard message of a JSON-RPC error code
 * ("Parse error", "Invalid Request", ..., "Heap not found"); "Server error"
 * for a code not in the table.
 * Ownership: returns a static string. */
const char *hd_proto_code_message(int code);

/* ------------------------------------------------------------------------ */
/* Output buffer                                                             */
/* ------------------------------------------------------------------------ */

/* A growable text buffer with optional headroom: `headroom` bytes are kept
 * free before the text, so a server can hand the buffer to a writer that
 * needs space in front of the payload (libwebsockets' LWS_PRE) without a
 * copy. The text is always NUL-terminated (the NUL is not counted in len).
 * Every append function either appends completely or leaves the buffer as
 * it was. */
typedef struct hd_proto_buf {
    char *data;      /* owned (jansson's allocator); headroom + len + 1 bytes in use */
    size_t headroom; /* bytes reserved before the text */
    size_t len;      /* bytes of text */
    size_t cap;      /* bytes allocated at data */
} hd_proto_buf_t;

/* hd_proto_buf_init: an empty buffer that will keep `headroom` bytes free
 * before its text. Allocates nothing.
 * Ownership: caller storage; release with hd_proto_buf_close. */
void hd_proto_buf_init(hd_proto_buf_t *buf, size_t headroom);

/* hd_proto_buf_close: frees the buffer's memory; the buffer is then empty
 * and may be used again.
 * Ownership: releases buf->data. */
void hd_proto_buf_close(hd_proto_buf_t *buf);

/* hd_proto_buf_clear: forget the text but keep the memory for reuse.
 * Ownership: none. */
void hd_proto_buf_clear(hd_proto_buf_t *buf);

/* hd_proto_buf_truncate: cut the text back to its first len bytes (len at
 * most the current length). */
void hd_proto_buf_truncate(hd_proto_buf_t *buf, size_t len);

/* hd_proto_buf_text: the text (NUL-terminated, "" when nothing was written).
 * Ownership: borrowed until the next change to buf. */
const char *hd_proto_buf_text(const hd_proto_buf_t *buf);

/* hd_proto_buf_append: append len bytes. Returns 0 or HD_ENOMEM (buffer
 * unchanged).
 * Ownership: copies data. */
int hd_proto_buf_append(hd_proto_buf_t *buf, const char *data, size_t len);

/* hd_proto_buf_string: append s (len bytes) as a JSON string, quoted and
 * escaped exactly as jansson's compact dump escapes it. hd_proto_buf_int:
 * append v in decimal. For results written as text (hd_proto_reply_result_
 * text). Return 0, HD_EINVAL (s is not UTF-8) or HD_ENOMEM; the buffer is
 * unchanged on failure.
 * Ownership: copies s. */
int hd_proto_buf_string(hd_proto_buf_t *buf, const char *s, size_t len);
int hd_proto_buf_int(hd_proto_buf_t *buf, int64_t v);

/* hd_proto_buf_steal: take the buffer's memory: returns the block (headroom
 * bytes, then the text, then a NUL) and stores the text length in *len; the
 * buffer is left empty. Returns NULL when nothing was ever allocated.
 * Ownership: new allocation, the caller frees it with hd_proto_free. */
char *hd_proto_buf_steal(hd_proto_buf_t *buf, size_t *len);

/* hd_proto_free: free a block that hd_proto handed out (hd_proto_buf_steal).
 * Ownership: releases p (NULL is fine). */
void hd_proto_free(void *p);

/* hd_proto_alloc_cache_install: make jansson's allocator (and so hd_proto's)
 * keep small freed blocks for reuse instead of returning each to malloc
 * (proto/alloc.c): fewer instructions per message for a server that builds
 * and frees trees by the hundred thousand per second. Blocks stay ordinary
 * malloc blocks (free() may release them, and blocks allocated before the
 * install may be freed after it). Not thread-safe: only for a program that
 * uses jansson from one thread. hd_proto_alloc_cache_flush returns the kept
 * blocks to malloc (at exit, so that leak checkers see none). */
void hd_proto_alloc_cache_install(void);
void hd_proto_alloc_cache_flush(void);

/* ------------------------------------------------------------------------ */
/* Decoding requests (server side)                                           */
/* ------------------------------------------------------------------------ */

typedef struct hd_proto_limits {
    size_t max_message_len; /* bytes; 0 = no limit */
    size_t max_batch_len;   /* members of a batch; 0 = no limit */
} hd_proto_limits_t;

typedef enum hd_proto_id_kind {
    HD_PROTO_ID_NONE = 0, /* no id member: a notification, which gets no response */
    HD_PROTO_ID_NULL,     /* "id": null, or an error answered with id null */
    HD_PROTO_ID_NUMBER,
    HD_PROTO_ID_STRING,
} hd_proto_id_kind_t;

/* A request id as the client wrote it. `text` is the exact JSON text of the
 * id (`17`, `1.50`, `1e400`, `"a\u0062"`), so a response echoes it byte for
 * byte, whatever its size or precision. */
typedef struct hd_proto_id {
    hd_proto_id_kind_t kind;
    char *text; /* owned; NUL-terminated JSON text; NULL when kind is NONE or NULL */
    size_t len; /* bytes of text */
} hd_proto_id_t;

/* One member of a message: a request, a notification, or an invalid member
 * with the error the server must answer it with (code != 0). Dispatch looks
 * only at members with code == 0; hd_proto_reply_rejected answers the others. */
typedef struct hd_proto_req {
    int code;            /* 0: valid; else the JSON-RPC error code to answer with */
    const char *message; /* the error message when code != 0 (static, or message_buf) */
    char *message_buf;   /* owned; a -32602's message, "invalid params: PARAM: DETAIL" */
    json_t *data;        /* owned; the error's data object when code != 0 (may be NULL) */
    const char *method;  /* borrowed from hd_proto_msg_t.root; NULL when not a string */
    size_t method_len;   /* bytes of method (it may contain U+0000) */
    json_t *params;      /* owned reference; the params object ({} when absent);
                            NULL when code != 0 */
    hd_proto_id_t id;    /* kind NONE: a notification (never answered) */
} hd_proto_req_t;

/* A decoded message. `batch` says whether the response is a JSON array:
 * a batch of n >= 1 members. Everything else (a single request, and the
 * whole-message errors: parse error, empty batch, a limit) is n == 1 with
 * batch == 0. */
typedef struct hd_proto_msg {
    int batch;
    size_t n;             /* members, at least 1 */
    hd_proto_req_t *reqs; /* owned array of n */
    json_t *root;         /* owned; the parsed message (NULL when it did not parse) */
} hd_proto_msg_t;

/* hd_proto_decode: decode one WebSocket text message (text need not be
 * NUL-terminated). The message is checked in this order, the first failure
 * deciding: length over limits->max_message_len (-32004, data.limit
 * "message_size"); JSON and UTF-8 (-32700; also duplicate object keys, U+0000
 * in a key, a number beyond the range of a double); nesting over
 * HD_PROTO_MAX_DEPTH (-32004 "nesting_depth"); an empty array (-32600); an
 * array over limits->max_batch_len (-32004 "batch_length"). Then each member
 * (the message itself, or each element of a batch) is checked on its own:
 * an object, with an id that is a string, number or null if present, with
 * "jsonrpc": "2.0", a string method, params an object if present, and no
 * other members (-32600, data.member naming the member at fault); params an
 * array (-32602, data.param null: by-position params are valid JSON-RPC but
 * not used here); an integer in params beyond 64 bits (-32602, data.param
 * naming the top parameter). A -32602's message is "invalid params: PARAM:
 * DETAIL", as the methods' own -32602s say it. limits may be NULL: the defaults above.
 * Returns 0 (msg filled, even for a message that is all errors) or HD_ENOMEM
 * (msg left empty, nothing to close).
 * Ownership: text is borrowed for the call only; msg is caller storage,
 * release it with hd_proto_msg_close. */
int hd_proto_decode(const char *text, size_t len, const hd_proto_limits_t *limits,
                    hd_proto_msg_t *msg);

/* hd_proto_msg_close: release everything a decoded message holds (tolerates
 * a zeroed msg).
 * Ownership: releases msg's references and arrays; pointers taken from it
 * (method, params unless increfed) are invalid afterwards. */
void hd_proto_msg_close(hd_proto_msg_t *msg);

/* ------------------------------------------------------------------------ */
/* Encoding (both sides)                                                     */
/* ------------------------------------------------------------------------ */

/* hd_proto_encode_result: append {"jsonrpc":"2.0","id":ID,"result":RESULT}.
 * id NULL or kind NONE/NULL encode as null. Returns 0, HD_EINVAL (result
 * NULL or not encodable) or HD_ENOMEM; the buffer is unchanged on failure.
 * Ownership: id and result are borrowed. */
int hd_proto_encode_result(hd_proto_buf_t *buf, const hd_proto_id_t *id, const json_t *result);

/* hd_proto_encode_error: append {"jsonrpc":"2.0","id":ID,"error":{"code",
 * "message","data"?}}. message NULL: hd_proto_code_message(code); a message
 * that is not valid UTF-8 is replaced by the standard one. data NULL: no
 * data member. Returns 0 or HD_ENOMEM (buffer unchanged).
 * Ownership: all arguments are borrowed. */
int hd_proto_encode_error(hd_proto_buf_t *buf, const hd_proto_id_t *id, int code,
                          const char *message, const json_t *data);

/* hd_proto_encode_notification: append {"jsonrpc":"2.0","method":M,
 * "params":P} (a server's stream notification, or a client's notification).
 * params NULL encodes as {}. Returns 0, HD_EINVAL (method not UTF-8, params
 * not an object) or HD_ENOMEM; buffer unchanged on failure.
 * Ownership: method and params are borrowed. */
int hd_proto_encode_notification(hd_proto_buf_t *buf, const char *method, const json_t *params);

/* hd_proto_encode_request: append {"jsonrpc":"2.0","id":ID,"method":M,
 * "params":P} with an integer id (heapctl's requests). params NULL encodes
 * as {}. Returns 0, HD_EINVAL (method not UTF-8, params not an object) or
 * HD_ENOMEM; buffer unchanged on failure.
 * Ownership: method and params are borrowed. */
int hd_proto_encode_request(hd_proto_buf_t *buf, int64_t id, const char *method,
                            const json_t *params);

/* ------------------------------------------------------------------------ */
/* Replying to a decoded message (server side)                               */
/* ------------------------------------------------------------------------ */

/* Builds the one response frame of a message: a single response object, or
 * an array for a batch, with notifications left out; nothing at all when no
 * member gets a response. Use: begin; one reply_* call per member, in
 * order; end; send the buffer if r.count > 0. */
typedef struct hd_proto_reply {
    hd_proto_buf_t *buf; /* borrowed from the caller for the reply's life */
    int batch;           /* the message was a batch: responses go in an array */
    size_t count;        /* responses written so far */
    size_t start;        /* buf->len at begin */
} hd_proto_reply_t;

/* hd_proto_reply_begin: start the response to msg in buf (appending after
 * whatever buf holds).
 * Ownership: buf and msg are borrowed; buf must outlive the reply. */
void hd_proto_reply_begin(hd_proto_reply_t *r, hd_proto_buf_t *buf, const hd_proto_msg_t *msg);

/* hd_proto_reply_result: answer req with result (nothing is written for a
 * notification). result NULL (a failed json_object or json_pack passed
 * straight in) counts as out of memory. Returns 0, HD_EINVAL (a second
 * answer to a single request) or HD_ENOMEM (buffer unchanged).
 * Ownership: req is borrowed; steals result, even on failure. */
int hd_proto_reply_result(hd_proto_reply_t *r, const hd_proto_req_t *req, json_t *result);

/* hd_proto_reply_result_text: hd_proto_reply_result for a result already
 * written as compact JSON text (len > 0 bytes, exactly as jansson's compact
 * dump would write the tree, so the frame is the same byte for byte): for
 * handlers that skip building a tree. Returns 0, HD_EINVAL (empty text, or
 * a second answer to a single request) or HD_ENOMEM (buffer unchanged).
 * Ownership: req and text are borrowed. */
int hd_proto_reply_result_text(hd_proto_reply_t *r, const hd_proto_req_t *req, const char *text,
                               size_t len);

/* hd_proto_reply_error: answer req with an error (nothing for a
 * notification). message NULL: the code's standard message. Returns 0 or
 * HD_ENOMEM (buffer unchanged).
 * Ownership: req and message are borrowed; steals data, even on failure. */
int hd_proto_reply_error(hd_proto_reply_t *r, const hd_proto_req_t *req, int code,
                         const char *message, json_t *data);

/* hd_proto_reply_errno: answer req with the JSON-RPC error of an HD_E* code
 * (the rpc code and message of err.h's table; -32603 "internal error" for a
 * code not in it).
 * Ownership: as hd_proto_reply_error: steals data, even on failure. */
int hd_proto_reply_errno(hd_proto_reply_t *r, const hd_proto_req_t *req, int err, json_t *data);

/* hd_proto_reply_rejected: answer a member the decoder rejected (req->code
 * != 0) with its code, message and data; a valid member (code 0) is a
 * programmer error (HD_EINVAL).
 * Ownership: req is borrowed (its data is copied by reference, not taken). */
int hd_proto_reply_rejected(hd_proto_reply_t *r, const hd_proto_req_t *req);

/* hd_proto_reply_end: finish the frame: closes the batch array if anything
 * was written. When no response was written, buf is back to its length at
 * begin. Returns 0 or HD_ENOMEM (then the reply is dropped: buf back to its
 * length at begin, r->count 0).
 * Ownership: none. */
int hd_proto_reply_end(hd_proto_reply_t *r);

/* ------------------------------------------------------------------------ */
/* Error data (the `data` member of an error)                                */
/* ------------------------------------------------------------------------ */

/* hd_proto_data_param: {"param": param} (-32602), with "detail" if detail
 * is not NULL. Returns NULL on out of memory or invalid UTF-8.
 * Ownership: new reference. */
json_t *hd_proto_data_param(const char *param, const char *detail);

/* hd_proto_data_limit: {"limit": limit} (-32004), with "max" when max >= 0.
 * Returns NULL on out of memory.
 * Ownership: new reference. */
json_t *hd_proto_data_limit(const char *limit, int64_t max);

/* hd_proto_data_type: {"type": type} (-32005). NULL on out of memory.
 * Ownership: new reference. */
json_t *hd_proto_data_type(const char *type);

/* hd_proto_data_role: {"role": have, "required": need} (-32002); have may be
 * NULL (no role yet: null). NULL on out of memory.
 * Ownership: new reference. */
json_t *hd_proto_data_role(const char *have, const char *need);

/* hd_proto_data_script: {"line","col","exc_type","message","stdout"} (-32008).
 * NULL on out of memory or invalid UTF-8 (the strings are the caller's).
 * Ownership: new reference; the strings are copied. */
json_t *hd_proto_data_script(int line, int col, const char *exc_type, const char *message,
                             const char *out);

/* ------------------------------------------------------------------------ */
/* Decoding what a server sends (client side)                                */
/* ------------------------------------------------------------------------ */

typedef enum hd_proto_in_kind {
    HD_PROTO_IN_RESPONSE = 1, /* one response (result or error) */
    HD_PROTO_IN_BATCH,        /* an array of responses */
    HD_PROTO_IN_NOTIFICATION, /* a server notification (a stream frame) */
} hd_proto_in_kind_t;

/* One response: a result (code 0) or an error. */
typedef struct hd_proto_resp {
    json_t *id;    /* borrowed from the message's root; JSON null when null */
    int id_is_int; /* id is a JSON integer; then id_int holds it */
    int64_t id_int;
    json_t *result;      /* borrowed; the result when code == 0, else NULL */
    int code;            /* 0 for a result, else the error's code */
    const char *message; /* borrowed; the error's message, NULL for a result */
    json_t *data;        /* borrowed; the error's data, NULL when absent */
} hd_proto_resp_t;

typedef struct hd_proto_incoming {
    hd_proto_in_kind_t kind;
    const char *method;     /* borrowed; the notification's method, else NULL */
    json_t *params;         /* borrowed; the notification's params, else NULL */
    size_t n;               /* responses (1 for RESPONSE, 0 for NOTIFICATION) */
    hd_proto_resp_t *resps; /* owned array of n */
    json_t *root;           /* owned; the parsed message, which every borrowed
                               pointer above points into */
} hd_proto_incoming_t;

/* hd_proto_client_decode: decode a message a server sent: a response, a
 * batch (array) of responses, or a notification. Every envelope rule of
 * PROTOCOL.md is checked (jsonrpc "2.0"; exactly one of result and error;
 * an error with an integer code and a string message; a notification's
 * params an object when present). Returns 0, HD_EINVAL (not a valid server
 * message; in is left empty) or HD_ENOMEM.
 * Ownership: text is borrowed for the call only; in is caller storage,
 * release it with hd_proto_incoming_close. */
int hd_proto_client_decode(const char *text, size_t len, hd_proto_incoming_t *in);

/* hd_proto_incoming_find: the response whose id is the integer id, or NULL.
 * Ownership: borrowed from in, until hd_proto_incoming_close. */
const hd_proto_resp_t *hd_proto_incoming_find(const hd_proto_incoming_t *in, int64_t id);

/* hd_proto_incoming_close: release what in holds (tolerates a zeroed in).
 * Ownership: releases in's root and array; every borrowed pointer dies. */
void hd_proto_incoming_close(hd_proto_incoming_t *in);

/* ------------------------------------------------------------------------ */
/* Methods, roles, names                                                     */
/* ------------------------------------------------------------------------ */

/* Roles in increasing power; a role may do everything a lower one may.
 * NONE is what a session has before it authenticates (when the server has
 * a token file); methods of role NONE need no authentication. */
typedef enum hd_proto_role {
    HD_PROTO_ROLE_NONE = 0,
    HD_PROTO_ROLE_READ,
    HD_PROTO_ROLE_WRITE,
    HD_PROTO_ROLE_ADMIN,
} hd_proto_role_t;

/* One row of proto/methods.json (compiled in at build time). */
typedef struct hd_proto_method {
    const char *name;     /* static */
    hd_proto_role_t role; /* the least role that may call it */
    int heap;             /* takes a `heap` parameter */
    int heap_required;    /* ... and requires it */
    int site;             /* accepts `site` */
    const char *summary;  /* static; one line */
    size_t name_len;      /* strlen(name) */
} hd_proto_method_t;

/* hd_proto_method_find: the method named name (len bytes), or NULL.
 * Ownership: returns a static row. */
const hd_proto_method_t *hd_proto_method_find(const char *name, size_t len);

/* hd_proto_method_count / hd_proto_method_at: iterate over every method in
 * the order of methods.json (i < count, else NULL).
 * Ownership: returns static rows. */
size_t hd_proto_method_count(void);
const hd_proto_method_t *hd_proto_method_at(size_t i);

/* hd_proto_role_name: "none", "read", "write", "admin".
 * Ownership: returns a static string. */
const char *hd_proto_role_name(hd_proto_role_t role);

/* hd_proto_role_parse: the role named s (as in a token file). Returns 0 or
 * HD_EINVAL (*role unchanged).
 * Ownership: s is borrowed. */
int hd_proto_role_parse(const char *s, hd_proto_role_t *role);

/* hd_proto_role_allows: whether a session with role `have` may call a
 * method that needs `need`.
 * Ownership: none. */
int hd_proto_role_allows(hd_proto_role_t have, hd_proto_role_t need);

/* hd_proto_heap_name_valid: s (len bytes) matches [A-Za-z0-9_.-]{1,64}.
 * Ownership: s is borrowed. */
int hd_proto_heap_name_valid(const char *s, size_t len);

/* hd_proto_name_valid: s (len bytes) is a name the heap's namespace
 * accepts: an ASCII Python identifier, [A-Za-z_][A-Za-z0-9_]*, at most 255
 * bytes.
 * Ownership: s is borrowed. */
int hd_proto_name_valid(const char *s, size_t len);

#endif
