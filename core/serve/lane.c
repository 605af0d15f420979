/* lane.c -- enrichment within a deadline, on a thread of its own. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "data/schema.h"
#include "net/enrich.h"
#include "serve/lane.h"

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

/* A request waits this much past its deadline for the lane to stop and
 * report (it stops at the deadline: the slack covers a callback or the
 * cache lookups of a large batch); past it, it stops waiting. */
#define REPORT_SLACK_MS 200

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

/* Hands the batch's accounts, as they are, to the request waiting for
 * them (mutex held). */
static void report(struct icp_lane *l, enum icp_status st,
                   const struct icp_err *err, int late, int failed)
{
  size_t i;
  if(!l->target)
    return; /* it stopped waiting */
  l->st = st;
  if(st)
    l->err = *err;
  if(!st && late) {
    const char *names[ICP_LANE_PROVIDERS];
    size_t n = icp_enrich_pending(l->enrich, names, ICP_LANE_PROVIDERS);
    if(pending_json(&l->pending, names, n))
      l->st = icp_err_set(&l->err, ICP_ENOMEM, "out of memory");
  }
  for(i = 0; !l->st && i < l->n; i++)
    if(icp_account_copy_named(l->target[i], l->acc[i]))
      l->st = icp_err_set(&l->err, ICP_ENOMEM, "an account too large to "
                          "copy");
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
    while(!l->quit && l->state != ICP_LANE_WORK)
      pthread_cond_wait(&l->cv, &l->mu);
    if(l->state != ICP_LANE_WORK)
      break; /* quit, nothing running */
    pthread_mutex_unlock(&l->mu);
    err.msg[0] = 0;
    before = icp_enrich_failures(l->enrich);
    st = icp_enrich_batch_until(l->enrich, l->acc, l->n, l->until_ms,
                                &err);
    late = st == ICP_ELIMIT;
    pthread_mutex_lock(&l->mu);
    report(l, late ? ICP_OK : st, &err, late,
           icp_enrich_failures(l->enrich) > before);
    if(late) { /* the rest fills the cache */
      l->state = ICP_LANE_FINISH;
      pthread_mutex_unlock(&l->mu);
      (void)icp_enrich_finish(l->enrich, &err); /* failures are counted */
      pthread_mutex_lock(&l->mu);
    }
    l->state = ICP_LANE_IDLE;
    pthread_cond_broadcast(&l->cv);
  }
  pthread_mutex_unlock(&l->mu);
  return NULL;
}

enum icp_status icp_lane_open(struct icp_lane **out,
                              const struct icp_serve_cfg *cfg,
                              struct icp_err *err)
{
  struct icp_lane *l = calloc(1, sizeof(*l));
  struct icp_enrich_opts eo;
  pthread_condattr_t ca;
  enum icp_status st;

  *out = NULL;
  if(!l || !(l->schema = icp_schema_new())) {
    free(l);
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  }
  pthread_mutex_init(&l->mu, NULL);
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&l->cv, &ca);
  pthread_condattr_destroy(&ca);
  icp_buf_init(&l->pending, 1 << 16);
  icp_buf_init(&l->all, 1 << 16);
  memset(&eo, 0, sizeof(eo));
  eo.offline = cfg->offline;
  st = icp_enrich_open(&l->enrich, cfg->providers, l->schema, &eo, err);
  if(!st) {
    const char *names[ICP_LANE_PROVIDERS];
    size_t n = icp_enrich_providers(l->enrich, names, ICP_LANE_PROVIDERS);
    if(pending_json(&l->all, names, n))
      st = icp_err_set(err, ICP_ENOMEM, "out of memory");
  }
  if(!st && pthread_create(&l->thr, NULL, lane_main, l))
    st = icp_err_set(err, ICP_ENOMEM, "cannot start a thread");
  if(st) {
    icp_lane_free(l);
    return st;
  }
  l->started = 1;
  *out = l;
  return ICP_OK;
}

void icp_lane_free(struct icp_lane *l)
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
  for(i = 0; i < l->cap; i++)
    icp_account_free(l->acc[i]);
  free(l->acc);
  icp_buf_free(&l->pending);
  icp_buf_free(&l->all);
  icp_enrich_close(l->enrich);
  icp_schema_free(l->schema);
  pthread_mutex_destroy(&l->mu);
  pthread_cond_destroy(&l->cv);
  free(l);
}

enum icp_status icp_lane_run(struct icp_lane *l, struct icp_account **accts,
                             size_t n, long deadline_ms, int *late,
                             int *failed, const char **pending,
                             struct icp_err *err)
{
  struct timespec until, slack;
  enum icp_status st = ICP_OK;
  size_t i;
  int idle;

  *late = *failed = 0;
  *pending = NULL;
  icp_serve_after(&until, deadline_ms);
  icp_serve_after(&slack, deadline_ms + REPORT_SLACK_MS);
  pthread_mutex_lock(&l->mu);
  while(!(idle = l->state == ICP_LANE_IDLE))
    if(pthread_cond_timedwait(&l->cv, &l->mu, &until) == ETIMEDOUT) {
      idle = l->state == ICP_LANE_IDLE;
      break;
    }
  if(!idle) { /* an earlier batch is still running: nothing was asked */
    pthread_mutex_unlock(&l->mu);
    *late = 1;
    *pending = l->all.p;
    return ICP_OK;
  }
  /* the lane is idle: the batch is copied into its schema */
  if(n > l->cap) {
    struct icp_account **na = realloc(l->acc, n * sizeof(*na));
    if(!na)
      st = icp_err_set(err, ICP_ENOMEM, "out of memory");
    else {
      l->acc = na;
      for(; !st && l->cap < n; l->cap++)
        if(!(l->acc[l->cap] = icp_account_new(l->schema)))
          st = icp_err_set(err, ICP_ENOMEM, "out of memory");
    }
  }
  for(i = 0; !st && i < n; i++)
    if(icp_account_copy_named(l->acc[i], accts[i]))
      st = icp_err_set(err, ICP_ENOMEM, "an account too large to copy");
  if(st) {
    pthread_mutex_unlock(&l->mu);
    return st;
  }
  l->n = n;
  l->until_ms = ms_of(&until);
  l->target = accts;
  l->reported = 0;
  l->state = ICP_LANE_WORK;
  pthread_cond_broadcast(&l->cv);
  while(!l->reported &&
        pthread_cond_timedwait(&l->cv, &l->mu, &slack) != ETIMEDOUT)
    ;
  if(!l->reported) {
    /* the lane did not stop in time: it must not touch accts now */
    l->target = NULL;
    pthread_mutex_unlock(&l->mu);
    *late = 1;
    *pending = l->all.p;
    return ICP_OK;
  }
  l->target = NULL;
  st = l->st;
  if(st)
    icp_err_set(err, st, "%s", l->err.msg);
  *late = l->late;
  *failed = l->failed;
  if(l->late)
    *pending = l->pending.p;
  pthread_mutex_unlock(&l->mu);
  return st;
}
