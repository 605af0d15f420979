/* server.c -- icp serve on libmicrohttpd: routing, limits, answers, the
 * access log, reload and drain. See server.h. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "data/columns.h"
#include "serve/lane.h"
#include "serve/metrics.h"
#include "serve/packs.h"
#include "serve/server.h"
#include "net/libs.h"

struct icp_server {
  struct icp_serve_cfg cfg;
  struct MHD_Daemon *d;
  struct icp_packs pk;
  struct icp_metrics m;
  char addr[160];
  char *auth;                   /* "Bearer TOKEN" */
  atomic_int draining;
  atomic_long conns;            /* open connections */
  pthread_mutex_t mu;           /* with cv: drain waits for active == 0 */
  pthread_cond_t cv;
};

/* One request, from its first call to its completion. */
struct req {
  double t0;
  enum icp_ep ep;
  int status;                   /* answered, 0 while not */
  size_t bytes;
  long accounts;
  struct icp_buf body;
  char method[16];
  char path[256];
  char version[256];            /* the pack that answered */
  char error[200];              /* the message of an error answer */
};

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Copies src into dst, cut to fit (log fields). */
static void copy(char *dst, size_t cap, const char *src)
{
  size_t n = src ? strnlen(src, cap - 1) : 0;
  memcpy(dst, src ? src : "", n);
  dst[n] = 0;
}

/* ---- answers -------------------------------------------------------------- */

static enum MHD_Result respond(struct icp_server *s, struct MHD_Connection *c,
                               struct req *rq, int code, const char *ctype,
                               const char *body, size_t n,
                               const char *version, const char *allow)
{
  struct MHD_Response *r;
  enum MHD_Result ret;
  if(!version) { /* every answer names the pack serving */
    struct icp_gen *g = icp_packs_pin(&s->pk);
    copy(rq->version, sizeof(rq->version), g->version);
    icp_packs_unpin(&s->pk, g);
  }
  else
    copy(rq->version, sizeof(rq->version), version);
  r = MHD_create_response_from_buffer(n, (void *)body,
                                      MHD_RESPMEM_MUST_COPY);
  if(!r)
    return MHD_NO;
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
  MHD_add_response_header(r, "X-ICP-Pack", rq->version);
  if(allow)
    MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
  if(code == 401)
    MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
  if(atomic_load(&s->draining))
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
  ret = MHD_queue_response(c, (unsigned)code, r);
  MHD_destroy_response(r);
  rq->status = code;
  rq->bytes = n;
  return ret;
}

static enum MHD_Result error(struct icp_server *s, struct MHD_Connection *c,
                             struct req *rq, int code, const char *allow,
                             const char *fmt, ...)
  __attribute__((format(printf, 6, 7)));

/* An error answer: {"error": "..."} saying what and where. */
static enum MHD_Result error(struct icp_server *s, struct MHD_Connection *c,
                             struct req *rq, int code, const char *allow,
                             const char *fmt, ...)
{
  char msg[ICP_ERR_MAX + 64];
  struct icp_buf b;
  enum MHD_Result ret = MHD_NO;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  copy(rq->error, sizeof(rq->error), msg);
  icp_buf_init(&b, 1 << 16);
  if(!icp_body_error_json(&b, msg))
    ret = respond(s, c, rq, code, "application/json", b.p, b.len, NULL,
                  allow);
  icp_buf_free(&b);
  return ret;
}

/* ---- endpoints ------------------------------------------------------------ */

static enum icp_ep endpoint(const char *url)
{
  if(!strcmp(url, "/v1/score"))
    return ICP_EP_SCORE;
  if(!strcmp(url, "/v1/pack"))
    return ICP_EP_PACK;
  if(!strcmp(url, "/healthz"))
    return ICP_EP_HEALTH;
  if(!strcmp(url, "/metrics"))
    return ICP_EP_METRICS;
  return ICP_EP_OTHER;
}

static enum MHD_Result get(struct icp_server *s, struct MHD_Connection *c,
                           struct req *rq)
{
  struct icp_gen *g = icp_packs_pin(&s->pk);
  struct icp_buf b;
  enum icp_status st = ICP_OK;
  enum MHD_Result ret;
  const char *ctype = "application/json";
  icp_buf_init(&b, (size_t)16 << 20);
  if(rq->ep == ICP_EP_PACK)
    st = icp_buf_add(&b, g->info.p, g->info.len);
  else if(rq->ep == ICP_EP_HEALTH)
    st = icp_buf_printf(&b, "{\"status\":\"%s\",\"pack\":{%s}}\n",
                        atomic_load(&s->draining) ? "draining" : "ok",
                        g->name_ver_json);
  else {
    ctype = "text/plain; version=0.0.4; charset=utf-8";
    st = icp_metrics_render(&s->m, &b, g->pname, g->pver);
  }
  if(st)
    ret = error(s, c, rq, 500, NULL, "out of memory");
  else
    ret = respond(s, c, rq, 200, ctype, b.p, b.len, g->version, NULL);
  icp_buf_free(&b);
  icp_packs_unpin(&s->pk, g);
  return ret;
}

static int explain_asked(struct MHD_Connection *c)
{
  const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
                                              "explain");
  return v && (!strcmp(v, "1") || !strcmp(v, "true"));
}

/* After the first requests of a generation (until one finds something,
 * at most COLS_CHECKS): a --columns mapping whose key no request carried
 * but whose did-you-mean one did is a typo, logged once (icp score says
 * it at a CSV header or at the end of a JSONL file). */
#define COLS_CHECKS 100
static void columns_typos(struct icp_server *s, struct icp_scorer *sc)
{
  struct icp_gen *g = sc->gen;
  struct icp_buf notes;
  int n = 0;
  if(!g->cols || atomic_load(&g->cols_checks) >= COLS_CHECKS ||
     atomic_fetch_add(&g->cols_checks, 1) >= COLS_CHECKS)
    return;
  icp_buf_init(&notes, 1 << 16);
  if(!icp_columns_unused(g->cols, sc->schema, "request", 1, &notes, &n) &&
     n && !icp_buf_status(&notes) && s->cfg.log &&
     atomic_exchange(&g->cols_checks, COLS_CHECKS) < COLS_CHECKS) {
    char *p = notes.p, *e;
    for(; (e = strchr(p, '\n')) != NULL; p = e + 1)
      fprintf(s->cfg.log, "icp serve: %.*s\n", (int)(e - p), p);
    fflush(s->cfg.log);
  }
  icp_buf_free(&notes);
}

/* POST /v1/score with the whole body received. */
static enum MHD_Result score(struct icp_server *s, struct MHD_Connection *c,
                             struct req *rq)
{
  struct icp_scorer *sc;
  struct icp_err err;
  enum icp_status st;
  enum MHD_Result ret;
  int i;

  if(icp_packs_borrow(&s->pk, &sc, &err))
    return error(s, c, rq, 503, NULL, "no scorer: %s", err.msg);
  sc->body.explain = explain_asked(c);
  st = icp_body_score(&sc->body, rq->body.p ? rq->body.p : "",
                      rq->body.len, &sc->out, &err);
  if(sc->gen->lanes && sc->accounts)
    atomic_fetch_add(sc->enrich_late ? &s->m.enrich_late :
                     sc->enrich_failed ? &s->m.enrich_failed :
                     &s->m.enrich_ok, 1);
  rq->accounts = st ? 0 : sc->accounts; /* answered */
  if(st == ICP_ELIMIT)
    ret = error(s, c, rq, 413, NULL, "%s (--max-batch %zu)", err.msg,
                s->cfg.max_batch);
  else if(st)
    ret = error(s, c, rq, icp_body_http_status(st), NULL, "%s", err.msg);
  else {
    ret = respond(s, c, rq, 200, "application/json", sc->out.p,
                  sc->out.len, sc->gen->version, NULL);
    for(i = 0; i < ICP_SCORER_TIERS + 3; i++)
      if(sc->tiers[i])
        icp_metrics_tier(&s->m, i >= 3 && i - 3 < sc->gen->ntiers ?
                         sc->gen->tier_names[i - 3] :
                         i == 2 ? "unranked" : i == 1 ?
                         "insufficient_data" : "excluded", sc->tiers[i]);
    columns_typos(s, sc);
  }
  icp_packs_return(&s->pk, sc);
  return ret;
}

/* Constant-time comparison of the Authorization header. */
static int authorized(struct icp_server *s, struct MHD_Connection *c)
{
  const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                              MHD_HTTP_HEADER_AUTHORIZATION);
  size_t n = strlen(s->auth), i;
  unsigned char diff = 0;
  if(!v || strlen(v) != n)
    return 0;
  for(i = 0; i < n; i++)
    diff |= (unsigned char)(v[i] ^ s->auth[i]);
  return diff == 0;
}

static void remote_of(struct MHD_Connection *c, char *out, size_t cap)
{
  const union MHD_ConnectionInfo *ci =
    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  const struct sockaddr *sa = ci ? ci->client_addr : NULL;
  out[0] = 0;
  if(sa && sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)
              ->sin_addr, out, (socklen_t)cap);
  else if(sa && sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)
              ->sin6_addr, out, (socklen_t)cap);
}

/* The request with its whole body: route it and answer. */
static enum MHD_Result dispatch(struct icp_server *s,
                                struct MHD_Connection *c, struct req *rq)
{
  const char *method = rq->method;
  if(s->auth && rq->ep != ICP_EP_HEALTH && !authorized(s, c))
    return error(s, c, rq, 401, NULL, "%s: a valid bearer token is "
                 "required (Authorization: Bearer ...)", rq->path);
  if(rq->ep == ICP_EP_OTHER)
    return error(s, c, rq, 404, NULL, "no such endpoint: %s (POST "
                 "/v1/score, GET /v1/pack, /healthz, /metrics)", rq->path);
  if(rq->ep != ICP_EP_SCORE) {
    if(strcmp(method, "GET") && strcmp(method, "HEAD"))
      return error(s, c, rq, 405, "GET, HEAD", "%s takes GET, not %s",
                   rq->path, method);
    return get(s, c, rq);
  }
  if(strcmp(method, "POST"))
    return error(s, c, rq, 405, "POST", "/v1/score takes POST, not %s",
                 method);
  return score(s, c, rq);
}

/* The first call of a request, before its body: a body announced over
 * --max-body is refused at once (and the connection closed: the body is
 * not read); everything else is answered when the request is whole, so
 * that keep-alive connections stay open. */
static enum MHD_Result first(struct icp_server *s, struct MHD_Connection *c,
                             struct req *rq)
{
  const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                               MHD_HTTP_HEADER_CONTENT_LENGTH);
  if(cl) {
    char *end;
    unsigned long long n;
    errno = 0;
    n = strtoull(cl, &end, 10);
    if(errno || *end || n > s->cfg.max_body)
      return error(s, c, rq, 413, NULL, "request: a body of %s bytes, more "
                   "than --max-body %zu", cl, s->cfg.max_body);
  }
  if(rq->ep == ICP_EP_SCORE)
    icp_buf_init(&rq->body, s->cfg.max_body + 1);
  return MHD_YES;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
                              const char *url, const char *method,
                              const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
  struct icp_server *s = cls;
  struct req *rq = *con_cls;
  (void)version;
  if(!rq) {
    rq = calloc(1, sizeof(*rq));
    if(!rq)
      return MHD_NO;
    *con_cls = rq;
    atomic_fetch_add(&s->m.in_flight, 1);
    rq->t0 = now_s();
    rq->ep = endpoint(url);
    copy(rq->method, sizeof(rq->method), method);
    copy(rq->path, sizeof(rq->path), url);
    return first(s, c, rq);
  }
  if(*upload_size) {
    size_t n = *upload_size;
    *upload_size = 0;
    if(rq->status || rq->ep != ICP_EP_SCORE) /* not ours to read */
      return MHD_YES;
    if(rq->body.len + n > s->cfg.max_body ||
       icp_buf_add(&rq->body, upload, n)) {
      /* a body without Content-Length grew past the limit: the
       * connection is closed (the answer cannot be queued mid-body) */
      rq->status = 413;
      copy(rq->error, sizeof(rq->error), "body over --max-body: "
           "connection closed");
      return MHD_NO;
    }
    return MHD_YES;
  }
  if(rq->status)
    return MHD_YES;
  return dispatch(s, c, rq);
}

/* ---- the access log ------------------------------------------------------- */

static void access_log(struct icp_server *s, struct MHD_Connection *c,
                       const struct req *rq, double secs,
                       enum MHD_RequestTerminationCode toe)
{
  struct icp_buf b;
  char ts[40], remote[64];
  struct timespec now;
  struct tm tm;
  enum icp_status st;
  clock_gettime(CLOCK_REALTIME, &now);
  gmtime_r(&now.tv_sec, &tm);
  strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
  remote_of(c, remote, sizeof(remote));
  icp_buf_init(&b, 1 << 14);
  st = icp_buf_printf(&b, "{\"time\":\"%s.%03ldZ\",\"remote\":\"%s\","
                      "\"method\":", ts, now.tv_nsec / 1000000, remote);
  if(!st)
    st = icp_buf_json_str(&b, rq->method, strlen(rq->method));
  if(!st)
    st = icp_buf_adds(&b, ",\"path\":");
  if(!st)
    st = icp_buf_json_str(&b, rq->path, strlen(rq->path));
  if(!st)
    st = icp_buf_printf(&b, ",\"status\":%d,\"bytes\":%zu,\"accounts\":%ld,"
                        "\"ms\":%.3f,\"pack\":", rq->status, rq->bytes,
                        rq->accounts, secs * 1000);
  if(!st)
    st = icp_buf_json_str(&b, rq->version, strlen(rq->version));
  if(!st && rq->error[0]) {
    st = icp_buf_adds(&b, ",\"error\":");
    if(!st)
      st = icp_buf_json_str(&b, rq->error, strlen(rq->error));
  }
  if(!st && toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
    st = icp_buf_printf(&b, ",\"ended\":\"%s\"",
                        toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ?
                        "timeout" : toe == MHD_REQUEST_TERMINATED_CLIENT_ABORT
                        ? "client closed" : "closed");
  if(!st)
    st = icp_buf_adds(&b, "}\n");
  if(!st) /* one write per line: lines of two threads never mix */
    (void)!write(fileno(s->cfg.log), b.p, b.len);
  icp_buf_free(&b);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
  struct icp_server *s = cls;
  struct req *rq = *con_cls;
  double secs;
  if(!rq)
    return;
  *con_cls = NULL;
  secs = now_s() - rq->t0;
  if(!rq->status)
    rq->status = toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? 408 : 0;
  icp_metrics_request(&s->m, rq->ep, rq->status, secs);
  if(!s->cfg.quiet)
    access_log(s, c, rq, secs, toe);
  icp_buf_free(&rq->body);
  free(rq);
  if(atomic_fetch_sub(&s->m.in_flight, 1) == 1 && atomic_load(&s->draining)) {
    pthread_mutex_lock(&s->mu);
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
  }
}

/* ---- connections ------------------------------------------------------- */

/* Refuses a connection past --max-connections: it is closed at once (a
 * bound, not a queue). The count is taken here and given back when the
 * connection closes. */
static enum MHD_Result admit(void *cls, const struct sockaddr *addr,
                             socklen_t len)
{
  struct icp_server *s = cls;
  long n = atomic_load(&s->conns);
  (void)addr;
  (void)len;
  do {
    if(n >= s->cfg.max_connections)
      return MHD_NO;
  } while(!atomic_compare_exchange_weak(&s->conns, &n, n + 1));
  return MHD_YES;
}

static void connection(void *cls, struct MHD_Connection *c, void **sock_ctx,
                       enum MHD_ConnectionNotificationCode code)
{
  struct icp_server *s = cls;
  (void)c;
  (void)sock_ctx;
  if(code == MHD_CONNECTION_NOTIFY_CLOSED)
    atomic_fetch_sub(&s->conns, 1);
}

/* ---- life ----------------------------------------------------------------- */

/* "HOST:PORT" or "[V6]:PORT" into an address. */
static enum icp_status resolve(const char *listen, struct sockaddr_storage *sa,
                               socklen_t *salen, char *host, size_t hcap,
                               struct icp_err *err)
{
  const char *colon = strrchr(listen, ':');
  struct addrinfo hints, *ai = NULL;
  char port[16];
  size_t hl;
  int rc;
  if(!colon || !colon[1] || strlen(colon + 1) >= sizeof(port))
    return icp_err_set(err, ICP_EINVAL, "--listen %s: HOST:PORT expected",
                       listen);
  hl = (size_t)(colon - listen);
  if(listen[0] == '[' && hl >= 2 && listen[hl - 1] == ']') {
    listen++;
    hl -= 2;
  }
  if(!hl || hl >= hcap)
    return icp_err_set(err, ICP_EINVAL, "--listen %s: HOST:PORT expected",
                       listen);
  memcpy(host, listen, hl);
  host[hl] = 0;
  snprintf(port, sizeof(port), "%s", colon + 1);
  memset(&hints, 0, sizeof(hints));
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
  hints.ai_socktype = SOCK_STREAM;
  rc = getaddrinfo(host, port, &hints, &ai);
  if(rc || !ai)
    return icp_err_set(err, ICP_EINVAL, "--listen: '%s' port '%s': %s "
                       "(a numeric address and port)", host, port,
                       gai_strerror(rc));
  memcpy(sa, ai->ai_addr, ai->ai_addrlen);
  *salen = ai->ai_addrlen;
  freeaddrinfo(ai);
  return ICP_OK;
}

enum icp_status icp_server_start(struct icp_server **out,
                                 const struct icp_serve_cfg *cfg,
                                 struct icp_err *err)
{
  struct icp_server *s = calloc(1, sizeof(*s));
  struct sockaddr_storage sa;
  socklen_t salen = 0;
  struct icp_gen *g;
  char host[128];
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                   MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_USE_TURBO;
  unsigned timeout;
  const union MHD_DaemonInfo *di;
  enum icp_status st;

  *out = NULL;
  if(!s)
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  st = icp_mhd_open(err); /* libmicrohttpd, loaded here, not at start */
  if(st) {
    free(s);
    return st;
  }
  s->cfg = *cfg;
  if(!s->cfg.log)
    s->cfg.log = stderr;
  pthread_mutex_init(&s->mu, NULL);
  {
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cv, &ca);
    pthread_condattr_destroy(&ca);
  }
  pthread_spin_init(&s->pk.mu, PTHREAD_PROCESS_PRIVATE);
  s->pk.cfg = &s->cfg;
  icp_metrics_init(&s->m);
  if(cfg->token) {
    size_t n = strlen(cfg->token) + 8;
    s->auth = malloc(n);
    if(!s->auth) {
      icp_server_free(s);
      return icp_err_set(err, ICP_ENOMEM, "out of memory");
    }
    snprintf(s->auth, n, "Bearer %s", cfg->token);
  }
  st = resolve(cfg->listen, &sa, &salen, host, sizeof(host), err);
  if(!st)
    st = icp_gen_load(&g, &s->cfg, cfg->threads, &s->m, err);
  if(st) {
    icp_server_free(s);
    return st;
  }
  icp_packs_publish(&s->pk, g);
  if(sa.ss_family == AF_INET6)
    flags |= MHD_USE_IPv6;
  timeout = (unsigned)((cfg->read_timeout_ms + 999) / 1000);
  s->d = MHD_start_daemon(flags, 0, admit, s, handle, s,
                          MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                          MHD_OPTION_CONNECTION_LIMIT,
                          (unsigned)cfg->max_connections + 64u,
                          MHD_OPTION_NOTIFY_CONNECTION, connection, s,
                          /* libmicrohttpd's default, said: the pool
                           * is zeroed after every request, so a
                           * larger one costs each small request
                           * (128 KiB here cost a third of a request's
                           * CPU, bench/serve.sh); a batch body
                           * arrives in 32 KiB reads, which is fast
                           * enough */
                          MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                          (size_t)32 << 10,
                          MHD_OPTION_CONNECTION_TIMEOUT,
                          timeout ? timeout : 1u,
                          MHD_OPTION_NOTIFY_COMPLETED, completed, s,
                          cfg->threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE
                                           : MHD_OPTION_END,
                          (unsigned)cfg->threads, MHD_OPTION_END);
  if(!s->d) {
    int e = errno;
    icp_server_free(s);
    return icp_err_set(err, ICP_EIO, "cannot listen on %s: %s",
                       cfg->listen, e ? strerror(e) : "libmicrohttpd "
                       "refused the options");
  }
  di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
  snprintf(s->addr, sizeof(s->addr), sa.ss_family == AF_INET6 ?
           "[%s]:%u" : "%s:%u", host, di ? (unsigned)di->port : 0u);
  *out = s;
  return ICP_OK;
}

const char *icp_server_address(const struct icp_server *s)
{
  return s->addr;
}

enum icp_status icp_server_reload(struct icp_server *s, struct icp_err *err)
{
  struct icp_gen *g;
  enum icp_status st = icp_gen_load(&g, &s->cfg, s->cfg.threads, &s->m,
                                    err);
  if(st) {
    atomic_fetch_add(&s->m.reload_failed, 1);
    return st;
  }
  icp_packs_publish(&s->pk, g);
  atomic_fetch_add(&s->m.reload_ok, 1);
  return ICP_OK;
}

long icp_server_drain(struct icp_server *s, long wait_ms)
{
  struct timespec until;
  MHD_socket fd;
  long left;
  if(!s->d)
    return 0;
  atomic_store(&s->draining, 1);
  fd = MHD_quiesce_daemon(s->d); /* no new connections */
  if(fd != MHD_INVALID_SOCKET)
    close(fd);
  icp_serve_after(&until, wait_ms);
  pthread_mutex_lock(&s->mu);
  while(atomic_load(&s->m.in_flight) > 0 &&
        pthread_cond_timedwait(&s->cv, &s->mu, &until) != ETIMEDOUT)
    ;
  pthread_mutex_unlock(&s->mu);
  left = atomic_load(&s->m.in_flight);
  MHD_stop_daemon(s->d);
  s->d = NULL;
  return left;
}

void icp_server_free(struct icp_server *s)
{
  if(!s)
    return;
  if(s->d)
    MHD_stop_daemon(s->d);
  icp_packs_free(&s->pk);
  pthread_spin_destroy(&s->pk.mu);
  icp_metrics_free(&s->m);
  pthread_mutex_destroy(&s->mu);
  pthread_cond_destroy(&s->cv);
  free(s->auth);
  free(s);
}
