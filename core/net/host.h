/*
 * host.h -- the host side of the enricher ABI (core/icp_enricher.h): the
 * host table (host.c), and the handles it hands to plugins; the output
 * handle and its entries are in host_out.c.
 *
 * The account view wraps a borrowed struct icp_account; the request
 * collects a URL and headers; the output collects normalized fields
 * (copied) until the session applies them to an account, writes them to
 * the cache as JSON, or reads them back from it.
 */
#ifndef ICP_HOST_H
#define ICP_HOST_H

#include <stdio.h>

#include "icp_enricher.h"
#include "base/buf.h"
#include "data/account.h"
#include "net/redact.h"
#include "net/scheduler.h"

/* Where host->log writes: set as cfg->log_ud by the session. */
struct icp_host_log {
  FILE *f;                 /* NULL: stderr */
  int min_level;           /* enum icp_enr_log_level */
  long lines;
};

struct icp_enr_account {
  const struct icp_account *a;   /* borrowed */
};

struct icp_enr_request {
  char *url;                     /* owned; NULL until set */
  struct curl_slist *headers;    /* owned */
};

struct icp_enr_headers {
  const struct icp_sched_answer *a;  /* borrowed */
};

#define ICP_ENR_OUT_BAD_MAX 16

struct icp_enr_out_field {
  int id;
  struct icp_value v;            /* strings point into s / items */
  char *s;
  struct icp_str *items;
  size_t cap;
};

struct icp_enr_output {
  struct icp_schema *schema;     /* borrowed */
  const struct icp_redact *redact;
  struct icp_enr_out_field *f;
  size_t n, cap;
  char error[201];
  /* fields whose value the provider gave in an unusable type (rejected
   * by the normaliser or reported with out_reject), each once */
  char bad[ICP_ENR_OUT_BAD_MAX][48];
  int nbad;
  int nomem;     /* a value was lost to out of memory: the answer failed */
};

/* The host table: static, read-only. */
const struct icp_host *icp_host_table(void);

void icp_enr_request_free(struct icp_enr_request *r);

void icp_enr_out_init(struct icp_enr_output *o, struct icp_schema *schema,
                  const struct icp_redact *redact);
void icp_enr_out_reset(struct icp_enr_output *o);
void icp_enr_out_free(struct icp_enr_output *o);

/* Sets the output's fields on a (copied) with source id: a field already
 * set on a is kept unless overwrite. Returns the number of fields set in
 * *nset. */
enum icp_status icp_enr_out_apply(const struct icp_enr_output *o,
                              struct icp_account *a, int source,
                              int overwrite, int *nset);
/* 1 when a lacks one of the fields ids[0..n) that the run needs
 * (icp_schema_needed), or n is 0. */
int icp_enr_out_wants(const struct icp_account *a, const int *ids, size_t n);
/* 1 when the output holds field name. */
int icp_enr_out_has(const struct icp_enr_output *o, const char *name);

/* The fields as a JSON object (numbers by icp_fmt_num, dates as
 * "YYYY-MM-DD", lists as arrays), secrets redacted, into b. */
enum icp_status icp_enr_out_json(const struct icp_enr_output *o,
                             struct icp_buf *b);
/* Reads fields back from icp_enr_out_json text (a cache row). Fields whose
 * type does not fit the schema are dropped. */
enum icp_status icp_enr_out_from_json(struct icp_enr_output *o,
                                  const char *json, struct icp_err *err);

/* The output entries of the host table (see struct icp_host in
 * icp_enricher.h for what each does and returns), usable by the core
 * directly. A value that is refused (1) is noted in o->bad. */
int icp_enr_out_text(struct icp_enr_output *o, const char *name,
                     const char *text);
int icp_enr_out_number(struct icp_enr_output *o, const char *name, double v);
int icp_enr_out_bool(struct icp_enr_output *o, const char *name, int v);
int icp_enr_out_list_add(struct icp_enr_output *o, const char *name,
                         const char *item);
void icp_enr_out_error(struct icp_enr_output *o, const char *reason);
void icp_enr_out_reject(struct icp_enr_output *o, const char *name);

#endif
