/*
 * persist.h: heaps kept in the state directory across restarts.
 *
 * With a state directory (--state-dir; systemd's StateDirectory=), each heap
 * is one file, NAME.json, written atomically (a temporary file, fsync,
 * rename, fsync of the directory) when the heap is created, when heapd
 * stops cleanly, and from time to time while it changes; heap.drop removes
 * it. At start every NAME.json is read back. Without a state directory
 * nothing is written or read. docs/persistence.md describes the format and
 * the guarantees.
 */
#ifndef HD_SRV_PERSIST_H
#define HD_SRV_PERSIST_H

#include <stdbool.h>

#include "heaps.h"
#include "server.h"

/* hd_persist_load_all: read every heap of the state directory back. A file
 * that cannot be read or rebuilt is logged in one line and moved aside as
 * NAME.json.bad; the others still load. Ownership: the server owns the
 * heaps created. */
void hd_persist_load_all(hd_server_t *srv);

/* hd_persist_save: write sh's state file now. Returns 0 or an HD_E* code
 * (logged; the previous file stays as it was). Ownership: none. */
int hd_persist_save(hd_server_t *srv, hd_sheap_t *sh);

/* hd_persist_heap_created: a heap was created or imported: save it.
 * Ownership: none (arguments borrowed for the call). */
void hd_persist_heap_created(hd_server_t *srv, hd_sheap_t *sh);

/* hd_persist_heap_dropped: a heap was dropped: remove its file.
 * Ownership: none (arguments borrowed for the call). */
void hd_persist_heap_dropped(hd_server_t *srv, const char *name);

/* hd_persist_save_changed: save the heaps changed since their last save.
 * `bounded`: stop once the heaps written hold 100,000 objects (at least
 * one heap is written), the rest wait for the next call; else
 * save them all (shutdown). Ownership: none. */
void hd_persist_save_changed(hd_server_t *srv, bool bounded);

#endif
