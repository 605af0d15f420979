/*
 * http_json.c -- any JSON-over-HTTP provider, configured in providers.lua.
 *
 *   provider "inhouse" { enricher = "http_json",
 *     url = "https://data.example.com/v1/company?domain={domain}",
 *     headers = { ["X-Api-Key"] = env "INHOUSE_KEY" },
 *     fields = { employees = "/organization/estimated_num_employees",
 *                tech = "/organization/current_technologies/STAR/name" },
 *     not_found = { 404, 410 } }
 *
 * (STAR stands for the character `*`, which cannot follow a slash inside
 * a C comment.)
 *
 * Config:
 *   url        (string, required) http:// or https:// template. `{domain}`
 *              is the account's normalized domain; `{field}` is any other
 *              string field of the account ([a-z0-9_.] names). Each value
 *              is percent-encoded by host->url_escape; an account without
 *              a referenced value is skipped (request -> NOT_FOUND).
 *   headers    (map, optional, secret: every value is redacted) sent as is.
 *   fields     (map, required) output field -> JSON Pointer (RFC 6901):
 *              "" is the whole document, "/a/b" walks members, "~1" is
 *              "/" and "~0" is "~" inside a name, a decimal segment
 *              indexes an array, and a segment that is exactly "*" means
 *              every element of an array (so a literal "*" member cannot
 *              be named). Results:
 *                - a pointer with "*", or one that ends on an array,
 *                  appends every string / number / bool it reaches (array
 *                  elements flattened one level) as list items, without
 *                  duplicates, at most 1000;
 *                - otherwise a string goes through host->out_text (so the
 *                  host normalizes ranges, countries, dates, URLs), a
 *                  number through out_number, a bool through out_bool;
 *                  null, an object or a missing member set nothing.
 *   not_found  (list of statuses, default { 404 }) -> ICP_ENR_NOT_FOUND.
 * Other 2xx statuses are parsed; any other status -> ICP_ENR_ERROR. A body
 * from which no field could be taken counts as NOT_FOUND.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icp_enricher_kit.h" /* the contract and the shared helpers */

#define MAX_FIELDS 128     /* entries in `fields` */
#define MAX_SEGS 32        /* segments in one pointer */
#define MAX_NOT_FOUND 16   /* entries in `not_found` */
#define MAX_NAME 64        /* length of a field name */

/* One `fields` entry, parsed at init. */
struct jfield {
  char *name;      /* output field name, host memory */
  char *buf;       /* decoded segments, NUL-separated, host memory */
  char **seg;      /* nseg pointers into buf, host memory */
  size_t nseg;
  int wildcard;    /* some segment is "*" */
};

struct http_json {
  const struct icp_host *h;
  const struct icp_enr_config *cfg;  /* url and headers are read from it */
  const char *url;                   /* borrowed from cfg until fini */
  struct jfield *fields;             /* host memory */
  size_t nfields;
  long not_found[MAX_NOT_FOUND];
  size_t nnot_found;
};

static const char *const no_static_fields[] = {NULL};

static const struct icp_enr_config_key config_keys[] = {
  {"url", ICP_ENR_CFG_STRING, 1, 0},
  {"headers", ICP_ENR_CFG_MAP, 0, 1},
  {"fields", ICP_ENR_CFG_MAP, 1, 0},
  {"not_found", ICP_ENR_CFG_LIST, 0, 0},
  {NULL, 0, 0, 0}
};

/* ---- init ------------------------------------------------------------ */

static void hj_fini(void *state)
{
  struct http_json *st = state;
  size_t i;
  if (st == NULL)
    return;
  for (i = 0; i < st->nfields; i++) {
    st->h->free(st->fields[i].name);
    st->h->free(st->fields[i].buf);
    st->h->free(st->fields[i].seg);
  }
  st->h->free(st->fields);
  st->h->free(st);
}

static int name_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.';
}

/* A field or placeholder name: 1..MAX_NAME of [a-z0-9_.]. n = length. */
static int valid_name(const char *s, size_t n)
{
  size_t i;
  if (n == 0 || n > MAX_NAME)
    return 0;
  for (i = 0; i < n; i++)
    if (!name_char(s[i]))
      return 0;
  return 1;
}

/* Checks the url template; returns NULL or a reason. */
static const char *check_template(const char *url)
{
  const char *p;
  if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
    return "url must start with http:// or https://";
  if (strlen(url) > 2048)
    return "url is too long";
  for (p = url; *p != '\0'; p++) {
    if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
      return "url has white space";
    if (*p == '}')
      return "url has a } without {";
    if (*p == '{') {
      const char *end = strchr(p, '}');
      if (end == NULL || !valid_name(p + 1, (size_t)(end - p - 1)))
        return "url placeholder must be {name} with [a-z0-9_.]";
      p = end;
    }
  }
  return NULL;
}

/* An HTTP header name token (RFC 9110), at most 128 bytes. */
static int valid_header_name(const char *s)
{
  size_t n = strlen(s), i;
  if (n == 0 || n > 128)
    return 0;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c <= 32 || c >= 127 || strchr("\"(),/:;<=>?@[\\]{}", c) != NULL)
      return 0;
  }
  return 1;
}

static const char *check_headers(const struct icp_host *h,
                                 const struct icp_enr_config *cfg)
{
  size_t it = 0;
  const char *k, *v;
  while (h->cfg_map_next(cfg, "headers", &it, &k, &v)) {
    if (k == NULL || !valid_header_name(k))
      return "headers: a name is not a valid HTTP header name";
    if (v == NULL || strlen(v) > 4096 || strpbrk(v, "\r\n") != NULL)
      return "headers: a value is too long or has a line break";
  }
  return NULL;
}

/* Parses pointer p into f: split on '/', then ~1 -> '/' and ~0 -> '~' in
 * each segment; a raw segment "*" is the wildcard. Each '/' of p becomes
 * the NUL after its decoded segment, so n + 1 bytes suffice. Returns NULL
 * or a reason. */
static const char *parse_pointer(const struct icp_host *h, const char *p,
                                 struct jfield *f)
{
  size_t n = strlen(p), i, nseg = 0, w = 0;

  if (n > 1024)
    return "fields: a pointer is too long";
  if (n > 0 && p[0] != '/')
    return "fields: a pointer must be empty or start with /";
  for (i = 0; i < n; i++)
    if (p[i] == '/')
      nseg++;
  if (nseg > MAX_SEGS)
    return "fields: a pointer has too many segments";
  f->buf = h->alloc(n + 1);
  f->seg = h->alloc((nseg ? nseg : 1) * sizeof *f->seg);
  if (f->buf == NULL || f->seg == NULL)
    return "out of memory";
  f->nseg = 0;
  i = 0;
  while (i < n) {                    /* p[i] == '/' here */
    size_t start = ++i;
    f->seg[f->nseg++] = f->buf + w;
    while (i < n && p[i] != '/') {
      if (p[i] == '~') {
        if (i + 1 < n && (p[i + 1] == '0' || p[i + 1] == '1'))
          f->buf[w++] = p[i + 1] == '0' ? '~' : '/';
        else
          return "fields: a pointer has ~ not followed by 0 or 1";
        i += 2;
      } else {
        f->buf[w++] = p[i++];
      }
    }
    if (i - start == 1 && p[start] == '*')
      f->wildcard = 1;
    f->buf[w++] = '\0';
  }
  f->buf[w] = '\0';
  return NULL;
}

/* Reads the `fields` map into st. Returns NULL or a reason. */
static const char *load_fields(struct http_json *st)
{
  const struct icp_host *h = st->h;
  size_t it = 0, n = 0;
  const char *k, *v, *why;

  while (h->cfg_map_next(st->cfg, "fields", &it, &k, &v))
    if (++n > MAX_FIELDS)
      return "fields: too many entries";
  if (n == 0)
    return "fields must map at least one field to a JSON Pointer";
  st->fields = h->alloc(n * sizeof *st->fields);
  if (st->fields == NULL)
    return "out of memory";
  memset(st->fields, 0, n * sizeof *st->fields);
  it = 0;
  while (st->nfields < n &&
         h->cfg_map_next(st->cfg, "fields", &it, &k, &v)) {
    struct jfield *f = &st->fields[st->nfields++];
    size_t kn;
    if (k == NULL || v == NULL || !valid_name(k, strlen(k)))
      return "fields: a name is not [a-z0-9_.] (at most 64)";
    kn = strlen(k);
    f->name = h->alloc(kn + 1);
    if (f->name == NULL)
      return "out of memory";
    memcpy(f->name, k, kn + 1);
    why = parse_pointer(h, v, f);
    if (why != NULL)
      return why;
  }
  return NULL;
}

/* Checked conversion of a status text; -1 when not 100..599. */
static long status_of(const char *s)
{
  char *end;
  long v;
  if (s == NULL || *s < '0' || *s > '9')
    return -1;
  errno = 0;
  v = strtol(s, &end, 10);
  if (errno != 0 || *end != '\0' || v < 100 || v > 599)
    return -1;
  return v;
}

static const char *load_not_found(struct http_json *st)
{
  const struct icp_host *h = st->h;
  size_t n = h->cfg_list_count(st->cfg, "not_found"), i;
  if (n == 0) {
    st->not_found[0] = 404;
    st->nnot_found = 1;
    return NULL;
  }
  if (n > MAX_NOT_FOUND)
    return "not_found: at most 16 statuses";
  for (i = 0; i < n; i++) {
    long s = status_of(h->cfg_list_item(st->cfg, "not_found", i));
    if (s < 0)
      return "not_found: each item must be an HTTP status (100-599)";
    st->not_found[st->nnot_found++] = s;
  }
  return NULL;
}

static int hj_init(const struct icp_host *h, const struct icp_enr_config *cfg,
                   void **state, char *errbuf, size_t errlen)
{
  struct http_json *st;
  const char *why;

  *state = NULL;
  if (!icpk_host_ok(h)) {
    icpk_errput(errbuf, errlen, "host table lacks functions http_json needs");
    return -1;
  }
  st = h->alloc(sizeof *st);
  if (st == NULL) {
    icpk_errput(errbuf, errlen, "out of memory");
    return -1;
  }
  memset(st, 0, sizeof *st);
  st->h = h;
  st->cfg = cfg;
  st->url = h->cfg_string(cfg, "url");
  if (st->url == NULL)
    why = "url is required";
  else
    why = check_template(st->url);
  if (why == NULL)
    why = check_headers(h, cfg);
  if (why == NULL)
    why = load_fields(st);
  if (why == NULL)
    why = load_not_found(st);
  if (why != NULL) {
    icpk_errput(errbuf, errlen, why);
    hj_fini(st);
    return -1;
  }
  *state = st;
  return 0;
}

static const char *hj_provides(void *state, size_t i)
{
  struct http_json *st = state;
  return st != NULL && i < st->nfields ? st->fields[i].name : NULL;
}

/* ---- request --------------------------------------------------------- */

static int hj_request(void *state, const struct icp_enr_account *acct,
                      struct icp_enr_request *req)
{
  struct http_json *st = state;
  const struct icp_host *h = st->h;
  struct icpk_sbuf url = {0};
  const char *p = st->url, *k, *v;
  size_t it = 0;
  int rc;

  while (*p != '\0') {
    const char *open = strchr(p, '{');
    const char *close, *val;
    char name[MAX_NAME + 1];
    size_t n;
    if (open == NULL) {
      icpk_sb_add(&url, p);
      break;
    }
    icpk_sb_addn(&url, p, (size_t)(open - p));
    close = strchr(open, '}');   /* present: checked at init */
    n = (size_t)(close - open - 1);
    memcpy(name, open + 1, n);
    name[n] = '\0';
    val = strcmp(name, "domain") == 0 ? h->acct_domain(acct)
                                      : h->acct_string(acct, name);
    if (val == NULL || val[0] == '\0') {
      free(url.p);
      return ICP_ENR_NOT_FOUND;
    }
    icpk_sb_add_escaped(&url, h, val);
    p = close + 1;
  }
  rc = icpk_req_send(h, st->cfg, req, &url, NULL, NULL);
  while (rc == ICP_ENR_OK && h->cfg_map_next(st->cfg, "headers", &it, &k, &v))
    if (h->req_add_header(req, k, v) != 0)
      rc = ICP_ENR_ERROR;
  return rc;
}

/* ---- parse ----------------------------------------------------------- */

/* Matches collected for one pointer. */
struct matches {
  const cJSON *v[ICPK_MAX_ITEMS];
  size_t n;
};

/* Is s an RFC 6901 array index ("0" or no leading zero), at most 9
 * digits? Stores it. */
static int index_of(const char *s, int *out)
{
  size_t n = strlen(s), i;
  int v = 0;
  if (n == 0 || n > 9 || (n > 1 && s[0] == '0'))
    return 0;
  for (i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return 0;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 1;
}

/* Resolves segments [i, f->nseg) from node, adding leaves to m. */
static void resolve(const struct jfield *f, size_t i, const cJSON *node,
                    struct matches *m)
{
  const char *seg;
  int idx;

  if (node == NULL || m->n >= ICPK_MAX_ITEMS)
    return;
  if (i == f->nseg) {
    m->v[m->n++] = node;
    return;
  }
  seg = f->seg[i];
  if (cJSON_IsObject(node)) {
    if (!(f->wildcard && strcmp(seg, "*") == 0))
      resolve(f, i + 1, cJSON_GetObjectItemCaseSensitive(node, seg), m);
    return;
  }
  if (!cJSON_IsArray(node))
    return;
  if (strcmp(seg, "*") == 0 && f->wildcard) {
    const cJSON *el;
    cJSON_ArrayForEach(el, node)
    {
      if (m->n >= ICPK_MAX_ITEMS)
        break;
      resolve(f, i + 1, el, m);
    }
  } else if (index_of(seg, &idx)) {
    resolve(f, i + 1, cJSON_GetArrayItem(node, idx), m);
  }
}

/* Shortest %g text that reads back as v. */
static void num_text(double v, char *buf, size_t cap)
{
  snprintf(buf, cap, "%.15g", v);
  if (strtod(buf, NULL) != v)
    snprintf(buf, cap, "%.17g", v);
}

/* Adds scalar v as one item of f's list (copies number texts). */
static void add_item(struct icpk_emit *e, struct icpk_strset *seen,
                     struct icpk_strset *owned, const char *field,
                     const cJSON *v)
{
  double d;
  if (cJSON_IsString(v)) {
    icpk_emit_item(e, seen, field, icpk_jstr(v));
  } else if (cJSON_IsBool(v)) {
    icpk_emit_item(e, seen, field, cJSON_IsTrue(v) ? "true" : "false");
  } else if (icpk_jnum(v, &d)) {
    char buf[40], *copy;
    size_t n;
    num_text(d, buf, sizeof buf);
    n = strlen(buf);
    copy = malloc(n + 1);
    if (copy == NULL)
      return;
    memcpy(copy, buf, n + 1);
    if (!icpk_strset_add(owned, copy)) { /* same text already kept */
      free(copy);
      return;
    }
    icpk_emit_item(e, seen, field, copy);
  }
}

static void emit_field(struct icpk_emit *e, const struct jfield *f,
                       const cJSON *doc)
{
  struct matches *m = malloc(sizeof *m);
  size_t i;
  double d;

  if (m == NULL)
    return;
  m->n = 0;
  resolve(f, 0, doc, m);
  if (f->wildcard || (m->n == 1 && cJSON_IsArray(m->v[0]))) {
    struct icpk_strset seen = {0}, owned = {0};
    for (i = 0; i < m->n; i++) {
      if (cJSON_IsArray(m->v[i])) {
        const cJSON *el;
        cJSON_ArrayForEach(el, m->v[i])
        {
          add_item(e, &seen, &owned, f->name, el);
        }
      } else {
        add_item(e, &seen, &owned, f->name, m->v[i]);
      }
    }
    for (i = 0; i < owned.n; i++)
      free((void *)owned.v[i]);
    icpk_strset_free(&owned);
    icpk_strset_free(&seen);
  } else if (m->n == 1) {
    const cJSON *v = m->v[0];
    if (cJSON_IsString(v))
      icpk_emit_text(e, f->name, icpk_jstr(v));
    else if (cJSON_IsBool(v))
      icpk_emit_bool(e, f->name, cJSON_IsTrue(v));
    else if (icpk_jnum(v, &d))
      icpk_emit_num(e, f->name, d);
    else if (!cJSON_IsNull(v))
      icpk_emit_reject(e, f->name); /* an object where a value was expected */
  }
  free(m);
}

static int hj_parse(void *state, const struct icp_enr_account *acct,
                    long status, const struct icp_enr_headers *hdrs,
                    const char *body, size_t len,
                    struct icp_enr_output *out)
{
  struct http_json *st = state;
  const struct icp_host *h = st->h;
  struct icpk_emit e = {h, out, 0};
  cJSON *doc;
  size_t i;

  (void)acct;
  (void)hdrs;
  for (i = 0; i < st->nnot_found; i++)
    if (status == st->not_found[i])
      return ICP_ENR_NOT_FOUND;
  if (status < 200 || status > 299)
    return icpk_status_error(h, out, status);
  doc = icpk_body_parse(h, out, body, len);
  if (doc == NULL)
    return ICP_ENR_ERROR;
  for (i = 0; i < st->nfields; i++)
    emit_field(&e, &st->fields[i], doc);
  cJSON_Delete(doc);
  return icpk_emit_result(&e);
}

static const struct icp_enricher descriptor = {
  ICPK_DESCRIPTOR_ABI,
  .name = "http_json",
  .version = "1.0.0",
  .kind = ICP_ENR_KIND_FIRMOGRAPHIC | ICP_ENR_KIND_TECHNOGRAPHIC,
  .fields = no_static_fields,
  .config = config_keys,
  .init = hj_init,
  .request = hj_request,
  .parse = hj_parse,
  .fini = hj_fini,
  .provides = hj_provides,
};

ICPK_ENRICHER_OPEN(descriptor)
