/* scheduler_answer.c -- what an answer means to the scheduler: retries,
 * polls, the circuit breaker and the waits a provider asks for. */
#include <curl/curl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "net/scheduler_impl.h"
#include "net/libs.h"

static uint64_t rnd(struct icp_sched *s)
{
  uint64_t x = s->rng; /* xorshift64* */
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  s->rng = x;
  return x * 2685821657736338717ULL;
}

const char *icp_sched_header(const struct icp_sched_answer *a,
                             const char *name)
{
  const struct icp_buf *h = a->hdrs;
  size_t i = 0, nn = strlen(name);
  if(!h || !h->p)
    return NULL;
  while(i < h->len) {
    const char *k = h->p + i, *v = k + strlen(k) + 1;
    if(strlen(k) == nn && strncasecmp(k, name, nn) == 0)
      return v;
    i = (size_t)(v - h->p) + strlen(v) + 1;
  }
  return NULL;
}

/* Delivers the final answer and frees the request. Returns the verdict. */
static enum icp_sched_verdict deliver(struct icp_sched *s, struct req *r,
                                      struct icp_sched_answer *a)
{
  enum icp_sched_verdict v;
  (void)s;
  a->attempts = r->attempts;
  v = r->done(r->ud, a);
  return v;
}

void icpi_sched_fail(struct icp_sched *s, struct req *r,
                     enum icp_sched_cause cause, long status,
                     const char *why)
{
  struct icp_sched_answer a;
  memset(&a, 0, sizeof(a));
  a.outcome = ICP_SCHED_FAILED;
  a.cause = cause;
  a.status = status;
  a.error = why;
  a.body = "";
  if(cause == ICP_SCHED_C_BUDGET)
    s->p[r->provider].st.over_budget++;
  else
    s->p[r->provider].st.failures++;
  deliver(s, r, &a);
  icpi_sched_req_free(r);
}

/* A request's outcome for p's circuit breaker. A failure (ok 0) keeps
 * why, so that the requests the open circuit then skips can say what
 * opened it (a dead provider shows its connection error, not only
 * "circuit open"). */
static void breaker_note(struct icp_sched *s, struct prov *p, int ok,
                         const char *why)
{
  int64_t now = now_ms();
  if(ok) {
    p->consecutive = 0;
    p->state = CLOSED;
    return;
  }
  if(why)
    snprintf(p->st.last_error, sizeof(p->st.last_error), "%s", why);
  p->consecutive++;
  if(p->state == HALF_OPEN ||
     (p->state == CLOSED && p->consecutive >= p->lim.breaker_failures)) {
    p->state = OPEN;
    p->open_until = now + p->lim.breaker_cooldown_ms;
    p->st.breaker_opens++;
  }
  (void)s;
}

/* Puts r back to be tried later, after delay_ms; counts as a retry or a
 * poll. */
static void later(struct icp_sched *s, struct req *r, long delay_ms)
{
  r->due = now_ms() + (delay_ms > 0 ? delay_ms : 0);
  if(icpi_sched_heap_push(s, r))
    icpi_sched_fail(s, r, ICP_SCHED_C_TRANSPORT, 0, "out of memory");
}

static long backoff(struct icp_sched *s, const struct prov *p, int attempt)
{
  double ceil = (double)p->lim.backoff_base_ms;
  int i;
  for(i = 1; i < attempt && ceil < (double)p->lim.backoff_cap_ms; i++)
    ceil *= 2;
  if(ceil > (double)p->lim.backoff_cap_ms)
    ceil = (double)p->lim.backoff_cap_ms;
  /* full jitter: uniform in [0, ceil] */
  return (long)((double)(rnd(s) >> 11) / 9007199254740992.0 * ceil);
}

long icp_sched_retry_after(const char *v, int64_t now_s, long cap_ms)
{
  size_t i, n;
  double secs;
  if(!v)
    return -1;
  while(*v == ' ' || *v == '\t')
    v++;
  n = strlen(v);
  while(n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
    n--;
  if(!n || n > 64)
    return -1;
  for(i = 0; i < n && v[i] >= '0' && v[i] <= '9'; i++)
    ;
  if(i == n) {
    secs = 0;
    for(i = 0; i < n; i++)
      secs = secs * 10 + (v[i] - '0');
  }
  else {
    char tmp[65];
    time_t t;
    /* an HTTP date names its weekday: "Wed, 21 Oct 2015 07:28:00 GMT" */
    if(!((v[0] >= 'A' && v[0] <= 'Z') || (v[0] >= 'a' && v[0] <= 'z')))
      return -1;
    memcpy(tmp, v, n);
    tmp[n] = 0;
    t = curl_getdate(tmp, NULL);
    if(t == (time_t)-1)
      return -1;
    secs = (double)t - (double)now_s;
    if(secs < 0)
      secs = 0;
  }
  if(secs * 1000.0 > (double)cap_ms)
    return cap_ms;
  return (long)(secs * 1000.0);
}

static void asked_wait(struct icp_sched *s, struct prov *p, long ms,
                       long status);

/* Reads X-RateLimit-Remaining / -Reset (any case) of an answer. */
static void pace(struct icp_sched *s, struct prov *p,
                 const struct icp_sched_answer *a, int64_t now)
{
  const char *rem = icp_sched_header(a, "x-ratelimit-remaining");
  const char *rst = icp_sched_header(a, "x-ratelimit-reset");
  char *end;
  double remaining, reset, delta_ms;
  if(!rem || !rst)
    return;
  remaining = strtod(rem, &end);
  if(end == rem || !isfinite(remaining) || remaining < 0)
    return;
  reset = strtod(rst, &end);
  if(end == rst || !isfinite(reset) || reset < 0)
    return;
  /* epoch seconds when large, else seconds from now */
  if(reset > 1e9)
    reset -= (double)time(NULL);
  if(reset < 0)
    reset = 0;
  delta_ms = reset * 1000.0;
  if(delta_ms > (double)p->lim.retry_after_cap_ms)
    delta_ms = (double)p->lim.retry_after_cap_ms;
  if(remaining < 1) {
    if(now + (int64_t)delta_ms > p->paused_until) {
      p->paused_until = now + (int64_t)delta_ms;
      asked_wait(s, p, (long)delta_ms, a->status);
    }
  }
  else {
    p->hdr_interval_ms = delta_ms / remaining;
    p->hdr_interval_until = now + (int64_t)delta_ms;
  }
}

/* A wait the provider asked for: long ones are told (a user at a
 * terminal sees why nothing moves). */
static void asked_wait(struct icp_sched *s, struct prov *p, long ms,
                       long status)
{
  if(ms <= 2000)
    return;
  p->st.long_waits++;
  if(s->wait)
    s->wait(s->wait_ud, p->name, ms, status);
}

static enum icp_sched_cause cause_of(CURLcode rc)
{
  switch(rc) {
  case CURLE_OPERATION_TIMEDOUT:
    return ICP_SCHED_C_TIMEOUT;
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY:
  case CURLE_COULDNT_CONNECT:
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_GOT_NOTHING:
    return ICP_SCHED_C_CONNECT;
  case CURLE_FILESIZE_EXCEEDED:
    return ICP_SCHED_C_OVERSIZE;
  default:
    return ICP_SCHED_C_TRANSPORT;
  }
}

static int transient(CURLcode rc)
{
  switch(rc) {
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_CONNECT:
  case CURLE_OPERATION_TIMEDOUT:
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_PARTIAL_FILE:
  case CURLE_GOT_NOTHING:
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_HTTP2:
  case CURLE_HTTP2_STREAM:
    return 1;
  default:
    return 0;
  }
}

void icpi_sched_finish(struct icp_sched *s, struct xfer *x, CURLcode rc)
{
  struct req *r = x->r;
  struct prov *p = &s->p[r->provider];
  struct icp_sched_answer a;
  char why[160];
  long status = 0;
  int64_t now = now_ms();

  x->r = NULL;
  s->in_flight--;
  if(p->trial_in_flight)
    p->trial_in_flight = 0;
  curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
  memset(&a, 0, sizeof(a));
  a.status = status;
  a.body = x->body.p ? x->body.p : "";
  a.len = x->body.len;
  a.hdrs = &x->hdrs;
  a.outcome = ICP_SCHED_HTTP;
  if(rc == CURLE_OK)
    pace(s, p, &a, now);

  if(rc != CURLE_OK) {
    if(x->too_big)
      snprintf(why, sizeof(why), "answer larger than %zu bytes",
               p->lim.max_body);
    else if(x->hdr_too_big)
      snprintf(why, sizeof(why), "answer headers too large");
    else
      snprintf(why, sizeof(why), "%s", curl_easy_strerror(rc));
    breaker_note(s, p, 0, why);
    if(!x->too_big && !x->hdr_too_big && transient(rc) &&
       r->attempts < p->lim.max_attempts) {
      p->st.retries++;
      later(s, r, backoff(s, p, r->attempts));
      return;
    }
    if(r->attempts > 1 && transient(rc)) {
      size_t k = strlen(why);
      snprintf(why + k, sizeof(why) - k, " after %d attempts", r->attempts);
    }
    icpi_sched_fail(s, r, x->too_big || x->hdr_too_big ? ICP_SCHED_C_OVERSIZE
                   : cause_of(rc), 0, why);
    return;
  }
  if(status == 429 || (status >= 500 && status <= 599)) {
    long ra = icp_sched_retry_after(icp_sched_header(&a, "retry-after"),
                                    (int64_t)time(NULL),
                                    p->lim.retry_after_cap_ms);
    /* repeated 429s are a failing provider too: they count toward the
     * breaker like 5xx */
    snprintf(why, sizeof(why), "HTTP %ld", status);
    breaker_note(s, p, 0, why);
    if(r->attempts < p->lim.max_attempts) {
      p->st.retries++;
      if(ra >= 0)
        asked_wait(s, p, ra, status);
      later(s, r, ra >= 0 ? ra : backoff(s, p, r->attempts));
      return;
    }
    snprintf(why, sizeof(why), "HTTP %ld after %d attempts", status,
             r->attempts);
    icpi_sched_fail(s, r, ICP_SCHED_C_STATUS, status, why);
    return;
  }
  if(status == 202) {
    long ra = icp_sched_retry_after(icp_sched_header(&a, "retry-after"),
                                    (int64_t)time(NULL),
                                    p->lim.retry_after_cap_ms);
    breaker_note(s, p, 1, NULL);
    if(r->polls < p->lim.max_polls) {
      r->polls++;
      p->st.polls++;
      if(ra >= 0)
        asked_wait(s, p, ra, status);
      later(s, r, ra >= 0 ? ra : backoff(s, p, r->polls + 1));
      return;
    }
    snprintf(why, sizeof(why), "still queued after %d polls", r->polls);
    icpi_sched_fail(s, r, ICP_SCHED_C_QUEUED, status, why);
    return;
  }
  if(status >= 300 && status <= 399) {
    snprintf(why, sizeof(why), "redirect refused (HTTP %ld)", status);
    breaker_note(s, p, 0, why);
    icpi_sched_fail(s, r, ICP_SCHED_C_STATUS, status, why);
    return;
  }
  if(status < 200 || status > 499) {
    snprintf(why, sizeof(why), "unexpected HTTP status %ld", status);
    breaker_note(s, p, 0, why);
    icpi_sched_fail(s, r, ICP_SCHED_C_STATUS, status, why);
    return;
  }
  switch(deliver(s, r, &a)) {
  case ICP_SCHED_DONE:
    breaker_note(s, p, 1, NULL);
    icpi_sched_req_free(r);
    break;
  case ICP_SCHED_AGAIN:
    breaker_note(s, p, 1, NULL);
    if(r->polls < p->lim.max_polls) {
      r->polls++;
      p->st.polls++;
      later(s, r, backoff(s, p, r->polls + 1));
    }
    else {
      snprintf(why, sizeof(why), "still queued after %d polls", r->polls);
      icpi_sched_fail(s, r, ICP_SCHED_C_QUEUED, status, why);
    }
    break;
  case ICP_SCHED_BAD:
  default:
    p->st.failures++;
    breaker_note(s, p, 0, "unusable answer");
    icpi_sched_req_free(r);
    break;
  }
}
