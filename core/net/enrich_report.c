/*
 * enrich_report.c -- an enrichment session's failures: counted by
 * provider and cause, noted on the accounts they concern, and the
 * summary and counts the commands print.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/enrich_impl.h"

/* Appends "provider: label" to the account's enrich_errors list. */
static void note_on_account(struct icp_enrich *e, struct icp_account *a,
                            const char *provider, const char *label)
{
  const struct icp_value *old = icp_account_get(a, e->errors_id);
  struct icp_str items[32];
  struct icp_value v;
  char text[192];
  uint32_t i, n = old->type == ICP_T_LIST ? old->n : 0;
  if(n >= 32)
    return; /* enough to see what went wrong */
  for(i = 0; i < n; i++)
    items[i] = old->u.list[i];
  snprintf(text, sizeof(text), "%s: %s", provider, label);
  for(i = 0; i < n; i++)
    if(items[i].n == strlen(text) && !memcmp(items[i].p, text, items[i].n))
      return;
  items[n].p = text;
  items[n].n = (uint32_t)strlen(text);
  memset(&v, 0, sizeof(v));
  v.type = ICP_T_LIST;
  v.n = n + 1;
  v.u.list = items;
  /* put, not set: a scoring run keeps it whatever its packs read */
  if(icp_account_put(a, e->errors_id, &v, e->src_icp))
    fprintf(stderr, "icp: %s: enrich_errors too large to keep\n",
            icp_account_domain(a) ? icp_account_domain(a) : "?");
}

/* Counts a failure, skip or miss of provider p for account a under label
 * (its cause); detail, when given, is the longer text --verbose shows. */
void icp_enrich_record(struct icp_enrich *e, int p, struct icp_account *a,
                   const char *label, const char *detail)
{
  struct pstat *ps = &e->st[p];
  const char *domain = icp_account_domain(a);
  struct cause *c = NULL;
  int i;
  e->problems++;
  for(i = 0; i < ps->ncauses; i++)
    if(!strcmp(ps->causes[i].label, label))
      c = &ps->causes[i];
  if(!c && ps->ncauses < CAUSES_MAX) {
    c = &ps->causes[ps->ncauses++];
    snprintf(c->label, sizeof(c->label), "%s", label);
  }
  if(c) {
    int k = c->ndom < CAUSE_DOMAINS ? c->ndom++ : CAUSE_DOMAINS;
    c->n++;
    /* insertion by line: the summary does not depend on which answer
     * came first */
    while(k > 0 && c->line[k - 1] > a->line) {
      if(k < CAUSE_DOMAINS) {
        memcpy(c->dom[k], c->dom[k - 1], sizeof(c->dom[0]));
        c->line[k] = c->line[k - 1];
      }
      k--;
    }
    if(k < CAUSE_DOMAINS) {
      snprintf(c->dom[k], sizeof(c->dom[0]), "%s", domain ? domain : "?");
      c->line[k] = a->line;
    }
  }
  else
    ps->other++;
  if(e->opts.verbose)
    fprintf(stderr, "icp: %s: %s: %s%s%s\n", e->pl[p].cfg->name,
            domain ? domain : "?", label, detail ? ": " : "",
            detail ? detail : "");
  note_on_account(e, a, e->pl[p].cfg->name, label);
}

/* "HTTP 401 (check CLEARBIT_API_KEY)": the variables of the provider's
 * secret keys, so that a wrong key names where it came from. */
void icp_enrich_status_label(const struct icp_plugin *pl, long status,
                         char *out, size_t cap)
{
  struct icp_enr_config_key k;
  size_t i, j, n;
  int first = 1;
  n = (size_t)snprintf(out, cap, "HTTP %ld", status);
  if(status != 401 && status != 403)
    return;
  for(i = 0; i < pl->cfg->ne && n < cap; i++) {
    const struct icp_cfg_entry *en = &pl->cfg->e[i];
    int secret = 0;
    for(j = 0; icp_plugin_key(pl, j, &k); j++)
      if(!strcmp(k.name, en->key))
        secret = k.secret;
    if(!secret || !en->v.env)
      continue;
    n += (size_t)snprintf(out + n, cap - n, "%s%s", first ? " (check "
                          : ", ", en->v.env);
    first = 0;
  }
  if(!first && n < cap)
    snprintf(out + n, cap - n, ")");
}

const char *icp_enrich_cause_label(const struct icp_sched_answer *a,
                               const struct icp_plugin *pl, char *buf,
                               size_t cap)
{
  switch(a->cause) {
  case ICP_SCHED_C_STATUS:
    icp_enrich_status_label(pl, a->status, buf, cap);
    return buf;
  case ICP_SCHED_C_TIMEOUT: return "timeout";
  case ICP_SCHED_C_CONNECT: return "connection error";
  case ICP_SCHED_C_OVERSIZE: return "oversize body";
  case ICP_SCHED_C_BREAKER: return "skipped: circuit open";
  case ICP_SCHED_C_BUDGET: return "not enriched: max_requests reached";
  case ICP_SCHED_C_QUEUED: return "still queued after max_polls";
  default: return "transfer error";
  }
}

/* ---- reports ------------------------------------------------------------ */

static void print_causes(const struct pstat *ps, FILE *out)
{
  int i, k;
  for(i = 0; i < ps->ncauses; i++) {
    const struct cause *c = &ps->causes[i];
    fprintf(out, "    %s: %ld (", c->label, c->n);
    for(k = 0; k < c->ndom; k++)
      fprintf(out, "%s%s", k ? ", " : "", c->dom[k]);
    fprintf(out, "%s)\n", c->n > c->ndom ? ", ..." : "");
  }
  if(ps->other)
    fprintf(out, "    other causes: %ld\n", ps->other);
}

void icp_enrich_summary(const struct icp_enrich *e, FILE *out)
{
  size_t i;
  double secs = (double)(icp_enrich_now_ms() - e->t0) / 1000.0, total = 0;
  if(e->opts.dry_run) {
    fprintf(out, "enrich --dry-run: %zu accounts, no request sent\n",
            e->done);
    for(i = 0; i < e->npl; i++) {
      const struct pstat *ps = &e->st[i];
      double cost = e->pl[i].cfg->cost_per_request;
      fprintf(out, "  %-12s ", e->pl[i].cfg->name);
      if(ps->maybe)
        fprintf(out, "%ld to %ld requests (the rest depends on the "
                "answers of the providers before it)", ps->predicted,
                ps->predicted + ps->maybe);
      else
        fprintf(out, "%ld requests", ps->predicted);
      fprintf(out, ", %ld cache hits", ps->cache_hits);
      if(cost > 0)
        fprintf(out, ", cost up to %.2f",
                cost * (double)(ps->predicted + ps->maybe));
      total += cost * (double)(ps->predicted + ps->maybe);
      if(ps->skipped)
        fprintf(out, ", %ld accounts past max_requests = %ld would not be "
                "enriched", ps->skipped, e->pl[i].cfg->max_requests);
      fputc('\n', out);
    }
    if(total > 0)
      fprintf(out, "  total cost up to %.2f (plus retries)\n", total);
    return;
  }
  fprintf(out, "enrich: %zu accounts in %.1f s", e->done, secs);
  if(e->failed_accounts)
    fprintf(out, ", %d with every provider failing", e->failed_accounts);
  fputc('\n', out);
  for(i = 0; i < e->npl; i++) {
    struct icp_sched_stats ss;
    const struct pstat *ps = &e->st[i];
    double cost = e->pl[i].cfg->cost_per_request;
    icp_sched_stats(e->sched, e->sched_id[i], &ss);
    /* an account skipped by an open circuit failed too: it was not
     * asked, because the requests before it failed */
    fprintf(out, "  %-12s %ld requests, %ld cache hits, %ld not found, "
            "%ld retries, %ld polls, %ld failures",
            e->pl[i].cfg->name, ss.requests, ps->cache_hits,
            ps->not_found, ss.retries, ss.polls, ps->failures + ss.rejected);
    if(ss.rejected)
      fprintf(out, " (%ld skipped: circuit open%s%s)", ss.rejected,
              ss.last_error[0] ? " after: " : "", ss.last_error);
    fprintf(out, ", %ld fields set", ps->fields);
    if(cost > 0)
      fprintf(out, ", cost %.2f", cost * (double)ss.requests);
    total += cost * (double)ss.requests;
    if(ps->misses)
      fprintf(out, ", %ld cache misses (--offline)", ps->misses);
    if(ss.over_budget)
      fprintf(out, ", %ld not enriched (max_requests = %ld reached)",
              ss.over_budget, e->pl[i].cfg->max_requests);
    if(ss.breaker_opens)
      fprintf(out, ", circuit opened %ld times", ss.breaker_opens);
    if(ss.long_waits)
      fprintf(out, ", %ld waits over 2 s", ss.long_waits);
    fputc('\n', out);
    print_causes(ps, out);
  }
  if(total > 0)
    fprintf(out, "  total cost %.2f\n", total);
}

long icp_enrich_failures(const struct icp_enrich *e)
{
  /* a cache that stopped caching (said when it happened) is one more */
  return e->problems + e->failed_accounts + (icp_cache_fault(e->cache) != 0);
}

int icp_enrich_errors_field(const struct icp_enrich *e)
{
  return e->errors_id;
}

enum icp_status icp_enrich_errors_text(struct icp_buf *b, int id,
                                       const struct icp_account *a,
                                       int json)
{
  const struct icp_value *v = id < 0 ? NULL : icp_account_get(a, id);
  enum icp_status st = ICP_OK;
  uint32_t i;
  if(!v || v->type != ICP_T_LIST || !v->n)
    return ICP_OK;
  if(json)
    st = icp_buf_adds(b, b->len ? ",\"enrich_errors\":[" :
                      "\"enrich_errors\":[");
  for(i = 0; !st && i < v->n; i++) {
    if(i)
      st = icp_buf_adds(b, json ? "," : "; ");
    if(!st)
      st = json ? icp_buf_json_str(b, v->u.list[i].p, v->u.list[i].n)
                : icp_buf_add(b, v->u.list[i].p, v->u.list[i].n);
  }
  return st || !json ? st : icp_buf_addc(b, ']');
}

int icp_enrich_counts(const struct icp_enrich *e, size_t i,
                      struct icp_enrich_counts *out)
{
  const struct pstat *ps;
  if(i >= e->npl)
    return 0;
  ps = &e->st[i];
  out->found = ps->found;
  out->not_found = ps->live_not_found;
  out->cached = ps->cache_hits;
  out->failed = ps->failures;
  out->skipped = ps->skipped;
  out->missed = ps->misses;
  return 1;
}

int icp_enrich_refused(const struct icp_enrich *e)
{
  return e->refused;
}

