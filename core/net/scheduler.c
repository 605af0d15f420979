/* scheduler.c -- one libcurl multi scheduler for every provider: queues,
 * transfers and the run loop (what an answer means: scheduler_answer.c). */
#include <curl/curl.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net/scheduler_impl.h"
#include "net/libs.h"

#define HDR_CAP (64u << 10)

/* ---- life cycle --------------------------------------------------------- */

enum icp_status icp_sched_new(struct icp_sched **out,
                              const struct icp_sched_opts *opts,
                              struct icp_err *err)
{
  struct icp_sched *s;
  enum icp_status st;
  *out = NULL;
  st = icp_curl_open(err); /* libcurl and its global state, once */
  if(st)
    return st;
  s = calloc(1, sizeof(*s));
  if(!s)
    return icp_err_set(err, ICP_ENOMEM, "scheduler: out of memory");
  s->max_in_flight = opts && opts->max_in_flight > 0 ? opts->max_in_flight
                                                     : 64;
  if(opts) {
    s->wait = opts->wait;
    s->wait_ud = opts->wait_ud;
  }
  if(s->max_in_flight > 1024)
    s->max_in_flight = 1024;
  s->rng = opts && opts->seed ? opts->seed
                              : (uint64_t)now_ms() * 2654435761u ^
                                  (uint64_t)getpid() << 32;
  if(!s->rng)
    s->rng = 88172645463325252ULL;
  s->multi = curl_multi_init();
  if(!s->multi) {
    free(s);
    return icp_err_set(err, ICP_ENOMEM, "scheduler: curl_multi_init failed");
  }
  curl_multi_setopt(s->multi, CURLMOPT_MAXCONNECTS, (long)s->max_in_flight);
  *out = s;
  return ICP_OK;
}

void icpi_sched_req_free(struct req *r)
{
  if(!r)
    return;
  free(r->url);
  curl_slist_free_all(r->headers);
  free(r);
}

void icp_sched_free(struct icp_sched *s)
{
  int i;
  size_t k;
  if(!s)
    return;
  /* work is left only after an error or a run stopped by its time limit
   * and not resumed: it is dropped unanswered */
  for(i = 0; i < s->np; i++) {
    struct req *r = s->p[i].head;
    while(r) {
      struct req *n = r->next;
      icpi_sched_req_free(r);
      r = n;
    }
    free(s->p[i].name);
  }
  for(k = 0; k < s->nheap; k++)
    icpi_sched_req_free(s->heap[k]);
  while(s->xfers) {
    struct xfer *x = s->xfers;
    s->xfers = x->next;
    curl_multi_remove_handle(s->multi, x->easy);
    curl_easy_cleanup(x->easy);
    icpi_sched_req_free(x->r);
    icp_buf_free(&x->body);
    icp_buf_free(&x->hdrs);
    free(x);
  }
  if(s->multi)
    curl_multi_cleanup(s->multi);
  free(s->heap);
  free(s->p);
  free(s);
}

static long dflt(long v, long d)
{
  return v > 0 ? v : d;
}

int icp_sched_provider(struct icp_sched *s,
                       const struct icp_sched_limits *lim)
{
  struct prov *p;
  if(icp_grow(s->p, s->pcap, (size_t)s->np + 1))
    return -1;
  p = &s->p[s->np];
  memset(p, 0, sizeof(*p));
  p->lim = *lim;
  p->name = strdup(lim->name ? lim->name : "provider");
  if(!p->name)
    return -1;
  p->lim.name = p->name;
  p->lim.timeout_ms = dflt(lim->timeout_ms, 10000);
  p->lim.connect_timeout_ms = dflt(lim->connect_timeout_ms, 5000);
  if(p->lim.connect_timeout_ms > p->lim.timeout_ms)
    p->lim.connect_timeout_ms = p->lim.timeout_ms;
  p->lim.low_speed_bytes = dflt(lim->low_speed_bytes, 64);
  p->lim.low_speed_time_s = dflt(lim->low_speed_time_s, 10);
  p->lim.max_body = lim->max_body ? lim->max_body : (8u << 20);
  p->lim.max_attempts = (int)dflt(lim->max_attempts, 4);
  p->lim.max_polls = (int)dflt(lim->max_polls, 5);
  p->lim.backoff_base_ms = dflt(lim->backoff_base_ms, 250);
  p->lim.backoff_cap_ms = dflt(lim->backoff_cap_ms, 10000);
  p->lim.retry_after_cap_ms = dflt(lim->retry_after_cap_ms, 10000);
  p->lim.breaker_failures = (int)dflt(lim->breaker_failures, 5);
  p->lim.breaker_cooldown_ms = dflt(lim->breaker_cooldown_ms, 30000);
  if(!(p->lim.max_rps > 0) || !isfinite(p->lim.max_rps))
    p->lim.max_rps = 0;
  return s->np++;
}

void icp_sched_stats(const struct icp_sched *s, int provider,
                     struct icp_sched_stats *out)
{
  if(provider < 0 || provider >= s->np) {
    memset(out, 0, sizeof(*out));
    return;
  }
  *out = s->p[provider].st;
}

/* ---- queues ------------------------------------------------------------- */

static void enqueue(struct icp_sched *s, struct req *r)
{
  struct prov *p = &s->p[r->provider];
  r->next = NULL;
  if(p->tail)
    p->tail->next = r;
  else
    p->head = r;
  p->tail = r;
  p->queued++;
}

static struct req *dequeue(struct prov *p)
{
  struct req *r = p->head;
  if(r) {
    p->head = r->next;
    if(!p->head)
      p->tail = NULL;
    p->queued--;
    r->next = NULL;
  }
  return r;
}

int icpi_sched_heap_push(struct icp_sched *s, struct req *r)
{
  size_t i;
  if(icp_grow(s->heap, s->heapcap, s->nheap + 1))
    return -1;
  i = s->nheap++;
  while(i && s->heap[(i - 1) / 2]->due > r->due) {
    s->heap[i] = s->heap[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  s->heap[i] = r;
  return 0;
}

static struct req *heap_pop(struct icp_sched *s)
{
  struct req *top = s->heap[0], *last = s->heap[--s->nheap];
  size_t i = 0;
  for(;;) {
    size_t c = 2 * i + 1;
    if(c >= s->nheap)
      break;
    if(c + 1 < s->nheap && s->heap[c + 1]->due < s->heap[c]->due)
      c++;
    if(s->heap[c]->due >= last->due)
      break;
    s->heap[i] = s->heap[c];
    i = c;
  }
  if(s->nheap)
    s->heap[i] = last;
  return top;
}

enum icp_status icp_sched_submit(struct icp_sched *s, int provider,
                                 const char *url, struct curl_slist *headers,
                                 icp_sched_done_fn done, void *ud,
                                 struct icp_err *err)
{
  struct req *r;
  if(provider < 0 || provider >= s->np || !url) {
    curl_slist_free_all(headers);
    return icp_err_set(err, ICP_EINVAL, "scheduler: bad request");
  }
  r = calloc(1, sizeof(*r));
  if(!r || !(r->url = strdup(url))) {
    free(r);
    curl_slist_free_all(headers);
    return icp_err_set(err, ICP_ENOMEM, "scheduler: out of memory");
  }
  r->provider = provider;
  r->headers = headers;
  r->done = done;
  r->ud = ud;
  enqueue(s, r);
  return ICP_OK;
}

/* ---- transfers ---------------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
  struct xfer *x = ud;
  size_t len = size * n;
  if(icp_buf_add(&x->body, data, len) != ICP_OK) {
    x->too_big = 1;
    return 0; /* abort: decoded bytes past the cap */
  }
  return len;
}

static size_t on_header(char *data, size_t size, size_t n, void *ud)
{
  struct xfer *x = ud;
  size_t len = size * n, k, e;
  if(len >= 5 && !memcmp(data, "HTTP/", 5)) {
    icp_buf_reset(&x->hdrs); /* a new response (after 100, 202, ...) */
    return len;
  }
  for(k = 0; k < len && data[k] != ':'; k++)
    ;
  if(k == 0 || k == len)
    return len;
  e = len;
  while(e > k + 1 && (data[e - 1] == '\r' || data[e - 1] == '\n' ||
                      data[e - 1] == ' ' || data[e - 1] == '\t'))
    e--;
  {
    size_t v = k + 1;
    while(v < e && (data[v] == ' ' || data[v] == '\t'))
      v++;
    if(icp_buf_add(&x->hdrs, data, k) || icp_buf_addc(&x->hdrs, 0) ||
       icp_buf_add(&x->hdrs, data + v, e - v) ||
       icp_buf_addc(&x->hdrs, 0)) {
      x->hdr_too_big = 1;
      return 0;
    }
  }
  return len;
}

static int start(struct icp_sched *s, struct req *r)
{
  struct prov *p = &s->p[r->provider];
  struct xfer *x = calloc(1, sizeof(*x));
  CURL *e;
  if(!x)
    return -1;
  e = curl_easy_init();
  if(!e) {
    free(x);
    return -1;
  }
  x->easy = e;
  x->r = r;
  icp_buf_init(&x->body, p->lim.max_body);
  icp_buf_init(&x->hdrs, HDR_CAP);
  curl_easy_setopt(e, CURLOPT_URL, r->url);
  curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
  curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)x);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
  /* HARDENING 11: http(s) only, never follow a redirect */
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  /* HARDENING 12: the cap is counted on decoded bytes in on_body too */
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
                   (curl_off_t)p->lim.max_body);
  /* HARDENING 13: connect, total and low-speed limits */
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, p->lim.timeout_ms);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, p->lim.connect_timeout_ms);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, p->lim.low_speed_bytes);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, p->lim.low_speed_time_s);
  /* HARDENING 14: no signals, TLS verification always on */
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  if(p->lim.cainfo)
    curl_easy_setopt(e, CURLOPT_CAINFO, p->lim.cainfo);
  curl_easy_setopt(e, CURLOPT_USERAGENT, "icp/" ICP_VERSION);
  if(curl_multi_add_handle(s->multi, e) != CURLM_OK) {
    curl_easy_cleanup(e);
    icp_buf_free(&x->body);
    icp_buf_free(&x->hdrs);
    free(x);
    return -1;
  }
  x->next = s->xfers;
  if(s->xfers)
    s->xfers->prev = x;
  s->xfers = x;
  r->attempts++;
  p->st.requests++;
  s->in_flight++;
  return 0;
}

static void release(struct icp_sched *s, CURL *e)
{
  struct xfer *x = NULL;
  curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&x);
  curl_multi_remove_handle(s->multi, e);
  curl_easy_cleanup(e);
  if(x) {
    if(x->prev)
      x->prev->next = x->next;
    else
      s->xfers = x->next;
    if(x->next)
      x->next->prev = x->prev;
    icp_buf_free(&x->body);
    icp_buf_free(&x->hdrs);
    free(x);
  }
}

/* Starts what may start now; returns the earliest time (ms) at which a
 * waiting request could start, or INT64_MAX. */
static int64_t start_ready(struct icp_sched *s)
{
  int64_t now = now_ms(), wake = INT64_MAX;
  int i, progress = 1;

  while(s->nheap && s->heap[0]->due <= now)
    enqueue(s, heap_pop(s));
  if(s->nheap)
    wake = s->heap[0]->due;
  /* round-robin, one start per provider per pass, so that one provider's
   * long queue does not starve the others */
  while(progress) {
    progress = 0;
    for(i = 0; i < s->np; i++) {
      struct prov *p = &s->p[i];
      double interval;
      int64_t t;
      if(!p->head)
        continue;
      if(p->state == OPEN) {
        if(now < p->open_until) {
          /* a dead provider costs nothing more: fail its queue now */
          struct req *r;
          while((r = dequeue(p))) {
            p->st.rejected++;
            icpi_sched_fail(s, r, ICP_SCHED_C_BREAKER, 0, "circuit open");
          }
          /* callbacks may have queued more work */
          progress = 1;
          continue;
        }
        p->state = HALF_OPEN;
      }
      if(p->lim.max_requests > 0 && p->st.requests >= p->lim.max_requests) {
        /* the budget is spent: nothing more goes out for this provider */
        struct req *r;
        while((r = dequeue(p)))
          icpi_sched_fail(s, r, ICP_SCHED_C_BUDGET, 0, "max_requests reached");
        progress = 1;
        continue;
      }
      if(p->state == HALF_OPEN && p->trial_in_flight)
        continue;
      if(s->in_flight >= s->max_in_flight)
        return wake;
      t = p->next_slot > p->paused_until ? p->next_slot : p->paused_until;
      if(t > now) {
        if(t < wake)
          wake = t;
        continue;
      }
      interval = p->lim.max_rps > 0 ? 1000.0 / p->lim.max_rps : 0;
      if(now < p->hdr_interval_until && p->hdr_interval_ms > interval)
        interval = p->hdr_interval_ms;
      {
        struct req *r = dequeue(p);
        if(start(s, r)) {
          icpi_sched_fail(s, r, ICP_SCHED_C_TRANSPORT, 0, "out of memory");
          progress = 1;
          continue;
        }
      }
      if(p->state == HALF_OPEN)
        p->trial_in_flight = 1;
      if(interval > 0) {
        /* token bucket of burst 1, on a fixed grid so that the rate holds
         * exactly over many requests */
        double base = p->next_slot_f > (double)now - interval
                          ? p->next_slot_f : (double)now;
        p->next_slot_f = base + interval;
        /* floor: a start may come up to 1 ms early, never late, and the
         * unrounded sum keeps the average rate exact */
        p->next_slot = (int64_t)floor(p->next_slot_f);
      }
      progress = 1;
    }
  }
  return wake;
}

static int pending(const struct icp_sched *s)
{
  int i;
  if(s->in_flight || s->nheap)
    return 1;
  for(i = 0; i < s->np; i++)
    if(s->p[i].head)
      return 1;
  return 0;
}

enum icp_status icp_sched_run(struct icp_sched *s, void (*tick)(void *),
                              void *tick_ud, struct icp_err *err)
{
  return icp_sched_run_until(s, tick, tick_ud, INT64_MAX, err);
}

enum icp_status icp_sched_run_until(struct icp_sched *s,
                                    void (*tick)(void *), void *tick_ud,
                                    int64_t until_ms, struct icp_err *err)
{
  int64_t last_tick = now_ms();
  for(;;) {
    int running = 0, left;
    int64_t wake, now;
    long timeout;
    CURLMsg *m;
    CURLMcode mc;

    wake = start_ready(s);
    mc = curl_multi_perform(s->multi, &running);
    if(mc != CURLM_OK)
      return icp_err_set(err, ICP_EIO, "scheduler: %s",
                         curl_multi_strerror(mc));
    while((m = curl_multi_info_read(s->multi, &left))) {
      if(m->msg == CURLMSG_DONE) {
        CURL *e = m->easy_handle;
        CURLcode rc = m->data.result;
        struct xfer *x = NULL;
        curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&x);
        icpi_sched_finish(s, x, rc);
        release(s, e);
      }
    }
    now = now_ms();
    if(tick && now - last_tick >= ICP_SCHED_TICK_MS) {
      tick(tick_ud);
      last_tick = now;
    }
    if(!pending(s))
      break;
    if(now >= until_ms)
      return ICP_ELIMIT; /* the work stays queued for the next run */
    /* callbacks may have queued work; new transfers make poll return at
     * once (curl gives them a zero timeout) */
    wake = start_ready(s);
    now = now_ms();
    timeout = wake == INT64_MAX ? ICP_SCHED_TICK_MS
                                : (long)(wake - now > 0 ? wake - now : 0);
    if(timeout > ICP_SCHED_TICK_MS)
      timeout = ICP_SCHED_TICK_MS;
    if(until_ms - now < timeout)
      timeout = (long)(until_ms - now > 0 ? until_ms - now : 0);
    mc = curl_multi_poll(s->multi, NULL, 0, (int)timeout, NULL);
    if(mc != CURLM_OK)
      return icp_err_set(err, ICP_EIO, "scheduler: %s",
                         curl_multi_strerror(mc));
  }
  if(tick)
    tick(tick_ud);
  return ICP_OK;
}
