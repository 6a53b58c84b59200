// codes.js: the JSON-RPC error codes of the heapd protocol, by name.
//
// The numbers are the contract's (PROTOCOL.md, "Error codes"; proto/README.md,
// "Errors"). proto/ has no machine-readable table that names them, so they
// are written once here, and tests/web/unit/codes.test.js checks every one
// against proto/schema/defs.json and proto/README.md, so that a change there
// fails the web tests instead of drifting silently.

export const CODES = Object.freeze({
    PARSE_ERROR: -32700,
    INVALID_REQUEST: -32600,
    METHOD_NOT_FOUND: -32601,
    INVALID_PARAMS: -32602,
    INTERNAL_ERROR: -32603,
    HEAP_NOT_FOUND: -32000,
    UNAUTHORIZED: -32001,
    FORBIDDEN: -32002,
    OBJECT_NOT_FOUND: -32003,
    LIMIT_EXCEEDED: -32004,
    TYPE_ERROR: -32005,
    NAME_NOT_BOUND: -32006,
    ALREADY_EXISTS: -32007,
    SCRIPT_ERROR: -32008,
    KEY_ERROR: -32009,
});

// Codes the client itself uses for failures that never reached heapd.
export const LOCAL = Object.freeze({
    NOT_CONNECTED: 'not_connected',
    CLOSED: 'connection_closed',
    TIMEOUT: 'timeout',
});
