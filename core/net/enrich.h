/*
 * enrich.h -- an enrichment session: providers, plugins, scheduler and
 * cache together, as the commands use them (DESIGN §6).
 *
 * For each kind (firmographic, technographic) the providers of its list
 * form a waterfall: for each account, the next provider is asked only when
 * one of the fields it provides is still missing. An input value is never
 * overwritten unless the provider says `overwrite = true`. The cache is
 * asked first (fields set from it carry the source "cache:<provider>");
 * in offline mode nothing else is asked. Every account is kept whatever
 * its providers do: a failure is counted, never fatal.
 */
#ifndef ICP_ENRICH_H
#define ICP_ENRICH_H

#include <stddef.h>
#include <stdio.h>

#include "icp.h"
#include "base/buf.h"
#include "data/account.h"
#include "score/run.h"

struct icp_enrich;

struct icp_enrich_opts {
  int offline, refresh, explain;
  int max_in_flight;   /* transfers in flight over all providers [64] */
  int progress;        /* progress on stderr when it is a terminal */
  int dry_run;         /* read the cache, count the requests each provider
                          would get, send none */
  int verbose;         /* every failure on stderr as it happens */
  /* the providers file's text, read once by the caller (icp serve: the
   * lanes of one generation load the same bytes, whatever the file holds
   * by the time a lane opens); NULL: providers_path is read */
  const char *providers_text;
  size_t providers_len;
};

/* The list field where each account gets the failures that concern it
 * ("clearbit: HTTP 401", "pdl: timeout"); written by the commands as
 * `enrich_errors` (JSONL) or a column (CSV). */
#define ICP_ENRICH_ERRORS_FIELD "enrich_errors"

/* Loads the providers config at providers_path, its plugins and the
 * cache. A provider that cannot be loaded is refused with a warning on
 * stderr naming it and why, and the rest go on; when none is left the
 * session is not opened (ICP_ELOAD). *out is owned by the caller
 * (icp_enrich_close); schema is borrowed and must outlive it. libcurl
 * is opened by the scheduler when a provider is asked (net/libs.h). */
enum icp_status icp_enrich_open(struct icp_enrich **out,
                                const char *providers_path,
                                struct icp_schema *schema,
                                const struct icp_enrich_opts *opts,
                                struct icp_err *err);

/* Enriches n accounts in place, concurrently. Each field set records its
 * source. Returns ICP_OK even when providers failed (counted); another
 * status means the session itself failed (out of memory, curl). */
enum icp_status icp_enrich_batch(struct icp_enrich *e,
                                 struct icp_account **accts, size_t n,
                                 struct icp_err *err);

/* The same within a time limit, for answers that cannot wait (icp
 * serve): returns ICP_ELIMIT once the CLOCK_MONOTONIC time until_ms
 * (milliseconds) has passed with answers still awaited. The accounts
 * then hold what the cache and the providers that answered gave;
 * icp_enrich_pending names the providers awaited, and icp_enrich_finish
 * waits for them (the accounts must live until it returns; no other
 * batch runs before it). Another status ends the batch as
 * icp_enrich_batch does. */
enum icp_status icp_enrich_batch_until(struct icp_enrich *e,
                                       struct icp_account **accts,
                                       size_t n, int64_t until_ms,
                                       struct icp_err *err);
/* The providers a batch stopped by its time limit still awaits: the one
 * each unfinished account has in flight and those after it in its
 * waterfalls that it would still ask. Their names (borrowed, in config
 * order, each once) go into names[0..cap); returns how many. */
size_t icp_enrich_pending(const struct icp_enrich *e, const char **names,
                          size_t cap);
/* The providers the session uses (names borrowed, config order) into
 * names[0..cap); returns how many. */
size_t icp_enrich_providers(const struct icp_enrich *e, const char **names,
                            size_t cap);
/* Waits for the rest of a batch stopped by its time limit (the answers
 * fill its accounts and the cache); ICP_OK at once when none is. */
enum icp_status icp_enrich_finish(struct icp_enrich *e, struct icp_err *err);

/* The number of accounts expected in the whole run, for the progress
 * line (0: unknown). */
void icp_enrich_set_total(struct icp_enrich *e, size_t total);

/* Requests, cache hits, not found, retries, failures by provider, then
 * the failures by cause (status, timeout, ...) with counts and the first
 * domains; with --dry-run, the predicted requests and cost instead. */
void icp_enrich_summary(const struct icp_enrich *e, FILE *out);

/* Failed requests (after retries), answers that were junk, requests
 * skipped by a breaker or max_requests, --offline cache misses, and a
 * cache that stopped working (the run went on without it): any of them
 * means exit status 2 (DESIGN §7). */
long icp_enrich_failures(const struct icp_enrich *e);
/* Id of the enrich_errors field in the session's schema. */
int icp_enrich_errors_field(const struct icp_enrich *e);
/* The enrich_errors of a (field id in a's schema; nothing when -1 or
 * none) appended to b: as a JSON member "enrich_errors":[...] (after a
 * comma when b holds members) when json is set, else "; "-separated (a
 * CSV cell). The one writer of enrich_errors (icp score, icp serve). */
enum icp_status icp_enrich_errors_text(struct icp_buf *b, int id,
                                       const struct icp_account *a,
                                       int json);

/* What the lookups of one provider came to since the session opened
 * (icp serve's /metrics): each lookup ends as exactly one of these. */
struct icp_enrich_counts {
  long found;          /* the provider answered with fields */
  long not_found;      /* it answered that it does not know the domain */
  long cached;         /* the cache answered (found or not found) */
  long failed;         /* failed after retries, or an unusable answer */
  long skipped;        /* circuit open or max_requests reached */
  long missed;         /* --offline: not in the cache */
};
/* The counts of the i-th provider of the session (the order of
 * icp_enrich_providers); 0 when there is no such provider. */
int icp_enrich_counts(const struct icp_enrich *e, size_t i,
                      struct icp_enrich_counts *out);
/* Providers refused at load time. */
int icp_enrich_refused(const struct icp_enrich *e);

/* Makes a run enrich each batch through e before scoring (ro's enrich
 * hook). e is borrowed and must outlive the run. */
void icp_enrich_attach(struct icp_enrich *e, struct icp_run_opts *ro);

void icp_enrich_close(struct icp_enrich *e);

#endif
