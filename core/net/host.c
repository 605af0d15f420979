/* host.c -- the host side of the enricher ABI: the table handed to every
 * plugin, and its entries that read (account view, response headers,
 * config), build a request or serve (log, memory). The output entries are
 * in host_out.c; loading a plugin is loader.c. */
#include <curl/curl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "net/host.h"
#include "net/providers.h"
#include "net/libs.h"

#define TEXT_CAP 4096
#define URL_CAP 8192

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

/* ---- the table ---------------------------------------------------------- */

/* The layout of struct icp_host is the ABI: a plugin built with an older
 * header reads each entry at the offset it was built with, so an entry
 * never moves (new ones are appended). Entries of the same type
 * (out_text and out_list_add) would swap silently if the header were
 * reordered; these checks make that a compile error, and the designated
 * initialisers below make a wrong pairing impossible. */
#define HOST_ENTRY(field, slot)                                              \
  _Static_assert(offsetof(struct icp_host, field) ==                         \
                   2 * sizeof(uint32_t) + (slot) * sizeof(void (*)(void)),   \
                 "struct icp_host: '" #field "' moved")
HOST_ENTRY(acct_domain, 0);
HOST_ENTRY(acct_string, 1);
HOST_ENTRY(acct_number, 2);
HOST_ENTRY(acct_list_count, 3);
HOST_ENTRY(acct_list_item, 4);
HOST_ENTRY(req_set_url, 5);
HOST_ENTRY(req_add_header, 6);
HOST_ENTRY(url_escape, 7);
HOST_ENTRY(hdr_get, 8);
HOST_ENTRY(out_text, 9);
HOST_ENTRY(out_number, 10);
HOST_ENTRY(out_bool, 11);
HOST_ENTRY(out_list_add, 12);
HOST_ENTRY(out_error, 13);
HOST_ENTRY(cfg_string, 14);
HOST_ENTRY(cfg_number, 15);
HOST_ENTRY(cfg_bool, 16);
HOST_ENTRY(cfg_list_count, 17);
HOST_ENTRY(cfg_list_item, 18);
HOST_ENTRY(cfg_map_next, 19);
HOST_ENTRY(log, 20);
HOST_ENTRY(alloc, 21);
HOST_ENTRY(free, 22);
HOST_ENTRY(out_reject, 23);
_Static_assert(offsetof(struct icp_host, abi) == 0 &&
                 offsetof(struct icp_host, size) == sizeof(uint32_t),
               "struct icp_host starts with abi and size");
_Static_assert(sizeof(struct icp_host) ==
                 2 * sizeof(uint32_t) + 24 * sizeof(void (*)(void)),
               "struct icp_host: an entry was added without its check");

static const struct icp_host host = {
  .abi = ICP_ENRICHER_ABI,
  .size = sizeof(struct icp_host),
  .acct_domain = h_acct_domain,
  .acct_string = h_acct_string,
  .acct_number = h_acct_number,
  .acct_list_count = h_acct_list_count,
  .acct_list_item = h_acct_list_item,
  .req_set_url = h_req_set_url,
  .req_add_header = h_req_add_header,
  .url_escape = h_url_escape,
  .hdr_get = h_hdr_get,
  .out_text = icp_enr_out_text,
  .out_number = icp_enr_out_number,
  .out_bool = icp_enr_out_bool,
  .out_list_add = icp_enr_out_list_add,
  .out_error = icp_enr_out_error,
  .cfg_string = h_cfg_string,
  .cfg_number = h_cfg_number,
  .cfg_bool = h_cfg_bool,
  .cfg_list_count = h_cfg_list_count,
  .cfg_list_item = h_cfg_list_item,
  .cfg_map_next = h_cfg_map_next,
  .log = h_log,
  .alloc = h_alloc,
  .free = h_free,
  .out_reject = icp_enr_out_reject,
};

const struct icp_host *icp_host_table(void)
{
  return &host;
}
