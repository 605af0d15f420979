/* enrich.c -- an enrichment session: the provider waterfall. Its failure
 * accounting and reports are in enrich_report.c. */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net/enrich_impl.h"
#include "net/libs.h"

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

static void diag_stderr(void *ud, const char *msg)
{
  (void)ud;
  fprintf(stderr, "icp: %s\n", msg);
}

/* A provider asked to wait more than 2 s: say so (a run that seems to
 * hang is worse than a noisy one), a few times per provider. */
static void on_wait(void *ud, const char *provider, long ms, long status)
{
  struct icp_enrich *e = ud;
  size_t i;
  for(i = 0; i < e->npl; i++)
    if(!strcmp(e->pl[i].cfg->name, provider)) {
      if(e->st[i].wait_lines++ >= WAIT_LINES_MAX)
        return;
      if(e->tty && e->done)
        fputc('\n', stderr);
      fprintf(stderr, "icp: %s: waiting %.1f s as asked (HTTP %ld; "
              "retry_after_max_ms = %ld caps it)\n", provider,
              (double)ms / 1000.0, status,
              e->pl[i].cfg->lim.retry_after_cap_ms > 0
              ? e->pl[i].cfg->lim.retry_after_cap_ms : 10000L);
      return;
    }
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
  st = e->opts.providers_text
       ? icp_providers_parse_diag(&e->pv, providers_path,
                                  e->opts.providers_text,
                                  e->opts.providers_len, diag_stderr, NULL,
                                  err)
       : icp_providers_load_diag(&e->pv, providers_path, diag_stderr, NULL,
                                 err);
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
  so.wait = on_wait;
  so.wait_ud = e;
  if(!e->pl || !e->sched_id || !e->src_live || !e->src_cache || !e->st) {
    icp_enrich_close(e);
    return icp_err_set(err, ICP_ENOMEM, "enrich: out of memory");
  }
  st = icp_sched_new(&e->sched, &so, err); /* libcurl is opened here */
  if(st) {
    icp_enrich_close(e);
    return st;
  }
  for(i = 0; i < e->pv->np; i++) {
    struct icp_enr_config *c = &e->pv->p[i];
    struct icp_plugin *pl = &e->pl[e->npl];
    struct icp_err lerr = { "" };
    char cname[128];
    if(!used(e->pv, c->name))
      continue;
    c->log_ud = &e->log;
    c->diag = diag_stderr;
    c->lim.max_requests = c->max_requests;
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
  e->errors_id = icp_schema_intern(schema, ICP_ENRICH_ERRORS_FIELD,
                                   strlen(ICP_ENRICH_ERRORS_FIELD));
  e->src_icp = icp_schema_source(schema, "icp");
  if(e->errors_id < 0 || e->src_icp < 0) {
    icp_enrich_close(e);
    return icp_err_set(err, ICP_ENOMEM, "enrich: out of memory");
  }
  st = build_chains(e);
  if(st) {
    icp_enrich_close(e);
    return icp_err_set(err, st, "enrich: out of memory");
  }
  st = icp_cache_open(&e->cache, e->pv->cache_url ? e->pv->cache_url
                                                  : e->pv->cache_path,
                      e->opts.offline || e->opts.dry_run ? ICP_CACHE_OFFLINE
                      : e->opts.refresh ? ICP_CACHE_REFRESH
                                        : ICP_CACHE_NORMAL, err);
  if(st) {
    icp_enrich_close(e);
    return st;
  }
  icp_cache_lease(e->cache, e->pv->cache_lease_ms);
  if(icp_cache_fault(e->cache)) /* said once; the run goes on uncached */
    fprintf(stderr, "icp: %s\n", icp_cache_fault(e->cache));
  e->t0 = icp_enrich_now_ms();
  *out = e;
  return ICP_OK;
}

/* The end of a batch: its state goes. */
static void batch_end(struct icp_enrich *e)
{
  free(e->parked);
  free(e->again);
  e->parked = e->again = NULL;
  e->nparked = 0;
  free(e->bjobs);
  free(e->bas);
  e->bjobs = NULL;
  e->bas = NULL;
  e->bn = 0;
}

void icp_enrich_close(struct icp_enrich *e)
{
  size_t i;
  if(!e)
    return;
  if(e->tty && e->done)
    fputc('\n', stderr);
  icp_sched_free(e->sched); /* a batch not finished ends unanswered */
  batch_end(e);
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
  if(found && icp_enr_out_json(&e->out, &e->json)) {
    fprintf(stderr, "icp: cache: out of memory writing %s\n", domain);
    e->problems++;
    return;
  }
  st = icp_cache_put(e->cache, e->pl[p].cfg->name, domain,
                     found ? e->json.p : NULL, (int64_t)time(NULL), &err);
  if(st) { /* not stored: the next run pays for it again */
    fprintf(stderr, "icp: %s\n", err.msg);
    e->problems++;
  }
}

static void apply(struct icp_enrich *e, int p, struct icp_account *a,
                  int source)
{
  int n = 0;
  if(icp_enr_out_apply(&e->out, a, source, e->pl[p].cfg->overwrite, &n) ==
     ICP_OK)
    e->st[p].fields += n;
}

/* Junk in an answer: each field given in an unusable type (and not set
 * by another key of the answer) is a failure for that field. Returns the
 * number of such fields. */
static int record_junk(struct icp_enrich *e, int p, struct icp_account *a)
{
  int i, n = 0;
  for(i = 0; i < e->out.nbad; i++) {
    char label[96];
    if(icp_enr_out_has(&e->out, e->out.bad[i]))
      continue;
    snprintf(label, sizeof(label), "wrong-typed field '%s'",
             e->out.bad[i]);
    icp_enrich_record(e, p, a, label, NULL);
    n++;
  }
  return n;
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
  char label[160];
  int r;

  if(a->outcome == ICP_SCHED_FAILED) {
    const char *l = icp_enrich_cause_label(a, pl, label, sizeof(label));
    if(a->cause == ICP_SCHED_C_BREAKER || a->cause == ICP_SCHED_C_BUDGET)
      e->st[p].skipped++;
    else
      e->st[p].failures++;
    icp_enrich_record(e, p, j->as->a, l, a->error);
    j->pos++;
    advance(j);
    return ICP_SCHED_DONE;
  }
  icp_enr_out_reset(&e->out);
  r = pl->d->parse(pl->state, &view, a->status, &hdrs, a->body, a->len,
                   &e->out);
  if(e->out.nomem && (r == ICP_ENR_OK || r == ICP_ENR_NOT_FOUND))
    r = ICP_ENR_ERROR; /* a field lost to out of memory: not an answer */
  if(r == ICP_ENR_OK && e->out.n == 0)
    r = ICP_ENR_NOT_FOUND; /* no field at all: never cached as found */
  switch(r) {
  case ICP_ENR_OK:
    j->as->ok = 1;
    e->st[p].found++;
    record_junk(e, p, j->as->a);
    apply(e, p, j->as->a, e->src_live[p]);
    cache_store(e, p, domain, 1);
    break;
  case ICP_ENR_NOT_FOUND:
    if(e->out.nbad) {
      /* nothing usable, only junk: a failure, and not cached */
      e->st[p].failures++;
      record_junk(e, p, j->as->a);
      v = ICP_SCHED_BAD;
      break;
    }
    j->as->ok = 1;
    e->st[p].not_found++;
    e->st[p].live_not_found++;
    cache_store(e, p, domain, 0);
    break;
  case ICP_ENR_RETRY:
    icp_enr_out_reset(&e->out);
    return ICP_SCHED_AGAIN;
  default: {
    const char *why = e->out.error[0] ? e->out.error : NULL;
    e->st[p].failures++;
    if(a->status < 200 || a->status > 299)
      icp_enrich_status_label(pl, a->status, label, sizeof(label));
    else if(why && strstr(why, "too large"))
      snprintf(label, sizeof(label), "oversize body");
    else
      snprintf(label, sizeof(label), "malformed body");
    icp_enrich_record(e, p, j->as->a, label, why);
    v = ICP_SCHED_BAD;
  }
  }
  icp_enr_out_reset(&e->out);
  j->pos++;
  advance(j);
  return v;
}

/* 1 when plugins p and q provide a field in common. */
static int overlap(const struct icp_enrich *e, int p, int q)
{
  size_t i, k;
  for(i = 0; i < e->pl[p].nfields; i++)
    for(k = 0; k < e->pl[q].nfields; k++)
      if(e->pl[p].fields[i] == e->pl[q].fields[k])
        return 1;
  return 0;
}

/* --dry-run: provider p would be asked for this account, surely, or only
 * if a provider asked before it (that gives one of its fields) leaves a
 * field missing. */
static void predict(struct icp_enrich *e, int p, struct acct_state *as)
{
  struct pstat *ps = &e->st[p];
  long cap = e->pl[p].cfg->max_requests;
  int q, depends = p >= 64;
  for(q = 0; q < 64 && q < (int)e->npl && !depends; q++)
    if((as->predicted >> q & 1) && overlap(e, p, q))
      depends = 1;
  if(cap > 0 && ps->predicted + ps->maybe >= cap) {
    ps->skipped++;
    return;
  }
  if(depends)
    ps->maybe++;
  else
    ps->predicted++;
  if(p < 64)
    as->predicted |= (uint64_t)1 << p;
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
    if(!icp_enr_out_wants(a, pl->fields, pl->nfields))
      continue;
    if(icp_cache_get(e->cache, pl->cfg->name, domain, ttl,
                     (int64_t)time(NULL), &hit, &json, &err)) {
      fprintf(stderr, "icp: %s\n", err.msg); /* read as a miss */
      e->problems++;
    }
    if(hit == ICP_CACHE_FOUND) {
      icp_enr_out_reset(&e->out);
      r = icp_enr_out_from_json(&e->out, json, &err);
      free(json);
      if(r == ICP_OK) {
        e->st[p].cache_hits++;
        j->as->ok = 1;
        apply(e, p, a, e->src_cache[p]);
        icp_enr_out_reset(&e->out);
        continue;
      }
      /* a row no run of icp wrote: said, exit 2, and a miss (the answer
       * replaces it) */
      icp_enr_out_reset(&e->out);
      icp_enrich_record(e, p, a, "bad cached record (asked again)", err.msg);
      err.msg[0] = 0;
    }
    if(hit == ICP_CACHE_NOT_FOUND) {
      e->st[p].cache_hits++;
      e->st[p].not_found++;
      j->as->ok = 1;
      continue;
    }
    if(hit == ICP_CACHE_PENDING) {
      /* another process is asking: its answer is read after this batch's
       * own requests (icp_enrich_batch) */
      e->parked[e->nparked++] = j;
      return;
    }
    if(e->opts.offline) {
      e->st[p].misses++;
      icp_enrich_record(e, p, a, "cache miss (--offline)", NULL);
      continue;
    }
    if(e->opts.dry_run) {
      predict(e, p, j->as);
      continue;
    }
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
      icp_enrich_record(e, p, a, "transfer error", err.msg);
    }
    else if(r != ICP_ENR_NOT_FOUND) {
      j->as->asked = 1;
      e->st[p].failures++;
      icp_enrich_record(e, p, a, "request refused by the enricher", NULL);
    }
    icp_enr_request_free(&req);
  }
  account_done(j);
}

/* ---- progress ----------------------------------------------------------- */

static void progress(void *ud)
{
  struct icp_enrich *e = ud;
  double secs = (double)(icp_enrich_now_ms() - e->t0) / 1000.0;
  long hits = 0;
  size_t i;
  char line[512];
  int n;
  struct icp_err err = { "" };
  if(icp_cache_keepalive(e->cache, &err)) /* our claims stay ours */
    fprintf(stderr, "icp: %s\n", err.msg);
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

/* Runs the batch's requests until they are answered (or until_ms: then
 * ICP_ELIMIT, the rest stays for icp_enrich_finish). Accounts parked on
 * another process's claim of a shared cache are then waited for, while
 * this process holds no claim (two processes never wait for each other),
 * and go on: a cache hit, or their own request if that process failed. */
static enum icp_status run_batch(struct icp_enrich *e, int64_t until_ms,
                                 struct icp_err *err)
{
  enum icp_status st;
  size_t i, k;
  for(;;) {
    st = icp_sched_run_until(e->sched, progress, e, until_ms, err);
    if(st == ICP_ELIMIT)
      return st; /* requests still out keep their claims */
    /* claims of requests that got no answer: others may ask now */
    icp_cache_release(e->cache);
    if(st || !e->nparked)
      return st;
    if(until_ms != INT64_MAX)
      return ICP_ELIMIT; /* a deadline does not wait for other processes */
    k = e->nparked;
    memcpy(e->again, e->parked, k * sizeof(*e->again));
    e->nparked = 0;
    for(i = 0; i < k; i++) {
      struct job *j = e->again[i];
      struct icp_err werr = { "" };
      int p = e->chains[j->chain].plug[j->pos];
      if(icp_cache_wait(e->cache, e->pl[p].cfg->name,
                        icp_account_domain(j->as->a), &werr))
        fprintf(stderr, "icp: %s\n", werr.msg);
    }
    for(i = 0; i < k; i++)
      advance(e->again[i]);
  }
}

enum icp_status icp_enrich_batch_until(struct icp_enrich *e,
                                       struct icp_account **accts,
                                       size_t n, int64_t until_ms,
                                       struct icp_err *err)
{
  struct acct_state *as;
  struct job *jobs, **again;
  size_t i;
  enum icp_status st;
  if(e->bas)
    return icp_err_set(err, ICP_EINVAL, "enrich: a batch is still "
                       "running (icp_enrich_finish first)");
  if(!n)
    return ICP_OK;
  as = calloc(n, sizeof(*as));
  jobs = calloc(n, sizeof(*jobs));
  e->parked = calloc(n, sizeof(*e->parked));
  again = calloc(n, sizeof(*again));
  if(!as || !jobs || !e->parked || !again) {
    free(as);
    free(jobs);
    free(e->parked);
    e->parked = NULL;
    free(again);
    return icp_err_set(err, ICP_ENOMEM, "enrich: out of memory");
  }
  e->bas = as;
  e->bjobs = jobs;
  e->bn = n;
  e->again = again;
  e->nparked = 0;
  e->seen += n;
  for(i = 0; i < n; i++) {
    struct icp_value none;
    as[i].a = accts[i];
    as[i].pending = 1;
    /* errors of an earlier run (an enriched file read back) are not this
     * run's */
    memset(&none, 0, sizeof(none));
    if(icp_account_get(accts[i], e->errors_id)->type != ICP_T_MISSING)
      icp_account_put(accts[i], e->errors_id, &none, 0);
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
  st = run_batch(e, until_ms, err);
  if(st != ICP_ELIMIT)
    batch_end(e);
  return st;
}

enum icp_status icp_enrich_batch(struct icp_enrich *e,
                                 struct icp_account **accts, size_t n,
                                 struct icp_err *err)
{
  return icp_enrich_batch_until(e, accts, n, INT64_MAX, err);
}

size_t icp_enrich_pending(const struct icp_enrich *e, const char **names,
                          size_t cap)
{
  size_t i, k, nn = 0;
  int p;
  for(p = 0; p < (int)e->npl; p++) {
    int awaited = 0;
    for(i = 0; i < e->bn && !awaited; i++) {
      const struct job *j = &e->bjobs[i];
      if(!e->bas[i].pending)
        continue;
      /* the provider in flight, and those after it in the waterfalls
       * that the account would still ask */
      for(k = j->chain; k < e->nchains && !awaited; k++) {
        const struct chain *c = &e->chains[k];
        size_t q;
        for(q = k == j->chain ? j->pos : 0; q < c->n && !awaited; q++)
          awaited = c->plug[q] == p &&
                    ((k == j->chain && q == j->pos) ||
                     icp_enr_out_wants(e->bas[i].a, e->pl[p].fields,
                                       e->pl[p].nfields));
      }
    }
    if(awaited && nn < cap)
      names[nn++] = e->pl[p].cfg->name;
  }
  return nn;
}

size_t icp_enrich_providers(const struct icp_enrich *e, const char **names,
                            size_t cap)
{
  size_t i;
  for(i = 0; i < e->npl && i < cap; i++)
    names[i] = e->pl[i].cfg->name;
  return i;
}

enum icp_status icp_enrich_finish(struct icp_enrich *e, struct icp_err *err)
{
  enum icp_status st;
  if(!e->bas)
    return ICP_OK;
  st = run_batch(e, INT64_MAX, err);
  batch_end(e);
  return st;
}

static enum icp_status enrich_hook(void *ud, struct icp_account **accts,
                                   size_t n, struct icp_err *err)
{
  return icp_enrich_batch(ud, accts, n, err);
}

void icp_enrich_attach(struct icp_enrich *e, struct icp_run_opts *ro)
{
  ro->enrich = enrich_hook;
  ro->enrich_ud = e;
}
