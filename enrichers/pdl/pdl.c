/*
 * pdl.c -- People Data Labs company enrichment (v5) as an icp enricher.
 *
 *   GET {base_url}/v5/company/enrich?website=<domain>
 *   X-Api-Key: <api_key>
 *
 * Config: api_key (string, required, secret), base_url (string, default
 * https://api.peopledatalabs.com), min_likelihood (number 0..10, default 0:
 * an answer whose `likelihood` is below it -- or absent while it is set --
 * counts as NOT_FOUND; PDL scores its match confidence 1..10).
 *
 * Statuses: 200 -> fields; 404 -> ICP_ENR_NOT_FOUND; anything else ->
 * ICP_ENR_ERROR "unexpected status N" (401 bad key, 402 out of credits).
 *
 * Field mapping (PDL -> canonical):
 *   display_name (else name, which PDL lowercases) -> name
 *   website -> domain;  industry -> industry
 *   employee_count -> employees; when null, size as text ("51-200",
 *     "10001+") and the host stores the midpoint + employees_range
 *   inferred_revenue (text, "$10M-$25M") -> revenue_usd (+ revenue_range)
 *   location.country (a lowercase name, "united states") -> country (the
 *     host makes it ISO-2);  location.region -> region;
 *     location.locality -> city
 *   founded -> founded_year;  total_funding_raised -> funding_total_usd
 *   last_funding_date -> last_funding_date
 *   type -> ownership: public, private, nonprofit, government as they are;
 *     public_subsidiary -> public (owned by a listed parent);
 *     educational -> nonprofit (as for Clearbit); others -> not set
 *   latest_funding_stage -> funding_stage (DESIGN §3 set):
 *     angel, pre_seed, seed                        -> seed
 *     series_a .. series_d                         -> series_a .. series_d
 *     series_e, series_f, ... (any later letter)   -> series_e_plus
 *     private_equity                               -> series_e_plus
 *       (late-stage private capital; the company stays private)
 *     ipo, post_ipo_equity, post_ipo_debt, post_ipo_secondary -> ipo
 *     acquired, merger_acquisition                 -> acquired
 *     series_unknown, debt_financing, convertible_note, grant,
 *     corporate_round, crowdfunding kinds, secondary_market, undisclosed,
 *     anything else                                -> not set (they say
 *       money came in, not which stage the company is at)
 * An answer that yields no field at all counts as NOT_FOUND.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icp_enricher.h"

/* ==== shared JSON guard: identical in every bundled enricher ========== */
/* Edit it in clearbit.c and copy it into the others (same text). */

#define SHARED static __attribute__((unused))
#define MAX_DEPTH 64          /* nesting cap, checked before cJSON runs */
#define MAX_BODY (64u << 20)  /* bytes; the host caps far lower */
#define MAX_TEXT 4096         /* longest string value we pass on */
#define MAX_ITEMS 1000        /* most items we add to one list field */
#define MAX_URL 8192          /* longest URL we build */

/* Checks the raw bytes before cJSON sees them: valid UTF-8, no NUL byte,
 * no \u0000 escape (cJSON would cut the string there), nesting at most
 * MAX_DEPTH. Returns NULL when fine, else a short reason. */
SHARED const char *body_precheck(const char *s, size_t n)
{
  size_t i = 0;
  int depth = 0, in_str = 0;

  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    if (c == 0)
      return "NUL byte in body";
    if (c >= 0x80) {                     /* a multi-byte UTF-8 sequence */
      size_t k, len;
      uint32_t cp;
      if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1Fu; }
      else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0Fu; }
      else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07u; }
      else return "invalid UTF-8";
      if (n - i < len)
        return "invalid UTF-8";
      for (k = 1; k < len; k++) {
        unsigned char d = (unsigned char)s[i + k];
        if ((d & 0xC0u) != 0x80u)
          return "invalid UTF-8";
        cp = (cp << 6) | (d & 0x3Fu);
      }
      if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
          cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return "invalid UTF-8";
      i += len;
      continue;
    }
    if (in_str) {
      if (c == '\\') {
        if (i + 1 < n && s[i + 1] == 'u' && n - i >= 6 &&
            memcmp(s + i + 2, "0000", 4) == 0)
          return "NUL escape in string";
        i += 2;
        continue;
      }
      if (c == '"')
        in_str = 0;
    } else if (c == '"') {
      in_str = 1;
    } else if (c == '{' || c == '[') {
      if (++depth > MAX_DEPTH)
        return "nesting too deep";
    } else if (c == '}' || c == ']') {
      depth--;
    }
    i++;
  }
  return NULL;
}

static int cmp_name(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Walks a parsed tree (depth already bounded): every number finite, no
 * duplicate key in any object. Returns NULL or a short reason. */
SHARED const char *tree_check(const cJSON *node)
{
  const cJSON *c;
  size_t n = 0, i;
  const char **names;
  const char *why = NULL;

  if (cJSON_IsNumber(node))
    return isfinite(node->valuedouble) ? NULL : "non-finite number";
  if (!cJSON_IsObject(node) && !cJSON_IsArray(node))
    return NULL;
  for (c = node->child; c != NULL; c = c->next) {
    why = tree_check(c);
    if (why != NULL)
      return why;
    n++;
  }
  if (!cJSON_IsObject(node) || n < 2)
    return NULL;
  names = malloc(n * sizeof *names);
  if (names == NULL)
    return "out of memory";
  i = 0;
  for (c = node->child; c != NULL; c = c->next)
    names[i++] = c->string != NULL ? c->string : "";
  qsort(names, n, sizeof *names, cmp_name);
  for (i = 1; i < n && why == NULL; i++)
    if (strcmp(names[i - 1], names[i]) == 0)
      why = "duplicate key";
  free(names);
  return why;
}

/* Parses an untrusted body of len bytes (not NUL-terminated). Returns the
 * tree (caller frees with cJSON_Delete) or NULL after out_error(). */
SHARED cJSON *body_parse(const struct icp_host *h,
                         struct icp_enr_output *out, const char *body,
                         size_t len)
{
  const char *why, *end = NULL;
  char *copy;
  cJSON *doc;

  if (body == NULL || len == 0) {
    h->out_error(out, "empty body");
    return NULL;
  }
  if (len > MAX_BODY) {
    h->out_error(out, "body too large");
    return NULL;
  }
  why = body_precheck(body, len);
  if (why != NULL) {
    h->out_error(out, why);
    return NULL;
  }
  copy = malloc(len + 1);
  if (copy == NULL) {
    h->out_error(out, "out of memory");
    return NULL;
  }
  memcpy(copy, body, len);
  copy[len] = '\0';
  doc = cJSON_ParseWithOpts(copy, &end, 1);
  free(copy);
  if (doc == NULL) {
    h->out_error(out, "malformed JSON");
    return NULL;
  }
  why = tree_check(doc);
  if (why != NULL) {
    cJSON_Delete(doc);
    h->out_error(out, why);
    return NULL;
  }
  return doc;
}

/* Member k of object o, or NULL (also when o is not an object). */
SHARED const cJSON *jget(const cJSON *o, const char *k)
{
  return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}

/* A usable string: a JSON string, non-empty, at most MAX_TEXT bytes. */
SHARED const char *jstr(const cJSON *v)
{
  size_t n;
  if (!cJSON_IsString(v) || v->valuestring == NULL)
    return NULL;
  n = strlen(v->valuestring);
  return n == 0 || n > MAX_TEXT ? NULL : v->valuestring;
}

/* A usable number: a finite JSON number. Returns 1 and stores it. */
SHARED int jnum(const cJSON *v, double *out)
{
  if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
    return 0;
  *out = v->valuedouble;
  return 1;
}

/* What parse() has emitted so far; `stored` counts accepted values. */
struct emit {
  const struct icp_host *h;
  struct icp_enr_output *out;
  int stored;
};

SHARED void emit_text(struct emit *e, const char *field, const char *s)
{
  if (s != NULL && e->h->out_text(e->out, field, s) == 0)
    e->stored++;
}

SHARED void emit_num(struct emit *e, const char *field, double v)
{
  if (isfinite(v) && e->h->out_number(e->out, field, v) == 0)
    e->stored++;
}

SHARED void emit_bool(struct emit *e, const char *field, int v)
{
  if (e->h->out_bool(e->out, field, v != 0) == 0)
    e->stored++;
}

/* A set of borrowed strings, for dropping duplicate list items. */
struct strset {
  const char **v;
  size_t n, cap;
};

/* Adds s unless present; returns 1 when added, 0 when present, full
 * (MAX_ITEMS) or out of memory. */
SHARED int strset_add(struct strset *set, const char *s)
{
  size_t i;
  for (i = 0; i < set->n; i++)
    if (strcmp(set->v[i], s) == 0)
      return 0;
  if (set->n >= MAX_ITEMS)
    return 0;
  if (set->n == set->cap) {
    size_t cap = set->cap ? set->cap * 2 : 16;
    const char **v = realloc((void *)set->v, cap * sizeof *v);
    if (v == NULL)
      return 0;
    set->v = v;
    set->cap = cap;
  }
  set->v[set->n++] = s;
  return 1;
}

SHARED void strset_free(struct strset *set)
{
  free((void *)set->v);
  set->v = NULL;
  set->n = set->cap = 0;
}

/* Adds item to list field unless already in seen. */
SHARED void emit_item(struct emit *e, struct strset *seen, const char *field,
                      const char *item)
{
  if (item != NULL && strset_add(seen, item) &&
      e->h->out_list_add(e->out, field, item) == 0)
    e->stored++;
}

/* Every string of JSON array arr as items of list field, no duplicates. */
SHARED void emit_str_array(struct emit *e, const char *field,
                           const cJSON *arr)
{
  struct strset seen = {0};
  const cJSON *it;
  if (!cJSON_IsArray(arr))
    return;
  cJSON_ArrayForEach(it, arr) emit_item(e, &seen, field, jstr(it));
  strset_free(&seen);
}

/* A growing string for URLs; `bad` sticks after any failure. */
struct sbuf {
  char *p;
  size_t n, cap;
  int bad;
};

SHARED void sb_addn(struct sbuf *b, const char *s, size_t n)
{
  if (b->bad)
    return;
  if (n > MAX_URL || b->n + n + 1 > MAX_URL) {
    b->bad = 1;
    return;
  }
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    char *p;
    while (cap < b->n + n + 1)
      cap *= 2;
    p = realloc(b->p, cap);
    if (p == NULL) {
      b->bad = 1;
      return;
    }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}

SHARED void sb_add(struct sbuf *b, const char *s)
{
  sb_addn(b, s, strlen(s));
}

/* Appends s percent-encoded by the host. */
SHARED void sb_add_escaped(struct sbuf *b, const struct icp_host *h,
                           const char *s)
{
  size_t n = strlen(s), cap;
  char *tmp;
  if (b->bad)
    return;
  if (n > MAX_URL) {
    b->bad = 1;
    return;
  }
  cap = 3 * n + 1;
  tmp = malloc(cap);
  if (tmp == NULL || h->url_escape(s, n, tmp, cap) < 0)
    b->bad = 1;
  else
    sb_add(b, tmp);
  free(tmp);
}

/* Writes msg into errbuf (bounded, always NUL-terminated). */
SHARED void errput(char *errbuf, size_t errlen, const char *msg)
{
  size_t n;
  if (errbuf == NULL || errlen == 0)
    return;
  n = strlen(msg);
  if (n >= errlen)
    n = errlen - 1;
  memcpy(errbuf, msg, n);
  errbuf[n] = '\0';
}

/* True when the host table has every ABI 1 function we call. */
SHARED int host_ok(const struct icp_host *h)
{
  return ICP_ENR_SIZE_COVERS(h, struct icp_host, free) &&
         h->abi == ICP_ENRICHER_ABI && h->acct_domain && h->acct_string &&
         h->req_set_url && h->req_add_header && h->url_escape &&
         h->hdr_get && h->out_text && h->out_number && h->out_bool &&
         h->out_list_add && h->out_error && h->cfg_string &&
         h->cfg_number && h->cfg_bool && h->cfg_list_count &&
         h->cfg_list_item && h->cfg_map_next && h->log && h->alloc &&
         h->free;
}

/* A host-allocated copy of base_url (or dflt) without trailing slashes,
 * or NULL with a reason in errbuf. Only http:// and https:// pass. */
SHARED char *base_url_dup(const struct icp_host *h,
                          const struct icp_enr_config *cfg,
                          const char *dflt, char *errbuf, size_t errlen)
{
  const char *s = h->cfg_string(cfg, "base_url");
  size_t n;
  char *p;
  if (s == NULL)
    s = dflt;
  if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0) {
    errput(errbuf, errlen, "base_url must start with http:// or https://");
    return NULL;
  }
  n = strlen(s);
  if (n > 2048 || strpbrk(s, "?# \t\r\n") != NULL) {
    errput(errbuf, errlen, "base_url is too long or has ?, # or spaces");
    return NULL;
  }
  while (n > 0 && s[n - 1] == '/')
    n--;
  p = h->alloc(n + 1);
  if (p == NULL) {
    errput(errbuf, errlen, "out of memory");
    return NULL;
  }
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

/* Records "status N" (fixed words only: an error body may echo a key)
 * and returns ICP_ENR_ERROR. */
SHARED int status_error(const struct icp_host *h, struct icp_enr_output *out,
                        long status)
{
  char why[48];
  snprintf(why, sizeof why, "unexpected status %ld", status);
  h->out_error(out, why);
  return ICP_ENR_ERROR;
}

/* ==== end of shared JSON guard ======================================== */

#define DEFAULT_BASE "https://api.peopledatalabs.com"

struct pdl {
  const struct icp_host *h;
  const struct icp_enr_config *cfg;
  char *base;             /* base_url without trailing '/', host memory */
  char *key;              /* api_key copy, host memory */
  double min_likelihood;  /* 0 = no check */
};

static const char *const fields[] = {
  "name", "domain", "industry", "employees", "employees_range",
  "revenue_usd", "revenue_range", "country", "region", "city",
  "founded_year", "ownership", "funding_total_usd", "funding_stage",
  "last_funding_date", NULL
};

static const struct icp_enr_config_key config_keys[] = {
  {"api_key", ICP_ENR_CFG_STRING, 1, 1},
  {"base_url", ICP_ENR_CFG_STRING, 0, 0},
  {"min_likelihood", ICP_ENR_CFG_NUMBER, 0, 0},
  {NULL, 0, 0, 0}
};

static void pdl_fini(void *state)
{
  struct pdl *st = state;
  if (st == NULL)
    return;
  st->h->free(st->base);
  st->h->free(st->key);
  st->h->free(st);
}

static int pdl_init(const struct icp_host *h, const struct icp_enr_config *cfg,
                    void **state, char *errbuf, size_t errlen)
{
  struct pdl *st;
  const char *key;
  double minl = 0;
  size_t n;

  *state = NULL;
  if (!host_ok(h)) {
    errput(errbuf, errlen, "host table lacks functions pdl needs");
    return -1;
  }
  key = h->cfg_string(cfg, "api_key");
  if (key == NULL || key[0] == '\0') {
    errput(errbuf, errlen, "api_key is required");
    return -1;
  }
  n = strlen(key);
  if (n > 1024 || strpbrk(key, "\r\n") != NULL) {
    errput(errbuf, errlen, "api_key is too long or has a line break");
    return -1;
  }
  if (h->cfg_number(cfg, "min_likelihood", &minl) &&
      !(minl >= 0 && minl <= 10)) {
    errput(errbuf, errlen, "min_likelihood must be between 0 and 10");
    return -1;
  }
  st = h->alloc(sizeof *st);
  if (st == NULL) {
    errput(errbuf, errlen, "out of memory");
    return -1;
  }
  memset(st, 0, sizeof *st);
  st->h = h;
  st->cfg = cfg;
  st->min_likelihood = minl;
  st->base = base_url_dup(h, cfg, DEFAULT_BASE, errbuf, errlen);
  st->key = h->alloc(n + 1);
  if (st->base == NULL || st->key == NULL) {
    if (st->base != NULL)
      errput(errbuf, errlen, "out of memory");
    pdl_fini(st);
    return -1;
  }
  memcpy(st->key, key, n + 1);
  *state = st;
  return 0;
}

static int pdl_request(void *state, const struct icp_enr_account *acct,
                       struct icp_enr_request *req)
{
  struct pdl *st = state;
  const struct icp_host *h = st->h;
  const char *domain = h->acct_domain(acct);
  struct sbuf url = {0};
  int rc = ICP_ENR_OK;

  if (domain == NULL || domain[0] == '\0')
    return ICP_ENR_NOT_FOUND;
  sb_add(&url, st->base);
  sb_add(&url, "/v5/company/enrich?website=");
  sb_add_escaped(&url, h, domain);
  if (url.bad) {
    h->log(st->cfg, ICP_ENR_LOG_WARN, "cannot build the request URL");
    rc = ICP_ENR_ERROR;
  } else if (h->req_set_url(req, url.p) != 0 ||
             h->req_add_header(req, "X-Api-Key", st->key) != 0 ||
             h->req_add_header(req, "Accept", "application/json") != 0) {
    rc = ICP_ENR_ERROR;
  }
  free(url.p);
  return rc;
}

/* PDL company type -> DESIGN §3 ownership, or NULL. */
static const char *ownership_of(const char *type)
{
  static const char *const map[][2] = {
    {"public", "public"},
    {"public_subsidiary", "public"},
    {"private", "private"},
    {"nonprofit", "nonprofit"},
    {"government", "government"},
    {"educational", "nonprofit"},
    {"education", "nonprofit"},
  };
  size_t i;
  if (type == NULL)
    return NULL;
  for (i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strcmp(type, map[i][0]) == 0)
      return map[i][1];
  return NULL;
}

/* PDL latest_funding_stage -> DESIGN §3 funding_stage, or NULL. */
static const char *stage_of(const char *s)
{
  static const char *const map[][2] = {
    {"angel", "seed"},
    {"pre_seed", "seed"},
    {"seed", "seed"},
    {"series_a", "series_a"},
    {"series_b", "series_b"},
    {"series_c", "series_c"},
    {"series_d", "series_d"},
    {"private_equity", "series_e_plus"},
    {"ipo", "ipo"},
    {"post_ipo_equity", "ipo"},
    {"post_ipo_debt", "ipo"},
    {"post_ipo_secondary", "ipo"},
    {"acquired", "acquired"},
    {"merger_acquisition", "acquired"},
  };
  size_t i;
  if (s == NULL)
    return NULL;
  for (i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strcmp(s, map[i][0]) == 0)
      return map[i][1];
  /* series_e, series_f, ... series_z: one letter from e on */
  if (strncmp(s, "series_", 7) == 0 && s[7] >= 'e' && s[7] <= 'z' &&
      s[8] == '\0')
    return "series_e_plus";
  return NULL;
}

static void map_company(struct emit *e, const cJSON *doc)
{
  const cJSON *loc = jget(doc, "location");
  const char *s;
  double v;

  s = jstr(jget(doc, "display_name"));
  emit_text(e, "name", s != NULL ? s : jstr(jget(doc, "name")));
  emit_text(e, "domain", jstr(jget(doc, "website")));
  emit_text(e, "industry", jstr(jget(doc, "industry")));

  if (jnum(jget(doc, "employee_count"), &v) && v >= 0)
    emit_num(e, "employees", v);
  else
    emit_text(e, "employees", jstr(jget(doc, "size")));
  emit_text(e, "revenue_usd", jstr(jget(doc, "inferred_revenue")));

  emit_text(e, "country", jstr(jget(loc, "country")));
  emit_text(e, "region", jstr(jget(loc, "region")));
  emit_text(e, "city", jstr(jget(loc, "locality")));

  if (jnum(jget(doc, "founded"), &v) && v >= 1000 && v <= 9999)
    emit_num(e, "founded_year", v);
  emit_text(e, "ownership", ownership_of(jstr(jget(doc, "type"))));
  if (jnum(jget(doc, "total_funding_raised"), &v) && v >= 0)
    emit_num(e, "funding_total_usd", v);
  emit_text(e, "funding_stage",
            stage_of(jstr(jget(doc, "latest_funding_stage"))));
  emit_text(e, "last_funding_date", jstr(jget(doc, "last_funding_date")));
}

static int pdl_parse(void *state, const struct icp_enr_account *acct,
                     long status, const struct icp_enr_headers *hdrs,
                     const char *body, size_t len,
                     struct icp_enr_output *out)
{
  struct pdl *st = state;
  const struct icp_host *h = st->h;
  struct emit e = {h, out, 0};
  cJSON *doc;
  double like = 0;

  (void)acct;
  (void)hdrs;
  if (status == 404)
    return ICP_ENR_NOT_FOUND;
  if (status != 200)
    return status_error(h, out, status);
  doc = body_parse(h, out, body, len);
  if (doc == NULL)
    return ICP_ENR_ERROR;
  if (!cJSON_IsObject(doc)) {
    cJSON_Delete(doc);
    h->out_error(out, "answer is not a JSON object");
    return ICP_ENR_ERROR;
  }
  if (st->min_likelihood > 0 &&
      (!jnum(jget(doc, "likelihood"), &like) ||
       like < st->min_likelihood)) {
    cJSON_Delete(doc);
    h->out_error(out, "match likelihood below min_likelihood");
    return ICP_ENR_NOT_FOUND;
  }
  map_company(&e, doc);
  cJSON_Delete(doc);
  return e.stored > 0 ? ICP_ENR_OK : ICP_ENR_NOT_FOUND;
}

static const struct icp_enricher descriptor = {
  .abi = ICP_ENRICHER_ABI,
  .size = sizeof(struct icp_enricher),
  .name = "pdl",
  .version = "1.0.0",
  .kind = ICP_ENR_KIND_FIRMOGRAPHIC,
  .fields = fields,
  .config = config_keys,
  .init = pdl_init,
  .request = pdl_request,
  .parse = pdl_parse,
  .fini = pdl_fini,
  .provides = NULL,
};

const struct icp_enricher *icp_enricher_open(const struct icp_host *host,
                                             uint32_t host_abi)
{
  if (host_abi != ICP_ENRICHER_ABI || !host_ok(host))
    return NULL;
  return &descriptor;
}
