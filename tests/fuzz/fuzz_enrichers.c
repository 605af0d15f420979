/*
 * fuzz_enrichers.c -- libFuzzer target: hostile answers into every bundled
 * enricher's parse().
 *
 * The first input byte picks the enricher (bits 0-1: clearbit, pdl,
 * builtwith, http_json) and the status (bits 2-3: 200, 202, 404, 201); the
 * rest is the body, handed over with its length and no terminating NUL,
 * as the host does. The enrichers are dlopen()ed from
 * $ICP_FUZZ_ENRICHERS (default build/fuzz/enrichers), built with coverage:
 *
 *   mkdir -p build/fuzz/enrichers
 *   for e in clearbit pdl builtwith http_json; do
 *     clang -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fPIC \
 *       -shared -Icore -I/usr/include/cjson enrichers/$e/$e.c -lcjson \
 *       -o build/fuzz/enrichers/$e.so
 *   done
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Icore \
 *     tests/fuzz/fuzz_enrichers.c -ldl -o build/fuzz/fuzz_enrichers
 *   build/fuzz/fuzz_enrichers -max_len=65536 CORPUS_DIR
 *
 * The recordings under tests/fixtures/providers make a good seed corpus
 * once each is prefixed with a selector byte (libFuzzer mutates that byte
 * too). The fake host accepts every
 * value and only reads it back (strlen), so ASan sees any bad pointer.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icp_enricher.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct icp_enr_account {
  const char *domain;
};
struct icp_enr_request {
  size_t bytes;
};
struct icp_enr_headers {
  int unused;
};
struct icp_enr_output {
  size_t bytes;
  size_t sets;
};
struct icp_enr_config {
  int which;  /* index into CONFIGS */
};

/* ---- a host that accepts everything --------------------------------- */

static const char *f_acct_domain(const struct icp_enr_account *a)
{
  return a->domain;
}

static const char *f_acct_string(const struct icp_enr_account *a,
                                 const char *f)
{
  (void)a, (void)f;
  return NULL;
}

static int f_acct_number(const struct icp_enr_account *a, const char *f,
                         double *o)
{
  (void)a, (void)f, (void)o;
  return 0;
}

static size_t f_acct_list_count(const struct icp_enr_account *a,
                                const char *f)
{
  (void)a, (void)f;
  return 0;
}

static const char *f_acct_list_item(const struct icp_enr_account *a,
                                    const char *f, size_t i)
{
  (void)a, (void)f, (void)i;
  return NULL;
}

static int f_req_set_url(struct icp_enr_request *r, const char *u)
{
  r->bytes += strlen(u);
  return 0;
}

static int f_req_add_header(struct icp_enr_request *r, const char *n,
                            const char *v)
{
  r->bytes += strlen(n) + strlen(v);
  return 0;
}

static long f_url_escape(const char *in, size_t len, char *out, size_t cap)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t i, w = 0;
  for (i = 0; i < len; i++) {
    unsigned char c = (unsigned char)in[i];
    if (w + 4 > cap)
      return -1;
    out[w++] = '%';
    out[w++] = hex[c >> 4];
    out[w++] = hex[c & 15];
  }
  if (cap == 0)
    return -1;
  out[w] = '\0';
  return (long)w;
}

static const char *f_hdr_get(const struct icp_enr_headers *h, const char *n)
{
  (void)h, (void)n;
  return NULL;
}

static int f_out_text(struct icp_enr_output *o, const char *f, const char *t)
{
  o->bytes += strlen(f) + strlen(t);
  o->sets++;
  return 0;
}

static int f_out_number(struct icp_enr_output *o, const char *f, double v)
{
  (void)v;
  o->bytes += strlen(f);
  o->sets++;
  return 0;
}

static int f_out_bool(struct icp_enr_output *o, const char *f, int v)
{
  (void)v;
  o->bytes += strlen(f);
  o->sets++;
  return 0;
}

static int f_out_list_add(struct icp_enr_output *o, const char *f,
                          const char *item)
{
  o->bytes += strlen(f) + strlen(item);
  o->sets++;
  return 0;
}

static void f_out_error(struct icp_enr_output *o, const char *reason)
{
  o->bytes += strlen(reason);
}

/* Per-enricher config: string keys, one number key, one map, one list. */
struct fz_config {
  const char *name;
  const char *strings[2][2];
  const char *num_key;
  double num;
  const char *map_key;
  const char *const *map;
  const char *list_key;
  const char *const *list;
};

static const char *const HJ_FIELDS[] = {
  "employees", "/organization/estimated_num_employees",
  "name", "/organization/name",
  "tech", "/organization/current_technologies/*/name",
  "deep", "/a/*/b/*/c/0",
  "esc", "/m/x~1y/z~0w",
  "whole", "",
  NULL
};
static const char *const HJ_NOT_FOUND[] = {"404", "410", NULL};

static const struct fz_config CONFIGS[4] = {
  {"clearbit", {{"api_key", "k"}, {NULL, NULL}}, NULL, 0, NULL, NULL,
   NULL, NULL},
  {"pdl", {{"api_key", "k"}, {NULL, NULL}}, "min_likelihood", 3, NULL,
   NULL, NULL, NULL},
  {"builtwith", {{"api_key", "k"}, {NULL, NULL}}, "max_age_days", 365,
   NULL, NULL, NULL, NULL},
  {"http_json", {{"url", "https://x.test/{domain}"}, {NULL, NULL}}, NULL, 0,
   "fields", HJ_FIELDS, "not_found", HJ_NOT_FOUND},
};

static const char *f_cfg_string(const struct icp_enr_config *c,
                                const char *key)
{
  const struct fz_config *z = &CONFIGS[c->which];
  int i;
  for (i = 0; i < 2; i++)
    if (z->strings[i][0] != NULL && strcmp(z->strings[i][0], key) == 0)
      return z->strings[i][1];
  return NULL;
}

static int f_cfg_number(const struct icp_enr_config *c, const char *key,
                        double *out)
{
  const struct fz_config *z = &CONFIGS[c->which];
  if (z->num_key == NULL || strcmp(z->num_key, key) != 0)
    return 0;
  *out = z->num;
  return 1;
}

static int f_cfg_bool(const struct icp_enr_config *c, const char *key,
                      int *out)
{
  (void)c, (void)key, (void)out;
  return 0;
}

static size_t f_cfg_list_count(const struct icp_enr_config *c,
                               const char *key)
{
  const struct fz_config *z = &CONFIGS[c->which];
  size_t n = 0;
  if (z->list_key == NULL || strcmp(z->list_key, key) != 0)
    return 0;
  while (z->list[n] != NULL)
    n++;
  return n;
}

static const char *f_cfg_list_item(const struct icp_enr_config *c,
                                   const char *key, size_t i)
{
  return i < f_cfg_list_count(c, key) ? CONFIGS[c->which].list[i] : NULL;
}

static int f_cfg_map_next(const struct icp_enr_config *c, const char *key,
                          size_t *iter, const char **k, const char **v)
{
  const struct fz_config *z = &CONFIGS[c->which];
  size_t i;
  if (z->map_key == NULL || strcmp(z->map_key, key) != 0)
    return 0;
  for (i = 0; i <= 2 * *iter; i += 2)
    if (z->map[i] == NULL)
      return 0;
  *k = z->map[2 * *iter];
  *v = z->map[2 * *iter + 1];
  ++*iter;
  return 1;
}

static void f_log(const struct icp_enr_config *c, int level, const char *m)
{
  (void)c, (void)level, (void)strlen(m);
}

static void *f_alloc(size_t n)
{
  return malloc(n);
}

static void f_free(void *p)
{
  free(p);
}

static const struct icp_host HOST = {
  .abi = ICP_ENRICHER_ABI,
  .size = sizeof(struct icp_host),
  .acct_domain = f_acct_domain,
  .acct_string = f_acct_string,
  .acct_number = f_acct_number,
  .acct_list_count = f_acct_list_count,
  .acct_list_item = f_acct_list_item,
  .req_set_url = f_req_set_url,
  .req_add_header = f_req_add_header,
  .url_escape = f_url_escape,
  .hdr_get = f_hdr_get,
  .out_text = f_out_text,
  .out_number = f_out_number,
  .out_bool = f_out_bool,
  .out_list_add = f_out_list_add,
  .out_error = f_out_error,
  .cfg_string = f_cfg_string,
  .cfg_number = f_cfg_number,
  .cfg_bool = f_cfg_bool,
  .cfg_list_count = f_cfg_list_count,
  .cfg_list_item = f_cfg_list_item,
  .cfg_map_next = f_cfg_map_next,
  .log = f_log,
  .alloc = f_alloc,
  .free = f_free,
};

/* ---- the target ------------------------------------------------------ */

/* Loaded once for the process; a fuzz target is its own program. */
static const struct icp_enricher *desc[4];
static void *state[4];
static struct icp_enr_config cfgs[4] = {{0}, {1}, {2}, {3}};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  const char *dir = getenv("ICP_FUZZ_ENRICHERS");
  int i;
  (void)argc, (void)argv;
  if (dir == NULL)
    dir = "build/fuzz/enrichers";
  for (i = 0; i < 4; i++) {
    char path[512], err[ICP_ENR_ERRBUF_MIN];
    void *dl;
    icp_enricher_open_fn open_fn;
    snprintf(path, sizeof path, "%s/%s.so", dir, CONFIGS[i].name);
    dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (dl == NULL) {
      fprintf(stderr, "fuzz_enrichers: %s\n", dlerror());
      abort();
    }
    *(void **)&open_fn = dlsym(dl, ICP_ENRICHER_OPEN_SYMBOL);
    desc[i] = open_fn != NULL ? open_fn(&HOST, ICP_ENRICHER_ABI) : NULL;
    if (desc[i] == NULL ||
        desc[i]->init(&HOST, &cfgs[i], &state[i], err, sizeof err) != 0) {
      fprintf(stderr, "fuzz_enrichers: %s refused\n", CONFIGS[i].name);
      abort();
    }
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const long statuses[4] = {200, 202, 404, 201};
  struct icp_enr_account acct = {"fuzz.example"};
  struct icp_enr_request req = {0};
  struct icp_enr_headers hdrs = {0};
  struct icp_enr_output out = {0, 0};
  int which, rc;
  char *body;

  if (size < 1)
    return 0;
  which = data[0] & 3;
  /* a fresh heap copy of exactly size - 1 bytes: ASan catches over-reads */
  body = malloc(size > 1 ? size - 1 : 1);
  if (body == NULL)
    return 0;
  memcpy(body, data + 1, size - 1);
  (void)desc[which]->request(state[which], &acct, &req);
  rc = desc[which]->parse(state[which], &acct, statuses[(data[0] >> 2) & 3],
                          &hdrs, body, size - 1, &out);
  free(body);
  if (rc < ICP_ENR_OK || rc > ICP_ENR_ERROR)
    abort();                      /* parse returned a non-result */
  return 0;
}
