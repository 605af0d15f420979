/*
 * icp_enricher.h -- the enricher ABI: the whole contract between the icp
 * core (the host) and a provider plugin (an enricher).
 *
 * An enricher is a shared object `<name>.so` that includes only this header
 * (and <cjson/cJSON.h>), links against nothing of ours, and exports one
 * symbol, icp_enricher_open(). The host hands the plugin a table of function
 * pointers (struct icp_host); the plugin hands back a static descriptor
 * (struct icp_enricher). Both structs start with an ABI number and their own
 * size, and fields are only ever appended: a reader uses a field only when
 * the size covers it (ICP_HOST_HAS / ICP_ENRICHER_HAS).
 *
 * Life cycle, per provider configured in providers.lua:
 *
 *   open     host dlopen()s the .so (once per file) and calls
 *            icp_enricher_open(host, ICP_ENRICHER_ABI). NULL = refuse.
 *   init     once per provider: frozen config in, private state out.
 *   request  per account: account view in, URL and headers out.
 *   parse    per answer: status, headers and body in; fields out.
 *   fini     once per provider: frees the state.
 *
 * Rules for plugins: never print, never exit or abort, never touch the
 * network, the file system or the environment, keep no global mutable state
 * (everything lives in the state made by init), and treat the state as
 * read-only after init returns, so the host may call request and parse for
 * different accounts from several threads at once.
 *
 * The host owns all I/O: the HTTP scheduler, timeouts, size caps, retries of
 * 429/5xx, redirects (never followed), the cache, redaction of secrets.
 *
 * Pointer ownership is stated at every declaration. "Borrowed" means the
 * receiver must not free it and must not keep it past the stated lifetime;
 * "copied" means the receiver makes its own copy before returning.
 */
#ifndef ICP_ICP_ENRICHER_H
#define ICP_ICP_ENRICHER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- versioning -------------------------------------------------------- */

/* The ABI number. It changes only when an existing field changes meaning or
 * position; appending fields to a struct does not change it. */
#define ICP_ENRICHER_ABI 1u

/* The one exported symbol, for dlsym(). */
#define ICP_ENRICHER_OPEN_SYMBOL "icp_enricher_open"

/* Marks the exported symbol in a plugin built with -fvisibility=hidden. */
#if defined(__GNUC__)
#define ICP_ENRICHER_EXPORT __attribute__((visibility("default")))
#else
#define ICP_ENRICHER_EXPORT
#endif

/* True when a struct that starts with `uint32_t abi, size` is large enough
 * to hold `field` and that field is set (non-NULL). Use before every call
 * through a field appended after ABI 1's original set. */
#define ICP_ENR_SIZE_COVERS(ptr, type, field)                               \
  ((ptr) != NULL &&                                                         \
   (size_t)(ptr)->size >= offsetof(type, field) + sizeof((ptr)->field))
#define ICP_HOST_HAS(host, field)                                           \
  (ICP_ENR_SIZE_COVERS(host, struct icp_host, field) &&                     \
   (host)->field != NULL)
#define ICP_ENRICHER_HAS(desc, field)                                       \
  (ICP_ENR_SIZE_COVERS(desc, struct icp_enricher, field) &&                 \
   (desc)->field != NULL)

/* ---- opaque handles (defined by the host) ------------------------------ */

struct icp_enr_account;  /* read-only view of one account */
struct icp_enr_request;  /* the HTTP request being built */
struct icp_enr_headers;  /* response headers of one answer */
struct icp_enr_output;   /* the fields found in one answer */
struct icp_enr_config;   /* one provider's frozen config; also names the
                            provider in log() */

/* ---- results and constants --------------------------------------------- */

/* What request() and parse() return. */
enum icp_enr_result {
  ICP_ENR_OK = 0,         /* parse: fields were set in the output.
                             request: URL (and headers) set, send it. */
  ICP_ENR_NOT_FOUND = 1,  /* parse: the provider knows nothing about the
                             account (cached as a negative answer).
                             request: nothing to look up (e.g. no domain);
                             the host skips this provider for the account
                             and caches nothing. */
  ICP_ENR_RETRY = 2,      /* parse only: the provider said "queued, ask
                             again" (Clearbit 202). The host asks again
                             later with backoff, honouring Retry-After,
                             within its attempt limit. */
  ICP_ENR_ERROR = 3       /* a failure; the reason was given with
                             out_error() (parse) or log() (request). The
                             account keeps what was known. */
};

/* Provider kinds (bit flags), matching `enrich { firmographic = ...,
 * technographic = ... }` in providers.lua. */
#define ICP_ENR_KIND_FIRMOGRAPHIC 0x1u
#define ICP_ENR_KIND_TECHNOGRAPHIC 0x2u

/* Config value types, for struct icp_enr_config_key.type. */
enum icp_enr_cfg_type {
  ICP_ENR_CFG_STRING = 1,  /* a Lua string */
  ICP_ENR_CFG_NUMBER = 2,  /* a finite Lua number */
  ICP_ENR_CFG_BOOL = 3,    /* true / false */
  ICP_ENR_CFG_LIST = 4,    /* a sequence of strings or numbers */
  ICP_ENR_CFG_MAP = 5      /* a table of string keys to string values */
};

/* Log levels for host->log. */
enum icp_enr_log_level {
  ICP_ENR_LOG_DEBUG = 0,
  ICP_ENR_LOG_INFO = 1,
  ICP_ENR_LOG_WARN = 2,
  ICP_ENR_LOG_ERROR = 3
};

/* init() gets an error buffer of at least this many bytes. */
#define ICP_ENR_ERRBUF_MIN 256

/* One config key a plugin accepts. The host checks every provider table in
 * providers.lua against these before init: a missing required key, a value
 * of the wrong type or an unknown key refuses the provider with its name and
 * the key. Keys the host itself consumes (`enricher`, `timeout_ms`,
 * `max_rps`, `ttl_days` and the other scheduler settings documented with
 * the provider config) are never declared by a plugin. The values of keys
 * marked secret are redacted from every text that leaves the process.
 * Arrays of these end with an entry whose name is NULL. */
struct icp_enr_config_key {
  const char *name;  /* static, e.g. "api_key" */
  int type;          /* enum icp_enr_cfg_type */
  int required;      /* nonzero: provider refused without it */
  int secret;        /* nonzero: value is redacted everywhere (for a
                        list or map: every item / every value) */
};

/* ---- the host table ---------------------------------------------------- */

/*
 * Handed to icp_enricher_open() and to init(). The table is owned by the
 * host and stays valid and unchanged until fini() has returned; a plugin
 * may keep the pointer in its state. Every function is callable from any
 * thread. Strings passed in are NUL-terminated; the host copies what it
 * keeps. Field names are canonical names from DESIGN §3 (`employees`) or
 * extra names made of [a-z0-9_.] (`clearbit.alexa_rank`).
 */
struct icp_host {
  uint32_t abi;   /* ICP_ENRICHER_ABI of the host */
  uint32_t size;  /* sizeof(struct icp_host) as the host was built */

  /* -- account view: valid only during the request()/parse() call that
   *    received it. Returned strings are borrowed from the host and live
   *    until that call returns. */

  /* The account's domain, normalized (lowercase, no scheme, no `www.`), or
   * NULL when it has none. */
  const char *(*acct_domain)(const struct icp_enr_account *acct);
  /* A string field's value, or NULL when missing or not a string. */
  const char *(*acct_string)(const struct icp_enr_account *acct,
                             const char *field);
  /* Stores a number field in *out and returns 1; returns 0 (and leaves *out
   * alone) when missing or not a number. */
  int (*acct_number)(const struct icp_enr_account *acct, const char *field,
                     double *out);
  /* Number of items of a list field; 0 when missing or not a list. */
  size_t (*acct_list_count)(const struct icp_enr_account *acct,
                            const char *field);
  /* Item i of a list field, or NULL when out of range. */
  const char *(*acct_list_item)(const struct icp_enr_account *acct,
                                const char *field, size_t i);

  /* -- request: valid only during request(). Return 0 on success, -1 when
   *    the value is refused (bad scheme, CR/LF in a header, too long, out of
   *    memory); request() then returns ICP_ENR_ERROR. */

  /* Sets the URL (copied). http or https only; the host URL-encodes
   * nothing: escape every value with url_escape(). Method is GET. */
  int (*req_set_url)(struct icp_enr_request *req, const char *url);
  /* Adds a header (name and value copied). Secret values are fine here:
   * the host never logs request headers. */
  int (*req_add_header)(struct icp_enr_request *req, const char *name,
                        const char *value);
  /* Percent-encodes the len bytes at in (RFC 3986: every byte except
   * ALPHA / DIGIT / "-" / "." / "_" / "~" becomes %XX) into the caller's
   * buffer out of cap bytes, NUL-terminated. Returns the encoded length, or
   * -1 when it does not fit (out is then "" if cap > 0). 3 * len + 1 bytes
   * always suffice. Pure: no handle needed. */
  long (*url_escape)(const char *in, size_t len, char *out, size_t cap);

  /* -- response headers: valid only during parse(). */

  /* The first value of header name (case-insensitive), borrowed until
   * parse() returns, or NULL. */
  const char *(*hdr_get)(const struct icp_enr_headers *hdrs,
                         const char *name);

  /* -- output: valid only during parse(). Everything set is copied. What
   *    was set is kept only when parse() returns ICP_ENR_OK; otherwise it
   *    is discarded. Setting a field again replaces it (lists: appends).
   *    Return 0 when stored, 1 when the host rejected the value (it could
   *    not be normalized, or the field's schema type does not accept it;
   *    the host logs at debug level and drops it), -1 out of memory. A
   *    plugin may ignore 1. */

  /* Sets a field from provider text; the HOST normalizes by the field's
   * schema type: numbers accept plain numbers and ranges ("51-200",
   * "10001+", "$10M-$50M", "1,000") -- a range stores its midpoint (the
   * open end of "10001+" stores the bound) and keeps the text in the range
   * field (`employees_range`, `revenue_range`); `country` accepts ISO-2,
   * ISO-3 or an English name in any case ("united states" -> "US");
   * dates accept ISO 8601 date or date-time, "YYYY-MM" and "YYYY"; `domain`
   * accepts a URL or host name; a list field gets text as one item;
   * strings are trimmed. Extra (non-canonical) fields are kept as text. */
  int (*out_text)(struct icp_enr_output *out, const char *field,
                  const char *text);
  /* Sets a number field; v must be finite (else 1). */
  int (*out_number)(struct icp_enr_output *out, const char *field,
                    double v);
  /* Sets a bool field (v is 0 or 1). */
  int (*out_bool)(struct icp_enr_output *out, const char *field, int v);
  /* Appends one item to a list field. Plugins skip duplicates themselves. */
  int (*out_list_add)(struct icp_enr_output *out, const char *field,
                      const char *item);
  /* Records a short reason for ICP_ENR_ERROR (also allowed with RETRY and
   * NOT_FOUND). Copied, truncated to 200 bytes, redacted. Never pass body
   * text that may echo a key: use fixed words and the status. */
  void (*out_error)(struct icp_enr_output *out, const char *reason);

  /* -- config: the provider's frozen config, valid from init() until
   *    fini() returns; returned strings are borrowed for that long. The
   *    host has already checked types against the descriptor's keys. */

  /* A string value, or NULL when absent or not a string. */
  const char *(*cfg_string)(const struct icp_enr_config *cfg,
                            const char *key);
  /* Stores a number in *out and returns 1; 0 when absent or not a number. */
  int (*cfg_number)(const struct icp_enr_config *cfg, const char *key,
                    double *out);
  /* Stores 0/1 in *out and returns 1; 0 when absent or not a bool. */
  int (*cfg_bool)(const struct icp_enr_config *cfg, const char *key,
                  int *out);
  /* Number of items of a list value; 0 when absent or not a list. */
  size_t (*cfg_list_count)(const struct icp_enr_config *cfg,
                           const char *key);
  /* Item i of a list as text, or NULL when out of range. Number items are
   * given as their shortest decimal text (404 -> "404"). */
  const char *(*cfg_list_item)(const struct icp_enr_config *cfg,
                               const char *key, size_t i);
  /* Iterates a map value in ascending byte order of keys. Set *iter = 0
   * first; each call stores the next pair in *k, *v and returns 1, then
   * returns 0 at the end (or when absent or not a map). */
  int (*cfg_map_next)(const struct icp_enr_config *cfg, const char *key,
                      size_t *iter, const char **k, const char **v);

  /* -- services */

  /* Logs one line for provider cfg (NULL before init). The host prefixes
   * the provider name, redacts every secret and truncates. msg is copied. */
  void (*log)(const struct icp_enr_config *cfg, int level, const char *msg);
  /* Memory for the plugin's state. alloc returns NULL on failure (or when a
   * memory cap is hit); free(NULL) is a no-op. Plugins may also use the C
   * library's allocator for short-lived memory (cJSON does). */
  void *(*alloc)(size_t n);
  void (*free)(void *p);

  /* -- appended after ABI 1's first set: check with ICP_HOST_HAS */

  /* Says that the provider's answer held a value for field that is not of
   * a usable type (`"employees": "lots"`, `"industry": [..]`): the host
   * counts and reports it as a failure for that field. Valid only during
   * parse(). Values rejected by out_text/out_number/out_bool/out_list_add
   * are counted the same way without this call. */
  void (*out_reject)(struct icp_enr_output *out, const char *field);
};

/* ---- the descriptor ---------------------------------------------------- */

/*
 * Returned by icp_enricher_open(): static, read-only, lives as long as the
 * .so stays loaded. Every pointer in it points to static storage.
 */
struct icp_enricher {
  uint32_t abi;          /* ICP_ENRICHER_ABI the plugin was built with */
  uint32_t size;         /* sizeof(struct icp_enricher) as built */
  const char *name;      /* "clearbit"; the file name is <name>.so */
  const char *version;   /* the plugin's own version, "1.0.0" */
  uint32_t kind;         /* ICP_ENR_KIND_* flags */
  /* Canonical (or extra) field names it can provide, NULL-terminated. May
   * be empty when config decides (see provides below). */
  const char *const *fields;
  /* Config keys it accepts; ends with a NULL name. */
  const struct icp_enr_config_key *config;

  /* Makes the provider's state from its frozen config. host and cfg stay
   * valid until fini() returns, so the state may keep them. *state is
   * owned by the plugin and handed back to every later call and to fini().
   * Returns 0, or nonzero after writing a short NUL-terminated reason
   * (no secrets) into errbuf of errlen >= ICP_ENR_ERRBUF_MIN bytes; on
   * failure the host does not call fini and the plugin frees what it made.
   */
  int (*init)(const struct icp_host *host, const struct icp_enr_config *cfg,
              void **state, char *errbuf, size_t errlen);

  /* Builds the request for one account with host->req_* (URL required).
   * acct and req are borrowed for the call. Returns ICP_ENR_OK,
   * ICP_ENR_NOT_FOUND (nothing to ask) or ICP_ENR_ERROR. */
  int (*request)(void *state, const struct icp_enr_account *acct,
                 struct icp_enr_request *req);

  /* Reads one answer. status is the final HTTP status: the host never
   * follows redirects and retries 429 and 5xx itself, so parse sees 2xx
   * and 4xx other than 429 (but must handle any value). hdrs, body and out
   * are borrowed for the call; body holds len bytes, is NOT NUL-terminated
   * and may contain NUL bytes (the host has already decoded it and capped
   * its size). Untrusted: never trust its sizes, types or depth. Returns an
   * enum icp_enr_result. */
  int (*parse)(void *state, const struct icp_enr_account *acct, long status,
               const struct icp_enr_headers *hdrs, const char *body,
               size_t len, struct icp_enr_output *out);

  /* Frees the state (NULL-safe). Called once, after the last parse. */
  void (*fini)(void *state);

  /* -- appended fields (check with ICP_ENRICHER_HAS) */

  /* Optional: the fields this configured provider provides, for plugins
   * whose fields come from config (http_json). Returns name i (borrowed
   * from the state until fini) or NULL past the end. When absent the host
   * uses the static `fields`. */
  const char *(*provides)(void *state, size_t i);
};

/* ---- the entry point --------------------------------------------------- */

/* Returns the plugin's descriptor, or NULL to refuse to load (host_abi or
 * host->size not supported; the plugin may say why with host->log(NULL,
 * ...)). The host then checks the descriptor's abi and size and refuses on
 * a mismatch. host is borrowed for the call. */
typedef const struct icp_enricher *(*icp_enricher_open_fn)(
    const struct icp_host *host, uint32_t host_abi);

ICP_ENRICHER_EXPORT const struct icp_enricher *
icp_enricher_open(const struct icp_host *host, uint32_t host_abi);

#ifdef __cplusplus
}
#endif

/* ==== the enricher kit ==================================================
 *
 * Optional helpers every bundled enricher needs, kept here so that the
 * contract stays the only header a plugin includes and nothing is copied
 * from plugin to plugin. Define ICP_ENRICHER_KIT before including this
 * header to get them (the host never does). They are static: each plugin
 * compiles its own copy, and a plugin still links against nothing of ours.
 *
 *   body_parse      an untrusted body to a cJSON tree, guarded: size, valid
 *                   UTF-8, no NUL or \u0000, nesting at most 64 (checked
 *                   before cJSON runs), no trailing garbage, finite
 *                   numbers, no duplicate keys
 *   jget jstr jnum  type-checked reads of a parsed tree
 *   emit_*          output setters that count what was accepted
 *   strset          dropping duplicate list items
 *   sbuf            building URLs, host-escaped parts included
 *   base_url_dup, status_error, errput, host_ok  init and parse chores
 * ======================================================================== */
#ifdef ICP_ENRICHER_KIT

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ICP_KIT static __attribute__((unused))
#define ICP_KIT_MAX_DEPTH 64         /* nesting, checked before cJSON */
#define ICP_KIT_MAX_BODY (64u << 20) /* bytes; the host caps far lower */
#define ICP_KIT_MAX_TEXT 4096        /* longest string value passed on */
#define ICP_KIT_MAX_ITEMS 1000       /* most items added to one list */
#define ICP_KIT_MAX_URL 8192         /* longest URL built */

/* Checks the raw bytes before cJSON sees them: valid UTF-8, no NUL byte,
 * no \u0000 escape (cJSON would cut the string there), nesting at most
 * ICP_KIT_MAX_DEPTH. Returns NULL when fine, else a short reason. */
ICP_KIT const char *body_precheck(const char *s, size_t n)
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
      if (++depth > ICP_KIT_MAX_DEPTH)
        return "nesting too deep";
    } else if (c == '}' || c == ']') {
      depth--;
    }
    i++;
  }
  return NULL;
}

ICP_KIT int kit_cmp_name(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Walks a parsed tree (depth already bounded): every number finite, no
 * duplicate key in any object. Returns NULL or a short reason. */
ICP_KIT const char *tree_check(const cJSON *node)
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
  qsort(names, n, sizeof *names, kit_cmp_name);
  for (i = 1; i < n && why == NULL; i++)
    if (strcmp(names[i - 1], names[i]) == 0)
      why = "duplicate key";
  free(names);
  return why;
}

/* Parses an untrusted body of len bytes (not NUL-terminated). Returns the
 * tree (caller frees with cJSON_Delete) or NULL after out_error(). */
ICP_KIT cJSON *body_parse(const struct icp_host *h,
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
  if (len > ICP_KIT_MAX_BODY) {
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
ICP_KIT const cJSON *jget(const cJSON *o, const char *k)
{
  return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}

/* A usable string: a JSON string, non-empty, at most ICP_KIT_MAX_TEXT
 * bytes. */
ICP_KIT const char *jstr(const cJSON *v)
{
  size_t n;
  if (!cJSON_IsString(v) || v->valuestring == NULL)
    return NULL;
  n = strlen(v->valuestring);
  return n == 0 || n > ICP_KIT_MAX_TEXT ? NULL : v->valuestring;
}

/* A usable number: a finite JSON number. Returns 1 and stores it. */
ICP_KIT int jnum(const cJSON *v, double *out)
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

ICP_KIT void emit_text(struct emit *e, const char *field, const char *s)
{
  if (s != NULL && e->h->out_text(e->out, field, s) == 0)
    e->stored++;
}

ICP_KIT void emit_num(struct emit *e, const char *field, double v)
{
  if (isfinite(v) && e->h->out_number(e->out, field, v) == 0)
    e->stored++;
}

ICP_KIT void emit_bool(struct emit *e, const char *field, int v)
{
  if (e->h->out_bool(e->out, field, v != 0) == 0)
    e->stored++;
}

/* The answer held junk for field (a value of an unusable JSON type). */
ICP_KIT void emit_reject(struct emit *e, const char *field)
{
  if (ICP_HOST_HAS(e->h, out_reject))
    e->h->out_reject(e->out, field);
}

/* A string for field: v itself when it is a usable string; NULL when v is
 * absent or JSON null; NULL after reporting junk for any other type. */
ICP_KIT const char *jstr_f(struct emit *e, const char *field, const cJSON *v)
{
  if (v == NULL || cJSON_IsNull(v))
    return NULL;
  if (!cJSON_IsString(v)) {
    emit_reject(e, field);
    return NULL;
  }
  return jstr(v);
}

/* A number for field: 1 and *out for a finite JSON number. A string goes
 * to the host's normaliser as text ("250", "1.2k"; "lots" is rejected
 * and counted) and 2 is returned; other types are junk (reported), 0. */
ICP_KIT int jnum_f(struct emit *e, const char *field, const cJSON *v,
                   double *out)
{
  if (v == NULL || cJSON_IsNull(v))
    return 0;
  if (jnum(v, out))
    return 1;
  if (cJSON_IsString(v) && jstr(v) != NULL) {
    emit_text(e, field, jstr(v));
    return 2;
  }
  emit_reject(e, field);
  return 0;
}

/* A non-negative number for field from v; when v is absent (not junk),
 * the text of fallback (a range such as "51-200") instead. */
ICP_KIT void emit_count(struct emit *e, const char *field, const cJSON *v,
                        const cJSON *fallback)
{
  double d;
  int r = jnum_f(e, field, v, &d);
  if (r == 1 && d >= 0)
    emit_num(e, field, d);
  else if (r == 0 && fallback != NULL)
    emit_text(e, field, jstr_f(e, field, fallback));
}

/* A set of borrowed strings, for dropping duplicate list items. */
struct strset {
  const char **v;
  size_t n, cap;
};

/* Adds s unless present; returns 1 when added, 0 when present, full
 * (ICP_KIT_MAX_ITEMS) or out of memory. */
ICP_KIT int strset_add(struct strset *set, const char *s)
{
  size_t i;
  for (i = 0; i < set->n; i++)
    if (strcmp(set->v[i], s) == 0)
      return 0;
  if (set->n >= ICP_KIT_MAX_ITEMS)
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

ICP_KIT void strset_free(struct strset *set)
{
  free((void *)set->v);
  set->v = NULL;
  set->n = set->cap = 0;
}

/* Adds item to list field unless already in seen. */
ICP_KIT void emit_item(struct emit *e, struct strset *seen, const char *field,
                      const char *item)
{
  if (item != NULL && strset_add(seen, item) &&
      e->h->out_list_add(e->out, field, item) == 0)
    e->stored++;
}

/* Every string of JSON array arr as items of list field, no duplicates. */
ICP_KIT void emit_str_array(struct emit *e, const char *field,
                           const cJSON *arr)
{
  struct strset seen = {0};
  const cJSON *it;
  if (!cJSON_IsArray(arr)) {
    if (arr != NULL && !cJSON_IsNull(arr))
      emit_reject(e, field); /* a list field given as something else */
    return;
  }
  cJSON_ArrayForEach(it, arr) emit_item(e, &seen, field, jstr(it));
  strset_free(&seen);
}

/* A growing string for URLs; `bad` sticks after any failure. */
struct sbuf {
  char *p;
  size_t n, cap;
  int bad;
};

ICP_KIT void sb_addn(struct sbuf *b, const char *s, size_t n)
{
  if (b->bad)
    return;
  if (n > ICP_KIT_MAX_URL || b->n + n + 1 > ICP_KIT_MAX_URL) {
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

ICP_KIT void sb_add(struct sbuf *b, const char *s)
{
  sb_addn(b, s, strlen(s));
}

/* Appends s percent-encoded by the host. */
ICP_KIT void sb_add_escaped(struct sbuf *b, const struct icp_host *h,
                           const char *s)
{
  size_t n = strlen(s), cap;
  char *tmp;
  if (b->bad)
    return;
  if (n > ICP_KIT_MAX_URL) {
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
ICP_KIT void errput(char *errbuf, size_t errlen, const char *msg)
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
ICP_KIT int host_ok(const struct icp_host *h)
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
ICP_KIT char *base_url_dup(const struct icp_host *h,
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
ICP_KIT int status_error(const struct icp_host *h, struct icp_enr_output *out,
                        long status)
{
  char why[48];
  snprintf(why, sizeof why, "unexpected status %ld", status);
  h->out_error(out, why);
  return ICP_ENR_ERROR;
}

#endif /* ICP_ENRICHER_KIT */

#endif /* ICP_ICP_ENRICHER_H */
