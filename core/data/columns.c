/* columns.c -- header recognition: explicit mappings, folded names, the
 * synonym table (see columns.h for the precedence). */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/suggest.h"
#include "data/columns.h"
#include "data/value.h"

/* ---- the synonym table -------------------------------------------------- */

/* Folded header -> field. HubSpot company exports, Salesforce Account
 * exports and common spellings; README "Scoring your CRM export" lists
 * them. Folded names equal to the field's own folded name need no entry. */
static const struct {
  const char *folded, *field;
} synonyms[] = {
  /* the key */
  { "companydomainname", "domain" }, { "companydomain", "domain" },
  { "domainname", "domain" }, { "website", "domain" },
  { "websiteurl", "domain" }, { "url", "domain" },
  { "companywebsite", "domain" }, { "companyurl", "domain" },
  { "web", "domain" }, { "homepage", "domain" }, { "site", "domain" },
  { "emaildomain", "domain" },
  /* firmographics */
  { "companyname", "name" }, { "company", "name" },
  { "accountname", "name" },
  { "organization", "name" },
  { "organisation", "name" }, { "organizationname", "name" },
  { "sector", "industry" }, { "vertical", "industry" },
  { "subsector", "sub_industry" },
  { "numberofemployees", "employees" }, { "employeecount", "employees" },
  { "headcount", "employees" }, { "noofemployees", "employees" },
  { "numemployees", "employees" }, { "employeesnumber", "employees" },
  { "staffcount", "employees" }, { "companysize", "employees" },
  { "annualrevenue", "revenue_usd" }, { "revenue", "revenue_usd" },
  { "annualrevenueusd", "revenue_usd" }, { "totalrevenue", "revenue_usd" },
  { "countryregion", "country" }, { "billingcountry", "country" },
  { "hqcountry", "country" }, { "countrycode", "country" },
  { "headquarterscountry", "country" }, { "companycountry", "country" },
  { "stateregion", "region" }, { "state", "region" },
  { "billingstate", "region" }, { "billingstateprovince", "region" },
  { "stateprovince", "region" }, { "province", "region" },
  { "hqstate", "region" },
  { "billingcity", "city" }, { "hqcity", "city" },
  { "yearfounded", "founded_year" }, { "founded", "founded_year" },
  { "yearestablished", "founded_year" }, { "established", "founded_year" },
  { "ownershiptype", "ownership" },
  { "totalfunding", "funding_total_usd" },
  { "totalmoneyraised", "funding_total_usd" },
  { "totalfundingamount", "funding_total_usd" },
  { "lastfundingtype", "funding_stage" }, { "fundinground", "funding_stage" },
  { "lastfundedat", "last_funding_date" },
  { "technologies", "tech" }, { "techstack", "tech" },
  { "technology", "tech" }, { "technologycategories", "tech_categories" },
  { "jobopenings", "open_jobs" }, { "jobpostings", "open_jobs" },
  { "lastmodifieddate", "updated_at" }, { "lastmodified", "updated_at" },
  { "lastupdated", "updated_at" },
};

/* CRM record ids keep their own name (a rule may read a.Id) but are
 * text: "0012" and an 18-digit id stay as written, for --keep. */
static const char *const record_ids[] = {
  "recordid", "id", "accountid", "companyid", "hsobjectid", "crmid",
};

static int is_record_id(const char *folded)
{
  size_t i;
  for(i = 0; i < sizeof(record_ids) / sizeof(record_ids[0]); i++)
    if(!strcmp(record_ids[i], folded))
      return 1;
  return 0;
}

const char *icp_columns_synonym(const char *folded)
{
  size_t i;
  for(i = 0; i < sizeof(synonyms) / sizeof(synonyms[0]); i++)
    if(!strcmp(synonyms[i].folded, folded))
      return synonyms[i].field;
  return NULL;
}

static const char *const targets[] = {
  "domain", "name", "industry", "sub_industry", "employees",
  "employees_range", "revenue_usd", "revenue_range", "country", "region",
  "city", "founded_year", "ownership", "funding_total_usd",
  "funding_stage", "last_funding_date", "tech", "tech_categories",
  "open_jobs", "updated_at",
};

const char *const *icp_columns_targets(size_t *n)
{
  *n = sizeof(targets) / sizeof(targets[0]);
  return targets;
}

size_t icp_columns_fold(const char *s, size_t n, char *out, size_t cap)
{
  size_t i, k = 0;
  if(n > 3 && s[n - 1] == 'c' && s[n - 2] == '_' && s[n - 3] == '_')
    n -= 3; /* Salesforce custom field: Demo_Attended__c */
  for(i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if(c == ' ' || c == '_' || c == '-' || c == '/' || c == '.' ||
       c == '\t')
      continue;
    if(k + 1 >= cap)
      return 0;
    out[k++] = (char)icp_lower[c];
  }
  out[k] = 0;
  return k;
}

/* ---- explicit mappings -------------------------------------------------- */

struct entry {
  char *field, *from;
  double scale;
  int line;
  atomic_int used;  /* a header or a record's key matched it (readers of
                     * one run set it side by side) */
};

struct icp_columns {
  struct entry *e;
  int n;
  size_t cap;
  char *path;   /* the --columns file, for messages (NULL: none given) */
};

struct icp_columns *icp_columns_new(void)
{
  return calloc(1, sizeof(struct icp_columns));
}

void icp_columns_free(struct icp_columns *c)
{
  int i;
  if(!c)
    return;
  for(i = 0; i < c->n; i++) {
    free(c->e[i].field);
    free(c->e[i].from);
  }
  free(c->e);
  free(c->path);
  free(c);
}

enum icp_status icp_columns_set_path(struct icp_columns *c, const char *path)
{
  char *p = icp_strdup(path);
  if(!p)
    return ICP_ENOMEM;
  free(c->path);
  c->path = p;
  return ICP_OK;
}

enum icp_status icp_columns_add(struct icp_columns *c, const char *field,
                                const char *from, double scale, int line,
                                struct icp_err *err)
{
  int i;
  struct entry *e;
  for(i = 0; i < c->n; i++)
    if(!strcmp(c->e[i].field, field))
      return icp_err_set(err, ICP_EINVAL, "field '%s' mapped twice (lines "
                         "%d and %d)", field, c->e[i].line, line);
  if(c->n == 4096)
    return icp_err_set(err, ICP_ELIMIT, "more than 4096 mappings");
  if(icp_grow(c->e, c->cap, (size_t)c->n + 1))
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  e = &c->e[c->n];
  e->field = icp_strdup(field);
  e->from = icp_strdup(from);
  e->scale = scale;
  e->line = line;
  atomic_init(&e->used, 0);
  if(!e->field || !e->from) {
    free(e->field);
    free(e->from);
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  }
  c->n++;
  return ICP_OK;
}

int icp_columns_count(const struct icp_columns *c)
{
  return c ? c->n : 0;
}

/* The entry naming header s[0..n): exact first, then ignoring case. */
static const struct entry *explicit_for(const struct icp_columns *c,
                                        const char *s, size_t n)
{
  int i;
  if(!c)
    return NULL;
  for(i = 0; i < c->n; i++)
    if(strlen(c->e[i].from) == n && !memcmp(c->e[i].from, s, n))
      break;
  for(i = i < c->n ? i : 0; i < c->n; i++)
    if(icp_str_ieq(c->e[i].from, strlen(c->e[i].from), s, n))
      break;
  if(i == c->n)
    return NULL;
  /* the flag is the one thing a lookup changes (the entries are made
   * by malloc, not const) */
  atomic_store_explicit((atomic_int *)&c->e[i].used, 1,
                        memory_order_relaxed);
  return &c->e[i];
}

void icp_columns_new_field(struct icp_schema *s, int id)
{
  char f[64];
  if(icp_schema_type(s, id) == ICP_T_ANY &&
     icp_columns_fold(icp_schema_name(s, id), icp_schema_name_len(s, id), f,
                      sizeof(f)) && is_record_id(f))
    icp_schema_declare(s, icp_schema_name(s, id), ICP_T_STRING, NULL);
}

/* ---- mapping a header --------------------------------------------------- */

enum { R_EXPLICIT = 1, R_EXACT, R_FOLDED, R_SYNONYM, R_OWN };

void icp_colmap_free(struct icp_colmap *m)
{
  free(m->ids);
  free(m->scale);
  m->ids = NULL;
  m->scale = NULL;
}

/* Folded names of the fields known before the header was read. */
struct known {
  char (*f)[64];
  int n;
};

static int fold_known(struct known *k, const struct icp_schema *s)
{
  int i, n = icp_schema_count(s);
  k->f = malloc((size_t)(n ? n : 1) * sizeof(*k->f));
  k->n = n;
  if(!k->f)
    return -1;
  for(i = 0; i < n; i++)
    if(!icp_columns_fold(icp_schema_name(s, i), icp_schema_name_len(s, i),
                         k->f[i], sizeof(k->f[i])))
      k->f[i][0] = 0;
  return 0;
}

static int intern_target(struct icp_schema *s, const char *name)
{
  return icp_schema_intern(s, name, strlen(name));
}

enum icp_status icp_colmap_build(struct icp_colmap *m,
                                 struct icp_schema *schema, const char *file,
                                 const char *const *names,
                                 const size_t *lens, int n,
                                 struct icp_buf *notes, struct icp_err *err)
{
  const struct icp_columns *cols = icp_schema_columns(schema);
  int raw = icp_schema_raw_headers(schema);
  struct known k;
  int *rank = calloc((size_t)n + 1, sizeof(int));
  int *seen = calloc(ICP_SCHEMA_MAX + 1, sizeof(int));
  int j, mapped = 0;
  enum icp_status st = ICP_OK;

  m->ids = malloc(((size_t)n + 1) * sizeof(*m->ids));
  m->scale = malloc(((size_t)n + 1) * sizeof(*m->scale));
  m->key = -1;
  k.f = NULL;
  if(!rank || !seen || !m->ids || !m->scale || fold_known(&k, schema)) {
    st = icp_err_set(err, ICP_ENOMEM, "%s: out of memory", file);
    goto out;
  }
  /* each column's best claim */
  for(j = 0; j < n; j++) {
    char f[64] = "";
    const struct entry *e = explicit_for(cols, names[j], lens[j]);
    const char *syn;
    int id = -1, i;
    m->scale[j] = 1;
    if(e) {
      id = intern_target(schema, e->field);
      m->scale[j] = e->scale;
      rank[j] = R_EXPLICIT;
    }
    else if((id = icp_schema_find(schema, names[j], lens[j])) >= 0)
      rank[j] = R_EXACT;
    else if(!raw && icp_columns_fold(names[j], lens[j], f, sizeof(f))) {
      for(i = 0; i < k.n && id < 0; i++)
        if(!strcmp(k.f[i], f))
          id = i;
      if(id >= 0)
        rank[j] = R_FOLDED;
      else if((syn = icp_columns_synonym(f))) {
        id = intern_target(schema, syn);
        rank[j] = R_SYNONYM;
      }
    }
    if(id < 0 && !rank[j]) {
      id = icp_schema_intern(schema, names[j], lens[j]);
      rank[j] = R_OWN;
      if(id >= k.n)
        icp_columns_new_field(schema, id);
    }
    if(id < 0 || id >= ICP_SCHEMA_MAX) {
      st = icp_err_set(err, ICP_ELIMIT, "%s:1: column %d: name too long or "
                       "too many fields", file, j + 1);
      goto out;
    }
    m->ids[j] = id;
  }
  /* one column per field: the best rank, then the first */
  for(j = 0; j < n; j++) {
    int id = m->ids[j], w = seen[id] - 1, l;
    if(w < 0) {
      seen[id] = j + 1;
      continue;
    }
    if(rank[j] == R_EXACT && rank[w] == R_EXACT) {
      st = icp_err_set(err, ICP_EINVAL, "%s:1: duplicate column '%s' "
                       "(columns %d and %d)", file,
                       icp_schema_name(schema, id), w + 1, j + 1);
      goto out;
    }
    l = j;
    if(rank[j] < rank[w]) {
      seen[id] = j + 1;
      l = w;
      w = j;
    }
    if(notes && icp_buf_printf(notes, "%s:1: columns '%.*s' and '%.*s' "
                               "both give field %s; using '%.*s'\n", file,
                               (int)lens[w], names[w], (int)lens[l],
                               names[l], icp_schema_name(schema, id),
                               (int)lens[w], names[w])) {
      st = icp_err_set(err, ICP_ENOMEM, "%s: out of memory", file);
      goto out;
    }
    /* the other column keeps its own name */
    m->ids[l] = icp_schema_intern(schema, names[l], lens[l]);
    m->scale[l] = 1;
    rank[l] = R_OWN;
    if(m->ids[l] < 0 || m->ids[l] >= ICP_SCHEMA_MAX ||
       seen[m->ids[l]]) {
      st = icp_err_set(err, ICP_EINVAL, "%s:1: duplicate column '%.*s'",
                       file, (int)lens[l], names[l]);
      goto out;
    }
    seen[m->ids[l]] = l + 1;
  }
  for(j = 0; j < n; j++) {
    if(m->ids[j] == ICP_F_DOMAIN)
      m->key = j;
    /* a kept column that only this input brought is carried as its text
     * (a record id "0012" stays "0012") */
    if(icp_schema_keep_column(schema, names[j], lens[j], m->ids[j]) &&
       rank[j] == R_OWN && m->ids[j] >= k.n &&
       icp_schema_type(schema, m->ids[j]) == ICP_T_ANY)
      icp_schema_declare(schema, icp_schema_name(schema, m->ids[j]),
                         ICP_T_STRING, NULL);
    if(!notes || (rank[j] != R_FOLDED && rank[j] != R_SYNONYM))
      continue;
    if((!mapped++ && icp_buf_printf(notes, "%s: columns mapped:", file)) ||
       icp_buf_printf(notes, "%s '%.*s' -> %s", mapped > 1 ? "," : "",
                      (int)lens[j], names[j],
                      icp_schema_name(schema, m->ids[j]))) {
      st = icp_err_set(err, ICP_ENOMEM, "%s: out of memory", file);
      goto out;
    }
  }
  if(mapped && notes && icp_buf_addc(notes, '\n'))
    st = icp_err_set(err, ICP_ENOMEM, "%s: out of memory", file);
out:
  free(k.f);
  free(rank);
  free(seen);
  if(st)
    icp_colmap_free(m);
  return st;
}

enum icp_status icp_columns_unused(const struct icp_columns *c,
                                   const struct icp_schema *s,
                                   const char *what, int typos_only,
                                   struct icp_buf *notes, int *count)
{
  const char **names;
  int i, k = 0, nf = icp_schema_count(s);
  *count = 0;
  if(!c || !c->n)
    return ICP_OK;
  names = malloc(((size_t)nf + 1) * sizeof(*names));
  if(!names)
    return ICP_ENOMEM;
  for(i = 0; i < nf; i++)
    if(!typos_only || icp_schema_origin(s, i) == ICP_ORIGIN_SEEN)
      names[k++] = icp_schema_name(s, i);
  for(i = 0; i < c->n; i++) {
    const char *hint;
    if(atomic_load_explicit((atomic_int *)&c->e[i].used,
                            memory_order_relaxed))
      continue;
    hint = icp_suggest(c->e[i].from, names, (size_t)k);
    if(typos_only && !hint)
      continue;
    ++*count;
    if(icp_buf_printf(notes, "--columns %s line %d: %s = \"%s\": no %s "
                      "has a value under that key%s%s%s\n",
                      c->path ? c->path : "file", c->e[i].line,
                      c->e[i].field, c->e[i].from, what,
                      hint ? " (did you mean '" : "", hint ? hint : "",
                      hint ? "'?)" : ""))
      break;
  }
  free(names);
  return i < c->n ? ICP_ENOMEM : ICP_OK;
}

int icp_columns_say_unused(const struct icp_columns *c,
                           const struct icp_schema *s, FILE *diag)
{
  struct icp_buf notes;
  int n = 0;
  icp_buf_init(&notes, 1 << 20);
  if(icp_columns_unused(c, s, "record", 0, &notes, &n) ||
     icp_buf_status(&notes)) {
    fprintf(diag, "--columns: out of memory checking the mappings\n");
    n = n ? n : 1; /* unchecked is not passed off as fine */
  }
  else if(notes.len)
    fputs(notes.p, diag);
  icp_buf_free(&notes);
  return n;
}

/* The header's n names (lens bytes each, not terminated) as C strings,
 * for icp_suggest; NULL when out of memory. Freed by free_names. */
static char **c_names(const char *const *names, const size_t *lens, int n)
{
  char **hdr = calloc((size_t)n + 1, sizeof(*hdr));
  int j;
  for(j = 0; hdr && j < n; j++) {
    if(!(hdr[j] = malloc(lens[j] + 1)))
      break;
    memcpy(hdr[j], names[j], lens[j]);
    hdr[j][lens[j]] = 0;
  }
  if(hdr && j < n) {
    while(j--)
      free(hdr[j]);
    free(hdr);
    hdr = NULL;
  }
  return hdr;
}

static void free_names(char **hdr, int n)
{
  int j;
  for(j = 0; hdr && j < n; j++)
    free(hdr[j]);
  free(hdr);
}

enum icp_status icp_columns_hint(const char *s, const char *const *names,
                                 const size_t *lens, int n, char *hint,
                                 size_t cap)
{
  char **hdr = c_names(names, lens, n);
  const char *h;
  if(!hdr)
    return ICP_ENOMEM;
  h = icp_suggest(s, (const char *const *)hdr, (size_t)n);
  snprintf(hint, cap, "%s", h ? h : "");
  free_names(hdr, n);
  return ICP_OK;
}

enum icp_status icp_columns_unmatched(const struct icp_columns *c,
                                      const char *file,
                                      const char *const *names,
                                      const size_t *lens, int n,
                                      struct icp_buf *notes, int *count)
{
  char **hdr;
  int i, j;
  *count = 0;
  if(!c || !c->n)
    return ICP_OK;
  if(!(hdr = c_names(names, lens, n)))
    return ICP_ENOMEM;
  for(i = 0; i < c->n; i++) {
    const char *from = c->e[i].from, *hint;
    for(j = 0; j < n; j++)
      if(icp_str_ieq(from, strlen(from), names[j], lens[j]))
        break;
    if(j < n)
      continue;
    hint = icp_suggest(from, (const char *const *)hdr, (size_t)n);
    ++*count;
    if(icp_buf_printf(notes, "%s:1: --columns %s line %d: %s = \"%s\": no "
                      "such column in the input%s%s%s\n", file,
                      c->path ? c->path : "file", c->e[i].line,
                      c->e[i].field, from,
                      hint ? " (did you mean '" : "", hint ? hint : "",
                      hint ? "'?)" : ""))
      break;
  }
  free_names(hdr, n);
  return i < c->n ? ICP_ENOMEM : ICP_OK;
}
