/*
 * server.h -- `icp serve`: an HTTP service that scores accounts as they
 * arrive (DESIGN §7), on libmicrohttpd (no HTTP parsing of our own).
 *
 *   POST /v1/score[?explain=1]  one JSON account or an array of them; the
 *                               answer is core/serve/body.h's
 *   GET  /v1/pack               the pack: name, version, dimensions, tiers,
 *                               rules, excludes, routes
 *   GET  /healthz               {"status":"ok","pack":{...}}
 *   GET  /metrics               Prometheus text format
 *
 * Every answer carries the version of the pack that made it (header
 * X-ICP-Pack: "name version"). Threads: libmicrohttpd runs `threads`
 * worker threads; a pack's Lua state is not thread-safe, so each request
 * borrows a scorer (its own schema, pack, account and result) from the
 * current pack generation and gives it back (serve/packs.c). A reload
 * makes a new generation; requests in flight finish on the one they
 * started with, and the old one is freed when its last request ends.
 *
 * The caller (core/cli/cmd_serve.c) owns signals: it calls
 * icp_server_reload on SIGHUP and icp_server_drain on SIGTERM.
 */
#ifndef ICP_SERVER_H
#define ICP_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "icp.h"

struct icp_serve_cfg {
  const char *rules;          /* the pack (required) */
  const char *providers;      /* enrichment config, or NULL */
  int offline;                /* with providers: the cache only */
  const char *columns;        /* header mapping (--columns), or NULL */
  const char *listen;         /* "HOST:PORT" (port 0: any free port) */
  int threads;                /* worker threads (>= 1) */
  int max_connections;        /* open connections at most */
  size_t max_body;            /* request body bytes at most (413) */
  size_t max_batch;           /* accounts per array at most (413) */
  long read_timeout_ms;       /* idle/slow client limit (whole seconds) */
  long deadline_ms;           /* enrichment per request */
  const char *token;          /* bearer token required, or NULL */
  int quiet;                  /* no access log */
  int has_as_of;              /* as_of fixed; else today, day by day */
  int32_t as_of;
  FILE *log;                  /* access log and messages (stderr) */
};

struct icp_server;

/* Loads the pack (and providers) and starts listening. On success *out
 * is the caller's (icp_server_free) and the server answers requests from
 * its own threads. Load errors are in err, naming file:line. */
enum icp_status icp_server_start(struct icp_server **out,
                                 const struct icp_serve_cfg *cfg,
                                 struct icp_err *err);

/* The address actually bound ("127.0.0.1:8080"), valid until free. */
const char *icp_server_address(const struct icp_server *s);

/* Loads the pack and providers again; on success the new generation
 * answers every request that starts from now on. On failure the old one
 * keeps serving and err says why (file:line). Counted in /metrics. */
enum icp_status icp_server_reload(struct icp_server *s, struct icp_err *err);

/* Stops accepting connections, lets requests in flight finish (at most
 * wait_ms) and stops. Returns the number of requests still running when
 * the wait ended (0: a clean drain). */
long icp_server_drain(struct icp_server *s, long wait_ms);

void icp_server_free(struct icp_server *s);

#endif
