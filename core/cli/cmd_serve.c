/* cmd_serve.c -- icp serve: score accounts over HTTP as they arrive. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "serve/server.h"

static const char usage[] =
  "usage: icp serve --rules PACK [options]\n"
  "\n"
  "Answers HTTP requests with the scores of the accounts they carry:\n"
  "  POST /v1/score[?explain=1]  one JSON account or an array of them; the\n"
  "                              answer is the `icp score` JSONL line of\n"
  "                              each (source \"request\" / \"request:N\")\n"
  "  GET  /v1/pack               the pack: name, version, dimensions,\n"
  "                              tiers, rules, excludes, routes\n"
  "  GET  /healthz               {\"status\":\"ok\",...}\n"
  "  GET  /metrics               Prometheus text format\n"
  "Every answer carries the pack version in the X-ICP-Pack header. SIGHUP\n"
  "loads the pack (and --columns, --providers) again: one that fails to\n"
  "load leaves the old ones serving. SIGTERM stops accepting, lets\n"
  "requests in flight finish and exits 0.\n"
  "\n"
  "options:\n"
  "  --rules PACK            the rule pack (.lua) to score with (required)\n"
  "  --providers CFG         enrich the accounts of each request first\n"
  "  --offline               with --providers: use only the cache\n"
  "  --columns FILE          map the keys of request bodies to fields\n"
  "                          as icp score --columns maps a JSONL line's\n"
  "                          (Lua: columns { }; loaded again on SIGHUP)\n"
  "  --deadline-ms MS        with --providers: enrichment time per\n"
  "                          request (default 2000); past it the accounts\n"
  "                          are scored with what is known and the answer\n"
  "                          names the providers still awaited in\n"
  "                          \"enrich_pending\"\n"
  "  --as-of DATE            YYYY-MM-DD dates count from (default: today,\n"
  "                          day by day)\n"
  "  --listen HOST:PORT      address to listen on (default 127.0.0.1:8080;\n"
  "                          port 0 takes a free port, printed at start)\n"
  "  --threads N             worker threads, each with its own copy of the\n"
  "                          pack (default: the number of cores)\n"
  "  --max-body BYTES        request body size limit, 413 past it\n"
  "                          (default 1048576)\n"
  "  --max-batch N           accounts per request, 413 past it (default\n"
  "                          1000)\n"
  "  --max-connections N     open connections at most (default 1024)\n"
  "  --read-timeout-ms MS    a client idle or slower than this is\n"
  "                          disconnected (default 10000; whole seconds)\n"
  "  --drain-ms MS           on SIGTERM, wait this long for requests in\n"
  "                          flight (default 10000)\n"
  "  --token-env NAME        require Authorization: Bearer $NAME (401\n"
  "                          without it; /healthz stays open)\n"
  "  --quiet                 no access log (one JSON line per request on\n"
  "                          stderr otherwise)\n"
  "\n"
  "exit status: 0 after a clean drain, 1 usage or load error, 2 requests\n"
  "were still running when --drain-ms ran out, 3 cannot listen.\n";

/* A positive integer option no larger than max, or -1 (reported). */
static long long number(const char *opt, const char *v, long long max)
{
  char *end;
  long long n = strtoll(v, &end, 10);
  if(*end || end == v || n < 1 || n > max) {
    icp_cli_usage_error("serve", "%s takes 1 to %lld, not '%s'", opt, max,
                        v);
    return -1;
  }
  return n;
}

int icp_cmd_serve(int argc, char **argv)
{
  struct icp_serve_cfg cfg;
  struct icp_server *srv = NULL;
  struct icp_err err;
  const char *as_of = NULL, *token_env = NULL;
  const char *threads = NULL, *max_body = "1048576", *max_batch = "1000";
  const char *max_conn = "1024", *read_to = "10000", *drain = "10000";
  const char *deadline = "2000";
  long long n_threads, n_body, n_batch, n_conn, n_read, n_drain, n_dead;
  sigset_t set;
  int i, sig, rc = ICP_EXIT_OK;
  long cores = sysconf(_SC_NPROCESSORS_ONLN);

  memset(&cfg, 0, sizeof(cfg));
  cfg.listen = "127.0.0.1:8080";
  cfg.log = stderr;
  for(i = 1; i < argc; i++) {
    const char *v;
    int m;
    if(!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      fputs(usage, stdout);
      return ICP_EXIT_OK;
    }
#define VAL(name, var) ICP_CLI_VAL(name, NULL, var, ICP_CLI_USAGE_RETURN)
    VAL("--rules", cfg.rules);
    VAL("--providers", cfg.providers);
    VAL("--columns", cfg.columns);
    VAL("--as-of", as_of);
    VAL("--listen", cfg.listen);
    VAL("--threads", threads);
    VAL("--max-body", max_body);
    VAL("--max-batch", max_batch);
    VAL("--max-connections", max_conn);
    VAL("--read-timeout-ms", read_to);
    VAL("--drain-ms", drain);
    VAL("--deadline-ms", deadline);
    VAL("--token-env", token_env);
#undef VAL
    if(icp_cli_flag(argv, i, "--offline"))
      cfg.offline = 1;
    else if(icp_cli_flag(argv, i, "--quiet"))
      cfg.quiet = 1;
    else
      return icp_cli_usage_error("serve", "unknown %s %s",
                                 argv[i][0] == '-' ? "option" : "argument",
                                 argv[i]);
  }
  if(!cfg.rules)
    return icp_cli_usage_error("serve", "--rules PACK is required");
  if(cfg.offline && !cfg.providers)
    return icp_cli_usage_error("serve", "--offline goes with --providers");
  if(as_of) {
    if(!icp_cli_date("--as-of", as_of, &cfg.as_of))
      return ICP_EXIT_USAGE;
    cfg.has_as_of = 1;
  }
  n_threads = threads ? number("--threads", threads, 256)
                      : (cores > 0 ? (cores > 64 ? 64 : cores) : 1);
  n_body = number("--max-body", max_body, (long long)1 << 30);
  n_batch = number("--max-batch", max_batch, 1000000);
  n_conn = number("--max-connections", max_conn, 100000);
  n_read = number("--read-timeout-ms", read_to, 3600000);
  n_drain = number("--drain-ms", drain, 3600000);
  n_dead = number("--deadline-ms", deadline, 3600000);
  if(n_threads < 0 || n_body < 0 || n_batch < 0 || n_conn < 0 ||
     n_read < 0 || n_drain < 0 || n_dead < 0)
    return ICP_EXIT_USAGE;
  cfg.deadline_ms = (long)n_dead;
  cfg.threads = (int)n_threads;
  cfg.max_body = (size_t)n_body;
  cfg.max_batch = (size_t)n_batch;
  cfg.max_connections = (int)n_conn;
  cfg.read_timeout_ms = (long)n_read;
  if(token_env) {
    cfg.token = getenv(token_env);
    if(!cfg.token || !*cfg.token)
      return icp_cli_usage_error("serve", "--token-env %s: the variable is "
                                 "not set or empty", token_env);
  }

  /* the signals are taken here, by sigwait: every thread of the server
   * (started below) inherits them blocked */
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);
  if(icp_server_start(&srv, &cfg, &err)) {
    fprintf(stderr, "icp serve: %s\n", err.msg);
    return strstr(err.msg, "cannot listen") ? ICP_EXIT_NOTHING
                                            : ICP_EXIT_USAGE;
  }
  fprintf(stderr, "icp serve: listening on %s (%s, %d threads)\n",
          icp_server_address(srv), cfg.rules, cfg.threads);
  fflush(stderr);
  for(;;) {
    if(sigwait(&set, &sig))
      continue;
    if(sig == SIGHUP) {
      if(icp_server_reload(srv, &err))
        fprintf(stderr, "icp serve: reload failed, the old pack keeps "
                "serving: %s\n", err.msg);
      else
        fprintf(stderr, "icp serve: reloaded %s\n", cfg.rules);
      continue;
    }
    break;
  }
  {
    long left = icp_server_drain(srv, (long)n_drain);
    if(left) {
      fprintf(stderr, "icp serve: stopped with %ld requests still "
              "running after --drain-ms %lld\n", left, n_drain);
      rc = ICP_EXIT_PARTIAL;
    }
    else
      fprintf(stderr, "icp serve: drained, stopped\n");
  }
  icp_server_free(srv);
  return rc;
}
