/* test_scheduler.c -- the libcurl multi scheduler against the loopback
 * fixture server (tests/fixture_server.py), one fault mode per case. */
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "net/scheduler.h"

static pid_t server;
static int port;
static char dir[64];

static long long ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void start_server(void)
{
  char pf[128];
  long long t0 = ms();
  snprintf(dir, sizeof(dir), "/tmp/icp_sched_XXXXXX");
  cr_assert(mkdtemp(dir));
  snprintf(pf, sizeof(pf), "%s/port", dir);
  server = fork();
  cr_assert(server >= 0);
  if(server == 0) {
    execlp("python3", "python3", "tests/fixture_server.py", "--port-file",
           pf, "--idle-exit", "30", (char *)NULL);
    _exit(127);
  }
  while(ms() - t0 < 10000) {
    FILE *f = fopen(pf, "r");
    if(f) {
      int ok = fscanf(f, "%d", &port) == 1;
      fclose(f);
      if(ok)
        break;
    }
    usleep(20000); /* test harness only: waiting for python to start */
  }
  cr_assert(port > 0, "fixture server did not start");
}

static void stop_server(void)
{
  char cmd[128];
  if(server > 0) {
    kill(server, SIGTERM);
    waitpid(server, NULL, 0);
  }
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  if(system(cmd)) {
  }
}

TestSuite(sched, .init = start_server, .fini = stop_server, .timeout = 60);

/* ---- helpers ------------------------------------------------------------ */

struct got {
  int calls;
  enum icp_sched_outcome outcome;
  long status;
  int attempts;
  char error[160];
  char body[256];
  size_t len;
  long long at;          /* when answered */
  enum icp_sched_verdict verdict;
  enum icp_sched_cause cause;
};

static enum icp_sched_verdict on_done(void *ud,
                                      const struct icp_sched_answer *a)
{
  struct got *g = ud;
  g->calls++;
  g->outcome = a->outcome;
  g->cause = a->cause;
  g->status = a->status;
  g->attempts = a->attempts;
  g->len = a->len;
  g->at = ms();
  snprintf(g->error, sizeof(g->error), "%s", a->error ? a->error : "");
  snprintf(g->body, sizeof(g->body), "%s", a->body ? a->body : "");
  /* a parser's view: a body that is not a JSON object is malformed */
  if(a->outcome == ICP_SCHED_HTTP && a->status == 200) {
    size_t n = a->len;
    while(n && (a->body[n - 1] == '\n' || a->body[n - 1] == ' '))
      n--;
    if(n < 2 || a->body[n - 1] != '}')
      return ICP_SCHED_BAD;
  }
  return g->verdict;
}

static struct icp_sched *mk(int in_flight)
{
  struct icp_sched *s;
  struct icp_sched_opts o = { in_flight, 42, NULL, NULL };
  struct icp_err err = { "" };
  cr_assert_eq(icp_sched_new(&s, &o, &err), ICP_OK, "%s", err.msg);
  return s;
}

static int prov(struct icp_sched *s, struct icp_sched_limits *l)
{
  int id;
  l->name = l->name ? l->name : "inhouse";
  if(!l->backoff_base_ms)
    l->backoff_base_ms = 20;
  id = icp_sched_provider(s, l);
  cr_assert(id >= 0);
  return id;
}

static void ask(struct icp_sched *s, int p, const char *domain,
                struct got *g)
{
  char url[256];
  struct icp_err err = { "" };
  snprintf(url, sizeof(url), "http://127.0.0.1:%d/inhouse/company?domain=%s",
           port, domain);
  cr_assert_eq(icp_sched_submit(s, p, url, NULL, on_done, g, &err), ICP_OK,
               "%s", err.msg);
}

static void run(struct icp_sched *s)
{
  struct icp_err err = { "" };
  cr_assert_eq(icp_sched_run(s, NULL, NULL, &err), ICP_OK, "%s", err.msg);
}

/* ---- cases -------------------------------------------------------------- */

Test(sched, a_plain_answer_is_delivered_once)
{
  struct icp_sched *s = mk(4);
  struct icp_sched_limits l = { 0 };
  struct got g = { 0 };
  struct icp_sched_stats st;
  int p = prov(s, &l);
  ask(s, p, "alderfoods50.com", &g);
  run(s);
  cr_assert_eq(g.calls, 1);
  cr_assert_eq(g.outcome, ICP_SCHED_HTTP);
  cr_assert_eq(g.status, 200);
  cr_assert(strstr(g.body, "organization"), "%s", g.body);
  icp_sched_stats(s, p, &st);
  cr_assert_eq(st.requests, 1);
  cr_assert_eq(st.retries, 0);
  icp_sched_free(s);
}

Test(sched, a_404_is_a_final_answer_not_retried)
{
  struct icp_sched *s = mk(4);
  struct icp_sched_limits l = { 0 };
  struct got g = { 0 };
  int p = prov(s, &l);
  ask(s, p, "nobody-knows-this.com", &g);
  run(s);
  cr_assert_eq(g.status, 404);
  cr_assert_eq(g.attempts, 1);
  icp_sched_free(s);
}

Test(sched, a_429_waits_for_retry_after_then_succeeds)
{
  struct icp_sched *s = mk(4);
  struct icp_sched_limits l = { 0 };
  struct got g = { 0 };
  struct icp_sched_stats st;
  int p = prov(s, &l);
  long long t0 = ms();
  ask(s, p, "fault-429-a.com", &g);
  run(s);
  cr_assert_eq(g.outcome, ICP_SCHED_HTTP);
  cr_assert_eq(g.status, 200);
  cr_assert_eq(g.attempts, 2);
  cr_assert_geq(g.at - t0, 950, "Retry-After: 1 not honoured (%lld ms)",
                g.at - t0);
  icp_sched_stats(s, p, &st);
  cr_assert_eq(st.retries, 1);
  icp_sched_free(s);
}

Test(sched, a_500_is_retried_with_backoff)
{
  struct icp_sched *s = mk(4);
  struct icp_sched_limits l = { 0 };
  struct got g = { 0 };
  struct icp_sched_stats st;
  int p = prov(s, &l);
  ask(s, p, "fault-500-a.com", &g);
  run(s);
  cr_assert_eq(g.status, 200);
  cr_assert_eq(g.attempts, 2);
  icp_sched_stats(s, p, &st);
  cr_assert_eq(st.retries, 1);
  cr_assert_eq(st.failures, 0);
  icp_sched_free(s);
}

Test(sched, a_202_is_asked_again_later)
{
  struct icp_sched *s = mk(4);
  struct icp_sched_limits l = { 0 };
  struct got g = { 0 };
  struct icp_sched_stats st;
  int p = prov(s, &l);
  ask(s, p, "fault-202-a.com", &g);
  run(s);
  cr_assert_eq(g.calls, 1);
  cr_assert_eq(g.status, 200);
  icp_sched_stats(s, p, &st);
  cr_assert_eq(st.polls, 1);
  cr_assert_eq(st.requests, 2);
  icp_sched_free(s);
}

Test(sched, a_malformed_answer_is_counted_as_a_failure)
{
  struct icp_sched *s = mk(4);
  struct icp_sched_limits l = { 0 };
  struct got g = { 0 };
  struct icp_sched_stats st;
  int p = prov(s, &l);
  ask(s, p, "fault-malformed-a.com", &g);
  run(s);
  cr_assert_eq(g.calls, 1);
  icp_sched_stats(s, p, &st);
  cr_assert_eq(st.failures, 1);
  cr_assert_eq(st.requests, 1);
  icp_sched_free(s);
}

Test(sched, an_oversize_chunked_body_is_aborted_at_the_cap)
{
  struct icp_sched *s = mk(4);
  struct icp_sched_limits l = { 0 };
  struct got g = { 0 };
  int p;
  l.max_body = 1 << 20;
  p = prov(s, &l);
  ask(s, p, "fault-oversize-a.com", &g);
  run(s);
  cr_assert_eq(g.outcome, ICP_SCHED_FAILED);
  cr_assert(strstr(g.error, "larger than 1048576"), "%s", g.error);
  cr_assert_eq(g.attempts, 1, "an oversize answer is not retried");
  icp_sched_free(s);
}

Test(sched, a_connection_closed_mid_body_is_retried_then_fails)
{
  struct icp_sched *s = mk(4);
  struct icp_sched_limits l = { 0 };
  struct got g = { 0 };
  struct icp_sched_stats st;
  int p;
  l.max_attempts = 3;
  p = prov(s, &l);
  ask(s, p, "fault-close-a.com", &g);
  run(s);
  cr_assert_eq(g.outcome, ICP_SCHED_FAILED);
  cr_assert_eq(g.attempts, 3);
  cr_assert(strstr(g.error, "after 3 attempts"), "%s", g.error);
  icp_sched_stats(s, p, &st);
  cr_assert_eq(st.retries, 2);
  cr_assert_eq(st.failures, 1);
  icp_sched_free(s);
}

Test(sched, a_slow_drip_is_cut_by_the_low_speed_limit)
{
  struct icp_sched *s = mk(4);
  struct icp_sched_limits l = { 0 };
  struct got g = { 0 };
  long long t0 = ms();
  int p;
  l.max_attempts = 1;
  l.low_speed_bytes = 100;
  l.low_speed_time_s = 1;
  l.timeout_ms = 30000;
  p = prov(s, &l);
  ask(s, p, "fault-drip-a.com", &g);
  run(s);
  cr_assert_eq(g.outcome, ICP_SCHED_FAILED);
  cr_assert(strstr(g.error, "imeout") || strstr(g.error, "time"), "%s",
            g.error);
  cr_assert_lt(g.at - t0, 5000, "the drip lasted %lld ms", g.at - t0);
  icp_sched_free(s);
}

Test(sched, a_total_timeout_bounds_a_slow_answer)
{
  struct icp_sched *s = mk(4);
  struct icp_sched_limits l = { 0 };
  struct got g = { 0 };
  long long t0 = ms();
  int p;
  l.max_attempts = 1;
  l.timeout_ms = 300;
  p = prov(s, &l);
  ask(s, p, "fault-latency-3000-a.com", &g);
  run(s);
  cr_assert_eq(g.outcome, ICP_SCHED_FAILED);
  cr_assert_lt(g.at - t0, 2000);
  icp_sched_free(s);
}

Test(sched, a_run_stopped_by_its_time_limit_goes_on_in_the_next_run)
{
  struct icp_sched *s = mk(4);
  struct icp_sched_limits l = { 0 };
  struct got g = { 0 };
  struct icp_err err = { "" };
  long long t0 = ms();
  int p = prov(s, &l);
  ask(s, p, "fault-latency-400-a.com", &g);
  cr_assert_eq(icp_sched_run_until(s, NULL, NULL, t0 + 100, &err),
               ICP_ELIMIT, "%s", err.msg);
  cr_assert_geq(ms() - t0, 100);
  cr_assert_eq(g.calls, 0, "stopped before the answer (400 ms) came");
  run(s);
  cr_assert_eq(g.calls, 1);
  cr_assert_eq(g.status, 200);
  cr_assert_eq(g.attempts, 1, "the transfer went on, not started again");
  icp_sched_free(s);
}

Test(sched, a_redirect_is_refused_not_followed)
{
  struct icp_sched *s = mk(4);
  struct icp_sched_limits l = { 0 };
  struct got g = { 0 };
  int p = prov(s, &l);
  ask(s, p, "fault-redirect-a.com", &g);
  run(s);
  cr_assert_eq(g.outcome, ICP_SCHED_FAILED);
  cr_assert(strstr(g.error, "redirect refused (HTTP 302)"), "%s", g.error);
  cr_assert_eq(g.attempts, 1);
  cr_assert_null(strstr(g.error, "169.254"));
  icp_sched_free(s);
}

Test(sched, only_http_and_https_urls_are_fetched)
{
  struct icp_sched *s = mk(4);
  struct icp_sched_limits l = { 0 };
  struct got g = { 0 };
  struct icp_err err = { "" };
  int p = prov(s, &l);
  cr_assert_eq(icp_sched_submit(s, p, "file:///etc/passwd", NULL, on_done,
                                &g, &err), ICP_OK);
  run(s);
  cr_assert_eq(g.outcome, ICP_SCHED_FAILED);
  cr_assert_eq(g.attempts, 1);
  icp_sched_free(s);
}

static int closed_port(void)
{
  struct sockaddr_in a;
  socklen_t n = sizeof(a);
  int fd = socket(AF_INET, SOCK_STREAM, 0), p;
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
  getsockname(fd, (struct sockaddr *)&a, &n);
  p = ntohs(a.sin_port);
  close(fd); /* nothing listens there now */
  return p;
}

Test(sched, the_circuit_breaker_opens_after_consecutive_failures)
{
  struct icp_sched *s = mk(1);
  struct icp_sched_limits l = { 0 };
  struct got g[10];
  struct icp_sched_stats st;
  struct icp_err err = { "" };
  char url[128];
  int p, i, open = 0;
  memset(g, 0, sizeof(g));
  l.max_attempts = 1;
  l.breaker_failures = 3;
  l.breaker_cooldown_ms = 60000;
  p = prov(s, &l);
  snprintf(url, sizeof(url), "http://127.0.0.1:%d/x", closed_port());
  for(i = 0; i < 10; i++)
    cr_assert_eq(icp_sched_submit(s, p, url, NULL, on_done, &g[i], &err),
                 ICP_OK);
  run(s);
  for(i = 0; i < 10; i++) {
    cr_assert_eq(g[i].calls, 1);
    cr_assert_eq(g[i].outcome, ICP_SCHED_FAILED);
    open += !strcmp(g[i].error, "circuit open");
  }
  icp_sched_stats(s, p, &st);
  cr_assert_eq(st.requests, 3, "a dead provider costs 3 tries, not 10");
  cr_assert_eq(open, 7);
  cr_assert_eq(st.breaker_opens, 1);
  cr_assert_eq(st.rejected, 7);
  icp_sched_free(s);
}

Test(sched, the_circuit_half_opens_after_its_cooldown)
{
  struct icp_sched *s = mk(1);
  struct icp_sched_limits l = { 0 }, l2 = { 0 };
  struct got g[3], h = { 0 };
  struct icp_sched_stats st;
  struct icp_err err = { "" };
  char url[128];
  int p, i;
  memset(g, 0, sizeof(g));
  l.max_attempts = 1;
  l.breaker_failures = 1;
  l.breaker_cooldown_ms = 300;
  p = prov(s, &l);
  l2.name = "slow";
  (void)prov(s, &l2);
  snprintf(url, sizeof(url), "http://127.0.0.1:%d/x", closed_port());
  cr_assert_eq(icp_sched_submit(s, p, url, NULL, on_done, &g[0], &err),
               ICP_OK);
  run(s);
  cr_assert_eq(g[0].outcome, ICP_SCHED_FAILED);
  /* open: rejected at once */
  ask(s, p, "alderfoods50.com", &g[1]);
  run(s);
  cr_assert_str_eq(g[1].error, "circuit open");
  /* after the cooldown a trial goes through and closes it */
  ask(s, 1, "fault-latency-400-a.com", &h);
  run(s);
  ask(s, p, "alderfoods50.com", &g[2]);
  run(s);
  cr_assert_eq(g[2].outcome, ICP_SCHED_HTTP);
  cr_assert_eq(g[2].status, 200);
  icp_sched_stats(s, p, &st);
  cr_assert_eq(st.requests, 2);
  for(i = 0; i < 3; i++)
    cr_assert_eq(g[i].calls, 1);
  icp_sched_free(s);
}

Test(sched, max_rps_spaces_the_requests)
{
  struct icp_sched *s = mk(16);
  struct icp_sched_limits l = { 0 };
  struct got g[21];
  long long t0;
  int p, i;
  memset(g, 0, sizeof(g));
  l.max_rps = 20;
  p = prov(s, &l);
  for(i = 0; i < 21; i++)
    ask(s, p, "alderfoods50.com", &g[i]);
  t0 = ms();
  run(s);
  /* 21 requests at 20/s: the last starts 1 s after the first */
  cr_assert_geq(ms() - t0, 980);
  cr_assert_lt(ms() - t0, 1600);
  icp_sched_free(s);
}

Test(sched, rate_limit_headers_pause_the_provider)
{
  struct icp_sched *s = mk(1);
  struct icp_sched_limits l = { 0 };
  struct got g[2];
  long long t0;
  int p;
  memset(g, 0, sizeof(g));
  p = prov(s, &l);
  ask(s, p, "fault-ratelimit-a.com", &g[0]);
  ask(s, p, "fault-ratelimit-b.com", &g[1]);
  t0 = ms();
  run(s);
  cr_assert_eq(g[1].status, 200);
  /* Remaining: 0, Reset: 1 -> the second waits about a second */
  cr_assert_geq(g[1].at - g[0].at, 900, "%lld", g[1].at - g[0].at);
  (void)t0;
  icp_sched_free(s);
}

Test(sched, transfers_in_flight_are_bounded)
{
  struct icp_sched *s = mk(4);
  struct icp_sched_limits l = { 0 };
  struct got g[8];
  long long t0;
  int p, i;
  char d[64];
  memset(g, 0, sizeof(g));
  p = prov(s, &l);
  for(i = 0; i < 8; i++) {
    snprintf(d, sizeof(d), "fault-latency-300-%d.com", i);
    ask(s, p, d, &g[i]);
  }
  t0 = ms();
  run(s);
  /* 8 answers of 300 ms, 4 at a time: two rounds */
  cr_assert_geq(ms() - t0, 580);
  cr_assert_lt(ms() - t0, 1100);
  icp_sched_free(s);
}

Test(sched, retry_after_takes_seconds_or_a_date_and_ignores_garbage)
{
  cr_assert_eq(icp_sched_retry_after("5", 0, 60000), 5000);
  cr_assert_eq(icp_sched_retry_after(" 0 ", 0, 60000), 0);
  cr_assert_eq(icp_sched_retry_after("99999", 0, 60000), 60000);
  cr_assert_eq(icp_sched_retry_after("Wed, 21 Oct 2015 07:28:10 GMT",
                                     1445412480, 60000), 10000);
  cr_assert_eq(icp_sched_retry_after("Wed, 21 Oct 2015 07:28:10 GMT",
                                     1445412500, 60000), 0);
  cr_assert_eq(icp_sched_retry_after("-5", 0, 60000), -1);
  cr_assert_eq(icp_sched_retry_after("soon", 0, 60000), -1);
  cr_assert_eq(icp_sched_retry_after("1.5", 0, 60000), -1);
  cr_assert_eq(icp_sched_retry_after("", 0, 60000), -1);
  cr_assert_eq(icp_sched_retry_after(NULL, 0, 60000), -1);
}

/* ---- issue 11: causes, 429s and the breaker, budgets, long waits ------- */

struct waits {
  int n;
  long ms, status;
  char provider[32];
};

static void on_wait(void *ud, const char *provider, long wait_ms,
                    long status)
{
  struct waits *w = ud;
  w->n++;
  w->ms = wait_ms;
  w->status = status;
  snprintf(w->provider, sizeof(w->provider), "%s", provider);
}

Test(sched, repeated_429s_open_the_breaker_and_later_requests_are_skipped)
{
  struct icp_sched *s = mk(1);
  struct icp_sched_limits l = { 0 };
  struct got g[4];
  struct icp_sched_stats st;
  int p, i;
  memset(g, 0, sizeof(g));
  l.max_attempts = 2;
  l.breaker_failures = 2;
  l.retry_after_cap_ms = 10;   /* Retry-After: 60, capped */
  p = prov(s, &l);
  ask(s, p, "fault-retryafter-a.com", &g[0]);
  ask(s, p, "fault-retryafter-b.com", &g[1]);
  ask(s, p, "fault-retryafter-c.com", &g[2]);
  ask(s, p, "fault-retryafter-d.com", &g[3]);
  run(s);
  icp_sched_stats(s, p, &st);
  cr_assert_geq(st.breaker_opens, 1, "429s never opened the breaker");
  cr_assert_lt(st.requests, 8, "every request was sent: %ld", st.requests);
  for(i = 0; i < 4; i++) {
    cr_assert_eq(g[i].calls, 1);
    cr_assert_eq(g[i].outcome, ICP_SCHED_FAILED);
    cr_assert(g[i].cause == ICP_SCHED_C_BREAKER ||
              (g[i].cause == ICP_SCHED_C_STATUS && g[i].status == 429));
  }
  cr_assert_eq(g[3].cause, ICP_SCHED_C_BREAKER);
  icp_sched_free(s);
}

Test(sched, max_requests_is_a_hard_cap_and_the_rest_fail_as_budget)
{
  struct icp_sched *s = mk(4);
  struct icp_sched_limits l = { 0 };
  struct got g[12];
  struct icp_sched_stats st;
  int p, i, budget = 0;
  memset(g, 0, sizeof(g));
  l.max_requests = 5;
  p = prov(s, &l);
  for(i = 0; i < 12; i++) {
    char d[64];
    snprintf(d, sizeof(d), "nobody-%d.example", i);
    ask(s, p, d, &g[i]);
  }
  run(s);
  icp_sched_stats(s, p, &st);
  cr_assert_eq(st.requests, 5);
  cr_assert_eq(st.over_budget, 7);
  cr_assert_eq(st.failures, 0, "a skipped request is not a failure");
  for(i = 0; i < 12; i++)
    budget += g[i].outcome == ICP_SCHED_FAILED &&
              g[i].cause == ICP_SCHED_C_BUDGET;
  cr_assert_eq(budget, 7);
  icp_sched_free(s);
}

Test(sched, a_long_wait_is_told_and_capped)
{
  struct icp_sched *s;
  struct icp_sched_opts o = { 4, 42, on_wait, NULL };
  struct icp_sched_limits l = { 0 };
  struct waits w = { 0, 0, 0, "" };
  struct got g = { 0 };
  struct icp_err err = { "" };
  long long t0 = ms();
  int p;
  o.wait_ud = &w;
  cr_assert_eq(icp_sched_new(&s, &o, &err), ICP_OK, "%s", err.msg);
  l.name = "slowpoke";
  l.max_attempts = 2;
  l.retry_after_cap_ms = 2100;  /* the server asks for 60 s */
  p = prov(s, &l);
  ask(s, p, "fault-retryafter-z.com", &g);
  run(s);
  cr_assert_eq(w.n, 1);
  cr_assert_eq(w.ms, 2100);
  cr_assert_eq(w.status, 429);
  cr_assert_str_eq(w.provider, "slowpoke");
  cr_assert_lt(ms() - t0, 10000, "Retry-After was not capped");
  cr_assert_eq(g.cause, ICP_SCHED_C_STATUS);
  icp_sched_free(s);
}

Test(sched, failures_carry_their_cause)
{
  struct icp_sched *s = mk(4);
  struct icp_sched_limits l = { 0 };
  struct got g[2];
  int p;
  memset(g, 0, sizeof(g));
  l.max_attempts = 1;
  l.timeout_ms = 1000;
  p = prov(s, &l);
  ask(s, p, "fault-timeout-a.com", &g[0]);
  ask(s, p, "fault-reset-a.com", &g[1]);
  run(s);
  cr_assert_eq(g[0].cause, ICP_SCHED_C_TIMEOUT);
  cr_assert_eq(g[1].cause, ICP_SCHED_C_CONNECT);
  icp_sched_free(s);
}
