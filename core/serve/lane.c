/* lane.c -- enrichment within a deadline, on threads of its own. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/file.h"
#include "data/schema.h"
#include "net/enrich.h"
#include "net/providers.h"
#include "serve/lane.h"

/* A request waits this much past its deadline for the lane to stop and
 * report (it stops at the deadline: the slack covers a callback or the
 * cache lookups of a large batch); past it, it stops waiting. */
#define REPORT_SLACK_MS 200

enum lane_state {
  LANE_IDLE,                         /* free for a batch */
  LANE_WORK,                         /* a request waits for it */
  LANE_FINISH                        /* answered; awaiting the rest */
};

struct icp_lane {
  pthread_t thr;
  int started, quit;
  pthread_mutex_t mu;
  pthread_cond_t cv;                 /* on CLOCK_MONOTONIC */
  enum lane_state state;
  int claimed;                       /* a request holds it */
  struct icp_schema *schema;         /* the lane's own */
  struct icp_enrich *enrich;
  int errors_id;                     /* enrich_errors in schema */
  struct icp_account **acc;          /* the batch, in the lane's schema */
  size_t n, acap, nacc;              /* batch, array, accounts made */
  int64_t until_ms;                  /* its deadline (CLOCK_MONOTONIC) */
  /* the request waiting, NULL once it stopped waiting: its accounts get
   * the lane's when the batch ends or its deadline passes */
  struct icp_account **target;
  int target_errors, target_src;     /* its enrich_errors field */
  /* what the lane reports to it (reported = 1) */
  int reported, late, failed;
  enum icp_status st;
  struct icp_err err;
  struct icp_buf pending;            /* "\"enrich_pending\":[...]" */
  const char *names[ICP_LANE_PROVIDERS]; /* the providers, config order */
  size_t nnames;
  long seen[ICP_LANE_PROVIDERS][ICP_EO_COUNT]; /* counted into m */
  struct icp_metrics *m;
};

void icp_serve_after(struct timespec *ts, long ms)
{
  clock_gettime(CLOCK_MONOTONIC, ts);
  ts->tv_sec += ms / 1000;
  ts->tv_nsec += (ms % 1000) * 1000000L;
  if(ts->tv_nsec >= 1000000000L) {
    ts->tv_sec++;
    ts->tv_nsec -= 1000000000L;
  }
}

static int64_t ms_of(const struct timespec *ts)
{
  return (int64_t)ts->tv_sec * 1000 + ts->tv_nsec / 1000000;
}

/* The JSON member "enrich_pending":[...] naming names[0..n) into b. */
static enum icp_status pending_json(struct icp_buf *b, const char **names,
                                    size_t n)
{
  enum icp_status st;
  size_t i;
  icp_buf_reset(b);
  st = icp_buf_adds(b, "\"enrich_pending\":[");
  for(i = 0; !st && i < n; i++) {
    if(i)
      st = icp_buf_addc(b, ',');
    if(!st)
      st = icp_buf_json_str(b, names[i], strlen(names[i]));
  }
  if(!st)
    st = icp_buf_addc(b, ']');
  return st;
}

/* Counts the providers names[0..n) as awaited at a request's deadline. */
static void count_deadline(struct icp_metrics *m, const char **names,
                           size_t n)
{
  long d[ICP_EO_COUNT] = { 0 };
  size_t i;
  d[ICP_EO_DEADLINE] = 1;
  for(i = 0; m && i < n; i++)
    icp_metrics_enrich(m, names[i], d);
}

/* Adds the lookups of each provider since the last call to the metrics
 * (on the lane's thread, which alone runs its session). */
static void count_lookups(struct icp_lane *l)
{
  struct icp_enrich_counts c;
  size_t i;
  for(i = 0; l->m && i < l->nnames && icp_enrich_counts(l->enrich, i, &c);
      i++) {
    long now[ICP_EO_COUNT] = { 0 }, d[ICP_EO_COUNT] = { 0 };
    int k, any = 0;
    now[ICP_EO_FOUND] = c.found;
    now[ICP_EO_NOT_FOUND] = c.not_found;
    now[ICP_EO_CACHED] = c.cached;
    now[ICP_EO_FAILED] = c.failed;
    now[ICP_EO_SKIPPED] = c.skipped;
    now[ICP_EO_MISSED] = c.missed;
    for(k = 0; k < ICP_EO_COUNT; k++) {
      d[k] = now[k] - l->seen[i][k];
      l->seen[i][k] = now[k];
      any |= d[k] != 0;
    }
    if(any)
      icp_metrics_enrich(l->m, l->names[i], d);
  }
}

/* Hands the batch's accounts, as they are, to the request waiting for
 * them (mutex held). */
static void report(struct icp_lane *l, enum icp_status st,
                   const struct icp_err *err, int late, int failed)
{
  const char *names[ICP_LANE_PROVIDERS];
  size_t i, n = 0;
  if(!l->target)
    return; /* it stopped waiting (and counted every provider) */
  if(late) {
    n = icp_enrich_pending(l->enrich, names, ICP_LANE_PROVIDERS);
    count_deadline(l->m, names, n);
  }
  l->st = st;
  if(st)
    l->err = *err;
  if(!st && late && pending_json(&l->pending, names, n))
    l->st = icp_err_set(&l->err, ICP_ENOMEM, "out of memory");
  for(i = 0; !l->st && i < l->n; i++) {
    const struct icp_value *ev = icp_account_get(l->acc[i], l->errors_id);
    const char *file = l->target[i]->file;
    enum icp_status cst = icp_account_copy_named(l->target[i], l->acc[i]);
    l->target[i]->file = file;
    if(cst ||
       (l->target_errors >= 0 && ev->type != ICP_T_MISSING &&
        icp_account_put(l->target[i], l->target_errors, ev,
                        l->target_src)))
      l->st = icp_err_set(&l->err, ICP_ENOMEM, "an account too large to "
                          "copy");
  }
  l->late = late;
  l->failed = failed;
  l->reported = 1;
  pthread_cond_broadcast(&l->cv);
}

static void *lane_main(void *ud)
{
  struct icp_lane *l = ud;
  pthread_mutex_lock(&l->mu);
  for(;;) {
    enum icp_status st;
    struct icp_err err;
    long before;
    int late;
    while(!l->quit && l->state != LANE_WORK)
      pthread_cond_wait(&l->cv, &l->mu);
    if(l->state != LANE_WORK)
      break; /* quit, nothing running */
    pthread_mutex_unlock(&l->mu);
    err.msg[0] = 0;
    before = icp_enrich_failures(l->enrich);
    st = icp_enrich_batch_until(l->enrich, l->acc, l->n, l->until_ms,
                                &err);
    late = st == ICP_ELIMIT;
    count_lookups(l);
    pthread_mutex_lock(&l->mu);
    report(l, late ? ICP_OK : st, &err, late,
           icp_enrich_failures(l->enrich) > before);
    if(late) { /* the rest fills the cache */
      l->state = LANE_FINISH;
      pthread_mutex_unlock(&l->mu);
      (void)icp_enrich_finish(l->enrich, &err); /* failures are counted */
      count_lookups(l);
      pthread_mutex_lock(&l->mu);
    }
    l->state = LANE_IDLE;
    pthread_cond_broadcast(&l->cv);
  }
  pthread_mutex_unlock(&l->mu);
  return NULL;
}

static void lane_free(struct icp_lane *l)
{
  size_t i;
  if(!l)
    return;
  if(l->started) {
    pthread_mutex_lock(&l->mu);
    l->quit = 1;
    pthread_cond_broadcast(&l->cv);
    pthread_mutex_unlock(&l->mu);
    pthread_join(l->thr, NULL);
  }
  for(i = 0; i < l->nacc; i++)
    icp_account_free(l->acc[i]);
  free(l->acc);
  icp_buf_free(&l->pending);
  icp_enrich_close(l->enrich);
  icp_schema_free(l->schema);
  pthread_mutex_destroy(&l->mu);
  pthread_cond_destroy(&l->cv);
  free(l);
}

static enum icp_status lane_open(struct icp_lane **out,
                                 const struct icp_lanes *p,
                                 struct icp_err *err)
{
  const struct icp_serve_cfg *cfg = p->cfg;
  struct icp_lane *l = calloc(1, sizeof(*l));
  struct icp_enrich_opts eo;
  pthread_condattr_t ca;
  enum icp_status st;

  *out = NULL;
  if(!l || !(l->schema = icp_schema_new())) {
    free(l);
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  }
  l->m = p->m;
  pthread_mutex_init(&l->mu, NULL);
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&l->cv, &ca);
  pthread_condattr_destroy(&ca);
  icp_buf_init(&l->pending, 1 << 16);
  memset(&eo, 0, sizeof(eo));
  eo.offline = cfg->offline;
  eo.providers_text = p->text;
  eo.providers_len = p->len;
  st = icp_enrich_open(&l->enrich, cfg->providers, l->schema, &eo, err);
  if(!st) {
    l->nnames = icp_enrich_providers(l->enrich, l->names,
                                     ICP_LANE_PROVIDERS);
    l->errors_id = icp_enrich_errors_field(l->enrich);
  }
  if(!st && pthread_create(&l->thr, NULL, lane_main, l))
    st = icp_err_set(err, ICP_ENOMEM, "cannot start a thread");
  if(st) {
    lane_free(l);
    return st;
  }
  l->started = 1;
  *out = l;
  return ICP_OK;
}

/* Takes l when it is free: no request on it, no batch running. */
static int claim(struct icp_lane *l)
{
  int ok;
  pthread_mutex_lock(&l->mu);
  ok = !l->claimed && l->state == LANE_IDLE;
  if(ok)
    l->claimed = 1;
  pthread_mutex_unlock(&l->mu);
  return ok;
}

/* Waits for l to be free until until, and takes it; 0 when it was not. */
static int claim_by(struct icp_lane *l, const struct timespec *until)
{
  int ok;
  pthread_mutex_lock(&l->mu);
  while(!(ok = !l->claimed && l->state == LANE_IDLE) &&
        pthread_cond_timedwait(&l->cv, &l->mu, until) != ETIMEDOUT)
    ;
  ok = !l->claimed && l->state == LANE_IDLE;
  if(ok)
    l->claimed = 1;
  pthread_mutex_unlock(&l->mu);
  return ok;
}

/* Runs the batch on l, claimed and idle, and gives it back. */
static enum icp_status lane_run(struct icp_lane *l,
                                struct icp_account **accts, size_t n,
                                int errors_id, int errors_src,
                                const struct timespec *until, int *late,
                                int *failed, struct icp_buf *pending,
                                struct icp_err *err)
{
  struct timespec slack = *until;
  enum icp_status st = ICP_OK;
  size_t i;

  slack.tv_nsec += REPORT_SLACK_MS * 1000000L;
  if(slack.tv_nsec >= 1000000000L) {
    slack.tv_sec++;
    slack.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&l->mu);
  /* the batch is copied into the lane's schema */
  if(icp_grow(l->acc, l->acap, n))
    st = icp_err_set(err, ICP_ENOMEM, "out of memory");
  while(!st && l->nacc < n) {
    if(!(l->acc[l->nacc] = icp_account_new(l->schema)))
      st = icp_err_set(err, ICP_ENOMEM, "out of memory");
    else
      l->nacc++;
  }
  for(i = 0; !st && i < n; i++) {
    if(icp_account_copy_named(l->acc[i], accts[i]))
      st = icp_err_set(err, ICP_ENOMEM, "an account too large to copy");
    /* the reader's name goes with its scorer, which the batch may
     * outlive (it finishes in the background) */
    l->acc[i]->file = "request";
  }
  if(!st) {
    l->n = n;
    l->until_ms = ms_of(until);
    l->target = accts;
    l->target_errors = errors_id;
    l->target_src = errors_src;
    l->reported = 0;
    l->state = LANE_WORK;
    pthread_cond_broadcast(&l->cv);
    while(!l->reported &&
          pthread_cond_timedwait(&l->cv, &l->mu, &slack) != ETIMEDOUT)
      ;
    if(!l->reported) {
      /* the lane did not stop in time: it must not touch accts now */
      *late = 1;
      count_deadline(l->m, l->names, l->nnames);
      if(pending_json(pending, l->names, l->nnames))
        st = icp_err_set(err, ICP_ENOMEM, "out of memory");
    }
    else {
      st = l->st;
      if(st)
        icp_err_set(err, st, "%s", l->err.msg);
      *late = l->late;
      *failed = l->failed;
      if(!st && l->late && icp_buf_add(pending, l->pending.p,
                                       l->pending.len))
        st = icp_err_set(err, ICP_ENOMEM, "out of memory");
    }
    l->target = NULL;
  }
  l->claimed = 0;
  pthread_cond_broadcast(&l->cv);
  pthread_mutex_unlock(&l->mu);
  return st;
}

enum icp_status icp_lanes_open(struct icp_lanes **out,
                               const struct icp_serve_cfg *cfg,
                               struct icp_metrics *m, struct icp_err *err)
{
  struct icp_lanes *p = calloc(1, sizeof(*p));
  enum icp_status st;
  *out = NULL;
  if(!p)
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  pthread_mutex_init(&p->mu, NULL);
  p->cfg = cfg;
  p->m = m;
  p->max = 2 * cfg->threads < 4 ? 4 : 2 * cfg->threads;
  if(p->max > ICP_LANES_MAX)
    p->max = ICP_LANES_MAX;
  /* a file that cannot be read fails as one that does not load */
  st = icp_read_file(cfg->providers, ICP_PROVIDERS_TEXT_MAX, &p->text,
                     &p->len, err) ? ICP_ELOAD : ICP_OK;
  if(!st)
    st = lane_open(&p->l[0], p, err);
  if(st) {
    icp_lanes_free(p);
    return st;
  }
  p->n = 1;
  *out = p;
  return ICP_OK;
}

void icp_lanes_free(struct icp_lanes *p)
{
  int i;
  if(!p)
    return;
  for(i = 0; i < p->n; i++)
    lane_free(p->l[i]);
  pthread_mutex_destroy(&p->mu);
  free(p->text);
  free(p);
}

enum icp_status icp_lanes_run(struct icp_lanes *p,
                              struct icp_account **accts, size_t n,
                              int errors_id, int errors_src,
                              long deadline_ms, int *late, int *failed,
                              struct icp_buf *pending, struct icp_err *err)
{
  struct icp_lane *l = NULL, *busy = NULL;
  struct timespec until;
  int i;

  *late = *failed = 0;
  icp_buf_reset(pending);
  icp_serve_after(&until, deadline_ms);
  pthread_mutex_lock(&p->mu);
  for(i = 0; i < p->n && !l; i++)
    if(claim(p->l[i]))
      l = p->l[i];
  if(!l && p->n + p->opening < p->max) {
    /* every lane is busy: one more, opened outside the lock */
    struct icp_err oerr;
    p->opening++;
    pthread_mutex_unlock(&p->mu);
    if(lane_open(&l, p, &oerr))
      l = NULL; /* then wait for a busy one, as past max */
    pthread_mutex_lock(&p->mu);
    p->opening--;
    if(!l && !p->open_failed++ && p->cfg->log)
      fprintf(p->cfg->log, "icp serve: cannot open enrichment lane %d: "
              "%s; requests wait for a busy lane (further failures are "
              "not logged)\n", p->n + 1, oerr.msg);
    if(l) {
      l->claimed = 1; /* not yet seen by another thread */
      p->l[p->n++] = l;
    }
  }
  if(!l)
    busy = p->l[p->next++ % (unsigned)p->n];
  pthread_mutex_unlock(&p->mu);
  if(!l) {
    if(!claim_by(busy, &until)) {
      /* no lane within the deadline: nothing was asked */
      *late = 1;
      count_deadline(p->m, busy->names, busy->nnames);
      return pending_json(pending, busy->names, busy->nnames) ?
             icp_err_set(err, ICP_ENOMEM, "out of memory") : ICP_OK;
    }
    l = busy;
  }
  return lane_run(l, accts, n, errors_id, errors_src, &until, late, failed,
                  pending, err);
}
