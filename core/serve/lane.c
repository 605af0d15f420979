/* lane.c -- enrichment within a deadline, on a thread of its own. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "data/schema.h"
#include "net/enrich.h"
#include "net/providers.h"
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

static void *lane_main(void *ud)
{
  struct icp_lane *l = ud;
  pthread_mutex_lock(&l->mu);
  for(;;) {
    size_t n;
    enum icp_status st;
    struct icp_err err;
    int failures;
    while(!l->quit && l->state != ICP_LANE_WORK)
      pthread_cond_wait(&l->cv, &l->mu);
    if(l->state != ICP_LANE_WORK)
      break; /* quit, nothing running */
    n = l->n;
    pthread_mutex_unlock(&l->mu);
    err.msg[0] = 0;
    st = icp_enrich_batch(l->enrich, l->acc, n, &err);
    failures = icp_enrich_failures(l->enrich);
    pthread_mutex_lock(&l->mu);
    l->st = st;
    l->err = err;
    l->failures = failures;
    l->state = ICP_LANE_DONE;
    pthread_cond_broadcast(&l->cv);
  }
  pthread_mutex_unlock(&l->mu);
  return NULL;
}

/* "\"enrich_pending\":[\"a\",\"b\"]": the providers of the config. */
static enum icp_status pending_names(struct icp_lane *l, const char *path,
                                     struct icp_err *err)
{
  struct icp_providers *pv;
  struct icp_buf b;
  enum icp_status st = icp_providers_load(&pv, path, err);
  size_t i;
  if(st)
    return st;
  icp_buf_init(&b, 1 << 16);
  st = icp_buf_adds(&b, "\"enrich_pending\":[");
  for(i = 0; !st && i < pv->np; i++) {
    if(i)
      st = icp_buf_addc(&b, ',');
    if(!st)
      st = icp_buf_json_str(&b, pv->p[i].name, strlen(pv->p[i].name));
  }
  if(!st)
    st = icp_buf_addc(&b, ']');
  icp_providers_free(pv);
  if(st) {
    icp_buf_free(&b);
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  }
  l->pending = b.p; /* taken over */
  return ICP_OK;
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
  memset(&eo, 0, sizeof(eo));
  eo.offline = cfg->offline;
  st = icp_enrich_open(&l->enrich, cfg->providers, l->schema, &eo, err);
  if(!st)
    st = pending_names(l, cfg->providers, err);
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
  free(l->pending);
  icp_enrich_close(l->enrich);
  icp_schema_free(l->schema);
  pthread_mutex_destroy(&l->mu);
  pthread_cond_destroy(&l->cv);
  free(l);
}

/* Waits on the lane (mutex held) until pred or the deadline; 0 when the
 * deadline passed first. */
static int wait_until(struct icp_lane *l, const struct timespec *until,
                      int for_done)
{
  for(;;) {
    if(for_done ? l->state == ICP_LANE_DONE : l->state != ICP_LANE_WORK)
      return 1;
    if(pthread_cond_timedwait(&l->cv, &l->mu, until) == ETIMEDOUT)
      return for_done ? l->state == ICP_LANE_DONE
                      : l->state != ICP_LANE_WORK;
  }
}

enum icp_status icp_lane_run(struct icp_lane *l, struct icp_account **accts,
                             size_t n, long deadline_ms, int *late,
                             int *failed, struct icp_err *err)
{
  struct timespec until;
  enum icp_status st = ICP_OK;
  int before;
  size_t i;

  *late = *failed = 0;
  icp_serve_after(&until, deadline_ms);
  pthread_mutex_lock(&l->mu);
  if(!wait_until(l, &until, 0)) { /* an earlier batch is still running */
    pthread_mutex_unlock(&l->mu);
    *late = 1;
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
  before = l->failures;
  l->n = n;
  l->state = ICP_LANE_WORK;
  pthread_cond_broadcast(&l->cv);
  if(!wait_until(l, &until, 1)) {
    pthread_mutex_unlock(&l->mu); /* it goes on and fills the cache */
    *late = 1;
    return ICP_OK;
  }
  l->state = ICP_LANE_IDLE;
  st = l->st;
  if(st)
    icp_err_set(err, st, "%s", l->err.msg);
  *failed = l->failures > before;
  for(i = 0; !st && i < n; i++)
    if(icp_account_copy_named(accts[i], l->acc[i]))
      st = icp_err_set(err, ICP_ENOMEM, "an account too large to copy");
  pthread_mutex_unlock(&l->mu);
  return st;
}
