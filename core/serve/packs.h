/*
 * packs.h -- private to core/serve: pack generations and their scorers.
 *
 * A generation is one load of the pack (its text read once, so that every
 * scorer of it is the same pack even if the file changes on disk), of the
 * column mapping (--columns) and of the providers config (its pool of
 * enrichment lanes, serve/lane.h). A scorer is what one thread needs to
 * answer POST /v1/score alone: a schema, the pack compiled into its own
 * Lua state, an account, a result, a JSON reader and an answer buffer. Scorers are borrowed and given back under one lock;
 * the generation is freed when it is no longer current and its last
 * scorer is back. A scorer whose schema grew by more than
 * ICP_SCORER_FIELDS_MAX keys (clients sending ever new keys) is rebuilt
 * when given back, so a long-running server stays bounded.
 */
#ifndef ICP_PACKS_H
#define ICP_PACKS_H

#include <pthread.h>
#include <stdatomic.h>

#include "icp.h"
#include "base/buf.h"
#include "serve/body.h"
#include "serve/lane.h"
#include "serve/metrics.h"
#include "serve/server.h"

#define ICP_SCORER_FIELDS_MAX 1024
#define ICP_SCORER_TIERS 64         /* tier counts kept per request */

struct icp_gen;

struct icp_scorer {
  struct icp_schema *schema;
  struct icp_pack *pack;
  struct icp_account *a;
  struct icp_result *res;
  struct icp_reader *rd;
  int enrich_late, enrich_failed;   /* this request */
  struct icp_buf pending;           /* this request: enrich_pending */
  int errors_id, errors_src;        /* enrich_errors in schema, or -1 */
  struct icp_body body;
  struct icp_buf out;
  int fields0;                      /* schema fields after the load */
  int32_t day;                      /* as-of day the pack holds */
  long tiers[ICP_SCORER_TIERS + 3]; /* this request: by tier index + 3 */
  long accounts;                    /* this request */
  struct icp_gen *gen;
  struct icp_scorer *next;          /* free list */
};

struct icp_gen {
  long refs;                  /* borrowed scorers, + 1 while current */
  char *text;                 /* the pack source */
  size_t len;
  char *version;              /* "name version" */
  char *pname, *pver;         /* name and version apart */
  char *name_ver_json;        /* "name":"..","version":".." */
  struct icp_buf info;        /* GET /v1/pack */
  struct icp_columns *cols;   /* --columns, read with the pack; every
                                 scorer's schema borrows it */
  atomic_int cols_checks;     /* requests checked for a typo in it */
  struct icp_lanes *lanes;    /* with --providers */
  char **tier_names;          /* tiers of the pack, by index */
  int ntiers;
  struct icp_scorer *free;
  const struct icp_serve_cfg *cfg;
};

struct icp_packs {
  /* held for a few instructions (a list pop or push, a count): a spin
   * lock, because a mutex that is contended puts the waiting thread to
   * sleep, and on a loaded machine waking it takes milliseconds, for
   * every connection that thread serves (the p99 at half the peak) */
  pthread_spinlock_t mu;
  struct icp_gen *cur;
  const struct icp_serve_cfg *cfg;
};

/* Loads a generation with n scorers (the first load and every reload);
 * its lanes count into m (borrowed, may be NULL). */
enum icp_status icp_gen_load(struct icp_gen **out,
                             const struct icp_serve_cfg *cfg, int n,
                             struct icp_metrics *m, struct icp_err *err);
void icp_gen_free(struct icp_gen *g);

/* Makes g the current generation (the old one goes when its last
 * scorer is back). */
void icp_packs_publish(struct icp_packs *pk, struct icp_gen *g);

/* Borrows a scorer of the current generation (a new one when all are
 * out); ready for one request. */
enum icp_status icp_packs_borrow(struct icp_packs *pk,
                                 struct icp_scorer **out,
                                 struct icp_err *err);
/* Gives it back. */
void icp_packs_return(struct icp_packs *pk, struct icp_scorer *sc);

/* The current generation, pinned (icp_packs_unpin) for its names. */
struct icp_gen *icp_packs_pin(struct icp_packs *pk);
void icp_packs_unpin(struct icp_packs *pk, struct icp_gen *g);

void icp_packs_free(struct icp_packs *pk);

#endif
