/* provenance.c -- field sources read back from an enriched file. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "data/provenance.h"

#define PREFIX "_sources"
#define PREFIX_LEN 8

struct icp_provenance {
  struct icp_schema *schema;   /* borrowed */
  int col;                     /* the CSV _sources column, or -1 */
  int *field_of;               /* _sources.<name> id -> the field's id, or
                                * -1 (nfield_of ids) */
  int nfield_of;
  int n;                       /* fields mapped (schema count then) */
  int threaded;                /* map once; register sources locked */
  pthread_mutex_t lock;
};

struct icp_provenance *icp_provenance_new(struct icp_schema *schema,
                                          int threaded)
{
  struct icp_provenance *p = calloc(1, sizeof(*p));
  if(!p)
    return NULL;
  if(pthread_mutex_init(&p->lock, NULL)) {
    free(p);
    return NULL;
  }
  p->schema = schema;
  p->col = -1;
  p->threaded = threaded;
  return p;
}

void icp_provenance_free(struct icp_provenance *p)
{
  if(!p)
    return;
  pthread_mutex_destroy(&p->lock);
  free(p->field_of);
  free(p);
}

int icp_provenance_is_cell(const struct icp_schema *s, int id)
{
  const char *n = icp_schema_name(s, id);
  return n && !strncmp(n, PREFIX, PREFIX_LEN) &&
         (n[PREFIX_LEN] == 0 || n[PREFIX_LEN] == '.');
}

/* Maps every field known now to its _sources.<name> cell (registered
 * when intern is set, else only when the input had it). */
static int map_fields(struct icp_provenance *p, int intern)
{
  int n = icp_schema_count(p->schema), id, restricted = 0, cell, k;
  int *m = malloc((size_t)(n ? n : 1) * sizeof(int)), *f;
  char name[600];
  if(!m)
    return -1;
  /* marking a field needed turns restriction on when nothing was marked:
   * only mark when the run already keeps only some fields */
  for(id = 0; intern && id < n; id++)
    if(!icp_schema_needed(p->schema, id))
      restricted = 1;
  for(id = 0; id < n; id++) {
    const char *fn = icp_schema_name(p->schema, id);
    size_t len = icp_schema_name_len(p->schema, id);
    m[id] = -1;
    if(!fn || icp_provenance_is_cell(p->schema, id) ||
       len + PREFIX_LEN + 2 > sizeof(name) ||
       (intern && !icp_schema_needed(p->schema, id)))
      continue;
    memcpy(name, PREFIX ".", PREFIX_LEN + 1);
    memcpy(name + PREFIX_LEN + 1, fn, len);
    len += PREFIX_LEN + 1;
    m[id] = intern ? icp_schema_intern(p->schema, name, len)
                   : icp_schema_find(p->schema, name, len);
    if(restricted && m[id] >= 0)
      icp_schema_need(p->schema, m[id]);
  }
  /* the other way round: an account's cells are found among the fields
   * it has, not by trying every field of the schema */
  k = icp_schema_count(p->schema);
  if(!(f = realloc(p->field_of, (size_t)(k ? k : 1) * sizeof(int)))) {
    free(m);
    return -1;
  }
  for(cell = 0; cell < k; cell++)
    f[cell] = -1;
  for(id = 0; id < n; id++)
    if(m[id] >= 0 && m[id] < k)
      f[m[id]] = id;
  free(m);
  p->field_of = f;
  p->nfield_of = k;
  p->n = n;
  p->col = intern ? icp_schema_intern(p->schema, PREFIX, PREFIX_LEN)
                  : icp_schema_find(p->schema, PREFIX, PREFIX_LEN);
  if(restricted && p->col >= 0)
    icp_schema_need(p->schema, p->col);
  return 0;
}

int icp_provenance_need(struct icp_provenance *p)
{
  return map_fields(p, 1);
}

static int valid_source(const char *s, size_t n)
{
  size_t i;
  if(!n || n > 64)
    return 0;
  for(i = 0; i < n; i++)
    if(!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
         (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == ':' ||
         s[i] == '.' || s[i] == '-'))
      return 0;
  return 1;
}

/* Sets field id's source to the name s[0..n) when the field has a
 * value. */
static int set_source(struct icp_provenance *p, struct icp_account *a,
                      int id, const char *s, size_t n)
{
  char name[65];
  int src;
  if(id < 0 || id >= a->vcap || a->v[id].type == ICP_T_MISSING ||
     !valid_source(s, n))
    return 0;
  memcpy(name, s, n);
  name[n] = 0;
  if(p->threaded)
    pthread_mutex_lock(&p->lock);
  src = icp_schema_source(p->schema, name);
  if(p->threaded)
    pthread_mutex_unlock(&p->lock);
  if(src < 0)
    return 0;
  a->src[id] = (uint16_t)src;
  return 1;
}

/* "name=clearbit;employees=cache:pdl" (a CSV cell) */
static int apply_text(struct icp_provenance *p, struct icp_account *a,
                      const char *s, size_t n)
{
  size_t i = 0;
  int set = 0;
  while(i < n) {
    size_t j = i, eq;
    while(j < n && s[j] != ';')
      j++;
    for(eq = i; eq < j && s[eq] != '='; eq++)
      ;
    if(eq < j) {
      int id = icp_schema_find(p->schema, s + i, eq - i);
      set += set_source(p, a, id, s + eq + 1, j - eq - 1);
    }
    i = j + 1;
  }
  return set;
}

int icp_provenance_apply(struct icp_provenance *p, struct icp_account *a)
{
  const struct icp_value *v;
  struct icp_value none;
  int id, set = 0, i;
  if(!p)
    return 0;
  /* a single-threaded reader learns fields as it goes: map them again */
  if(!p->threaded && p->n != icp_schema_count(p->schema) &&
     map_fields(p, 0))
    return -1;
  memset(&none, 0, sizeof(none));
  if(p->col >= 0) {
    v = icp_account_get(a, p->col);
    if(v->type == ICP_T_STRING)
      set += apply_text(p, a, v->u.str, v->n);
    if(v->type != ICP_T_MISSING)
      icp_account_put(a, p->col, &none, 0);
  }
  /* each cell names the source of its own field: their order does not
   * matter; unsetting one takes it out of a->order */
  for(i = 0; i < a->norder;) {
    int cell = a->order[i];
    if(cell >= p->nfield_of || (id = p->field_of[cell]) < 0) {
      i++;
      continue;
    }
    v = icp_account_get(a, cell);
    if(v->type == ICP_T_STRING)
      set += set_source(p, a, id, v->u.str, v->n);
    icp_account_put(a, cell, &none, 0);
  }
  return set;
}
