/* arena.c -- bump allocator for per-record data. */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"

#define BLOCK_MIN 16384

struct icp_arena_block {
  struct icp_arena_block *next;
  size_t size;
  size_t off;
  max_align_t data[];
};

void icp_arena_init(struct icp_arena *a, size_t cap)
{
  a->head = NULL;
  a->used = 0;
  a->cap = cap;
}

void icp_arena_free(struct icp_arena *a)
{
  struct icp_arena_block *b = a->head;
  while(b) {
    struct icp_arena_block *next = b->next;
    free(b);
    b = next;
  }
  a->head = NULL;
  a->used = 0;
}

void icp_arena_reset(struct icp_arena *a)
{
  struct icp_arena_block *b = a->head;
  if(!b)
    return;
  /* keep only the oldest (first) block, which is the smallest */
  while(b->next) {
    struct icp_arena_block *next = b->next;
    free(b);
    b = next;
  }
  /* keep the largest block instead if a big record came by: simple rule,
   * keep whichever block is last in the chain */
  b->off = 0;
  a->head = b;
  a->used = 0;
}

void *icp_arena_alloc(struct icp_arena *a, size_t n)
{
  struct icp_arena_block *b = a->head;
  size_t align = sizeof(max_align_t);
  void *p;
  n = (n + align - 1) / align * align;
  if(n == 0)
    n = align;
  if(a->used + n > a->cap || a->used + n < a->used)
    return NULL;
  if(!b || b->size - b->off < n) {
    size_t size = BLOCK_MIN;
    while(size < n)
      size *= 2;
    b = malloc(sizeof(*b) + size);
    if(!b)
      return NULL;
    b->size = size;
    b->off = 0;
    b->next = a->head;
    a->head = b;
  }
  p = (char *)b->data + b->off;
  b->off += n;
  a->used += n;
  return p;
}

char *icp_arena_strdup(struct icp_arena *a, const char *s, size_t n)
{
  char *p = icp_arena_alloc(a, n + 1);
  if(!p)
    return NULL;
  if(n)
    memcpy(p, s, n);
  p[n] = 0;
  return p;
}
