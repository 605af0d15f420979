/* top.c -- the N best-scoring accounts of a run (a bounded min-heap). */
#include <stdlib.h>
#include <string.h>

#include "cli/top.h"
#include "score/emit.h"

struct entry {
  double score;
  long seq;
  char *domain, *tier, *reasons;
};

struct icp_top {
  struct entry *e;
  int n, cap;
  long seq;
};

/* heap order: the worst kept entry at the root */
static int worse(const struct entry *a, const struct entry *b)
{
  if(a->score != b->score)
    return a->score < b->score;
  return a->seq > b->seq;
}

static void sift_down(struct icp_top *t, int i)
{
  for(;;) {
    int l = 2 * i + 1, r = l + 1, m = i;
    struct entry tmp;
    if(l < t->n && worse(&t->e[l], &t->e[m]))
      m = l;
    if(r < t->n && worse(&t->e[r], &t->e[m]))
      m = r;
    if(m == i)
      return;
    tmp = t->e[i];
    t->e[i] = t->e[m];
    t->e[m] = tmp;
    i = m;
  }
}

static void sift_up(struct icp_top *t, int i)
{
  while(i > 0) {
    int p = (i - 1) / 2;
    struct entry tmp;
    if(!worse(&t->e[i], &t->e[p]))
      return;
    tmp = t->e[i];
    t->e[i] = t->e[p];
    t->e[p] = tmp;
    i = p;
  }
}

struct icp_top *icp_top_new(int n)
{
  struct icp_top *t = calloc(1, sizeof(*t));
  if(!t)
    return NULL;
  t->cap = n > 0 ? n : 1;
  t->e = calloc((size_t)t->cap, sizeof(*t->e));
  if(!t->e) {
    free(t);
    return NULL;
  }
  return t;
}

static void clear(struct entry *e)
{
  free(e->domain);
  free(e->tier);
  free(e->reasons);
}

enum icp_status icp_top_add(struct icp_top *t, const struct icp_account *a,
                            const struct icp_result *r)
{
  struct entry e;
  struct icp_buf b;
  enum icp_status st;
  if(!t || !r->tier_name || r->tier == ICP_TIER_EXCLUDED)
    return ICP_OK;
  e.score = r->score;
  e.seq = t->seq++;
  if(t->n == t->cap && !worse(&t->e[0], &e))
    return ICP_OK;
  icp_buf_init(&b, 4096);
  st = icp_emit_reasons(&b, r->pack, r, 3);
  e.domain = icp_strdup(icp_account_domain(a));
  e.tier = icp_strdup(r->tier_name);
  e.reasons = st ? NULL : icp_strdup(b.p ? b.p : "");
  icp_buf_free(&b);
  if(!e.domain || !e.tier || !e.reasons) {
    clear(&e);
    return st ? st : ICP_ENOMEM;
  }
  if(t->n == t->cap) {
    clear(&t->e[0]);
    t->e[0] = e;
    sift_down(t, 0);
  }
  else {
    t->e[t->n++] = e;
    sift_up(t, t->n - 1);
  }
  return ICP_OK;
}

static int best_first(const void *x, const void *y)
{
  const struct entry *a = x, *b = y;
  if(a->score != b->score)
    return a->score > b->score ? -1 : 1;
  return a->seq < b->seq ? -1 : 1;
}

void icp_top_print(const struct icp_top *t, FILE *fp)
{
  struct entry *s;
  int i;
  if(!t || !t->n)
    return;
  s = malloc((size_t)t->n * sizeof(*s));
  if(!s)
    return;
  memcpy(s, t->e, (size_t)t->n * sizeof(*s));
  qsort(s, (size_t)t->n, sizeof(*s), best_first);
  fprintf(fp, "top %d accounts:\n", t->n);
  for(i = 0; i < t->n; i++)
    fprintf(fp, "  %2d. %-28s %6.2f  %-3s %s\n", i + 1,
            s[i].domain[0] ? s[i].domain : "(no domain)", s[i].score,
            s[i].tier, s[i].reasons);
  free(s);
}

void icp_top_free(struct icp_top *t)
{
  int i;
  if(!t)
    return;
  for(i = 0; i < t->n; i++)
    clear(&t->e[i]);
  free(t->e);
  free(t);
}
