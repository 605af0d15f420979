/* cache.c -- the SQLite enrichment cache, and the switch to the
 * PostgreSQL one (cache_pg.c) when opened with a URL. */
#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "net/cache.h"
#include "net/cache_pg.h"

#define BUSY_TIMEOUT_MS 10000
#define ROW_MAX ICP_CACHE_ROW_MAX

struct icp_cache {
  struct icp_cache_pg *pg;   /* the PostgreSQL backend, or NULL */
  sqlite3 *db;
  sqlite3_stmt *get, *put;
  enum icp_cache_mode mode;
  int in_tx;
  int in_read;
  int off;                 /* stopped caching after a fault */
  char why[ICP_ERR_MAX];   /* the fault, said once */
  char path[200];
};

static const char create_sql[] =
  "CREATE TABLE IF NOT EXISTS enrich_cache("
  " provider TEXT NOT NULL,"
  " domain TEXT NOT NULL,"
  " found INTEGER NOT NULL,"
  " fields TEXT,"
  " fetched_at INTEGER NOT NULL,"
  " PRIMARY KEY(provider, domain)) WITHOUT ROWID";

static enum icp_status db_err(struct icp_cache *c, const char *path,
                              const char *what, struct icp_err *err)
{
  return icp_err_set(err, ICP_EIO, "cache %s: %s: %s", path ? path : "",
                     what, c->db ? sqlite3_errmsg(c->db) : "out of memory");
}

/* mkdir -p of the directory part of path. */
static void make_parent(const char *path)
{
  char tmp[4096];
  size_t n = strlen(path), i;
  if(n >= sizeof(tmp))
    return;
  memcpy(tmp, path, n + 1);
  for(i = 1; i < n; i++)
    if(tmp[i] == '/') {
      tmp[i] = 0;
      if(mkdir(tmp, 0700) && errno != EEXIST)
        return;
      tmp[i] = '/';
    }
}

static int exec(sqlite3 *db, const char *sql)
{
  return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/* SQLite results that mean the file cannot be used now, not that it is
 * not a cache: read-only, full disk, I/O error, a lock held too long */
static int is_fault(int rc)
{
  switch(rc & 0xff) {
  case SQLITE_READONLY: case SQLITE_FULL: case SQLITE_IOERR:
  case SQLITE_BUSY: case SQLITE_LOCKED: case SQLITE_CANTOPEN:
  case SQLITE_PERM:
    return 1;
  }
  return 0;
}

/* Stops caching for the rest of the run; ICP_EIO with the reason the first
 * time, ICP_OK (already said) after. */
static enum icp_status fault(struct icp_cache *c, const char *what,
                             struct icp_err *err)
{
  if(c->off)
    return ICP_OK;
  c->off = 1;
  snprintf(c->why, sizeof(c->why), "cache %s: %s: %s; going on without "
           "caching", c->path, what, c->db ? sqlite3_errmsg(c->db) :
           "cannot open");
  if(c->db && (c->in_tx || c->in_read))
    exec(c->db, "ROLLBACK");
  c->in_tx = c->in_read = 0;
  return icp_err_set(err, ICP_EIO, "%s", c->why);
}

const char *icp_cache_fault(const struct icp_cache *c)
{
  if(c && c->pg)
    return icp_cache_pg_fault(c->pg);
  return c && c->off ? c->why : NULL;
}

enum icp_status icp_cache_open(struct icp_cache **out, const char *path,
                               enum icp_cache_mode mode,
                               struct icp_err *err)
{
  struct icp_cache *c = calloc(1, sizeof(*c));
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
              SQLITE_OPEN_NOMUTEX;
  int rc;
  *out = NULL;
  if(!c)
    return icp_err_set(err, ICP_ENOMEM, "cache: out of memory");
  c->mode = mode;
  if(icp_cache_pg_is_url(path)) {
    enum icp_status st = icp_cache_pg_open(&c->pg, path, mode, err);
    if(st) {
      free(c);
      return st;
    }
    *out = c;
    return ICP_OK;
  }
  snprintf(c->path, sizeof(c->path), "%s", path);
  if(mode == ICP_CACHE_OFFLINE)
    flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  else
    make_parent(path);
  rc = sqlite3_open_v2(path, &c->db, flags, NULL);
  if(rc != SQLITE_OK && mode == ICP_CACHE_OFFLINE) {
    /* no cache yet: offline reads miss everything */
    sqlite3_close(c->db);
    c->db = NULL;
    rc = sqlite3_open_v2(":memory:", &c->db, SQLITE_OPEN_READWRITE |
                         SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  }
  if(rc != SQLITE_OK && mode != ICP_CACHE_OFFLINE && is_fault(rc)) {
    fault(c, "cannot open", err);
    *out = c;
    return ICP_OK; /* the caller reads icp_cache_fault */
  }
  if(rc != SQLITE_OK) {
    enum icp_status st = db_err(c, path, "cannot open", err);
    icp_cache_close(c);
    return st;
  }
  /* defensive mode, no triggers or views from a planted file, limits */
  sqlite3_db_config(c->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config(c->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
  sqlite3_db_config(c->db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
  sqlite3_db_config(c->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
  sqlite3_db_config(c->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
  sqlite3_limit(c->db, SQLITE_LIMIT_LENGTH, ROW_MAX + 4096);
  sqlite3_limit(c->db, SQLITE_LIMIT_SQL_LENGTH, 100000);
  sqlite3_limit(c->db, SQLITE_LIMIT_COLUMN, 100);
  sqlite3_limit(c->db, SQLITE_LIMIT_EXPR_DEPTH, 100);
  sqlite3_limit(c->db, SQLITE_LIMIT_COMPOUND_SELECT, 10);
  sqlite3_limit(c->db, SQLITE_LIMIT_VDBE_OP, 100000);
  sqlite3_limit(c->db, SQLITE_LIMIT_ATTACHED, 0);
  sqlite3_limit(c->db, SQLITE_LIMIT_TRIGGER_DEPTH, 1);
  sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
  /* lookups of a big cache read pages through the OS page cache instead
   * of copying them (and SQLite's own cache is only 2 MiB) */
  exec(c->db, "PRAGMA mmap_size=268435456");
  if(mode != ICP_CACHE_OFFLINE) {
    /* WAL lets readers and one writer of another process go on at once */
    if((rc = exec(c->db, "PRAGMA journal_mode=WAL")) ||
       (rc = exec(c->db, "PRAGMA synchronous=NORMAL")) ||
       (rc = exec(c->db, create_sql))) {
      enum icp_status st;
      if(is_fault(rc)) {
        fault(c, "cannot set up", err);
        *out = c;
        return ICP_OK;
      }
      st = db_err(c, path, "cannot set up", err);
      icp_cache_close(c);
      return st;
    }
  }
  else if(exec(c->db, "PRAGMA query_only=1") ||
          exec(c->db, create_sql) != SQLITE_OK) {
    /* a read-only in-memory stand-in needs the table */
    exec(c->db, "PRAGMA query_only=0");
    exec(c->db, create_sql);
    exec(c->db, "PRAGMA query_only=1");
  }
  rc = sqlite3_prepare_v2(c->db,
                          "SELECT found, fields, fetched_at FROM enrich_cache"
                          " WHERE provider = ?1 AND domain = ?2",
                          -1, &c->get, NULL);
  if(rc == SQLITE_OK)
    rc = sqlite3_prepare_v2(c->db,
                            "INSERT OR REPLACE INTO enrich_cache"
                            "(provider, domain, found, fields, fetched_at)"
                            " VALUES (?1, ?2, ?3, ?4, ?5)",
                            -1, &c->put, NULL);
  if(rc != SQLITE_OK && mode != ICP_CACHE_OFFLINE && is_fault(rc)) {
    fault(c, "cannot set up", err);
    *out = c;
    return ICP_OK;
  }
  if(rc != SQLITE_OK && !(mode == ICP_CACHE_OFFLINE && c->get)) {
    enum icp_status st = db_err(c, path, "not a cache file", err);
    icp_cache_close(c);
    return st;
  }
  *out = c;
  return ICP_OK;
}

void icp_cache_close(struct icp_cache *c)
{
  if(!c)
    return;
  icp_cache_pg_close(c->pg);
  if(c->in_tx || c->in_read)
    exec(c->db, "COMMIT");
  sqlite3_finalize(c->get);
  sqlite3_finalize(c->put);
  sqlite3_close(c->db);
  free(c);
}

enum icp_status icp_cache_get(struct icp_cache *c, const char *provider,
                              const char *domain, int64_t ttl_s,
                              int64_t now, enum icp_cache_hit *hit,
                              char **json, struct icp_err *err)
{
  int rc;
  enum icp_status st = ICP_OK;
  if(c->pg)
    return icp_cache_pg_get(c->pg, provider, domain, ttl_s, hit, json, err);
  *hit = ICP_CACHE_MISS;
  *json = NULL;
  if(c->mode == ICP_CACHE_REFRESH || c->off)
    return ICP_OK;
  sqlite3_bind_text(c->get, 1, provider, -1, SQLITE_STATIC);
  sqlite3_bind_text(c->get, 2, domain, -1, SQLITE_STATIC);
  rc = sqlite3_step(c->get);
  if(rc == SQLITE_ROW) {
    int found = sqlite3_column_int(c->get, 0);
    int64_t at = sqlite3_column_int64(c->get, 2);
    if(icp_cache_fresh(at, now, ttl_s)) {
      if(!found)
        *hit = ICP_CACHE_NOT_FOUND;
      else if(sqlite3_column_type(c->get, 1) == SQLITE_TEXT) {
        const unsigned char *t = sqlite3_column_text(c->get, 1);
        int n = sqlite3_column_bytes(c->get, 1);
        *json = t ? malloc((size_t)n + 1) : NULL;
        if(*json) {
          memcpy(*json, t, (size_t)n);
          (*json)[n] = 0;
          *hit = ICP_CACHE_FOUND;
        }
        else
          st = icp_err_set(err, ICP_ENOMEM, "cache: out of memory");
      }
    }
  }
  sqlite3_reset(c->get);
  sqlite3_clear_bindings(c->get);
  if(rc != SQLITE_ROW && rc != SQLITE_DONE && c->mode != ICP_CACHE_OFFLINE &&
     is_fault(rc))
    return fault(c, "read failed", err);
  if(rc != SQLITE_ROW && rc != SQLITE_DONE)
    st = icp_err_set(err, ICP_EIO, "cache: read failed: %s",
                     sqlite3_errmsg(c->db));
  return st;
}

enum icp_status icp_cache_put(struct icp_cache *c, const char *provider,
                              const char *domain, const char *json,
                              int64_t now, struct icp_err *err)
{
  int rc;
  size_t n = json ? strlen(json) : 0;
  if(c->pg)
    return icp_cache_pg_put(c->pg, provider, domain, json, err);
  if(c->mode == ICP_CACHE_OFFLINE || !c->put || c->off)
    return ICP_OK;
  if(n > ROW_MAX)
    return icp_err_set(err, ICP_ELIMIT, "cache: fields of %s too large",
                       domain);
  sqlite3_bind_text(c->put, 1, provider, -1, SQLITE_STATIC);
  sqlite3_bind_text(c->put, 2, domain, -1, SQLITE_STATIC);
  sqlite3_bind_int(c->put, 3, json != NULL);
  if(json)
    sqlite3_bind_text(c->put, 4, json, (int)n, SQLITE_STATIC);
  else
    sqlite3_bind_null(c->put, 4);
  sqlite3_bind_int64(c->put, 5, now);
  rc = sqlite3_step(c->put);
  sqlite3_reset(c->put);
  sqlite3_clear_bindings(c->put);
  if(rc != SQLITE_DONE && is_fault(rc))
    return fault(c, "write failed", err);
  if(rc != SQLITE_DONE)
    return icp_err_set(err, ICP_EIO, "cache: write failed: %s",
                       sqlite3_errmsg(c->db));
  return ICP_OK;
}

void icp_cache_read_begin(struct icp_cache *c)
{
  if(!c || c->pg || c->off || c->in_tx || c->in_read)
    return;
  if(exec(c->db, "BEGIN DEFERRED") == SQLITE_OK)
    c->in_read = 1;
}

void icp_cache_read_end(struct icp_cache *c)
{
  if(!c || !c->in_read)
    return;
  c->in_read = 0;
  exec(c->db, "COMMIT");
}

enum icp_status icp_cache_begin(struct icp_cache *c, struct icp_err *err)
{
  int rc;
  if(c->pg || c->mode == ICP_CACHE_OFFLINE || c->in_tx || c->off)
    return ICP_OK;
  if((rc = exec(c->db, "BEGIN IMMEDIATE")))
    return is_fault(rc) ? fault(c, "cannot lock", err) :
           icp_err_set(err, ICP_EIO, "cache: %s", sqlite3_errmsg(c->db));
  c->in_tx = 1;
  return ICP_OK;
}

enum icp_status icp_cache_commit(struct icp_cache *c, struct icp_err *err)
{
  int rc;
  if(!c->in_tx || c->off)
    return ICP_OK;
  if((rc = exec(c->db, "COMMIT"))) {
    if(is_fault(rc))
      return fault(c, "cannot commit", err);
    c->in_tx = 0;
    return icp_err_set(err, ICP_EIO, "cache: %s", sqlite3_errmsg(c->db));
  }
  c->in_tx = 0;
  return ICP_OK;
}

/* ---- what only shared caches do ----------------------------------------- */

int icp_cache_fresh(int64_t at, int64_t now, int64_t ttl_s)
{
  return ttl_s <= 0 || (at <= now && now - at <= ttl_s);
}


enum icp_status icp_cache_wait(struct icp_cache *c, const char *provider,
                               const char *domain, struct icp_err *err)
{
  return c && c->pg ? icp_cache_pg_wait(c->pg, provider, domain, err)
                    : ICP_OK;
}

void icp_cache_release(struct icp_cache *c)
{
  if(c && c->pg)
    icp_cache_pg_release(c->pg);
}

enum icp_status icp_cache_keepalive(struct icp_cache *c, struct icp_err *err)
{
  return c && c->pg ? icp_cache_pg_keepalive(c->pg, err) : ICP_OK;
}

void icp_cache_lease(struct icp_cache *c, long ms)
{
  if(c && c->pg)
    icp_cache_pg_lease(c->pg, ms);
}
