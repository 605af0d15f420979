/*
 * arena.h -- bump allocator for per-record data.
 *
 * Memory handed out lives until icp_arena_reset or icp_arena_free. Reset
 * keeps the first block so that a record-at-a-time loop allocates nothing
 * in the steady state. A cap bounds the total size.
 */
#ifndef ICP_ARENA_H
#define ICP_ARENA_H

#include <stddef.h>

struct icp_arena_block;

struct icp_arena {
  struct icp_arena_block *head;  /* current block (list, newest first) */
  size_t used;                   /* bytes handed out in all blocks */
  size_t cap;                    /* maximum total */
};

void icp_arena_init(struct icp_arena *a, size_t cap);
void icp_arena_free(struct icp_arena *a);
void icp_arena_reset(struct icp_arena *a);
/* NULL when out of memory or over the cap. Aligned for any type. */
void *icp_arena_alloc(struct icp_arena *a, size_t n);
/* A NUL-terminated copy of s[0..n). */
char *icp_arena_strdup(struct icp_arena *a, const char *s, size_t n);

#endif
