/*
 * icp_enricher_kit.h -- optional helpers for enricher plugins, on top of
 * the contract in icp_enricher.h.
 *
 * The contract (icp_enricher.h) is all a plugin needs; this kit is what
 * every bundled enricher (enrichers/) found itself writing, kept in one
 * place so that nothing is copied from plugin to plugin. A plugin opts in
 * by including this header instead of icp_enricher.h (it includes the
 * contract). Every function is static: each plugin compiles its own copy,
 * so a plugin that uses the kit still links against nothing of ours; it
 * does need cJSON (<cjson/cJSON.h>, -lcjson), which the contract does not.
 *
 * Names: functions and types icpk_, macros ICPK_.
 *
 *   icpk_body_parse      an untrusted body to a cJSON tree, guarded: size,
 *                        valid UTF-8, no NUL or \u0000, nesting at most
 *                        ICPK_MAX_DEPTH (checked before cJSON runs), no
 *                        trailing garbage, finite numbers, no duplicate
 *                        keys
 *   icpk_jget, icpk_jstr, icpk_jnum   type-checked reads of a parsed tree
 *   icpk_emit_*          output setters that count what was accepted
 *   icpk_strset          dropping duplicate list items
 *   icpk_sbuf, icpk_sb_* building URLs, host-escaped parts included
 *   icpk_base_url_dup, icpk_status_error, icpk_errput, icpk_host_ok
 *                        init and parse chores
 *   icpk_keyed_new/free/request   a provider with an api_key and a
 *                        base_url: its state (checks, copies, frees) and
 *                        its GET by domain
 *   icpk_req_send        a built URL and its headers into the request
 *   icpk_cfg_range       an optional number of the config, bounded
 *   icpk_parse_object    a 200 body that must be a JSON object
 *   icpk_lookup          a provider's word -> a DESIGN value, by table
 *   ICPK_DESCRIPTOR_ABI  the ABI fields of a descriptor's initialiser
 *   ICPK_ENRICHER_OPEN   the plugin's entry point, icp_enricher_open()
 *
 * Ownership: what a kit function allocates with the host's alloc() is
 * freed by the host's free() (icpk_keyed_free); what it allocates with
 * malloc() (icpk_sbuf, icpk_strset, parsed trees) is freed by the plugin
 * with free(), icpk_strset_free() or cJSON_Delete(), as each says.
 */
#ifndef ICP_ICP_ENRICHER_KIT_H
#define ICP_ICP_ENRICHER_KIT_H

#include "icp_enricher.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ICPK_FN static __attribute__((unused))
#define ICPK_MAX_DEPTH 64         /* nesting, checked before cJSON */
#define ICPK_MAX_BODY (64u << 20) /* bytes; the host caps far lower */
#define ICPK_MAX_TEXT 4096        /* longest string value passed on */
#define ICPK_MAX_ITEMS 1000       /* most items added to one list */
#define ICPK_MAX_URL 8192         /* longest URL built */

/* Checks the raw bytes before cJSON sees them: valid UTF-8, no NUL byte,
 * no \u0000 escape (cJSON would cut the string there), nesting at most
 * ICPK_MAX_DEPTH. Returns NULL when fine, else a short reason. */
ICPK_FN const char *icpk_body_precheck(const char *s, size_t n)
{
  size_t i = 0;
  int depth = 0, in_str = 0;

  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    if (c == 0)
      return "NUL byte in body";
    if (c >= 0x80) { /* a multi-byte UTF-8 sequence */
      size_t k, len;
      uint32_t cp;
      if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1Fu;
      } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0Fu;
      } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07u;
      } else
        return "invalid UTF-8";
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
      if (++depth > ICPK_MAX_DEPTH)
        return "nesting too deep";
    } else if (c == '}' || c == ']') {
      depth--;
    }
    i++;
  }
  return NULL;
}

ICPK_FN int icpk_cmp_name(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Walks a parsed tree (depth already bounded): every number finite, no
 * duplicate key in any object. Returns NULL or a short reason. */
ICPK_FN const char *icpk_tree_check(const cJSON *node)
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
    why = icpk_tree_check(c);
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
  qsort(names, n, sizeof *names, icpk_cmp_name);
  for (i = 1; i < n && why == NULL; i++)
    if (strcmp(names[i - 1], names[i]) == 0)
      why = "duplicate key";
  free(names);
  return why;
}

/* Parses an untrusted body of len bytes (not NUL-terminated). Returns the
 * tree (caller frees with cJSON_Delete) or NULL after out_error(). */
ICPK_FN cJSON *icpk_body_parse(const struct icp_host *h,
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
  if (len > ICPK_MAX_BODY) {
    h->out_error(out, "body too large");
    return NULL;
  }
  why = icpk_body_precheck(body, len);
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
  why = icpk_tree_check(doc);
  if (why != NULL) {
    cJSON_Delete(doc);
    h->out_error(out, why);
    return NULL;
  }
  return doc;
}

/* Member k of object o, or NULL (also when o is not an object). */
ICPK_FN const cJSON *icpk_jget(const cJSON *o, const char *k)
{
  return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}

/* A usable string: a JSON string, non-empty, at most ICPK_MAX_TEXT
 * bytes. */
ICPK_FN const char *icpk_jstr(const cJSON *v)
{
  size_t n;
  if (!cJSON_IsString(v) || v->valuestring == NULL)
    return NULL;
  n = strlen(v->valuestring);
  return n == 0 || n > ICPK_MAX_TEXT ? NULL : v->valuestring;
}

/* A usable number: a finite JSON number. Returns 1 and stores it. */
ICPK_FN int icpk_jnum(const cJSON *v, double *out)
{
  if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
    return 0;
  *out = v->valuedouble;
  return 1;
}

/* What parse() has emitted so far; `stored` counts accepted values. */
struct icpk_emit {
  const struct icp_host *h;
  struct icp_enr_output *out;
  int stored;
};

ICPK_FN void icpk_emit_text(struct icpk_emit *e, const char *field,
                            const char *s)
{
  if (s != NULL && e->h->out_text(e->out, field, s) == 0)
    e->stored++;
}

ICPK_FN void icpk_emit_num(struct icpk_emit *e, const char *field, double v)
{
  if (isfinite(v) && e->h->out_number(e->out, field, v) == 0)
    e->stored++;
}

ICPK_FN void icpk_emit_bool(struct icpk_emit *e, const char *field, int v)
{
  if (e->h->out_bool(e->out, field, v != 0) == 0)
    e->stored++;
}

/* The answer held junk for field (a value of an unusable JSON type). */
ICPK_FN void icpk_emit_reject(struct icpk_emit *e, const char *field)
{
  if (ICP_HOST_HAS(e->h, out_reject))
    e->h->out_reject(e->out, field);
}

/* A string for field: v itself when it is a usable string; NULL when v is
 * absent or JSON null; NULL after reporting junk for any other type. */
ICPK_FN const char *icpk_jstr_f(struct icpk_emit *e, const char *field,
                                const cJSON *v)
{
  if (v == NULL || cJSON_IsNull(v))
    return NULL;
  if (!cJSON_IsString(v)) {
    icpk_emit_reject(e, field);
    return NULL;
  }
  return icpk_jstr(v);
}

/* A number for field: 1 and *out for a finite JSON number. A string goes
 * to the host's normaliser as text ("250", "1.2k"; "lots" is rejected
 * and counted) and 2 is returned; other types are junk (reported), 0. */
ICPK_FN int icpk_jnum_f(struct icpk_emit *e, const char *field, const cJSON *v,
                        double *out)
{
  if (v == NULL || cJSON_IsNull(v))
    return 0;
  if (icpk_jnum(v, out))
    return 1;
  if (cJSON_IsString(v) && icpk_jstr(v) != NULL) {
    icpk_emit_text(e, field, icpk_jstr(v));
    return 2;
  }
  icpk_emit_reject(e, field);
  return 0;
}

/* A non-negative number for field from v; when v is absent (not junk),
 * the text of fallback (a range such as "51-200") instead. */
ICPK_FN void icpk_emit_count(struct icpk_emit *e, const char *field,
                             const cJSON *v, const cJSON *fallback)
{
  double d;
  int r = icpk_jnum_f(e, field, v, &d);
  if (r == 1 && d >= 0)
    icpk_emit_num(e, field, d);
  else if (r == 0 && fallback != NULL)
    icpk_emit_text(e, field, icpk_jstr_f(e, field, fallback));
}

/* What parse() returns once it has emitted: an answer that yielded no
 * field at all counts as ICP_ENR_NOT_FOUND, else ICP_ENR_OK. */
ICPK_FN int icpk_emit_result(const struct icpk_emit *e)
{
  return e->stored > 0 ? ICP_ENR_OK : ICP_ENR_NOT_FOUND;
}

/* A set of borrowed strings, for dropping duplicate list items. */
struct icpk_strset {
  const char **v;
  size_t n, cap;
};

/* Adds s unless present; returns 1 when added, 0 when present, full
 * (ICPK_MAX_ITEMS) or out of memory. */
ICPK_FN int icpk_strset_add(struct icpk_strset *set, const char *s)
{
  size_t i;
  for (i = 0; i < set->n; i++)
    if (strcmp(set->v[i], s) == 0)
      return 0;
  if (set->n >= ICPK_MAX_ITEMS)
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

ICPK_FN void icpk_strset_free(struct icpk_strset *set)
{
  free((void *)set->v);
  set->v = NULL;
  set->n = set->cap = 0;
}

/* Adds item to list field unless already in seen. */
ICPK_FN void icpk_emit_item(struct icpk_emit *e, struct icpk_strset *seen,
                            const char *field, const char *item)
{
  if (item != NULL && icpk_strset_add(seen, item) &&
      e->h->out_list_add(e->out, field, item) == 0)
    e->stored++;
}

/* Every string of JSON array arr as items of list field, no duplicates. */
ICPK_FN void icpk_emit_str_array(struct icpk_emit *e, const char *field,
                                 const cJSON *arr)
{
  struct icpk_strset seen = {0};
  const cJSON *it;
  if (!cJSON_IsArray(arr)) {
    if (arr != NULL && !cJSON_IsNull(arr))
      icpk_emit_reject(e, field); /* a list field given as something else */
    return;
  }
  cJSON_ArrayForEach(it, arr) icpk_emit_item(e, &seen, field, icpk_jstr(it));
  icpk_strset_free(&seen);
}

/* A growing string for URLs; `bad` sticks after any failure. */
struct icpk_sbuf {
  char *p;
  size_t n, cap;
  int bad;
};

ICPK_FN void icpk_sb_addn(struct icpk_sbuf *b, const char *s, size_t n)
{
  if (b->bad)
    return;
  if (n > ICPK_MAX_URL || b->n + n + 1 > ICPK_MAX_URL) {
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

ICPK_FN void icpk_sb_add(struct icpk_sbuf *b, const char *s)
{
  icpk_sb_addn(b, s, strlen(s));
}

/* Appends s percent-encoded by the host. */
ICPK_FN void icpk_sb_add_escaped(struct icpk_sbuf *b, const struct icp_host *h,
                                 const char *s)
{
  size_t n = strlen(s), cap;
  char *tmp;
  if (b->bad)
    return;
  if (n > ICPK_MAX_URL) {
    b->bad = 1;
    return;
  }
  cap = 3 * n + 1;
  tmp = malloc(cap);
  if (tmp == NULL || h->url_escape(s, n, tmp, cap) < 0)
    b->bad = 1;
  else
    icpk_sb_add(b, tmp);
  free(tmp);
}

/* Writes msg into errbuf (bounded, always NUL-terminated). */
ICPK_FN void icpk_errput(char *errbuf, size_t errlen, const char *msg)
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
ICPK_FN int icpk_host_ok(const struct icp_host *h)
{
  return ICP_ENR_SIZE_COVERS(h, struct icp_host, free) &&
         h->abi == ICP_ENRICHER_ABI && h->acct_domain && h->acct_string &&
         h->req_set_url && h->req_add_header && h->url_escape && h->hdr_get &&
         h->out_text && h->out_number && h->out_bool && h->out_list_add &&
         h->out_error && h->cfg_string && h->cfg_number && h->cfg_bool &&
         h->cfg_list_count && h->cfg_list_item && h->cfg_map_next && h->log &&
         h->alloc && h->free;
}

/* A host-allocated copy of base_url (or dflt) without trailing slashes,
 * or NULL with a reason in errbuf. Only http:// and https:// pass. */
ICPK_FN char *icpk_base_url_dup(const struct icp_host *h,
                                const struct icp_enr_config *cfg,
                                const char *dflt, char *errbuf, size_t errlen)
{
  const char *s = h->cfg_string(cfg, "base_url");
  size_t n;
  char *p;
  if (s == NULL)
    s = dflt;
  if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0) {
    icpk_errput(errbuf, errlen,
                "base_url must start with http:// or https://");
    return NULL;
  }
  n = strlen(s);
  if (n > 2048 || strpbrk(s, "?# \t\r\n") != NULL) {
    icpk_errput(errbuf, errlen, "base_url is too long or has ?, # or spaces");
    return NULL;
  }
  while (n > 0 && s[n - 1] == '/')
    n--;
  p = h->alloc(n + 1);
  if (p == NULL) {
    icpk_errput(errbuf, errlen, "out of memory");
    return NULL;
  }
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

/* Records "status N" (fixed words only: an error body may echo a key)
 * and returns ICP_ENR_ERROR. */
ICPK_FN int icpk_status_error(const struct icp_host *h,
                              struct icp_enr_output *out, long status)
{
  char why[48];
  snprintf(why, sizeof why, "unexpected status %ld", status);
  h->out_error(out, why);
  return ICP_ENR_ERROR;
}

/* Parses a 200 body that must be a JSON object: the tree (caller frees
 * with cJSON_Delete), or NULL after out_error(). */
ICPK_FN cJSON *icpk_parse_object(const struct icp_host *h,
                                 struct icp_enr_output *out,
                                 const char *body, size_t len)
{
  cJSON *doc = icpk_body_parse(h, out, body, len);
  if (doc != NULL && !cJSON_IsObject(doc)) {
    cJSON_Delete(doc);
    h->out_error(out, "answer is not a JSON object");
    return NULL;
  }
  return doc;
}

/* The value paired with key in map (n rows of {key, value}), or NULL
 * (also for a NULL key). Everything is borrowed. */
ICPK_FN const char *icpk_lookup(const char *const (*map)[2], size_t n,
                                const char *key)
{
  size_t i;
  if (key == NULL)
    return NULL;
  for (i = 0; i < n; i++)
    if (strcmp(key, map[i][0]) == 0)
      return map[i][1];
  return NULL;
}

#define ICPK_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Hands the request a finished URL, then the header name: value (when
 * name is not NULL) and "Accept: application/json". A URL that could not
 * be built (url->bad) is logged. Frees url->p in every case. Returns
 * ICP_ENR_OK or ICP_ENR_ERROR. */
ICPK_FN int icpk_req_send(const struct icp_host *h,
                          const struct icp_enr_config *cfg,
                          struct icp_enr_request *req, struct icpk_sbuf *url,
                          const char *name, const char *value)
{
  int rc = ICP_ENR_OK;
  if (url->bad) {
    h->log(cfg, ICP_ENR_LOG_WARN, "cannot build the request URL");
    rc = ICP_ENR_ERROR;
  } else if (h->req_set_url(req, url->p) != 0 ||
             (name != NULL && h->req_add_header(req, name, value) != 0) ||
             h->req_add_header(req, "Accept", "application/json") != 0) {
    rc = ICP_ENR_ERROR;
  }
  free(url->p);
  url->p = NULL;
  return rc;
}

/* ---- a provider with an api_key and a base_url ----------------------- */

/* What such a provider says about itself, to icpk_keyed_new; static. */
struct icpk_keyed_spec {
  const char *name;        /* the enricher, for messages */
  const char *base_url;    /* the default base_url */
  const char *path;        /* after base_url; the escaped domain follows;
                              a "{key}" in it stands for the escaped key */
  const char *key_header;  /* the header that carries key, or NULL (then
                              the key travels in the path) */
  const char *key_prefix;  /* goes before api_key in key ("Bearer "), or
                              NULL */
};

/* The first member of such a provider's state. */
struct icpk_keyed {
  const struct icp_host *h;
  const struct icp_enr_config *cfg;    /* the host's, until fini */
  const struct icpk_keyed_spec *spec;  /* the plugin's, static */
  char *base;  /* base_url without trailing '/', host memory */
  char *key;   /* key_prefix then api_key, host memory */
};

/* Frees a state made by icpk_keyed_new (NULL is fine): a plugin whose
 * state owns nothing more uses it as its fini(). */
ICPK_FN void icpk_keyed_free(void *state)
{
  struct icpk_keyed *k = state;
  if (k == NULL)
    return;
  k->h->free(k->base);
  k->h->free(k->key);
  k->h->free(k);
}

/* The init() chores of a keyed provider, in this order: the host table,
 * api_key (required, at most 1024 bytes, no line break when it goes in a
 * header), then a zeroed state of size bytes (host memory; its
 * first member is a struct icpk_keyed, filled in) and base_url. Returns
 * the state, freed by icpk_keyed_free, or NULL with a reason in errbuf. */
ICPK_FN void *icpk_keyed_new(const struct icp_host *h,
                             const struct icp_enr_config *cfg, size_t size,
                             const struct icpk_keyed_spec *spec,
                             char *errbuf, size_t errlen)
{
  struct icpk_keyed *k;
  const char *key;
  size_t n, pn = spec->key_prefix ? strlen(spec->key_prefix) : 0;

  if (!icpk_host_ok(h)) {
    char why[160];
    snprintf(why, sizeof why, "host table lacks functions %s needs",
             spec->name);
    icpk_errput(errbuf, errlen, why);
    return NULL;
  }
  key = h->cfg_string(cfg, "api_key");
  if (key == NULL || key[0] == '\0') {
    icpk_errput(errbuf, errlen, "api_key is required");
    return NULL;
  }
  n = strlen(key);
  if (spec->key_header != NULL &&
      (n > 1024 || strpbrk(key, "\r\n") != NULL)) {
    icpk_errput(errbuf, errlen, "api_key is too long or has a line break");
    return NULL;
  }
  if (n > 1024) {
    icpk_errput(errbuf, errlen, "api_key is too long");
    return NULL;
  }
  if (size < sizeof *k) { /* a plugin bug: its state must start with one */
    icpk_errput(errbuf, errlen, "state smaller than struct icpk_keyed");
    return NULL;
  }
  k = h->alloc(size);
  if (k == NULL) {
    icpk_errput(errbuf, errlen, "out of memory");
    return NULL;
  }
  memset(k, 0, size);
  k->h = h;
  k->cfg = cfg;
  k->spec = spec;
  k->base = icpk_base_url_dup(h, cfg, spec->base_url, errbuf, errlen);
  k->key = h->alloc(pn + n + 1);
  if (k->base == NULL || k->key == NULL) {
    if (k->base != NULL)
      icpk_errput(errbuf, errlen, "out of memory");
    icpk_keyed_free(k);
    return NULL;
  }
  if (pn > 0)
    memcpy(k->key, spec->key_prefix, pn);
  memcpy(k->key + pn, key, n + 1);
  return k;
}

/* A keyed provider's request(): GET base + spec->path (its "{key}" the
 * escaped key) + the account's escaped domain, with spec->key_header: key
 * when there is one. NOT_FOUND for an account without a domain. */
ICPK_FN int icpk_keyed_request(void *state, const struct icp_enr_account *acct,
                               struct icp_enr_request *req)
{
  const struct icpk_keyed *k = state;
  const char *domain = k->h->acct_domain(acct);
  const char *path = k->spec->path, *at = strstr(path, "{key}");
  struct icpk_sbuf url = {0};

  if (domain == NULL || domain[0] == '\0')
    return ICP_ENR_NOT_FOUND;
  icpk_sb_add(&url, k->base);
  if (at != NULL) {
    icpk_sb_addn(&url, path, (size_t)(at - path));
    icpk_sb_add_escaped(&url, k->h, k->key);
    path = at + 5;
  }
  icpk_sb_add(&url, path);
  icpk_sb_add_escaped(&url, k->h, domain);
  return icpk_req_send(k->h, k->cfg, req, &url, k->spec->key_header,
                       k->key);
}

/* Reads the optional number key of cfg into *out (left alone when
 * unset): 0, or -1 with "key must be between lo and hi" in errbuf. */
ICPK_FN int icpk_cfg_range(const struct icp_host *h,
                           const struct icp_enr_config *cfg, const char *key,
                           double lo, double hi, double *out, char *errbuf,
                           size_t errlen)
{
  double v;
  char why[160];
  if (!h->cfg_number(cfg, key, &v))
    return 0;
  if (v >= lo && v <= hi) {
    *out = v;
    return 0;
  }
  snprintf(why, sizeof why, "%s must be between %g and %g", key, lo, hi);
  icpk_errput(errbuf, errlen, why);
  return -1;
}

/* The sizes and version fields of a descriptor built against these
 * headers, first in its initialiser: abi, size and config_key_size. */
#define ICPK_DESCRIPTOR_ABI                                                 \
  .abi = ICP_ENRICHER_ABI, .size = sizeof(struct icp_enricher),             \
  .config_key_size = ICP_ENR_CONFIG_KEY_SIZE

/* Defines the plugin's entry point, handing out descriptor (a struct
 * icp_enricher with static storage) to a host of this ABI whose table has
 * what the kit calls. */
#define ICPK_ENRICHER_OPEN(descriptor)                                      \
  ICP_ENRICHER_EXPORT const struct icp_enricher *icp_enricher_open(         \
      const struct icp_host *host, uint32_t host_abi)                       \
  {                                                                         \
    if (host_abi != ICP_ENRICHER_ABI || !icpk_host_ok(host))                \
      return NULL;                                                          \
    return &(descriptor);                                                   \
  }

#endif /* ICP_ICP_ENRICHER_KIT_H */
