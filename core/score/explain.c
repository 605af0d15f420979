/* explain.c -- a scored account for a person, rule by rule. */
#include "base/buf.h"
#include "data/schema.h"
#include "score/emit.h"
#include "score/explain.h"

void icp_explain_actual(FILE *out, const struct icp_pack *p,
                        const struct icp_result *r)
{
  struct icp_buf b;
  int any;
  icp_buf_init(&b, 1 << 16);
  icp_emit_reasons(&b, p, r, p->nrules); /* sticky: see icp_buf_text */
  any = b.len || b.err;
  fprintf(out, "  actual: tier %s%s%s, score %.6g, coverage %.6g, "
          "route %s; %s%s\n", r->tier_name, r->grade ? ", grade " : "",
          r->grade ? r->grade : "", r->score, r->coverage,
          r->route ? r->route : "none", any ? "fired " : "nothing fired",
          any ? icp_buf_text(&b) : "");
  icp_buf_free(&b);
}

/* Adds "name = value[ from source]" for field id. */
static void read_value(struct icp_buf *b, const struct icp_pack *p,
                       const struct icp_account *a, int id, int first,
                       int detail)
{
  int src = icp_account_source(a, id);
  icp_buf_printf(b, "%s%s = ", first ? "" : ", ",
                 icp_schema_name(p->schema, id));
  icp_emit_value(b, icp_account_get(a, id));
  if(detail && src >= 0 &&
     icp_account_get(a, id)->type != ICP_T_MISSING)
    icp_buf_printf(b, " from %s", icp_schema_source_name(p->schema, src));
}

void icp_explain_rule(FILE *out, const struct icp_pack *p,
                      const struct icp_account *a,
                      const struct icp_result *r, int i, int detail)
{
  static const char *const oname[] = { "not fired", "fired", "unknown" };
  int excl = i >= p->nrules, idx = excl ? i - p->nrules : i, k, n = 0;
  const int *reads = excl ? p->excl[idx].reads : p->rules[idx].reads;
  int nreads = excl ? p->excl[idx].nreads : p->rules[idx].nreads;
  const char *e = icp_result_error(r, i);
  struct icp_buf b, pts;
  icp_buf_init(&b, 1 << 16);
  icp_buf_init(&pts, 256);
  if(!nreads && r->explain) {
    reads = r->reads + r->read_off[i];
    nreads = r->read_n[i];
  }
  for(k = 0; k < nreads; k++)
    read_value(&b, p, a, reads[k], n++ == 0, detail);
  if(detail && !excl) {
    const struct icp_rule *rule = &p->rules[idx];
    if(rule->kind == ICP_RULE_BANDS && rule->nreads == 0)
      read_value(&b, p, a, rule->field, n++ == 0, detail);
    if(rule->decay_field >= 0)
      read_value(&b, p, a, rule->decay_field, n++ == 0, detail);
    icp_buf_printf(&pts, ", %+.6g of %.6g points", r->earned[idx],
                   rule->points);
  }
  fprintf(out, "  why: %s '%s' %s%s%s%s%s%s\n", excl ? "exclude" : "rule",
          excl ? p->excl[idx].name : p->rules[idx].name,
          oname[excl ? r->xoutcome[idx] : r->outcome[idx]],
          pts.len || pts.err ? icp_buf_text(&pts) : "",
          b.len || b.err ? " (" : "", b.len || b.err ? icp_buf_text(&b) : "",
          b.len || b.err ? ")" : "", e ? "; error: " : "");
  if(e)
    fprintf(out, "       %s\n", e);
  icp_buf_free(&b);
  icp_buf_free(&pts);
}
