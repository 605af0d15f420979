/* host.c -- the host side of the enricher ABI. */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "data/domain.h"
#include "data/normalize.h"
#include "data/value.h"
#include "net/host.h"
#include "net/providers.h"

#define TEXT_CAP 4096
#define URL_CAP 8192
#define JSON_DEPTH 8

/* ---- account view ------------------------------------------------------- */

static const struct icp_value *field(const struct icp_enr_account *acct,
                                     const char *name)
{
  int id;
  if(!acct || !acct->a || !name)
    return NULL;
  id = icp_schema_find(acct->a->schema, name, strlen(name));
  return id < 0 ? NULL : icp_account_get(acct->a, id);
}

static const char *h_acct_domain(const struct icp_enr_account *acct)
{
  return acct && acct->a ? icp_account_domain(acct->a) : NULL;
}

static const char *h_acct_string(const struct icp_enr_account *acct,
                                 const char *name)
{
  const struct icp_value *v = field(acct, name);
  return v && v->type == ICP_T_STRING ? v->u.str : NULL;
}

static int h_acct_number(const struct icp_enr_account *acct,
                         const char *name, double *out)
{
  const struct icp_value *v = field(acct, name);
  if(!v || v->type != ICP_T_NUMBER)
    return 0;
  *out = v->u.num;
  return 1;
}

static size_t h_acct_list_count(const struct icp_enr_account *acct,
                                const char *name)
{
  const struct icp_value *v = field(acct, name);
  return v && v->type == ICP_T_LIST ? v->n : 0;
}

static const char *h_acct_list_item(const struct icp_enr_account *acct,
                                    const char *name, size_t i)
{
  const struct icp_value *v = field(acct, name);
  if(!v || v->type != ICP_T_LIST || i >= v->n)
    return NULL;
  return v->u.list[i].p; /* arena copies are NUL-terminated */
}

/* ---- request ------------------------------------------------------------ */

static int clean_text(const char *s, size_t cap)
{
  size_t i;
  for(i = 0; s[i]; i++)
    if((unsigned char)s[i] < 0x20 || s[i] == 0x7f || i >= cap)
      return 0;
  return 1;
}

static int h_req_set_url(struct icp_enr_request *req, const char *url)
{
  char *c;
  if(!req || !url || !clean_text(url, URL_CAP) || strchr(url, ' '))
    return -1;
  if(strncasecmp(url, "https://", 8) && strncasecmp(url, "http://", 7))
    return -1;
  c = strdup(url);
  if(!c)
    return -1;
  free(req->url);
  req->url = c;
  return 0;
}

static int h_req_add_header(struct icp_enr_request *req, const char *name,
                            const char *value)
{
  struct icp_buf b;
  struct curl_slist *l;
  size_t i;
  if(!req || !name || !value || !name[0] || !clean_text(value, TEXT_CAP))
    return -1;
  for(i = 0; name[i]; i++)
    if(i > 128 || !(name[i] == '-' || name[i] == '_' ||
                    (name[i] >= 'a' && name[i] <= 'z') ||
                    (name[i] >= 'A' && name[i] <= 'Z') ||
                    (name[i] >= '0' && name[i] <= '9')))
      return -1;
  icp_buf_init(&b, TEXT_CAP + 256);
  if(icp_buf_printf(&b, "%s: %s", name, value)) {
    icp_buf_free(&b);
    return -1;
  }
  l = curl_slist_append(req->headers, b.p);
  icp_buf_free(&b);
  if(!l)
    return -1;
  req->headers = l;
  return 0;
}

static long h_url_escape(const char *in, size_t len, char *out, size_t cap)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t i, k = 0;
  if(cap)
    out[0] = 0;
  for(i = 0; i < len; i++) {
    unsigned char c = (unsigned char)in[i];
    int plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                c == '_' || c == '~';
    if(k + (plain ? 1 : 3) + 1 > cap) {
      if(cap)
        out[0] = 0;
      return -1;
    }
    if(plain)
      out[k++] = (char)c;
    else {
      out[k++] = '%';
      out[k++] = hex[c >> 4];
      out[k++] = hex[c & 15];
    }
  }
  if(!cap)
    return -1;
  out[k] = 0;
  return (long)k;
}

void icp_enr_request_free(struct icp_enr_request *r)
{
  free(r->url);
  curl_slist_free_all(r->headers);
  r->url = NULL;
  r->headers = NULL;
}

static const char *h_hdr_get(const struct icp_enr_headers *hdrs,
                             const char *name)
{
  if(!hdrs || !hdrs->a || !name)
    return NULL;
  return icp_sched_header(hdrs->a, name);
}

/* ---- output ------------------------------------------------------------- */

void icp_enr_out_init(struct icp_enr_output *o, struct icp_schema *schema,
                  const struct icp_redact *redact)
{
  memset(o, 0, sizeof(*o));
  o->schema = schema;
  o->redact = redact;
}

static void field_clear(struct icp_enr_out_field *f)
{
  uint32_t i;
  free(f->s);
  if(f->v.type == ICP_T_LIST)
    for(i = 0; i < f->v.n; i++)
      free((char *)f->items[i].p);
  free(f->items);
  f->s = NULL;
  f->items = NULL;
  f->cap = 0;
  memset(&f->v, 0, sizeof(f->v));
}

void icp_enr_out_reset(struct icp_enr_output *o)
{
  size_t i;
  for(i = 0; i < o->n; i++)
    field_clear(&o->f[i]);
  o->n = 0;
  o->error[0] = 0;
  o->nbad = 0;
}

/* Notes a value of field name that could not be used (each name once). */
static void note_bad(struct icp_enr_output *o, const char *name)
{
  int i;
  if(!o || !name)
    return;
  for(i = 0; i < o->nbad; i++)
    if(!strcmp(o->bad[i], name))
      return;
  if(o->nbad < ICP_ENR_OUT_BAD_MAX) {
    snprintf(o->bad[o->nbad], sizeof(o->bad[0]), "%s", name);
    o->nbad++;
  }
}

int icp_enr_out_has(const struct icp_enr_output *o, const char *name)
{
  int id = icp_schema_find(o->schema, name, strlen(name));
  size_t i;
  for(i = 0; id >= 0 && i < o->n; i++)
    if(o->f[i].id == id && o->f[i].v.type != ICP_T_MISSING)
      return 1;
  return 0;
}

void icp_enr_out_free(struct icp_enr_output *o)
{
  icp_enr_out_reset(o);
  free(o->f);
  o->f = NULL;
  o->cap = 0;
}

static int valid_name(const char *s)
{
  size_t i;
  if(!s || !s[0])
    return 0;
  for(i = 0; s[i]; i++)
    if(i >= 128 || !((s[i] >= 'a' && s[i] <= 'z') ||
                     (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
                     s[i] == '.'))
      return 0;
  return 1;
}

/* The slot of field name (created, cleared for a new value unless keep),
 * or NULL. */
static struct icp_enr_out_field *slot(struct icp_enr_output *o,
                                      const char *name, int keep,
                                      int *id_out)
{
  int id;
  size_t i;
  if(!valid_name(name))
    return NULL;
  id = icp_schema_intern(o->schema, name, strlen(name));
  if(id < 0)
    return NULL;
  *id_out = id;
  for(i = 0; i < o->n; i++)
    if(o->f[i].id == id) {
      if(!keep)
        field_clear(&o->f[i]);
      return &o->f[i];
    }
  if(o->n == o->cap) {
    size_t cap = o->cap ? o->cap * 2 : 16;
    struct icp_enr_out_field *nf;
    if(cap > ICP_SCHEMA_MAX)
      return NULL;
    nf = realloc(o->f, cap * sizeof(*nf));
    if(!nf)
      return NULL;
    o->f = nf;
    o->cap = cap;
  }
  memset(&o->f[o->n], 0, sizeof(o->f[o->n]));
  o->f[o->n].id = id;
  return &o->f[o->n++];
}

static int set_num(struct icp_enr_output *o, const char *name, double v)
{
  struct icp_enr_out_field *f;
  int id;
  if(!isfinite(v))
    return 1;
  f = slot(o, name, 0, &id);
  if(!f)
    return -1;
  f->v.type = ICP_T_NUMBER;
  f->v.u.num = v;
  return 0;
}

static int set_str(struct icp_enr_output *o, const char *name,
                   const char *s, size_t n, int type)
{
  struct icp_enr_out_field *f;
  int id;
  char *c;
  if(n > TEXT_CAP || !icp_utf8_valid(s, n))
    return 1;
  f = slot(o, name, 0, &id);
  if(!f)
    return -1;
  c = malloc(n + 1);
  if(!c)
    return -1;
  memcpy(c, s, n);
  c[n] = 0;
  f->s = c;
  f->v.type = (uint8_t)type;
  f->v.n = (uint32_t)n;
  f->v.u.str = c;
  return 0;
}

static int set_date(struct icp_enr_output *o, const char *name, int32_t d)
{
  struct icp_enr_out_field *f;
  int id;
  f = slot(o, name, 0, &id);
  if(!f)
    return -1;
  f->v.type = ICP_T_DATE;
  f->v.u.day = d;
  return 0;
}

static int list_add(struct icp_enr_output *o, const char *name,
                    const char *s, size_t n)
{
  struct icp_enr_out_field *f;
  int id;
  char *c;
  if(!n || n > TEXT_CAP || !icp_utf8_valid(s, n))
    return 1;
  f = slot(o, name, 1, &id);
  if(!f)
    return -1;
  if(f->v.type != ICP_T_LIST) {
    field_clear(f);
    f->v.type = ICP_T_LIST;
  }
  if(f->v.n >= ICP_LIST_MAX)
    return 1;
  if(f->v.n == f->cap) {
    size_t cap = f->cap ? f->cap * 2 : 8;
    struct icp_str *ni = realloc(f->items, cap * sizeof(*ni));
    if(!ni)
      return -1;
    f->items = ni;
    f->cap = cap;
    f->v.u.list = ni;
  }
  c = malloc(n + 1);
  if(!c)
    return -1;
  memcpy(c, s, n);
  c[n] = 0;
  f->items[f->v.n].p = c;
  f->items[f->v.n].n = (uint32_t)n;
  f->v.n++;
  f->v.u.list = f->items;
  return 0;
}

static void trim(const char **s, size_t *n)
{
  while(*n && (**s == ' ' || **s == '\t' || **s == '\n' || **s == '\r')) {
    (*s)++;
    (*n)--;
  }
  while(*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' ||
               (*s)[*n - 1] == '\n' || (*s)[*n - 1] == '\r'))
    (*n)--;
}

static enum icp_type type_of(struct icp_enr_output *o, const char *name)
{
  int id = icp_schema_find(o->schema, name, strlen(name));
  return id < 0 ? ICP_T_ANY : icp_schema_type(o->schema, id);
}

int icp_enr_out_text(struct icp_enr_output *o, const char *name,
                 const char *text)
{
  size_t n;
  double d;
  int32_t day;
  if(!o || !valid_name(name) || !text)
    return 1;
  n = strlen(text);
  trim(&text, &n);
  if(!n)
    return 1;
  switch(type_of(o, name)) {
  case ICP_T_NUMBER: {
    enum icp_norm_kind k = icp_norm_range(text, n, &d);
    int r;
    if(k == ICP_NORM_NONE)
      return 1;
    r = set_num(o, name, d);
    if(r || k != ICP_NORM_RANGE)
      return r;
    if(!strcmp(name, "employees"))
      return set_str(o, "employees_range", text, n, ICP_T_STRING);
    if(!strcmp(name, "revenue_usd"))
      return set_str(o, "revenue_range", text, n, ICP_T_STRING);
    return 0;
  }
  case ICP_T_DATE:
    if(!icp_norm_date(text, n, &day))
      return 1;
    return set_date(o, name, day);
  case ICP_T_LIST:
    return list_add(o, name, text, n);
  case ICP_T_BOOL: {
    int b;
    if(!icp_parse_bool_loose(text, n, &b))
      return 1;
    {
      struct icp_enr_out_field *f;
      int id;
      f = slot(o, name, 0, &id);
      if(!f)
        return -1;
      f->v.type = ICP_T_BOOL;
      f->v.u.b = b;
    }
    return 0;
  }
  case ICP_T_STRING:
    if(!strcmp(name, "domain")) {
      char dom[ICP_DOMAIN_MAX + 1];
      size_t dn = icp_norm_domain(text, n, dom, sizeof(dom));
      if(!dn)
        return 1;
      return set_str(o, name, dom, dn, ICP_T_STRING);
    }
    if(!strcmp(name, "country")) {
      char cc[3];
      if(!icp_norm_country(text, n, cc))
        return 1;
      return set_str(o, name, cc, 2, ICP_T_STRING);
    }
    return set_str(o, name, text, n, ICP_T_STRING);
  default:
    return set_str(o, name, text, n, ICP_T_STRING);
  }
}

static int h_out_text(struct icp_enr_output *o, const char *name,
                      const char *text)
{
  int r = icp_enr_out_text(o, name, text);
  if(r == 1 && text && valid_name(name))
    note_bad(o, name);
  return r;
}

static int h_out_number_(struct icp_enr_output *o, const char *name,
                         double v);

static int h_out_number(struct icp_enr_output *o, const char *name,
                        double v)
{
  int r = h_out_number_(o, name, v);
  if(r == 1 && valid_name(name))
    note_bad(o, name);
  return r;
}

static int h_out_number_(struct icp_enr_output *o, const char *name,
                         double v)
{
  enum icp_type t;
  if(!o || !valid_name(name) || !isfinite(v))
    return 1;
  t = type_of(o, name);
  if(t == ICP_T_NUMBER || t == ICP_T_ANY)
    return set_num(o, name, v);
  if(t == ICP_T_DATE) {
    int32_t day;
    if(!icp_norm_epoch(v, &day))
      return 1;
    return set_date(o, name, day);
  }
  return 1;
}

static int h_out_bool(struct icp_enr_output *o, const char *name, int v)
{
  enum icp_type t;
  struct icp_enr_out_field *f;
  int id;
  if(!o || !valid_name(name))
    return 1;
  t = type_of(o, name);
  if(t != ICP_T_BOOL && t != ICP_T_ANY) {
    note_bad(o, name);
    return 1;
  }
  f = slot(o, name, 0, &id);
  if(!f)
    return -1;
  f->v.type = ICP_T_BOOL;
  f->v.u.b = v != 0;
  return 0;
}

static int h_out_list_add(struct icp_enr_output *o, const char *name,
                          const char *item)
{
  enum icp_type t;
  size_t n;
  if(!o || !valid_name(name) || !item)
    return 1;
  t = type_of(o, name);
  if(t != ICP_T_LIST && t != ICP_T_ANY) {
    note_bad(o, name);
    return 1;
  }
  n = strlen(item);
  trim(&item, &n);
  return list_add(o, name, item, n);
}

static void h_out_error(struct icp_enr_output *o, const char *reason)
{
  char tmp[201];
  if(!o || !reason)
    return;
  snprintf(tmp, sizeof(tmp), "%s", reason);
  icp_redact(o->redact, tmp, o->error, sizeof(o->error));
}

static void h_out_reject(struct icp_enr_output *o, const char *name)
{
  if(valid_name(name))
    note_bad(o, name);
}

int icp_enr_out_wants(const struct icp_account *a, const int *ids, size_t n)
{
  size_t i;
  if(!n)
    return 1;
  /* a field the run does not keep (a scoring run keeps what its packs
   * read) is never asked for: it would look missing for ever, and every
   * later, paid provider would be asked again */
  for(i = 0; i < n; i++)
    if(icp_schema_needed(a->schema, ids[i]) &&
       icp_account_get(a, ids[i])->type == ICP_T_MISSING)
      return 1;
  return 0;
}

enum icp_status icp_enr_out_apply(const struct icp_enr_output *o,
                              struct icp_account *a, int source,
                              int overwrite, int *nset)
{
  size_t i;
  *nset = 0;
  for(i = 0; i < o->n; i++) {
    const struct icp_enr_out_field *f = &o->f[i];
    enum icp_status st;
    if(f->v.type == ICP_T_MISSING)
      continue;
    if(!overwrite && icp_account_get(a, f->id)->type != ICP_T_MISSING)
      continue;
    st = icp_account_set(a, f->id, &f->v, source);
    if(st)
      return st;
    (*nset)++;
  }
  return ICP_OK;
}

/* Redacted JSON string. */
static enum icp_status json_str(const struct icp_enr_output *o,
                                struct icp_buf *b, const char *s, size_t n)
{
  if(o->redact && o->redact->n && icp_redact_has(o->redact, s, n)) {
    char tmp[TEXT_CAP + 1], red[TEXT_CAP + 1];
    size_t k = n < TEXT_CAP ? n : TEXT_CAP;
    memcpy(tmp, s, k);
    tmp[k] = 0;
    k = icp_redact(o->redact, tmp, red, sizeof(red));
    return icp_buf_json_str(b, red, k);
  }
  return icp_buf_json_str(b, s, n);
}

enum icp_status icp_enr_out_json(const struct icp_enr_output *o,
                             struct icp_buf *b)
{
  size_t i;
  uint32_t k;
  enum icp_status st = icp_buf_addc(b, '{');
  for(i = 0; !st && i < o->n; i++) {
    const struct icp_enr_out_field *f = &o->f[i];
    const char *name = icp_schema_name(o->schema, f->id);
    char day[11];
    if(f->v.type == ICP_T_MISSING)
      continue;
    if(b->len > 1)
      st = icp_buf_addc(b, ',');
    if(!st)
      st = icp_buf_json_str(b, name, strlen(name));
    if(!st)
      st = icp_buf_addc(b, ':');
    if(st)
      break;
    switch(f->v.type) {
    case ICP_T_NUMBER:
      st = icp_buf_json_num(b, f->v.u.num);
      break;
    case ICP_T_BOOL:
      st = icp_buf_adds(b, f->v.u.b ? "true" : "false");
      break;
    case ICP_T_DATE:
      icp_format_date(f->v.u.day, day);
      st = icp_buf_json_str(b, day, 10);
      break;
    case ICP_T_LIST:
      st = icp_buf_addc(b, '[');
      for(k = 0; !st && k < f->v.n; k++) {
        if(k)
          st = icp_buf_addc(b, ',');
        if(!st)
          st = json_str(o, b, f->v.u.list[k].p, f->v.u.list[k].n);
      }
      if(!st)
        st = icp_buf_addc(b, ']');
      break;
    default:
      st = json_str(o, b, f->v.u.str, f->v.n);
    }
  }
  if(!st)
    st = icp_buf_addc(b, '}');
  return st;
}

enum icp_status icp_enr_out_from_json(struct icp_enr_output *o,
                                  const char *json, struct icp_err *err)
{
  const char *end = NULL;
  cJSON *root, *it;
  size_t depth = 0, i;
  /* depth pre-check (HARDENING 16) */
  for(i = 0; json[i]; i++) {
    if(json[i] == '[' || json[i] == '{')
      depth++;
    if(depth > JSON_DEPTH)
      return icp_err_set(err, ICP_EINVAL, "cache row too deep");
    if(json[i] == ']' || json[i] == '}')
      depth--;
  }
  root = cJSON_ParseWithOpts(json, &end, 1);
  if(!root || !cJSON_IsObject(root)) {
    cJSON_Delete(root);
    return icp_err_set(err, ICP_EINVAL, "cache row is not a JSON object");
  }
  for(it = root->child; it; it = it->next) {
    const char *name = it->string;
    enum icp_type t;
    if(!valid_name(name))
      continue;
    t = type_of(o, name);
    if(cJSON_IsNumber(it)) {
      if(t == ICP_T_NUMBER || t == ICP_T_ANY)
        set_num(o, name, it->valuedouble);
    }
    else if(cJSON_IsBool(it)) {
      if(t == ICP_T_BOOL || t == ICP_T_ANY)
        h_out_bool(o, name, cJSON_IsTrue(it));
    }
    else if(cJSON_IsString(it)) {
      const char *s = it->valuestring;
      int32_t day;
      size_t n = strlen(s);
      if(t == ICP_T_DATE) {
        if(icp_parse_date(s, n, &day))
          set_date(o, name, day);
      }
      else if(t == ICP_T_ANY && icp_parse_date(s, n, &day))
        set_date(o, name, day);
      else if(t == ICP_T_STRING || t == ICP_T_ANY)
        set_str(o, name, s, n, ICP_T_STRING);
    }
    else if(cJSON_IsArray(it)) {
      cJSON *e;
      if(t != ICP_T_LIST && t != ICP_T_ANY)
        continue;
      for(e = it->child; e; e = e->next)
        if(cJSON_IsString(e))
          list_add(o, name, e->valuestring, strlen(e->valuestring));
    }
  }
  cJSON_Delete(root);
  return ICP_OK;
}

/* ---- config ------------------------------------------------------------- */

static const struct icp_cfg_value *cfg_get(const struct icp_enr_config *c,
                                           const char *key)
{
  const struct icp_cfg_entry *e;
  if(!c || !key)
    return NULL;
  e = icp_cfg_find(c, key);
  return e ? &e->v : NULL;
}

static const char *h_cfg_string(const struct icp_enr_config *c,
                                const char *key)
{
  const struct icp_cfg_value *v = cfg_get(c, key);
  return v && v->type == ICP_CFG_STRING ? v->str : NULL;
}

static int h_cfg_number(const struct icp_enr_config *c, const char *key,
                        double *out)
{
  const struct icp_cfg_value *v = cfg_get(c, key);
  if(!v || v->type != ICP_CFG_NUMBER)
    return 0;
  *out = v->num;
  return 1;
}

static int h_cfg_bool(const struct icp_enr_config *c, const char *key,
                      int *out)
{
  const struct icp_cfg_value *v = cfg_get(c, key);
  if(!v || v->type != ICP_CFG_BOOL)
    return 0;
  *out = v->b;
  return 1;
}

static size_t h_cfg_list_count(const struct icp_enr_config *c,
                               const char *key)
{
  const struct icp_cfg_value *v = cfg_get(c, key);
  return v && v->type == ICP_CFG_LIST ? v->n : 0;
}

static const char *h_cfg_list_item(const struct icp_enr_config *c,
                                   const char *key, size_t i)
{
  const struct icp_cfg_value *v = cfg_get(c, key);
  return v && v->type == ICP_CFG_LIST && i < v->n ? v->items[i] : NULL;
}

static int h_cfg_map_next(const struct icp_enr_config *c, const char *key,
                          size_t *iter, const char **k, const char **val)
{
  const struct icp_cfg_value *v = cfg_get(c, key);
  if(!v || !iter || (v->type != ICP_CFG_MAP && v->type != ICP_CFG_LIST))
    return 0;
  if(v->type == ICP_CFG_LIST || *iter >= v->n)
    return 0; /* an empty table reads as an empty list */
  *k = v->keys[*iter];
  *val = v->items[*iter];
  (*iter)++;
  return 1;
}

/* ---- services ----------------------------------------------------------- */

static void h_log(const struct icp_enr_config *c, int level, const char *msg)
{
  static const char *const names[] = { "debug", "info", "warning",
                                       "error" };
  struct icp_host_log *lg = c ? c->log_ud : NULL;
  char tmp[512], red[512];
  FILE *f = lg && lg->f ? lg->f : stderr;
  int min = lg ? lg->min_level : ICP_ENR_LOG_WARN;
  if(!msg || level < min)
    return;
  if(level < 0 || level > 3)
    level = 3;
  snprintf(tmp, sizeof(tmp), "%s", msg);
  icp_redact(c ? c->redact : NULL, tmp, red, sizeof(red));
  for(size_t i = 0; red[i]; i++)
    if((unsigned char)red[i] < 0x20)
      red[i] = ' ';
  fprintf(f, "icp: %s: %s: %s\n", c ? c->name : "enricher", names[level],
          red);
  if(lg)
    lg->lines++;
}

static void *h_alloc(size_t n)
{
  return malloc(n ? n : 1);
}

static void h_free(void *p)
{
  free(p);
}

static const struct icp_host host = {
  ICP_ENRICHER_ABI,
  sizeof(struct icp_host),
  h_acct_domain,
  h_acct_string,
  h_acct_number,
  h_acct_list_count,
  h_acct_list_item,
  h_req_set_url,
  h_req_add_header,
  h_url_escape,
  h_hdr_get,
  h_out_text,
  h_out_number,
  h_out_bool,
  h_out_list_add,
  h_out_error,
  h_cfg_string,
  h_cfg_number,
  h_cfg_bool,
  h_cfg_list_count,
  h_cfg_list_item,
  h_cfg_map_next,
  h_log,
  h_alloc,
  h_free,
  h_out_reject,
};

const struct icp_host *icp_host_table(void)
{
  return &host;
}
