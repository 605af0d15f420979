/* test_cache.c -- the SQLite enrichment cache. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/cache.h"

static char dir[64], path[128];

static void setup(void)
{
  snprintf(dir, sizeof(dir), "/tmp/icp_cache_XXXXXX");
  cr_assert(mkdtemp(dir));
  snprintf(path, sizeof(path), "%s/sub/cache.sqlite", dir);
}

static void teardown(void)
{
  char cmd[160];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  cr_assert_eq(system(cmd), 0);
}

static struct icp_cache *open_mode(enum icp_cache_mode mode)
{
  struct icp_cache *c;
  struct icp_err err = { "" };
  cr_assert_eq(icp_cache_open(&c, path, mode, &err), ICP_OK, "%s", err.msg);
  return c;
}

static enum icp_cache_hit get(struct icp_cache *c, const char *p,
                              const char *d, int64_t ttl, int64_t now,
                              char **json)
{
  enum icp_cache_hit hit;
  struct icp_err err = { "" };
  cr_assert_eq(icp_cache_get(c, p, d, ttl, now, &hit, json, &err), ICP_OK,
               "%s", err.msg);
  return hit;
}

static void put(struct icp_cache *c, const char *p, const char *d,
                const char *json, int64_t now)
{
  struct icp_err err = { "" };
  cr_assert_eq(icp_cache_put(c, p, d, json, now, &err), ICP_OK, "%s",
               err.msg);
}

TestSuite(cache, .init = setup, .fini = teardown);

Test(cache, stores_fields_per_provider_and_domain)
{
  struct icp_cache *c = open_mode(ICP_CACHE_NORMAL);
  char *json = NULL;
  put(c, "clearbit", "acme.io", "{\"employees\":250}", 1000);
  cr_assert_eq(get(c, "clearbit", "acme.io", 0, 2000, &json),
               ICP_CACHE_FOUND);
  cr_assert_str_eq(json, "{\"employees\":250}");
  free(json);
  cr_assert_eq(get(c, "pdl", "acme.io", 0, 2000, &json), ICP_CACHE_MISS);
  cr_assert_null(json);
  cr_assert_eq(get(c, "clearbit", "beta.io", 0, 2000, &json),
               ICP_CACHE_MISS);
  /* a newer answer replaces the older one */
  put(c, "clearbit", "acme.io", "{\"employees\":300}", 1500);
  cr_assert_eq(get(c, "clearbit", "acme.io", 0, 2000, &json),
               ICP_CACHE_FOUND);
  cr_assert_str_eq(json, "{\"employees\":300}");
  free(json);
  icp_cache_close(c);
}

Test(cache, keeps_negative_answers)
{
  struct icp_cache *c = open_mode(ICP_CACHE_NORMAL);
  char *json = NULL;
  put(c, "pdl", "nobody.io", NULL, 1000);
  cr_assert_eq(get(c, "pdl", "nobody.io", 86400, 1100, &json),
               ICP_CACHE_NOT_FOUND);
  cr_assert_null(json);
  icp_cache_close(c);
}

Test(cache, entries_expire_after_their_ttl)
{
  struct icp_cache *c = open_mode(ICP_CACHE_NORMAL);
  char *json = NULL;
  put(c, "clearbit", "acme.io", "{}", 1000);
  put(c, "pdl", "nobody.io", NULL, 1000);
  cr_assert_eq(get(c, "clearbit", "acme.io", 100, 1100, &json),
               ICP_CACHE_FOUND);
  free(json);
  cr_assert_eq(get(c, "clearbit", "acme.io", 100, 1101, &json),
               ICP_CACHE_MISS);
  cr_assert_eq(get(c, "pdl", "nobody.io", 100, 1101, &json),
               ICP_CACHE_MISS);
  /* a row from the future (clock moved back) is not trusted */
  cr_assert_eq(get(c, "clearbit", "acme.io", 100, 900, &json),
               ICP_CACHE_MISS);
  icp_cache_close(c);
}

Test(cache, refresh_ignores_reads_but_still_writes)
{
  struct icp_cache *c = open_mode(ICP_CACHE_NORMAL);
  char *json = NULL;
  put(c, "clearbit", "acme.io", "{\"a\":1}", 1000);
  icp_cache_close(c);
  c = open_mode(ICP_CACHE_REFRESH);
  cr_assert_eq(get(c, "clearbit", "acme.io", 0, 1000, &json),
               ICP_CACHE_MISS);
  put(c, "clearbit", "acme.io", "{\"a\":2}", 1001);
  icp_cache_close(c);
  c = open_mode(ICP_CACHE_NORMAL);
  cr_assert_eq(get(c, "clearbit", "acme.io", 0, 1001, &json),
               ICP_CACHE_FOUND);
  cr_assert_str_eq(json, "{\"a\":2}");
  free(json);
  icp_cache_close(c);
}

Test(cache, offline_reads_and_never_writes)
{
  struct icp_cache *c = open_mode(ICP_CACHE_NORMAL);
  char *json = NULL;
  put(c, "clearbit", "acme.io", "{\"a\":1}", 1000);
  icp_cache_close(c);
  c = open_mode(ICP_CACHE_OFFLINE);
  cr_assert_eq(get(c, "clearbit", "acme.io", 0, 1000, &json),
               ICP_CACHE_FOUND);
  free(json);
  put(c, "clearbit", "beta.io", "{\"a\":1}", 1000);
  cr_assert_eq(get(c, "clearbit", "beta.io", 0, 1000, &json),
               ICP_CACHE_MISS);
  icp_cache_close(c);
}

Test(cache, offline_without_a_cache_file_misses_everything)
{
  struct icp_cache *c = open_mode(ICP_CACHE_OFFLINE);
  char *json = NULL;
  cr_assert_eq(get(c, "clearbit", "acme.io", 0, 1000, &json),
               ICP_CACHE_MISS);
  icp_cache_close(c);
  cr_assert_neq(access(path, F_OK), 0);
}

Test(cache, two_connections_share_the_file)
{
  struct icp_cache *a = open_mode(ICP_CACHE_NORMAL);
  struct icp_cache *b = open_mode(ICP_CACHE_NORMAL);
  struct icp_err err = { "" };
  char *json = NULL;
  int i;
  put(a, "clearbit", "acme.io", "{\"a\":1}", 1000);
  cr_assert_eq(get(b, "clearbit", "acme.io", 0, 1000, &json),
               ICP_CACHE_FOUND);
  free(json);
  /* a write transaction open in one does not stop the other reading */
  cr_assert_eq(icp_cache_begin(a, &err), ICP_OK, "%s", err.msg);
  for(i = 0; i < 100; i++) {
    char d[32];
    snprintf(d, sizeof(d), "d%d.io", i);
    put(a, "pdl", d, "{}", 1000);
  }
  cr_assert_eq(get(b, "clearbit", "acme.io", 0, 1000, &json),
               ICP_CACHE_FOUND);
  free(json);
  cr_assert_eq(get(b, "pdl", "d5.io", 0, 1000, &json), ICP_CACHE_MISS);
  cr_assert_eq(icp_cache_commit(a, &err), ICP_OK, "%s", err.msg);
  cr_assert_eq(get(b, "pdl", "d5.io", 0, 1000, &json), ICP_CACHE_FOUND);
  free(json);
  /* and the other writes once it is committed */
  put(b, "pdl", "e.io", NULL, 1000);
  cr_assert_eq(get(a, "pdl", "e.io", 0, 1000, &json), ICP_CACHE_NOT_FOUND);
  icp_cache_close(a);
  icp_cache_close(b);
}

Test(cache, a_file_that_is_not_a_cache_is_refused)
{
  struct icp_cache *c;
  struct icp_err err = { "" };
  FILE *f;
  char sub[160];
  snprintf(sub, sizeof(sub), "%s/sub", dir);
  cr_assert_eq(mkdir(sub, 0700), 0);
  f = fopen(path, "w");
  cr_assert(f);
  fputs("this is not a database, just text that goes on and on ......\n"
        "................................................................",
        f);
  fclose(f);
  cr_assert_neq(icp_cache_open(&c, path, ICP_CACHE_NORMAL, &err), ICP_OK);
  cr_assert(strstr(err.msg, "cache"));
}
