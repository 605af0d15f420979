/* enrich.c -- an enrichment session: the provider waterfall. */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "data/schema.h"
#include "net/cache.h"
#include "net/enrich.h"
#include "net/host.h"
#include "net/loader.h"
#include "net/providers.h"
#include "net/scheduler.h"

struct pstat {
  long cache_hits, not_found, failures, fields;
};

struct chain {
  const char *kind;
  int *plug;               /* indexes into e->pl */
  size_t n;
};

struct icp_enrich {
  struct icp_schema *schema;
  struct icp_enrich_opts opts;
  struct icp_providers *pv;
  struct icp_plugin *pl;
  int *sched_id, *src_live, *src_cache;
  struct pstat *st;
  size_t npl;
  struct chain *chains;
  size_t nchains;
  struct icp_cache *cache;
  struct icp_sched *sched;
  struct icp_host_log log;
  struct icp_enr_output out;
  struct icp_buf json;
  int refused, failed_accounts;
  size_t done, total, seen;
  long long t0;
  int tty;
};

struct acct_state {
  struct icp_account *a;
  int pending;             /* 1 until its job is finished */
  int asked, ok;           /* providers asked / answered usefully */
};

struct job {
  struct icp_enrich *e;
  struct acct_state *as;
  size_t chain, pos;
};

static long long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- open and close ----------------------------------------------------- */

static int find_plugin(const struct icp_enrich *e, const char *name)
{
  size_t i;
  for(i = 0; i < e->npl; i++)
    if(!strcmp(e->pl[i].cfg->name, name))
      return (int)i;
  return -1;
}

/* The waterfalls in a fixed order, firmographic first, whatever order
 * the config table gave (Lua's table order changes between runs). */
static enum icp_status build_chains(struct icp_enrich *e)
{
  static const char *const kinds[] = { "firmographic", "technographic" };
  static const uint32_t bits[] = { ICP_ENR_KIND_FIRMOGRAPHIC,
                                   ICP_ENR_KIND_TECHNOGRAPHIC };
  struct icp_providers *pv = e->pv;
  size_t i, j, k;
  e->chains = calloc(2, sizeof(*e->chains));
  if(!e->chains)
    return ICP_ENOMEM;
  for(i = 0; i < 2; i++) {
    struct chain *c = &e->chains[e->nchains];
    const struct icp_chain *given = NULL;
    for(j = 0; pv->chains && j < pv->nchains; j++)
      if(!strcmp(pv->chains[j].kind, kinds[i]))
        given = &pv->chains[j];
    if(pv->chains && !given)
      continue;
    c->plug = calloc(e->npl ? e->npl : 1, sizeof(int));
    if(!c->plug)
      return ICP_ENOMEM;
    c->kind = kinds[i];
    if(given) {
      for(j = 0; j < given->n; j++) {
        int p = find_plugin(e, given->names[j]);
        if(p >= 0)
          c->plug[c->n++] = p;
      }
    }
    else {
      /* no enrich { }: every provider of the kind, in declaration order */
      for(k = 0; k < e->npl; k++)
        if(e->pl[k].kind & bits[i])
          c->plug[c->n++] = (int)k;
    }
    if(c->n)
      e->nchains++;
    else {
      free(c->plug);
      c->plug = NULL;
    }
  }
  return ICP_OK;
}

static int used(const struct icp_providers *pv, const char *name)
{
  size_t i, j;
  if(!pv->chains)
    return 1;
  for(i = 0; i < pv->nchains; i++)
    for(j = 0; j < pv->chains[i].n; j++)
      if(!strcmp(pv->chains[i].names[j], name))
        return 1;
  return 0;
}

enum icp_status icp_enrich_open(struct icp_enrich **out,
                                const char *providers_path,
                                struct icp_schema *schema,
                                const struct icp_enrich_opts *opts,
                                struct icp_err *err)
{
  struct icp_enrich *e = calloc(1, sizeof(*e));
  struct icp_sched_opts so;
  enum icp_status st;
  size_t i;
  char first[ICP_ERR_MAX] = "";

  *out = NULL;
  if(!e)
    return icp_err_set(err, ICP_ENOMEM, "enrich: out of memory");
  e->schema = schema;
  if(opts)
    e->opts = *opts;
  e->log.f = stderr;
  e->log.min_level = ICP_ENR_LOG_WARN;
  e->tty = e->opts.progress && isatty(2);
  icp_enr_out_init(&e->out, schema, NULL);
  icp_buf_init(&e->json, 4u << 20);
  st = icp_providers_load(&e->pv, providers_path, err);
  if(st) {
    icp_enrich_close(e);
    return st;
  }
  e->out.redact = &e->pv->redact;
  e->pl = calloc(e->pv->np, sizeof(*e->pl));
  e->sched_id = calloc(e->pv->np, sizeof(int));
  e->src_live = calloc(e->pv->np, sizeof(int));
  e->src_cache = calloc(e->pv->np, sizeof(int));
  e->st = calloc(e->pv->np, sizeof(*e->st));
  memset(&so, 0, sizeof(so));
  so.max_in_flight = e->opts.max_in_flight;
  if(!e->pl || !e->sched_id || !e->src_live || !e->src_cache || !e->st ||
     icp_sched_new(&e->sched, &so, err)) {
    icp_enrich_close(e);
    return icp_err_set(err, ICP_ENOMEM, "enrich: out of memory");
  }
  for(i = 0; i < e->pv->np; i++) {
    struct icp_enr_config *c = &e->pv->p[i];
    struct icp_plugin *pl = &e->pl[e->npl];
    struct icp_err lerr = { "" };
    char cname[128];
    if(!used(e->pv, c->name))
      continue;
    c->log_ud = &e->log;
    if(icp_plugin_load(pl, c, schema, &lerr)) {
      fprintf(stderr, "icp: %s: refused: %s\n", providers_path, lerr.msg);
      if(!first[0])
        snprintf(first, sizeof(first), "%s", lerr.msg);
      e->refused++;
      continue;
    }
    snprintf(cname, sizeof(cname), "cache:%s", c->name);
    e->sched_id[e->npl] = icp_sched_provider(e->sched, &c->lim);
    e->src_live[e->npl] = icp_schema_source(schema, c->name);
    e->src_cache[e->npl] = icp_schema_source(schema, cname);
    if(e->sched_id[e->npl] < 0 || e->src_live[e->npl] < 0 ||
       e->src_cache[e->npl] < 0) {
      icp_plugin_unload(pl);
      icp_enrich_close(e);
      return icp_err_set(err, ICP_ENOMEM, "enrich: out of memory");
    }
    e->npl++;
  }
  if(!e->npl) {
    icp_enrich_close(e);
    return icp_err_set(err, ICP_ELOAD, "%s", first[0] ? first
                       : "no provider is used by enrich { }");
  }
  st = build_chains(e);
  if(st) {
    icp_enrich_close(e);
    return icp_err_set(err, st, "enrich: out of memory");
  }
  st = icp_cache_open(&e->cache, e->pv->cache_path,
                      e->opts.offline ? ICP_CACHE_OFFLINE
                      : e->opts.refresh ? ICP_CACHE_REFRESH
                                        : ICP_CACHE_NORMAL, err);
  if(st) {
    icp_enrich_close(e);
    return st;
  }
  e->t0 = now_ms();
  *out = e;
  return ICP_OK;
}

void icp_enrich_close(struct icp_enrich *e)
{
  size_t i;
  if(!e)
    return;
  if(e->tty && e->done)
    fputc('\n', stderr);
  icp_sched_free(e->sched);
  for(i = 0; i < e->npl; i++)
    icp_plugin_unload(&e->pl[i]);
  for(i = 0; i < e->nchains; i++)
    free(e->chains[i].plug);
  free(e->chains);
  icp_cache_close(e->cache);
  icp_enr_out_free(&e->out);
  icp_buf_free(&e->json);
  free(e->pl);
  free(e->sched_id);
  free(e->src_live);
  free(e->src_cache);
  free(e->st);
  icp_providers_free(e->pv);
  free(e);
}

/* ---- the waterfall ------------------------------------------------------ */

static void advance(struct job *j);

static void account_done(struct job *j)
{
  struct acct_state *as = j->as;
  if(--as->pending == 0) {
    j->e->done++;
    if(as->asked && !as->ok)
      j->e->failed_accounts++;
  }
}

static void cache_store(struct icp_enrich *e, int p, const char *domain,
                        int found)
{
  struct icp_err err = { "" };
  enum icp_status st;
  icp_buf_reset(&e->json);
  if(found && icp_enr_out_json(&e->out, &e->json))
    return;
  st = icp_cache_put(e->cache, e->pl[p].cfg->name, domain,
                     found ? e->json.p : NULL, (int64_t)time(NULL), &err);
  if(st)
    fprintf(stderr, "icp: %s\n", err.msg);
}

static void apply(struct icp_enrich *e, int p, struct icp_account *a,
                  int source)
{
  int n = 0;
  if(icp_enr_out_apply(&e->out, a, source, e->pl[p].cfg->overwrite, &n) ==
     ICP_OK)
    e->st[p].fields += n;
}

static enum icp_sched_verdict on_answer(void *ud,
                                        const struct icp_sched_answer *a)
{
  struct job *j = ud;
  struct icp_enrich *e = j->e;
  int p = e->chains[j->chain].plug[j->pos];
  struct icp_plugin *pl = &e->pl[p];
  struct icp_enr_account view = { j->as->a };
  struct icp_enr_headers hdrs = { a };
  const char *domain = icp_account_domain(j->as->a);
  enum icp_sched_verdict v = ICP_SCHED_DONE;
  int r;

  if(a->outcome == ICP_SCHED_FAILED) {
    e->st[p].failures++;
    if(e->log.min_level <= ICP_ENR_LOG_DEBUG)
      fprintf(stderr, "icp: %s: %s: %s\n", pl->cfg->name, domain,
              a->error);
    j->pos++;
    advance(j);
    return ICP_SCHED_DONE;
  }
  icp_enr_out_reset(&e->out);
  r = pl->d->parse(pl->state, &view, a->status, &hdrs, a->body, a->len,
                   &e->out);
  switch(r) {
  case ICP_ENR_OK:
    j->as->ok = 1;
    apply(e, p, j->as->a, e->src_live[p]);
    cache_store(e, p, domain, 1);
    break;
  case ICP_ENR_NOT_FOUND:
    j->as->ok = 1;
    e->st[p].not_found++;
    cache_store(e, p, domain, 0);
    break;
  case ICP_ENR_RETRY:
    icp_enr_out_reset(&e->out);
    return ICP_SCHED_AGAIN;
  default:
    e->st[p].failures++;
    v = ICP_SCHED_BAD;
  }
  icp_enr_out_reset(&e->out);
  j->pos++;
  advance(j);
  return v;
}

/* Moves job j along its chain from j->pos until a request is in flight or
 * the chain is finished. */
static void advance(struct job *j)
{
  struct icp_enrich *e = j->e;
  struct icp_account *a = j->as->a;
  const char *domain = icp_account_domain(a);

  /* the kinds run one after the other, so that two lists providing the
   * same field fill it in the same order on every run (HARDENING 26) */
  for(; j->chain < e->nchains; j->chain++, j->pos = 0)
  for(; j->pos < e->chains[j->chain].n; j->pos++) {
    struct chain *c = &e->chains[j->chain];
    int p = c->plug[j->pos];
    struct icp_plugin *pl = &e->pl[p];
    struct icp_enr_account view = { a };
    struct icp_enr_request req = { NULL, NULL };
    struct icp_err err = { "" };
    enum icp_cache_hit hit = ICP_CACHE_MISS;
    char *json = NULL;
    int64_t ttl = (int64_t)(pl->cfg->ttl_days * 86400.0);
    int r;

    if(!domain)
      break;
    if(!pl->cfg->overwrite && !icp_enr_out_wants(a, pl->fields, pl->nfields))
      continue;
    if(icp_cache_get(e->cache, pl->cfg->name, domain, ttl,
                     (int64_t)time(NULL), &hit, &json, &err))
      fprintf(stderr, "icp: %s\n", err.msg);
    if(hit == ICP_CACHE_FOUND) {
      e->st[p].cache_hits++;
      j->as->ok = 1;
      icp_enr_out_reset(&e->out);
      if(icp_enr_out_from_json(&e->out, json, &err) == ICP_OK)
        apply(e, p, a, e->src_cache[p]);
      icp_enr_out_reset(&e->out);
      free(json);
      continue;
    }
    if(hit == ICP_CACHE_NOT_FOUND) {
      e->st[p].cache_hits++;
      e->st[p].not_found++;
      j->as->ok = 1;
      continue;
    }
    if(e->opts.offline)
      continue;
    r = pl->d->request(pl->state, &view, &req);
    if(r == ICP_ENR_OK && req.url) {
      struct curl_slist *h = req.headers;
      req.headers = NULL;
      j->as->asked = 1;
      if(icp_sched_submit(e->sched, e->sched_id[p], req.url, h, on_answer,
                          j, &err) == ICP_OK) {
        icp_enr_request_free(&req);
        return; /* on_answer takes it from here */
      }
      e->st[p].failures++;
    }
    else if(r != ICP_ENR_NOT_FOUND) {
      j->as->asked = 1;
      e->st[p].failures++;
    }
    icp_enr_request_free(&req);
  }
  account_done(j);
}

/* ---- progress ----------------------------------------------------------- */

static void progress(void *ud)
{
  struct icp_enrich *e = ud;
  double secs = (double)(now_ms() - e->t0) / 1000.0;
  long hits = 0;
  size_t i;
  char line[512];
  int n;
  if(!e->tty)
    return;
  for(i = 0; i < e->npl; i++)
    hits += e->st[i].cache_hits;
  n = snprintf(line, sizeof(line), "\renrich: %zu/%zu accounts, %.0f/s, "
               "%ld cache hits", e->done, e->total > e->seen ? e->total
               : e->seen, secs > 0 ? (double)e->done / secs : 0.0, hits);
  for(i = 0; i < e->npl && n > 0 && (size_t)n < sizeof(line); i++) {
    struct icp_sched_stats ss;
    icp_sched_stats(e->sched, e->sched_id[i], &ss);
    if(e->st[i].failures)
      n += snprintf(line + n, sizeof(line) - (size_t)n, ", %s failed %ld",
                    e->pl[i].cfg->name, e->st[i].failures);
  }
  fputs(line, stderr);
  fflush(stderr);
}

void icp_enrich_set_total(struct icp_enrich *e, size_t total)
{
  e->total = total;
}

enum icp_status icp_enrich_batch(struct icp_enrich *e,
                                 struct icp_account **accts, size_t n,
                                 struct icp_err *err)
{
  struct acct_state *as;
  struct job *jobs;
  size_t i;
  enum icp_status st;
  if(!n)
    return ICP_OK;
  as = calloc(n, sizeof(*as));
  jobs = calloc(n, sizeof(*jobs));
  if(!as || !jobs) {
    free(as);
    free(jobs);
    return icp_err_set(err, ICP_ENOMEM, "enrich: out of memory");
  }
  e->seen += n;
  for(i = 0; i < n; i++) {
    as[i].a = accts[i];
    as[i].pending = 1;
  }
  /* the first provider's lookups of the whole batch in one snapshot;
   * answers are written later, when they arrive */
  icp_cache_read_begin(e->cache);
  for(i = 0; i < n; i++) {
    struct job *j = &jobs[i];
    j->e = e;
    j->as = &as[i];
    advance(j);
  }
  icp_cache_read_end(e->cache);
  st = icp_sched_run(e->sched, progress, e, err);
  free(jobs);
  free(as);
  return st;
}

/* ---- reports ------------------------------------------------------------ */

void icp_enrich_summary(const struct icp_enrich *e, FILE *out)
{
  size_t i;
  double secs = (double)(now_ms() - e->t0) / 1000.0;
  fprintf(out, "enrich: %zu accounts in %.1f s", e->done, secs);
  if(e->failed_accounts)
    fprintf(out, ", %d with every provider failing", e->failed_accounts);
  fputc('\n', out);
  for(i = 0; i < e->npl; i++) {
    struct icp_sched_stats ss;
    icp_sched_stats(e->sched, e->sched_id[i], &ss);
    fprintf(out, "  %-12s %ld requests, %ld cache hits, %ld not found, "
            "%ld retries, %ld polls, %ld failures, %ld fields set",
            e->pl[i].cfg->name, ss.requests, e->st[i].cache_hits,
            e->st[i].not_found, ss.retries, ss.polls, e->st[i].failures,
            e->st[i].fields);
    if(ss.breaker_opens)
      fprintf(out, ", circuit opened %ld times", ss.breaker_opens);
    fputc('\n', out);
  }
}

int icp_enrich_failures(const struct icp_enrich *e)
{
  return e->failed_accounts;
}

int icp_enrich_refused(const struct icp_enrich *e)
{
  return e->refused;
}
