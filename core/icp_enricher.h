/*
 * icp_enricher.h -- the enricher ABI: the whole contract between the icp
 * core (the host) and a provider plugin (an enricher).
 *
 * An enricher is a shared object `<name>.so` that includes this header,
 * links against nothing of ours, and exports one symbol,
 * icp_enricher_open(). Optional helpers (a guarded JSON body parser,
 * output setters, URL building) are in icp_enricher_kit.h, which a plugin
 * may include instead. The host hands the plugin a table of function
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
 * Arrays of these end with an entry whose name is NULL.
 *
 * This struct may gain fields at its end. The descriptor says the size
 * the plugin was built with (config_key_size); the host steps through the
 * array by that size and reads only the fields it covers, so a plugin
 * built with a smaller or larger key keeps loading. */
struct icp_enr_config_key {
  const char *name;  /* static, e.g. "api_key" */
  int type;          /* enum icp_enr_cfg_type */
  int required;      /* nonzero: provider refused without it */
  int secret;        /* nonzero: value is redacted everywhere (for a
                        list or map: every item / every value) */
};

/* What a descriptor puts in config_key_size. */
#define ICP_ENR_CONFIG_KEY_SIZE ((uint32_t)sizeof(struct icp_enr_config_key))

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

  /* Sets a field from provider text; the HOST normalizes it by the
   * field's schema type with the same code as an input cell, so the text
   * gets the value it would get in an input file: numbers accept money
   * and suffixes ("$1.2M", "USD 5,000,000", "12k") and ranges ("51-200",
   * "10001+", "$10M-$50M") -- a range stores its midpoint (the open end
   * of "10001+" stores the bound) and keeps the text in the range field
   * (`employees_range`, `revenue_range`); `country` accepts ISO-2, ISO-3
   * or a name ("United States", "Deutschland" -> "US", "DE"); dates
   * accept ISO 8601 dates and timestamps, "YYYY-MM" and "YYYY"; `domain`
   * accepts a URL, host name or e-mail address; bools yes/no, true/false,
   * 1/0, on/off; a list field gets the text as one item; text is trimmed.
   * A field of no declared type (an extra field) keeps the text as text. */
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

  /* The size of one entry of `config` as the plugin was built: set it to
   * ICP_ENR_CONFIG_KEY_SIZE. 0, or a descriptor whose size does not cover
   * this field, means ABI 1's key (name, type, required, secret); a plugin
   * built with a larger key must set it. A size smaller than ABI 1's key,
   * or not a multiple of a pointer's alignment, refuses the plugin. */
  uint32_t config_key_size;
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

#endif /* ICP_ICP_ENRICHER_H */
