/*
 * schema.c -- the field registry of a run.
 *
 * Threads of a parallel run (score/pool.c) intern keys they meet while
 * others look fields up, so the registry never moves: field slots and the
 * hash table are allocated at their caps up front, a new field is filled
 * in before it is published (table slot, then count, with release
 * stores), lookups read with acquire loads, and adding takes a mutex.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "data/schema.h"
#include "data/value.h"

#define ICP_CSV_KEEP_MAX 4096

struct field {
  char *name;
  uint32_t len;
  uint8_t type;
  uint8_t origin;
  uint8_t needed;
};

struct icp_schema {
  struct field *f;
  int n;           /* fields published */
  int *tab;        /* open addressing: id + 1, 0 = empty; TABCAP */
  char *sources[ICP_SOURCES_MAX];
  int nsources;
  pthread_mutex_t lock;  /* held while adding a field */
  int mask;        /* 1: some fields marked needed; 2: all, for good */
  int restricted;  /* the run keeps only needed fields */
  const struct icp_columns *columns;  /* borrowed */
  int raw_headers;
  struct kept {
    char *name;    /* output name */
    int id;        /* field, -1 until an input matched it */
  } *kept;
  int nkept;
  size_t keepcap;
  int keep;        /* 0 none, 1 names, 2 all */
  int keep_fixed;  /* the first input has fixed the kept columns */
};

static const struct {
  const char *name;
  enum icp_type type;
} canonical[ICP_F_CANONICAL_COUNT] = {
  { "domain", ICP_T_STRING }, { "name", ICP_T_STRING },
  { "industry", ICP_T_STRING }, { "sub_industry", ICP_T_STRING },
  { "employees", ICP_T_NUMBER }, { "employees_range", ICP_T_STRING },
  { "revenue_usd", ICP_T_NUMBER }, { "revenue_range", ICP_T_STRING },
  { "country", ICP_T_STRING }, { "region", ICP_T_STRING },
  { "city", ICP_T_STRING }, { "founded_year", ICP_T_NUMBER },
  { "ownership", ICP_T_STRING }, { "funding_total_usd", ICP_T_NUMBER },
  { "funding_stage", ICP_T_STRING }, { "last_funding_date", ICP_T_DATE },
  { "tech", ICP_T_LIST }, { "tech_categories", ICP_T_LIST },
  { "open_jobs", ICP_T_NUMBER }, { "updated_at", ICP_T_DATE },
};

static uint64_t hash(const char *s, size_t n)
{
  uint64_t h = 1469598103934665603ULL; /* FNV-1a */
  size_t i;
  for(i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ULL;
  }
  return h;
}

#define TABCAP (2 * ICP_SCHEMA_MAX) /* power of two, half full at most */

static int count(const struct icp_schema *s)
{
  return __atomic_load_n(&s->n, __ATOMIC_ACQUIRE);
}

/* Adds a field (the caller holds the lock and knows it is new): its id,
 * -1 when the schema is full, -2 when out of memory. */
static int add(struct icp_schema *s, const char *name, size_t n,
               enum icp_type type, int origin)
{
  struct field *f;
  size_t j;
  if(s->n >= ICP_SCHEMA_MAX || n > 1024)
    return -1;
  f = &s->f[s->n];
  f->name = malloc(n + 1);
  if(!f->name)
    return -2; /* out of memory, not a full schema */
  memcpy(f->name, name, n);
  f->name[n] = 0;
  f->len = (uint32_t)n;
  f->type = (uint8_t)type;
  f->origin = (uint8_t)origin;
  f->needed = 0;
  j = hash(name, n) & (TABCAP - 1);
  while(s->tab[j])
    j = (j + 1) & (TABCAP - 1);
  __atomic_store_n(&s->tab[j], s->n + 1, __ATOMIC_RELEASE);
  __atomic_store_n(&s->n, s->n + 1, __ATOMIC_RELEASE);
  return s->n - 1;
}

struct icp_schema *icp_schema_new(void)
{
  struct icp_schema *s = calloc(1, sizeof(*s));
  int i;
  if(!s)
    return NULL;
  s->f = malloc(ICP_SCHEMA_MAX * sizeof(*s->f));
  s->tab = calloc(TABCAP, sizeof(*s->tab));
  if(!s->f || !s->tab || pthread_mutex_init(&s->lock, NULL)) {
    free(s->f);
    free(s->tab);
    free(s);
    return NULL;
  }
  for(i = 0; i < ICP_F_CANONICAL_COUNT; i++)
    if(add(s, canonical[i].name, strlen(canonical[i].name),
           canonical[i].type, ICP_ORIGIN_CANONICAL) != i) {
      icp_schema_free(s);
      return NULL;
    }
  if(icp_schema_source(s, "input") != 0) {
    icp_schema_free(s);
    return NULL;
  }
  return s;
}

void icp_schema_free(struct icp_schema *s)
{
  int i;
  if(!s)
    return;
  for(i = 0; i < s->n; i++)
    free(s->f[i].name);
  for(i = 0; i < s->nsources; i++)
    free(s->sources[i]);
  for(i = 0; i < s->nkept; i++)
    free(s->kept[i].name);
  free(s->kept);
  free(s->f);
  free(s->tab);
  pthread_mutex_destroy(&s->lock);
  free(s);
}

int icp_schema_find(const struct icp_schema *s, const char *name, size_t n)
{
  size_t j = hash(name, n) & (TABCAP - 1);
  int t;
  while((t = __atomic_load_n(&s->tab[j], __ATOMIC_ACQUIRE))) {
    const struct field *f = &s->f[t - 1];
    if(f->len == n && !memcmp(f->name, name, n))
      return t - 1;
    j = (j + 1) & (TABCAP - 1);
  }
  return -1;
}

/* Finds or adds, under the lock (another thread may be adding it). */
static int find_or_add(struct icp_schema *s, const char *name, size_t n,
                       enum icp_type type, int origin, int *added)
{
  int id;
  *added = 0;
  pthread_mutex_lock(&s->lock);
  id = icp_schema_find(s, name, n);
  if(id < 0) {
    id = add(s, name, n, type, origin);
    *added = id >= 0;
  }
  pthread_mutex_unlock(&s->lock);
  return id;
}

int icp_schema_intern(struct icp_schema *s, const char *name, size_t n)
{
  int id = icp_schema_find(s, name, n), added;
  if(id >= 0)
    return id;
  return find_or_add(s, name, n, ICP_T_ANY, ICP_ORIGIN_SEEN, &added);
}

enum icp_status icp_schema_declare(struct icp_schema *s, const char *name,
                                   enum icp_type type, struct icp_err *err)
{
  size_t n = strlen(name);
  int added, id = find_or_add(s, name, n, type, ICP_ORIGIN_DECLARED,
                              &added);
  if(id == -2)
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  if(id < 0)
    return icp_err_set(err, ICP_ELIMIT, "too many fields (max %d)",
                       ICP_SCHEMA_MAX);
  if(added)
    return ICP_OK;
  if(s->f[id].origin == ICP_ORIGIN_SEEN) {
    s->f[id].type = (uint8_t)type;
    s->f[id].origin = ICP_ORIGIN_DECLARED;
    return ICP_OK;
  }
  if(s->f[id].type != type)
    return icp_err_set(err, ICP_EINVAL,
                       "field '%s' declared %s but it is %s %s", name,
                       icp_type_name(type),
                       s->f[id].origin == ICP_ORIGIN_CANONICAL ?
                         "a canonical" : "already declared",
                       icp_type_name((enum icp_type)s->f[id].type));
  return ICP_OK;
}

const char *icp_type_name(enum icp_type t)
{
  switch(t) {
  case ICP_T_MISSING: return "missing";
  case ICP_T_STRING: return "string";
  case ICP_T_NUMBER: return "number";
  case ICP_T_BOOL: return "bool";
  case ICP_T_LIST: return "list";
  case ICP_T_DATE: return "date";
  case ICP_T_ANY: return "any";
  }
  return "?";
}

enum icp_type icp_schema_type(const struct icp_schema *s, int id)
{
  if(id < 0 || id >= count(s))
    return ICP_T_ANY;
  return (enum icp_type)s->f[id].type;
}

int icp_schema_origin(const struct icp_schema *s, int id)
{
  if(id < 0 || id >= count(s))
    return 0;
  return s->f[id].origin;
}

const char *icp_schema_name(const struct icp_schema *s, int id)
{
  if(id < 0 || id >= count(s))
    return "?";
  return s->f[id].name;
}

size_t icp_schema_name_len(const struct icp_schema *s, int id)
{
  if(id < 0 || id >= count(s))
    return 1;
  return s->f[id].len;
}

int icp_schema_count(const struct icp_schema *s)
{
  return count(s);
}

int icp_schema_source(struct icp_schema *s, const char *name)
{
  int i;
  size_t n;
  for(i = 0; i < s->nsources; i++)
    if(!strcmp(s->sources[i], name))
      return i;
  if(s->nsources >= ICP_SOURCES_MAX)
    return -1;
  n = strlen(name);
  s->sources[s->nsources] = malloc(n + 1);
  if(!s->sources[s->nsources])
    return -1;
  memcpy(s->sources[s->nsources], name, n + 1);
  return s->nsources++;
}

void icp_schema_need(struct icp_schema *s, int id)
{
  if(id < 0 || id >= count(s))
    return;
  s->f[id].needed = 1;
  s->f[ICP_F_DOMAIN].needed = 1; /* the key: output, duplicates */
  if(!s->mask)
    s->mask = 1;
}

void icp_schema_need_all(struct icp_schema *s)
{
  s->mask = 2;
}

void icp_schema_restrict(struct icp_schema *s, int on)
{
  s->restricted = on;
}

int icp_schema_needed(const struct icp_schema *s, int id)
{
  return !s->restricted || s->mask != 1 || id < 0 || id >= count(s) ||
         s->f[id].needed;
}

const char *icp_schema_source_name(const struct icp_schema *s, int id)
{
  if(id < 0 || id >= s->nsources)
    return "?";
  return s->sources[id];
}

/* ---- columns and kept columns ------------------------------------------ */

void icp_schema_set_columns(struct icp_schema *s,
                            const struct icp_columns *c)
{
  s->columns = c;
}

const struct icp_columns *icp_schema_columns(const struct icp_schema *s)
{
  return s->columns;
}

void icp_schema_set_raw_headers(struct icp_schema *s, int on)
{
  s->raw_headers = on;
}

int icp_schema_raw_headers(const struct icp_schema *s)
{
  return s->raw_headers;
}

static int add_kept(struct icp_schema *s, const char *name, size_t n,
                    int id)
{
  struct kept *k;
  if(s->nkept >= ICP_CSV_KEEP_MAX)
    return -1;
  if(icp_grow(s->kept, s->keepcap, (size_t)s->nkept + 1))
    return -1;
  k = &s->kept[s->nkept];
  k->name = malloc(n + 1);
  if(!k->name)
    return -1;
  memcpy(k->name, name, n);
  k->name[n] = 0;
  k->id = id;
  s->nkept++;
  return 0;
}

enum icp_status icp_schema_set_keep(struct icp_schema *s, const char *spec,
                                    struct icp_err *err)
{
  const char *p = spec;
  if(!strcmp(spec, "all")) {
    s->keep = 2;
    return ICP_OK;
  }
  s->keep = 1;
  while(*p) {
    const char *e = strchr(p, ',');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    while(n && *p == ' ') {
      p++;
      n--;
    }
    while(n && p[n - 1] == ' ')
      n--;
    if(!n)
      return icp_err_set(err, ICP_EINVAL, "--keep: an empty column name "
                         "in '%s'", spec);
    if(add_kept(s, p, n, -1))
      return icp_err_set(err, ICP_ELIMIT, "--keep: too many columns");
    p += e ? (size_t)(e - p) + 1 : n;
    if(!e)
      break;
  }
  return ICP_OK;
}

int icp_schema_keeps(const struct icp_schema *s)
{
  return s->keep;
}

/* Once the kept columns are fixed, the workers of a parallel run read
 * these flags while they map their keys: a flag already set is not
 * written again. */
static void keep_field(struct icp_schema *s, int id)
{
  if(id >= 0 && id < s->n && !s->f[id].needed)
    s->f[id].needed = 1; /* stored, without restricting other fields */
}

int icp_schema_keep_column(struct icp_schema *s, const char *header,
                           size_t n, int id)
{
  int i;
  if(!s->keep)
    return 0;
  for(i = 0; i < s->nkept; i++) {
    const struct kept *k = &s->kept[i];
    size_t kn = strlen(k->name);
    if(icp_str_ieq(k->name, kn, header, n) ||
       (k->id < 0 && !strcmp(k->name, icp_schema_name(s, id)))) {
      if(k->id < 0 && !s->keep_fixed)
        s->kept[i].id = id;
      if(s->kept[i].id == id)
        keep_field(s, id);
      return s->kept[i].id == id;
    }
  }
  if(s->keep != 2 || s->keep_fixed || add_kept(s, header, n, id))
    return 0;
  keep_field(s, id);
  return 1;
}

void icp_schema_keep_done(struct icp_schema *s)
{
  if(!s->keep_fixed) /* after every JSONL record: written once */
    s->keep_fixed = 1;
}

int icp_schema_keep_fixed(const struct icp_schema *s)
{
  return s->keep_fixed;
}

const char *icp_schema_keep_missing(const struct icp_schema *s, int i)
{
  int k;
  for(k = 0; k < s->nkept; k++)
    if(s->kept[k].id < 0 && i-- == 0)
      return s->kept[k].name;
  return NULL;
}

int icp_schema_nkept(const struct icp_schema *s)
{
  return s->nkept;
}

const char *icp_schema_kept_name(const struct icp_schema *s, int i)
{
  return i >= 0 && i < s->nkept ? s->kept[i].name : "?";
}

int icp_schema_kept_id(const struct icp_schema *s, int i)
{
  return i >= 0 && i < s->nkept ? s->kept[i].id : -1;
}
