/* test_cache_pg.c -- the PostgreSQL cache's URLs: which ones are, what a
 * message shows of them, which secrets they hold. (The backend itself is
 * tested against a real server by tests/e2e/pgcache.sh.) */
#include <criterion/criterion.h>
#include <string.h>

#include "net/cache.h"
#include "net/cache_pg.h"

static const char *where(const char *url)
{
  static char out[256];
  icp_cache_pg_where(url, out, sizeof(out));
  return out;
}

Test(cache_pg, postgresql_and_postgres_schemes_are_urls)
{
  cr_assert(icp_cache_pg_is_url("postgresql://db.internal/icp"));
  cr_assert(icp_cache_pg_is_url("postgres://db.internal/icp"));
  cr_assert_not(icp_cache_pg_is_url(".icp/cache.sqlite"));
  cr_assert_not(icp_cache_pg_is_url("mysql://db/icp"));
  cr_assert_not(icp_cache_pg_is_url("postgresql:/db"));
  cr_assert_not(icp_cache_pg_is_url(NULL));
}

Test(cache_pg, where_hides_the_password_of_the_user_part)
{
  cr_assert_str_eq(where("postgresql://icp:s3cr3t@db:5432/icp"),
                   "postgresql://icp:[redacted]@db:5432/icp");
  cr_assert_str_eq(where("postgres://icp:p%40ss@db/icp?sslmode=require"),
                   "postgresql://icp:[redacted]@db/icp");
}

/* libpq ends the user part at the first '@': password "a", host "b@db"
 * (which will not resolve); where shows what libpq will use */
Test(cache_pg, where_shows_a_raw_at_sign_as_libpq_reads_it)
{
  cr_assert_str_eq(where("postgresql://icp:a@b@db/icp"),
                   "postgresql://icp:[redacted]@b@db/icp");
}

Test(cache_pg, where_hides_password_parameters)
{
  cr_assert_str_eq(where("postgresql:///icp?host=/run/pg&password=xyzw"
                         "&user=icp"),
                   "postgresql://icp:[redacted]@/icp?host=/run/pg");
}

/* the reviewer's two URLs: libpq reads a percent-encoded parameter name
 * and a raw '?' in the user part's password */
Test(cache_pg, where_and_secrets_read_the_url_as_libpq_does)
{
  static const char *const urls[] = {
    "postgresql://icp@/postgres?host=/tmp/nowhere&pass%77ord=SECRET1",
    "postgresql://icp:SEC?RET2@/postgres",
  };
  static const char *const pws[] = { "SECRET1", "SEC?RET2" };
  size_t i;
  for(i = 0; i < 2; i++) {
    struct icp_redact r;
    char out[256];
    icp_redact_init(&r);
    cr_assert_null(strstr(where(urls[i]), "SEC"), "%s", where(urls[i]));
    cr_assert(strstr(where(urls[i]), "icp:[redacted]@/postgres"), "%s",
              where(urls[i]));
    cr_assert_eq(icp_cache_pg_secrets(urls[i], &r), 1);
    icp_redact(&r, pws[i], out, sizeof(out));
    cr_assert_str_eq(out, "[redacted]");
    icp_redact_free(&r);
  }
}

Test(cache_pg, where_keeps_a_url_without_password)
{
  cr_assert_str_eq(where("postgresql://icp@db/icp?host=/tmp/s"),
                   "postgresql://icp@/icp?host=/tmp/s");
  cr_assert_str_eq(where("postgresql://db:6432/icp"),
                   "postgresql://db:6432/icp");
  /* a colon of the host part is a port, not a password */
  cr_assert_str_eq(where("postgresql://[::1]:5432/icp"),
                   "postgresql://::1:5432/icp");
}

Test(cache_pg, where_truncates_to_the_buffer)
{
  char out[20];
  size_t n = icp_cache_pg_where("postgresql://icp:secret@db/icp", out,
                                sizeof(out));
  cr_assert_eq(n, strlen(out));
  cr_assert_lt(n, sizeof(out));
  cr_assert_null(strstr(out, "sec"));
}

Test(cache_pg, secrets_are_the_password_as_read_and_encoded)
{
  struct icp_redact r;
  char out[128];
  icp_redact_init(&r);
  cr_assert_eq(icp_cache_pg_secrets("postgresql://icp:p%40ssw0rd@db/icp",
                                    &r), 1);
  icp_redact(&r, "FATAL: p@ssw0rd or p%40ssw0rd", out, sizeof(out));
  cr_assert_str_eq(out, "FATAL: [redacted] or [redacted]");
  icp_redact_free(&r);
}

Test(cache_pg, no_secret_in_a_url_without_password)
{
  struct icp_redact r;
  icp_redact_init(&r);
  cr_assert_eq(icp_cache_pg_secrets("postgresql://icp@db/icp", &r), 0);
  cr_assert_eq(r.n, 0);
  icp_redact_free(&r);
}

Test(cache_pg, check_accepts_what_libpq_parses)
{
  char why[256] = "";
  cr_assert_eq(icp_cache_pg_check("postgresql://icp@db/icp?sslmode=require",
                                  why, sizeof(why)), 0, "%s", why);
  cr_assert_eq(icp_cache_pg_check("postgresql:///icp?host=/tmp/sock", why,
                                  sizeof(why)), 0, "%s", why);
}

Test(cache_pg, check_refuses_other_schemes_and_bad_parameters)
{
  char why[256] = "";
  cr_assert_eq(icp_cache_pg_check("mysql://db/icp", why, sizeof(why)), -1);
  cr_assert(strstr(why, "postgresql://"), "%s", why);
  cr_assert_eq(icp_cache_pg_check("postgresql://icp:topsecret@db/icp"
                                  "?no_such_option=1", why, sizeof(why)),
               -1);
  cr_assert(strstr(why, "no_such_option"), "%s", why);
  cr_assert_null(strstr(why, "topsecret"), "%s", why);
  /* a URL libpq cannot parse: its message must not quote the password */
  cr_assert_eq(icp_cache_pg_check("postgresql://icp:top%zzsecret@db/icp",
                                  why, sizeof(why)), -1);
  cr_assert_null(strstr(why, "secret"), "%s", why);
}

Test(cache_pg, an_unreachable_server_is_a_fault_not_an_error)
{
  struct icp_cache *c = NULL;
  struct icp_err err = { "" };
  enum icp_cache_hit hit = ICP_CACHE_FOUND;
  char *json = (char *)"x";
  cr_assert_eq(icp_cache_open(&c, "postgresql://icp:hunter22@/icp?host="
                              "/nonexistent/icp-test&connect_timeout=2",
                              ICP_CACHE_NORMAL, &err), ICP_OK);
  cr_assert_not_null(c);
  cr_assert_not_null(icp_cache_fault(c));
  cr_assert(strstr(icp_cache_fault(c), "going on without caching"), "%s",
            icp_cache_fault(c));
  cr_assert_null(strstr(icp_cache_fault(c), "hunter22"), "%s",
                 icp_cache_fault(c));
  cr_assert_null(strstr(err.msg, "hunter22"), "%s", err.msg);
  /* later calls are quiet misses and no-ops */
  err.msg[0] = 0;
  cr_assert_eq(icp_cache_get(c, "clearbit", "acme.io", 0, 1000, &hit, &json,
                             &err), ICP_OK);
  cr_assert_eq(hit, ICP_CACHE_MISS);
  cr_assert_null(json);
  cr_assert_eq(icp_cache_put(c, "clearbit", "acme.io", "{}", 1000, &err),
               ICP_OK);
  cr_assert_eq(icp_cache_wait(c, "clearbit", "acme.io", &err), ICP_OK);
  cr_assert_eq(icp_cache_keepalive(c, &err), ICP_OK);
  cr_assert_str_eq(err.msg, "");
  icp_cache_close(c);
}

Test(cache_pg, a_file_cache_has_no_fault_and_no_claims)
{
  struct icp_err err = { "" };
  cr_assert_eq(icp_cache_fault(NULL), NULL);
  cr_assert_eq(icp_cache_wait(NULL, "p", "d", &err), ICP_OK);
  cr_assert(icp_cache_fresh(100, 150, 60));
  cr_assert_not(icp_cache_fresh(100, 170, 60));
  cr_assert_not(icp_cache_fresh(200, 150, 60)); /* from the future */
  cr_assert(icp_cache_fresh(100, 1000000, 0));
}
