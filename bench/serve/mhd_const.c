/*
 * mhd_const.c -- the transport's limit for bench/serve.sh: libmicrohttpd
 * configured as `icp serve` configures it (same flags, thread pool,
 * answer queued when the request is whole, body copied per answer),
 * answering every request with the constant body of a file. Built by
 * bench/serve.sh (not by make: it is a bench reference, not a tool).
 *
 *   mhd_const BODYFILE THREADS   prints "port N" and serves until SIGTERM
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <microhttpd.h>

static char *body;
static size_t body_len;

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
                              const char *url, const char *method,
                              const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
  static int first;
  struct MHD_Response *r;
  enum MHD_Result ret;
  (void)cls; (void)url; (void)method; (void)version; (void)upload;
  if(!*con_cls) {
    *con_cls = &first;
    return MHD_YES;
  }
  if(*upload_size) {
    *upload_size = 0;
    return MHD_YES;
  }
  r = MHD_create_response_from_buffer(body_len, body, MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header(r, "Content-Type", "application/json");
  MHD_add_response_header(r, "X-ICP-Pack", "constant");
  ret = MHD_queue_response(c, 200, r);
  MHD_destroy_response(r);
  return ret;
}

int main(int argc, char **argv)
{
  struct sockaddr_in sa;
  struct MHD_Daemon *d;
  const union MHD_DaemonInfo *di;
  FILE *fp;
  sigset_t set;
  int sig, threads;
  long n;
  if(argc != 3 || !(fp = fopen(argv[1], "rb")))
    return 1;
  fseek(fp, 0, SEEK_END);
  n = ftell(fp);
  rewind(fp);
  body = malloc((size_t)n + 1);
  if(!body || fread(body, 1, (size_t)n, fp) != (size_t)n)
    return 1;
  fclose(fp);
  body_len = (size_t)n;
  threads = atoi(argv[2]);
  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                       MHD_USE_ITC | MHD_USE_TURBO, 0, NULL, NULL, handle,
                       NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                       MHD_OPTION_CONNECTION_LIMIT, 1088u,
                       MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                       (size_t)32 << 10,
                       MHD_OPTION_CONNECTION_TIMEOUT, 10u,
                       threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE
                                   : MHD_OPTION_END,
                       (unsigned)threads, MHD_OPTION_END);
  if(!d)
    return 1;
  di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  printf("port %u\n", di ? (unsigned)di->port : 0u);
  fflush(stdout);
  sigwait(&set, &sig);
  MHD_stop_daemon(d);
  free(body);
  return 0;
}
