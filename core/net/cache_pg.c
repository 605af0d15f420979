/* cache_pg.c -- the PostgreSQL backend of the enrichment cache. */
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net/cache_pg.h"
#include "net/libs.h"

#define LEASE_MS_DEFAULT 30000
#define WAIT_STEP_MAX_MS 100      /* the slowest poll of a pending claim */
#define STATEMENT_TIMEOUT "30s"   /* a statement that hangs is a fault */
#define SETUP_WAIT_MS 10000       /* the client's deadline before it knows */

/* The server's clock, so that machines with skewed clocks agree on leases
 * and on the age of a row: a row is written with the server's time and
 * judged fresh by it, never by the clock of the machine that asks. Whole
 * seconds rounded down, so that a row read within the second it was
 * written is not from the future. */
#define NOW_MS "(extract(epoch from clock_timestamp()) * 1000)::bigint"
#define NOW_S "floor(extract(epoch from clock_timestamp()))::bigint"

struct icp_cache_pg {
  PGconn *conn;
  enum icp_cache_mode mode;
  struct icp_redact red;    /* the passwords of the URL */
  char where[256];          /* the URL without its password */
  char owner[40];           /* this connection's claims */
  long lease_ms;
  int64_t renewed_ms;       /* last renewal of the leases (monotonic) */
  int claims;               /* may hold claims not resolved yet */
  int empty;                /* offline, and the server has no cache yet */
  int off;                  /* stopped caching after a fault */
  long wait_ms;             /* the client's deadline for an answer */
  int timed_out;            /* the server gave no answer within wait_ms */
  int said_oversize;        /* a row over ICP_CACHE_ROW_MAX was reported */
  int oversize_now;         /* ... by this lookup */
  char why[ICP_ERR_MAX];
};

static const char setup_sql[] =
  "BEGIN;"
  /* two processes creating the tables at once would collide in the
   * catalog: one at a time */
  "SELECT pg_advisory_xact_lock(4242003907);"
  "CREATE TABLE IF NOT EXISTS icp_enrich_cache("
  " provider text NOT NULL,"
  " domain text NOT NULL,"
  " found boolean NOT NULL,"
  " fields text,"
  " fetched_at bigint NOT NULL,"
  " PRIMARY KEY(provider, domain));"
  /* claims are short-lived: no WAL, gone after a crash (leases expire) */
  "CREATE UNLOGGED TABLE IF NOT EXISTS icp_enrich_claim("
  " provider text NOT NULL,"
  " domain text NOT NULL,"
  " owner text NOT NULL,"
  " expires_ms bigint NOT NULL,"
  " PRIMARY KEY(provider, domain));"
  "CREATE INDEX IF NOT EXISTS icp_enrich_claim_owner"
  " ON icp_enrich_claim(owner);"
  "COMMIT";

/* The statements, prepared once per connection. */
enum { S_GET, S_CLAIM, S_UNCLAIM, S_PUT, S_PENDING, S_RENEW, S_RELEASE,
       S_COUNT };

static const struct stmt {
  const char *name, *sql;
  int nparams;
} stmts[S_COUNT] = {
  /* a row over the size kept is never downloaded, only measured; fresh
   * when fetched within the TTL ($4 s, <= 0: always) by the server's
   * clock, and not after its now (a row from the future, written by an
   * older icp with a clock ahead, is asked again) */
  { "icp_get", "SELECT found, CASE WHEN octet_length(fields) <= $3::int"
    " THEN fields END, $4::bigint <= 0 OR (fetched_at <= " NOW_S
    " AND " NOW_S " - fetched_at <= $4::bigint), octet_length(fields)"
    " FROM icp_enrich_cache WHERE provider = $1 AND domain = $2", 4 },
  /* a claim is taken when there is none or when its lease ran out */
  { "icp_claim", "INSERT INTO icp_enrich_claim AS c"
    " (provider, domain, owner, expires_ms)"
    " VALUES ($1, $2, $3, " NOW_MS " + $4::bigint)"
    " ON CONFLICT (provider, domain) DO UPDATE"
    " SET owner = EXCLUDED.owner, expires_ms = EXCLUDED.expires_ms"
    " WHERE c.expires_ms < " NOW_MS " RETURNING 1", 4 },
  { "icp_unclaim", "DELETE FROM icp_enrich_claim"
    " WHERE provider = $1 AND domain = $2 AND owner = $3", 3 },
  /* the answer and the end of its claim in one statement: a process that
   * sees the claim gone sees the answer */
  { "icp_put", "WITH d AS (DELETE FROM icp_enrich_claim"
    " WHERE provider = $1 AND domain = $2 AND owner = $5)"
    " INSERT INTO icp_enrich_cache"
    " (provider, domain, found, fields, fetched_at)"
    " VALUES ($1, $2, $3::boolean, $4, " NOW_S ")"
    " ON CONFLICT (provider, domain) DO UPDATE"
    " SET found = EXCLUDED.found, fields = EXCLUDED.fields,"
    " fetched_at = EXCLUDED.fetched_at", 5 },
  { "icp_pending", "SELECT 1 FROM icp_enrich_claim"
    " WHERE provider = $1 AND domain = $2 AND expires_ms >= " NOW_MS, 2 },
  { "icp_renew", "UPDATE icp_enrich_claim"
    " SET expires_ms = " NOW_MS " + $2::bigint WHERE owner = $1", 2 },
  { "icp_release", "DELETE FROM icp_enrich_claim WHERE owner = $1", 1 },
};

/* ---- URLs and their secrets (pure) -------------------------------------- */

static size_t scheme_len(const char *s)
{
  if(!strncmp(s, "postgresql://", 13))
    return 13;
  if(!strncmp(s, "postgres://", 11))
    return 11;
  return 0;
}

int icp_cache_pg_is_url(const char *s)
{
  return s && scheme_len(s) > 0;
}

/* One parser for URLs, libpq's own: what PQconninfoParse reads is what
 * the connection will use, so a password written in any form libpq accepts
 * (user part, password= or pass%77ord=, a raw '?' in it) is found. */
static const char *opt_val(const PQconninfoOption *o, const char *key)
{
  for(; o && o->keyword; o++)
    if(!strcmp(o->keyword, key))
      return o->val && *o->val ? o->val : NULL;
  return NULL;
}

static size_t put(char *out, size_t cap, size_t k, const char *s)
{
  while(*s && k + 1 < cap)
    out[k++] = *s++;
  out[k] = 0;
  return k;
}

size_t icp_cache_pg_where(const char *url, char *out, size_t cap)
{
  PQconninfoOption *o;
  const char *user, *host, *port, *db;
  size_t k = 0;
  if(!cap)
    return 0;
  out[0] = 0;
  if(icp_pq_open(NULL))
    return put(out, cap, 0, "postgresql:// (libpq cannot be loaded)");
  o = icp_cache_pg_is_url(url) ? PQconninfoParse(url, NULL) : NULL;
  if(!o)
    return put(out, cap, 0, "postgresql:// (not a valid URL)");
  user = opt_val(o, "user");
  host = opt_val(o, "host");
  port = opt_val(o, "port");
  db = opt_val(o, "dbname");
  k = put(out, cap, k, "postgresql://");
  if(user || opt_val(o, "password")) {
    k = put(out, cap, k, user ? user : "");
    if(opt_val(o, "password"))
      k = put(out, cap, k, ":" ICP_REDACTED);
    k = put(out, cap, k, "@");
  }
  if(host && host[0] != '/')
    k = put(out, cap, k, host);
  if(port) {
    k = put(out, cap, k, ":");
    k = put(out, cap, k, port);
  }
  k = put(out, cap, k, "/");
  k = put(out, cap, k, db ? db : "");
  if(host && host[0] == '/') {
    k = put(out, cap, k, "?host=");
    k = put(out, cap, k, host);
  }
  PQconninfoFree(o);
  return k;
}

/* Adds s and its percent-encoded form (as a URL may carry it). */
static int add_secret(struct icp_redact *r, const char *s)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t i, k = 0, n = strlen(s);
  char *e = malloc(3 * n + 1);
  int bad;
  if(!e)
    return -1;
  for(i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
       (ch >= '0' && ch <= '9') || strchr("-._~", ch))
      e[k++] = (char)ch;
    else {
      e[k++] = '%';
      e[k++] = hex[ch >> 4];
      e[k++] = hex[ch & 15];
    }
  }
  e[k] = 0;
  bad = icp_redact_add(r, s) || icp_redact_add(r, e);
  free(e);
  return bad ? -1 : 0;
}

int icp_cache_pg_secrets(const char *url, struct icp_redact *r)
{
  PQconninfoOption *o;
  const char *pw;
  int n = 0;
  if(!icp_cache_pg_is_url(url) || icp_pq_open(NULL))
    return 0; /* refused by icp_cache_pg_check, never connected to */
  o = PQconninfoParse(url, NULL);
  if(!o)
    return 0; /* refused by icp_cache_pg_check, never connected to */
  pw = opt_val(o, "password");
  if(pw)
    n = add_secret(r, pw) ? -1 : 1;
  PQconninfoFree(o);
  return n;
}

/* Copies msg into out on one line (libpq's run over several), without
 * its passwords. */
static void scrub(const struct icp_redact *r, const char *msg, char *out,
                  size_t cap)
{
  size_t i, k = 0;
  icp_redact(r, msg ? msg : "", out, cap);
  for(i = 0; out[i]; i++) {
    char ch = out[i] == '\n' || out[i] == '\t' ? ' ' : out[i];
    if(ch == ' ' && (!k || out[k - 1] == ' '))
      continue;
    out[k++] = ch;
  }
  while(k && out[k - 1] == ' ')
    k--;
  out[k] = 0;
}

/* A URL libpq cannot parse gives no password to redact, and its message
 * may quote a piece of the URL ("invalid percent-encoded token: ..."):
 * a quoted token is kept only when it is a parameter name. Writes msg so
 * filtered into out (cap bytes). */
static void hide_tokens(const char *msg, char *out, size_t cap)
{
  const char *q, *e, *t;
  size_t k = 0;
  out[0] = 0;
  while(*msg) {
    q = strchr(msg, '"');
    e = q ? strchr(q + 1, '"') : NULL;
    if(!e) {
      put(out, cap, k, msg);
      return;
    }
    for(t = q + 1; t < e; t++)
      if(!((*t >= 'a' && *t <= 'z') || (*t >= '0' && *t <= '9') ||
           *t == '_'))
        break;
    while(msg <= q && k + 1 < cap)
      out[k++] = *msg++;
    out[k] = 0;
    if(t < e)
      k = put(out, cap, k, ICP_REDACTED);
    else
      while(msg < e && k + 1 < cap)
        out[k++] = *msg++;
    msg = e;
    if(k + 1 < cap)
      out[k++] = *msg++;
    out[k] = 0;
  }
}

int icp_cache_pg_check(const char *url, char *why, size_t cap)
{
  struct icp_redact r;
  char *perr = NULL, msg[ICP_ERR_MAX];
  PQconninfoOption *opts;
  struct icp_err lerr;
  if(!icp_cache_pg_is_url(url)) {
    snprintf(why, cap, "not a postgresql:// URL");
    return -1;
  }
  if(icp_pq_open(&lerr)) {
    snprintf(why, cap, "%s", lerr.msg);
    return -1;
  }
  opts = PQconninfoParse(url, &perr);
  if(opts) {
    PQconninfoFree(opts);
    return 0;
  }
  hide_tokens(perr ? perr : "out of memory", msg, sizeof(msg));
  icp_redact_init(&r);
  scrub(&r, msg, why, cap);
  icp_redact_free(&r);
  PQfreemem(perr);
  return -1;
}

/* ---- connection and faults ---------------------------------------------- */

static int64_t mono_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Stops caching for the rest of the run; ICP_EIO with the reason the first
 * time, ICP_OK (already said) after. */
static enum icp_status fault(struct icp_cache_pg *c, const char *what,
                             struct icp_err *err)
{
  char detail[ICP_ERR_MAX], full[3 * ICP_ERR_MAX];
  if(c->off)
    return ICP_OK;
  c->off = 1;
  c->claims = 0;
  if(c->timed_out)
    snprintf(detail, sizeof(detail), "no answer within %ld ms",
             c->wait_ms);
  else
    scrub(&c->red, c->conn ? PQerrorMessage(c->conn) : "out of memory",
          detail, sizeof(detail));
  snprintf(full, sizeof(full), "cache: %s: %.140s; going on without "
           "caching (%s)", what, detail[0] ? detail : "error", c->where);
  /* the URL last: what a cut leaves out matters least */
  snprintf(c->why, sizeof(c->why), "%.*s", (int)sizeof(c->why) - 1, full);
  if(c->timed_out && c->conn) {
    /* a server that hangs would hang PQcancel too (PostgreSQL 15's waits
     * for the postmaster's answer, with no deadline): drop the connection;
     * the server ends the statement itself (statement_timeout) */
    PQfinish(c->conn);
    c->conn = NULL;
  }
  return icp_err_set(err, ICP_EIO, "%s", c->why);
}

static void quiet(void *ud, const char *msg)
{
  (void)ud;
  (void)msg; /* NOTICEs ("relation already exists, skipping") */
}

/* 1 when res is a result of the expected status; clears it otherwise. */
static int ok(PGresult **res, ExecStatusType want)
{
  if(*res && PQresultStatus(*res) == want)
    return 1;
  PQclear(*res);
  *res = NULL;
  return 0;
}

/* Waits (poll, until the deadline) for the answer of what was just sent
 * on the non-blocking connection. Returns its last result (the first
 * error, if any), or NULL: c->timed_out when the server gave no answer in
 * time, else a connection error (PQerrorMessage says). */
static PGresult *await(struct icp_cache_pg *c, int sent)
{
  int64_t end = mono_ms() + c->wait_ms;
  PGresult *res = NULL, *r;
  int flushing = 1;
  if(!sent)
    return NULL;
  for(;;) {
    struct pollfd p;
    int64_t left;
    if(flushing) {
      int f = PQflush(c->conn);
      if(f < 0)
        break;
      flushing = f == 1;
    }
    if(!flushing) {
      if(!PQconsumeInput(c->conn))
        break;
      if(!PQisBusy(c->conn)) {
        while((r = PQgetResult(c->conn))) {
          if(res && PQresultStatus(res) == PGRES_FATAL_ERROR)
            PQclear(r); /* the first error is the reason */
          else {
            PQclear(res);
            res = r;
          }
          if(PQisBusy(c->conn))
            break;
        }
        if(!r)
          return res;
        continue;
      }
    }
    left = end - mono_ms();
    if(left <= 0) {
      c->timed_out = 1;
      break;
    }
    p.fd = PQsocket(c->conn);
    p.events = (short)(POLLIN | (flushing ? POLLOUT : 0));
    p.revents = 0;
    if(p.fd < 0)
      break;
    if(poll(&p, 1, (int)left) < 0 && errno != EINTR)
      break;
  }
  PQclear(res);
  return NULL;
}

static int exec_ok(struct icp_cache_pg *c, const char *sql,
                   ExecStatusType want)
{
  PGresult *res = await(c, PQsendQuery(c->conn, sql));
  int r = ok(&res, want);
  PQclear(res);
  return r;
}

static PGresult *run(struct icp_cache_pg *c, int s, const char *const *v)
{
  return await(c, PQsendQueryPrepared(c->conn, stmts[s].name,
                                      stmts[s].nparams, v, NULL, NULL, 0));
}

/* The first column of the one row sql returns, into out; -1 when none. */
static int one_value(struct icp_cache_pg *c, const char *sql, char *out,
                     size_t cap)
{
  PGresult *res = await(c, PQsendQuery(c->conn, sql));
  int r = -1;
  if(ok(&res, PGRES_TUPLES_OK) && PQntuples(res) == 1 &&
     PQgetlength(res, 0, 0) < (int)cap) {
    snprintf(out, cap, "%s", PQgetvalue(res, 0, 0));
    r = 0;
  }
  PQclear(res);
  return r;
}

static int set_up(struct icp_cache_pg *c)
{
  PGresult *res;
  char v[64];
  long t;
  int i;
  if(PQsetnonblocking(c->conn, 1))
    return -1;
  /* the URL's options (-c statement_timeout=...) win over the default;
   * the client waits that long and a margin for an answer */
  if(one_value(c, "SELECT setting FROM pg_settings"
               " WHERE name = 'statement_timeout'", v, sizeof(v)))
    return -1;
  t = strtol(v, NULL, 10);
  if(t <= 0) {
    if(!exec_ok(c, "SET statement_timeout = '" STATEMENT_TIMEOUT "'",
                PGRES_COMMAND_OK))
      return -1;
    t = 30000;
  }
  c->wait_ms = t + (t / 4 > 1000 ? t / 4 : 1000);
  /* CREATE TABLE IF NOT EXISTS needs CREATE on the schema even when the
   * table exists: ask first, so that a role that may only read and write
   * the tables (PostgreSQL 15's default on public) can use them */
  if(one_value(c, "SELECT to_regclass('icp_enrich_cache') IS NULL"
               " OR to_regclass('icp_enrich_claim') IS NULL"
               " OR to_regclass('icp_enrich_claim_owner') IS NULL", v,
               sizeof(v)))
    return -1;
  if(!strcmp(v, "t")) {
    if(c->mode == ICP_CACHE_OFFLINE) {
      /* read only: nothing is created; none yet reads as an empty cache */
      c->empty = 1;
      return 0;
    }
    /* on failure the connection is dropped with its transaction: no
     * ROLLBACK that would replace the reason in PQerrorMessage */
    if(!exec_ok(c, setup_sql, PGRES_COMMAND_OK))
      return -1;
  }
  if(one_value(c, "SELECT md5(random()::text || clock_timestamp()"
               "::text || pg_backend_pid()::text)", c->owner,
               sizeof(c->owner)))
    return -1;
  for(i = 0; i < S_COUNT; i++) {
    res = await(c, PQsendPrepare(c->conn, stmts[i].name, stmts[i].sql,
                                 stmts[i].nparams, NULL));
    if(!ok(&res, PGRES_COMMAND_OK))
      return -1;
    PQclear(res);
  }
  return 0;
}

enum icp_status icp_cache_pg_open(struct icp_cache_pg **out, const char *url,
                                  enum icp_cache_mode mode,
                                  struct icp_err *err)
{
  /* later entries win: the URL's own settings override these defaults;
   * over TCP, a server that vanished (no FIN) is noticed within ~30 s */
  static const char *const keys[] = { "connect_timeout", "application_name",
                                      "keepalives_idle", "keepalives_interval",
                                      "keepalives_count", "tcp_user_timeout",
                                      "dbname", NULL };
  const char *vals[] = { "10", "icp", "10", "5", "3", "30000", url, NULL };
  struct icp_cache_pg *c = calloc(1, sizeof(*c));
  char why[ICP_ERR_MAX];
  *out = NULL;
  if(!c)
    return icp_err_set(err, ICP_ENOMEM, "cache: out of memory");
  c->mode = mode;
  c->lease_ms = LEASE_MS_DEFAULT;
  c->wait_ms = SETUP_WAIT_MS;
  icp_redact_init(&c->red);
  icp_cache_pg_where(url, c->where, sizeof(c->where));
  if(icp_cache_pg_secrets(url, &c->red) < 0) {
    icp_cache_pg_close(c);
    return icp_err_set(err, ICP_ENOMEM, "cache: out of memory");
  }
  if(icp_cache_pg_check(url, why, sizeof(why))) {
    enum icp_status st = icp_err_set(err, ICP_ELOAD, "cache %s: %s",
                                     c->where, why);
    icp_cache_pg_close(c);
    return st;
  }
  c->conn = PQconnectdbParams(keys, vals, 1);
  if(!c->conn) {
    icp_cache_pg_close(c);
    return icp_err_set(err, ICP_ENOMEM, "cache: out of memory");
  }
  PQsetNoticeProcessor(c->conn, quiet, NULL);
  if(PQstatus(c->conn) != CONNECTION_OK)
    fault(c, "cannot connect", err);
  else if(set_up(c))
    fault(c, "cannot set up", err);
  *out = c;
  return ICP_OK; /* the caller reads icp_cache_pg_fault */
}

void icp_cache_pg_close(struct icp_cache_pg *c)
{
  if(!c)
    return;
  icp_cache_pg_release(c);
  if(c->conn)
    PQfinish(c->conn);
  icp_redact_free(&c->red);
  free(c);
}

const char *icp_cache_pg_fault(const struct icp_cache_pg *c)
{
  return c && c->off ? c->why : NULL;
}

void icp_cache_pg_lease(struct icp_cache_pg *c, long ms)
{
  if(c && ms > 0)
    c->lease_ms = ms;
}

/* ---- lookups, claims, answers ------------------------------------------- */

/* Reads the row of (provider, domain): 1 fresh (hit and json set), 0
 * missing or stale, -1 a fault. */
static int lookup(struct icp_cache_pg *c, const char *provider,
                  const char *domain, int64_t ttl_s, enum icp_cache_hit *hit,
                  char **json, struct icp_err *err)
{
  char max[24], ttl[24];
  const char *v[4] = { provider, domain, max, ttl };
  PGresult *res;
  int r = 0;
  snprintf(max, sizeof(max), "%d", ICP_CACHE_ROW_MAX);
  snprintf(ttl, sizeof(ttl), "%lld", (long long)ttl_s);
  res = run(c, S_GET, v);
  if(!ok(&res, PGRES_TUPLES_OK)) {
    fault(c, "read failed", err);
    return -1;
  }
  if(PQntuples(res) == 1 && !PQgetisnull(res, 0, 2)) {
    int fresh = !strcmp(PQgetvalue(res, 0, 2), "t");
    int found = !strcmp(PQgetvalue(res, 0, 0), "t");
    int n = PQgetlength(res, 0, 1);
    if(!fresh)
      r = 0;
    else if(!found) {
      *hit = ICP_CACHE_NOT_FOUND;
      r = 1;
    }
    else if(PQgetisnull(res, 0, 1) && !PQgetisnull(res, 0, 3) &&
            !c->said_oversize) {
      /* a miss, said once (icp_cache_pg_get returns ICP_ELIMIT) */
      c->said_oversize = 1;
      c->oversize_now = 1;
      icp_err_set(err, ICP_ELIMIT, "cache: the record of %s for %s is %s "
                  "bytes, over %d: not read, asked again (said once)",
                  provider, domain, PQgetvalue(res, 0, 3),
                  ICP_CACHE_ROW_MAX);
    }
    else if(!PQgetisnull(res, 0, 1) && n <= ICP_CACHE_ROW_MAX) {
      *json = malloc((size_t)n + 1);
      if(!*json) {
        PQclear(res);
        icp_err_set(err, ICP_ENOMEM, "cache: out of memory");
        return -2;
      }
      memcpy(*json, PQgetvalue(res, 0, 1), (size_t)n);
      (*json)[n] = 0;
      *hit = ICP_CACHE_FOUND;
      r = 1;
    }
  }
  PQclear(res);
  return r;
}

static enum icp_status get(struct icp_cache_pg *c, const char *provider,
                           const char *domain, int64_t ttl_s,
                           enum icp_cache_hit *hit, char **json,
                           struct icp_err *err)
{
  char lease[24];
  const char *v[4] = { provider, domain, c->owner, lease };
  PGresult *res;
  int r, mine;
  *hit = ICP_CACHE_MISS;
  *json = NULL;
  /* --refresh ignores the cache, and the claims of others with it */
  if(c->off || c->empty || c->mode == ICP_CACHE_REFRESH)
    return ICP_OK;
  r = lookup(c, provider, domain, ttl_s, hit, json, err);
  if(r < 0)
    return r == -2 ? ICP_ENOMEM : ICP_EIO;
  if(r > 0 || c->mode == ICP_CACHE_OFFLINE)
    return ICP_OK;
  snprintf(lease, sizeof(lease), "%ld", c->lease_ms);
  res = run(c, S_CLAIM, v);
  if(!ok(&res, PGRES_TUPLES_OK))
    return fault(c, "cannot claim", err);
  mine = PQntuples(res) == 1;
  PQclear(res);
  if(!mine) {
    *hit = ICP_CACHE_PENDING; /* another process is asking */
    return ICP_OK;
  }
  if(!c->claims)
    c->renewed_ms = mono_ms();
  c->claims = 1;
  /* its answer may have come between the lookup and the claim */
  r = lookup(c, provider, domain, ttl_s, hit, json, err);
  if(r < 0)
    return r == -2 ? ICP_ENOMEM : ICP_EIO;
  if(r > 0) {
    res = run(c, S_UNCLAIM, v);
    if(!ok(&res, PGRES_COMMAND_OK))
      return fault(c, "cannot unclaim", err);
    PQclear(res);
  }
  return ICP_OK;
}

enum icp_status icp_cache_pg_get(struct icp_cache_pg *c,
                                 const char *provider, const char *domain,
                                 int64_t ttl_s, enum icp_cache_hit *hit,
                                 char **json, struct icp_err *err)
{
  enum icp_status st;
  c->oversize_now = 0;
  st = get(c, provider, domain, ttl_s, hit, json, err);
  return st == ICP_OK && c->oversize_now ? ICP_ELIMIT : st;
}

enum icp_status icp_cache_pg_put(struct icp_cache_pg *c,
                                 const char *provider, const char *domain,
                                 const char *json, struct icp_err *err)
{
  const char *v[5] = { provider, domain, json ? "t" : "f", json, c->owner };
  PGresult *res;
  if(c->off || c->mode == ICP_CACHE_OFFLINE)
    return ICP_OK;
  if(json && strlen(json) > ICP_CACHE_ROW_MAX)
    return icp_err_set(err, ICP_ELIMIT, "cache: fields of %s too large",
                       domain);
  res = run(c, S_PUT, v);
  if(!ok(&res, PGRES_COMMAND_OK))
    return fault(c, "write failed", err);
  PQclear(res);
  return ICP_OK;
}

enum icp_status icp_cache_pg_wait(struct icp_cache_pg *c,
                                  const char *provider, const char *domain,
                                  struct icp_err *err)
{
  const char *v[2] = { provider, domain };
  long step = 2;
  for(;;) {
    struct timespec ts;
    PGresult *res;
    int held;
    if(c->off)
      return ICP_OK;
    res = run(c, S_PENDING, v);
    if(!ok(&res, PGRES_TUPLES_OK))
      return fault(c, "read failed", err);
    held = PQntuples(res) > 0;
    PQclear(res);
    if(!held)
      return ICP_OK; /* answered, given up, or its lease ran out */
    ts.tv_sec = 0;
    ts.tv_nsec = step * 1000000L;
    nanosleep(&ts, NULL);
    if(step < WAIT_STEP_MAX_MS)
      step *= 2;
  }
}

void icp_cache_pg_release(struct icp_cache_pg *c)
{
  const char *v[1];
  if(!c || c->off || !c->claims)
    return;
  v[0] = c->owner;
  c->claims = 0;
  /* a failure here only leaves claims that expire with their lease */
  PQclear(run(c, S_RELEASE, v));
}

enum icp_status icp_cache_pg_keepalive(struct icp_cache_pg *c,
                                       struct icp_err *err)
{
  char lease[24];
  const char *v[2] = { c ? c->owner : NULL, lease };
  int64_t now = mono_ms();
  PGresult *res;
  if(!c || c->off || !c->claims || now - c->renewed_ms < c->lease_ms / 3)
    return ICP_OK;
  c->renewed_ms = now;
  snprintf(lease, sizeof(lease), "%ld", c->lease_ms);
  res = run(c, S_RENEW, v);
  if(!ok(&res, PGRES_COMMAND_OK))
    return fault(c, "cannot renew claims", err);
  PQclear(res);
  return ICP_OK;
}
