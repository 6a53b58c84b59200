/*
 * demo.h: the heap `demo` that --demo creates for a first look.
 */
#ifndef HD_SRV_DEMO_H
#define HD_SRV_DEMO_H

#include "server.h"

/* hd_demo_create: a heap "demo" with a few objects, a reference cycle and a
 * weakref (see demo.c). Returns 0 or an HD_E* code (nothing left behind).
 * Ownership: the heap belongs to the server. */
int hd_demo_create(hd_server_t *srv);

#endif
