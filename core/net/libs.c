/* libs.c -- libcurl, libpq and libmicrohttpd opened when first needed. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <libpq-fe.h>
#include <microhttpd.h>

#define ICP_LIBS_IMPL
#include "net/libs.h"

struct lib {
  const char *soname;    /* what dlopen looks for */
  const char *package;   /* the Debian package that has it */
  const char *what;      /* what needs it, for the message */
  const char *const *names;
  void *slots;           /* the table: function pointers, in names' order */
  size_t n;
  pthread_once_t once;
  atomic_int opened;
  char why[256];         /* the failure, when the open failed */
};

static struct icp_curl_api curl_api;
static struct icp_pq_api pq_api;
static struct icp_mhd_api mhd_api;

#define ICP_LIBS_NAME(name) #name,
static const char *const curl_names[] = { ICP_CURL_FUNCS(ICP_LIBS_NAME) };
static const char *const pq_names[] = { ICP_PQ_FUNCS(ICP_LIBS_NAME) };
static const char *const mhd_names[] = { ICP_MHD_FUNCS(ICP_LIBS_NAME) };

/* Each table holds function pointers only, in the order of its X list:
 * the pointer dlsym gives for name i is copied into slot i. */
#define SLOTS(api) ((void *)&(api))
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static struct lib libs[] = {
  [ICP_LIB_CURL] = { "libcurl.so.4", "libcurl4", "enrichment",
                     curl_names, SLOTS(curl_api), COUNT(curl_names),
                     PTHREAD_ONCE_INIT, 0, "" },
  [ICP_LIB_PQ] = { "libpq.so.5", "libpq5", "a postgresql:// cache",
                   pq_names, SLOTS(pq_api), COUNT(pq_names),
                   PTHREAD_ONCE_INIT, 0, "" },
  [ICP_LIB_MHD] = { "libmicrohttpd.so.12", "libmicrohttpd12", "icp serve",
                    mhd_names, SLOTS(mhd_api), COUNT(mhd_names),
                    PTHREAD_ONCE_INIT, 0, "" },
};

_Static_assert(sizeof(curl_api) == COUNT(curl_names) * sizeof(void *),
               "curl table: one pointer per name");
_Static_assert(sizeof(pq_api) == COUNT(pq_names) * sizeof(void *),
               "pq table: one pointer per name");
_Static_assert(sizeof(mhd_api) == COUNT(mhd_names) * sizeof(void *),
               "mhd table: one pointer per name");

static void open_lib(struct lib *l)
{
  const char *e;
  size_t i;
  void *h;
  dlerror();
  h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
  if(!h) {
    e = dlerror();
    snprintf(l->why, sizeof(l->why), "%s", e ? e : "not found");
    return;
  }
  for(i = 0; i < l->n; i++) {
    void *f = dlsym(h, l->names[i]);
    if(!f) {
      snprintf(l->why, sizeof(l->why), "%s has no %s", l->soname,
               l->names[i]);
      dlclose(h);
      return;
    }
    memcpy((char *)l->slots + i * sizeof(f), &f, sizeof(f));
  }
  /* kept open for the process's life: its functions are in the table */
  if(l == &libs[ICP_LIB_CURL] &&
     curl_api.curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    snprintf(l->why, sizeof(l->why), "curl_global_init failed");
    return;
  }
  atomic_store(&l->opened, 1);
}

static void open_curl(void) { open_lib(&libs[ICP_LIB_CURL]); }
static void open_pq(void) { open_lib(&libs[ICP_LIB_PQ]); }
static void open_mhd(void) { open_lib(&libs[ICP_LIB_MHD]); }

static enum icp_status opened(int k, void (*fn)(void), struct icp_err *err)
{
  struct lib *l = &libs[k];
  pthread_once(&l->once, fn);
  if(atomic_load(&l->opened))
    return ICP_OK;
  return icp_err_set(err, ICP_ELOAD,
                     "%s needs %s, which cannot be loaded (%s): install "
                     "the Debian package %s", l->what, l->soname, l->why,
                     l->package);
}

enum icp_status icp_curl_open(struct icp_err *err)
{
  return opened(ICP_LIB_CURL, open_curl, err);
}

enum icp_status icp_pq_open(struct icp_err *err)
{
  return opened(ICP_LIB_PQ, open_pq, err);
}

enum icp_status icp_mhd_open(struct icp_err *err)
{
  return opened(ICP_LIB_MHD, open_mhd, err);
}

const void *icp_libs_table(int k)
{
  static void (*const open_fn[])(void) = { open_curl, open_pq, open_mhd };
  static const void *const tables[] = { &curl_api, &pq_api, &mhd_api };
  struct icp_err err;
  /* a path that did not open it first: open it now, or stop (there is no
   * status to return through the library's own call) */
  if(!atomic_load(&libs[k].opened) && opened(k, open_fn[k], &err)) {
    fprintf(stderr, "icp: %s\n", err.msg);
    abort();
  }
  return tables[k];
}
