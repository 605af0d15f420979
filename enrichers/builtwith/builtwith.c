/*
 * builtwith.c -- BuiltWith Domain API (v22) as an icp enricher.
 *
 *   GET {base_url}/v22/api.json?KEY=<api_key>&LOOKUP=<domain>
 *
 * The key travels in the query string (BuiltWith's only way); it is a
 * secret, so the host redacts it from every URL it logs or caches.
 *
 * Config: api_key (string, required, secret), base_url (string, default
 * https://api.builtwith.com), max_age_days (number, default 0 = keep all):
 * drop a technology whose LastDetected is more than that many days before
 * the newest LastDetected in the same answer (BuiltWith also lists
 * technologies a site stopped using; comparing within the answer keeps the
 * result independent of the clock).
 *
 * Answer: Results[].Result.Paths[].Technologies[] with Name, Tag,
 * Categories[], FirstDetected, LastDetected (epoch milliseconds).
 *   Name                       -> tech (unique, in order of appearance)
 *   Tag and every Categories[] -> tech_categories (unique)
 *   Results[0].LastIndexed     -> updated_at (YYYY-MM-DD, UTC)
 * Statuses and errors: 200 with an `Errors` entry whose Message reads like
 * "not found" (not found, no data, no results, does not exist, unknown or
 * invalid domain) -> ICP_ENR_NOT_FOUND; any other Errors entry ->
 * ICP_ENR_ERROR (the message is not echoed); empty or missing Results, or
 * no technology at all -> ICP_ENR_NOT_FOUND; 404 -> NOT_FOUND; other
 * statuses -> ICP_ENR_ERROR "unexpected status N".
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

#define DEFAULT_BASE "https://api.builtwith.com"
#define MS_PER_DAY 86400000.0

struct builtwith {
  const struct icp_host *h;
  const struct icp_enr_config *cfg;
  char *base;           /* base_url without trailing '/', host memory */
  char *key;            /* api_key copy, host memory */
  double max_age_days;  /* 0 = keep every technology */
};

static const char *const fields[] = {
  "tech", "tech_categories", "updated_at", NULL
};

static const struct icp_enr_config_key config_keys[] = {
  {"api_key", ICP_ENR_CFG_STRING, 1, 1},
  {"base_url", ICP_ENR_CFG_STRING, 0, 0},
  {"max_age_days", ICP_ENR_CFG_NUMBER, 0, 0},
  {NULL, 0, 0, 0}
};

static void bw_fini(void *state)
{
  struct builtwith *st = state;
  if (st == NULL)
    return;
  st->h->free(st->base);
  st->h->free(st->key);
  st->h->free(st);
}

static int bw_init(const struct icp_host *h, const struct icp_enr_config *cfg,
                   void **state, char *errbuf, size_t errlen)
{
  struct builtwith *st;
  const char *key;
  double age = 0;
  size_t n;

  *state = NULL;
  if (!host_ok(h)) {
    errput(errbuf, errlen, "host table lacks functions builtwith needs");
    return -1;
  }
  key = h->cfg_string(cfg, "api_key");
  if (key == NULL || key[0] == '\0') {
    errput(errbuf, errlen, "api_key is required");
    return -1;
  }
  n = strlen(key);
  if (n > 1024) {
    errput(errbuf, errlen, "api_key is too long");
    return -1;
  }
  if (h->cfg_number(cfg, "max_age_days", &age) &&
      !(age >= 0 && age <= 36500)) {
    errput(errbuf, errlen, "max_age_days must be between 0 and 36500");
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
  st->max_age_days = age;
  st->base = base_url_dup(h, cfg, DEFAULT_BASE, errbuf, errlen);
  st->key = h->alloc(n + 1);
  if (st->base == NULL || st->key == NULL) {
    if (st->base != NULL)
      errput(errbuf, errlen, "out of memory");
    bw_fini(st);
    return -1;
  }
  memcpy(st->key, key, n + 1);
  *state = st;
  return 0;
}

static int bw_request(void *state, const struct icp_enr_account *acct,
                      struct icp_enr_request *req)
{
  struct builtwith *st = state;
  const struct icp_host *h = st->h;
  const char *domain = h->acct_domain(acct);
  struct sbuf url = {0};
  int rc = ICP_ENR_OK;

  if (domain == NULL || domain[0] == '\0')
    return ICP_ENR_NOT_FOUND;
  sb_add(&url, st->base);
  sb_add(&url, "/v22/api.json?KEY=");
  sb_add_escaped(&url, h, st->key);
  sb_add(&url, "&LOOKUP=");
  sb_add_escaped(&url, h, domain);
  if (url.bad) {
    h->log(st->cfg, ICP_ENR_LOG_WARN, "cannot build the request URL");
    rc = ICP_ENR_ERROR;
  } else if (h->req_set_url(req, url.p) != 0 ||
             h->req_add_header(req, "Accept", "application/json") != 0) {
    rc = ICP_ENR_ERROR;
  }
  free(url.p);
  return rc;
}

/* ASCII case-insensitive: does hay contain needle (lowercase)? */
static int contains_ci(const char *hay, const char *needle)
{
  size_t n = strlen(needle), i;
  for (; *hay != '\0'; hay++) {
    for (i = 0; i < n; i++) {
      char c = hay[i];
      if (c >= 'A' && c <= 'Z')
        c = (char)(c - 'A' + 'a');
      if (c != needle[i])
        break;
    }
    if (i == n)
      return 1;
  }
  return 0;
}

static int not_found_message(const char *msg)
{
  static const char *const words[] = {
    "not found", "no data", "no results", "no result",
    "does not exist", "unknown domain", "invalid domain", "not indexed",
  };
  size_t i;
  if (msg == NULL)
    return 0;
  for (i = 0; i < sizeof words / sizeof words[0]; i++)
    if (contains_ci(msg, words[i]))
      return 1;
  return 0;
}

/* Classifies a non-empty Errors array: NOT_FOUND when every entry reads
 * like "not found", else ERROR. */
static int classify_errors(const cJSON *errs)
{
  const cJSON *it;
  cJSON_ArrayForEach(it, errs)
  {
    const char *msg = jstr(jget(it, "Message"));
    if (msg == NULL)
      msg = jstr(it);  /* tolerate a bare string entry */
    if (!not_found_message(msg))
      return ICP_ENR_ERROR;
  }
  return ICP_ENR_NOT_FOUND;
}

/* Days since 1970-01-01 -> "YYYY-MM-DD" (proleptic Gregorian; Howard
 * Hinnant's civil_from_days). buf holds at least 11 bytes. */
static void date_of_days(long long z, char *buf, size_t cap)
{
  long long era, doe, yoe, y, doy, mp, d, m;
  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  snprintf(buf, cap, "%04lld-%02lld-%02lld", y + (m <= 2), m, d);
}

/* The newest LastDetected over every technology, or -1. */
static double newest_detection(const cJSON *results)
{
  const cJSON *r, *p, *t;
  double best = -1, v;
  cJSON_ArrayForEach(r, results)
  {
    cJSON_ArrayForEach(p, jget(jget(r, "Result"), "Paths"))
    {
      cJSON_ArrayForEach(t, jget(p, "Technologies"))
      {
        if (jnum(jget(t, "LastDetected"), &v) && v > best)
          best = v;
      }
    }
  }
  return best;
}

static void map_results(const struct builtwith *st, struct emit *e,
                        const cJSON *results)
{
  struct strset names = {0}, cats = {0};
  const cJSON *r, *p, *t, *c;
  double cutoff = -1, v, li;

  if (st->max_age_days > 0) {
    double newest = newest_detection(results);
    if (newest >= 0)
      cutoff = newest - st->max_age_days * MS_PER_DAY;
  }
  cJSON_ArrayForEach(r, results)
  {
    cJSON_ArrayForEach(p, jget(jget(r, "Result"), "Paths"))
    {
      cJSON_ArrayForEach(t, jget(p, "Technologies"))
      {
        const char *name = jstr(jget(t, "Name"));
        if (name == NULL)
          continue;
        if (cutoff >= 0 && (!jnum(jget(t, "LastDetected"), &v) ||
                            v < cutoff))
          continue;
        emit_item(e, &names, "tech", name);
        emit_item(e, &cats, "tech_categories", jstr(jget(t, "Tag")));
        cJSON_ArrayForEach(c, jget(t, "Categories"))
        {
          emit_item(e, &cats, "tech_categories", jstr(c));
        }
      }
    }
  }
  strset_free(&names);
  strset_free(&cats);
  /* only worth a date when the answer carried technologies */
  if (e->stored > 0 &&
      jnum(jget(cJSON_GetArrayItem(results, 0), "LastIndexed"), &li) &&
      li >= 0 && li < 253402300800000.0) {
    char day[64];
    /* li >= 0: truncation is floor */
    date_of_days((long long)(li / MS_PER_DAY), day, sizeof day);
    emit_text(e, "updated_at", day);
  }
}

static int bw_parse(void *state, const struct icp_enr_account *acct,
                    long status, const struct icp_enr_headers *hdrs,
                    const char *body, size_t len,
                    struct icp_enr_output *out)
{
  struct builtwith *st = state;
  const struct icp_host *h = st->h;
  struct emit e = {h, out, 0};
  const cJSON *errs, *results;
  cJSON *doc;
  int rc;

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
  errs = jget(doc, "Errors");
  results = jget(doc, "Results");
  if (cJSON_IsArray(errs) && cJSON_GetArraySize(errs) > 0) {
    rc = classify_errors(errs);
    h->out_error(out, rc == ICP_ENR_NOT_FOUND ? "domain not found"
                                              : "provider reported an error");
  } else if (errs != NULL && !cJSON_IsArray(errs) && !cJSON_IsNull(errs)) {
    h->out_error(out, "Errors is not an array");
    rc = ICP_ENR_ERROR;
  } else if (results != NULL && !cJSON_IsArray(results) &&
             !cJSON_IsNull(results)) {
    h->out_error(out, "Results is not an array");
    rc = ICP_ENR_ERROR;
  } else {
    map_results(st, &e, results);
    rc = e.stored > 0 ? ICP_ENR_OK : ICP_ENR_NOT_FOUND;
  }
  cJSON_Delete(doc);
  return rc;
}

static const struct icp_enricher descriptor = {
  .abi = ICP_ENRICHER_ABI,
  .size = sizeof(struct icp_enricher),
  .name = "builtwith",
  .version = "1.0.0",
  .kind = ICP_ENR_KIND_TECHNOGRAPHIC,
  .fields = fields,
  .config = config_keys,
  .init = bw_init,
  .request = bw_request,
  .parse = bw_parse,
  .fini = bw_fini,
  .provides = NULL,
};

const struct icp_enricher *icp_enricher_open(const struct icp_host *host,
                                             uint32_t host_abi)
{
  if (host_abi != ICP_ENRICHER_ABI || !host_ok(host))
    return NULL;
  return &descriptor;
}
