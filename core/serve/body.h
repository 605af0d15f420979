/*
 * body.h -- the answer of POST /v1/score: a request body (one JSON account
 * or an array of them) scored into what `icp score` writes.
 *
 * Shared by `icp serve` and the Lua module's pack:score_json, so both give
 * byte for byte the JSONL line of `icp score` for the same account, pack
 * and as-of date, except `source`: "request" for a lone object,
 * "request:N" for the N-th account (from 1) of an array. The accounts are
 * read by the JSONL reader (icp_reader_read_text) and written by the one
 * emitter (icp_emit_jsonl); nothing here parses or prints JSON itself.
 *
 * The answer to an object is its line (newline included); to an array, the
 * lines in input order inside "[\n" ... "]\n", separated by ",\n", so that
 * each line of the array is the JSONL line with a comma.
 */
#ifndef ICP_BODY_H
#define ICP_BODY_H

#include "icp.h"
#include "base/buf.h"
#include "score/run.h"
#include "score/score.h"

struct icp_body {
  struct icp_pack *pack;          /* borrowed */
  struct icp_reader *rd;          /* borrowed: a text reader (JSON) on the
                                     pack's schema */
  struct icp_account *a;          /* borrowed: refilled per account */
  struct icp_result *res;         /* borrowed: made for pack */
  int explain;
  size_t max_items;               /* accounts per array */
  /* optional: enrich the accounts of a body together before scoring */
  icp_enrich_fn enrich;
  void *enrich_ud;
  /* optional: told about every scored account (metrics) */
  void (*scored)(void *ud, const struct icp_result *r);
  void *scored_ud;
  /* optional: raw JSON members (enrich_errors, enrich_pending) appended
   * to x for the line of a, written after "pack" when x is not empty */
  enum icp_status (*extra)(void *ud, const struct icp_account *a,
                           struct icp_buf *x);
  void *extra_ud;
  struct icp_buf x;               /* owned (icp_body_release) */
  /* owned: accounts held for enrichment (icp_body_release) */
  struct icp_account **held;
  size_t nheld, capheld;
};

/* Scores text[0..n) (text[n] must be NUL) into out (appended). Returns
 * ICP_OK; ICP_ESKIP for a bad body (400: err says where and what);
 * ICP_ELIMIT for more than max_items accounts (413); ICP_ENOMEM when out
 * of memory or the answer would not fit out's cap; or the status of the
 * enrich hook. On failure out may hold part of an answer: discard it. */
enum icp_status icp_body_score(struct icp_body *b, const char *text,
                               size_t n, struct icp_buf *out,
                               struct icp_err *err);

/* The HTTP status for a status of icp_body_score. */
int icp_body_http_status(enum icp_status st);

/* Appends {"error":"MSG"} and a newline: the body of every error answer. */
enum icp_status icp_body_error_json(struct icp_buf *out, const char *msg);

/* Frees the accounts held for enrichment. */
void icp_body_release(struct icp_body *b);

#endif
