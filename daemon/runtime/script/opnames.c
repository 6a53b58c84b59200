/*
 * opnames.c: the names of the instructions (code.h), for disassembly in
 * tests and error messages.
 */
#include "code.h"

static const char *const names[SC_NOPCODES] = {
#define SC_OP_NAME(name) #name,
    SC_OPCODES(SC_OP_NAME)
#undef SC_OP_NAME
};

const char *sc_opname(int op)
{
    return op >= 0 && op < SC_NOPCODES ? names[op] : "?";
}
