/*
 * err.c: the lookup side of the error table in err.h.
 */
#include "err.h"

const char *hd_strerror(int err)
{
    switch (err) {
    case HD_OK:
        return "success";
#define HD__ERR_MSG(name, value, rpc, msg)                                                         \
    case HD_##name:                                                                                \
        return msg;
        HD_ERRNO_MAP(HD__ERR_MSG)
#undef HD__ERR_MSG
    }
    return "unknown error";
}

int hd_err_rpc_code(int err)
{
    switch (err) {
#define HD__ERR_RPC(name, value, rpc, msg)                                                         \
    case HD_##name:                                                                                \
        return rpc;
        HD_ERRNO_MAP(HD__ERR_RPC)
#undef HD__ERR_RPC
    }
    return -32603;
}

const char *hd_err_name(int err)
{
    switch (err) {
    case HD_OK:
        return "OK";
#define HD__ERR_NAME(name, value, rpc, msg)                                                        \
    case HD_##name:                                                                                \
        return #name;
        HD_ERRNO_MAP(HD__ERR_NAME)
#undef HD__ERR_NAME
    }
    return "EUNKNOWN";
}
