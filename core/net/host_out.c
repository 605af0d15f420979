/* host_out.c -- the output of an enricher's parse(): the fields a
 * provider set through the host table (normalised by the one value
 * normaliser), applied to an account, and kept in the cache as JSON. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "data/normalize.h"
#include "data/value.h"
#include "net/host.h"

#define TEXT_CAP 4096
#define JSON_DEPTH 8

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
  o->nomem = 0;
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
  if(o->n >= ICP_SCHEMA_MAX) /* one slot per field of the schema */
    return NULL;
  if(icp_grow(o->f, o->cap, o->n + 1)) {
    o->nomem = 1;
    return NULL;
  }
  memset(&o->f[o->n], 0, sizeof(o->f[o->n]));
  o->f[o->n].id = id;
  return &o->f[o->n++];
}

/* Sets a number, bool or date value (a number must be finite, else 1). */
static int set_scalar(struct icp_enr_output *o, const char *name,
                      const struct icp_value *v)
{
  struct icp_enr_out_field *f;
  int id;
  if(v->type == ICP_T_NUMBER && !isfinite(v->u.num))
    return 1;
  f = slot(o, name, 0, &id);
  if(!f)
    return -1;
  f->v = *v;
  return 0;
}

static int set_num(struct icp_enr_output *o, const char *name, double d)
{
  struct icp_value v = { .type = ICP_T_NUMBER, .u.num = d };
  return set_scalar(o, name, &v);
}

static int set_date(struct icp_enr_output *o, const char *name, int32_t d)
{
  struct icp_value v = { .type = ICP_T_DATE, .u.day = d };
  return set_scalar(o, name, &v);
}

/* A NUL-terminated copy of the n bytes at s, for a field of o; NULL (and
 * o->nomem set) when out of memory. */
static char *copy_text(struct icp_enr_output *o, const char *s, size_t n)
{
  char *c = malloc(n + 1);
  if(!c) {
    o->nomem = 1;
    return NULL;
  }
  memcpy(c, s, n);
  c[n] = 0;
  return c;
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
  if(!f || !(c = copy_text(o, s, n)))
    return -1;
  f->s = c;
  f->v.type = (uint8_t)type;
  f->v.n = (uint32_t)n;
  f->v.u.str = c;
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
  if(icp_grow(f->items, f->cap, (size_t)f->v.n + 1)) {
    o->nomem = 1;
    return -1;
  }
  f->v.u.list = f->items;
  c = copy_text(o, s, n);
  if(!c)
    return -1;
  f->items[f->v.n].p = c;
  f->items[f->v.n].n = (uint32_t)n;
  f->v.n++;
  f->v.u.list = f->items;
  return 0;
}

static enum icp_type type_of(struct icp_enr_output *o, const char *name)
{
  int id = icp_schema_find(o->schema, name, strlen(name));
  return id < 0 ? ICP_T_ANY : icp_schema_type(o->schema, id);
}

/* Provider text through the one value normaliser (icp_norm_cell), the
 * code that types input cells, so that "$1.2M", "United States", "51-200"
 * or "2026-10-01T12:00:00Z" give a provider's field the value they give
 * an input cell. One difference, on purpose: in a field of no declared
 * type the text stays text, where an input cell's type is inferred; the
 * plugin chose out_text over out_number and out_bool, and knows the type
 * of what it read (a CSV cell has none). */
static int out_text(struct icp_enr_output *o, const char *name,
                    const char *text)
{
  struct icp_norm_cell c;
  enum icp_type t;
  int id, rid, r;
  if(!o || !valid_name(name) || !text)
    return 1;
  id = icp_schema_find(o->schema, name, strlen(name));
  t = id < 0 ? ICP_T_ANY : icp_schema_type(o->schema, id);
  icp_norm_cell(t == ICP_T_ANY ? ICP_T_STRING : t, id, text, strlen(text),
                &c);
  switch(c.v.type) {
  case ICP_T_MISSING:
    return 1; /* empty, or does not fit the field (c.what) */
  case ICP_T_LIST:
    return list_add(o, name, c.v.u.str, c.v.n); /* the text as one item */
  case ICP_T_STRING:
    return set_str(o, name, c.v.u.str, c.v.n, ICP_T_STRING);
  case ICP_T_NUMBER:
    r = set_scalar(o, name, &c.v);
    break;
  default: /* bool, date */
    return set_scalar(o, name, &c.v);
  }
  /* a range ("51-200") keeps its text in the range field, as in input */
  rid = c.range ? icp_norm_range_field(id) : -1;
  if(r || rid < 0)
    return r;
  return set_str(o, icp_schema_name(o->schema, rid), c.text, c.tn,
                 ICP_T_STRING);
}

int icp_enr_out_text(struct icp_enr_output *o, const char *name,
                     const char *text)
{
  int r = out_text(o, name, text);
  if(r == 1 && text && valid_name(name))
    note_bad(o, name);
  return r;
}

static int out_number(struct icp_enr_output *o, const char *name, double v);

int icp_enr_out_number(struct icp_enr_output *o, const char *name, double v)
{
  int r = out_number(o, name, v);
  if(r == 1 && valid_name(name))
    note_bad(o, name);
  return r;
}

static int out_number(struct icp_enr_output *o, const char *name, double v)
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

int icp_enr_out_bool(struct icp_enr_output *o, const char *name, int v)
{
  struct icp_value b = { .type = ICP_T_BOOL, .u.b = v != 0 };
  enum icp_type t;
  if(!o || !valid_name(name))
    return 1;
  t = type_of(o, name);
  if(t != ICP_T_BOOL && t != ICP_T_ANY) {
    note_bad(o, name);
    return 1;
  }
  return set_scalar(o, name, &b);
}

int icp_enr_out_list_add(struct icp_enr_output *o, const char *name,
                         const char *item)
{
  struct icp_norm_cell c;
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
  icp_norm_cell(ICP_T_LIST, -1, item, n, &c); /* trimmed, as input cells */
  return list_add(o, name, c.text, c.tn);
}

void icp_enr_out_error(struct icp_enr_output *o, const char *reason)
{
  char tmp[201];
  if(!o || !reason)
    return;
  snprintf(tmp, sizeof(tmp), "%s", reason);
  icp_redact(o->redact, tmp, o->error, sizeof(o->error));
}

void icp_enr_out_reject(struct icp_enr_output *o, const char *name)
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
        icp_enr_out_bool(o, name, cJSON_IsTrue(it));
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
