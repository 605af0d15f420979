/* validate_text.c -- icp validate's text report: the table of periods and
 * tiers, the A/B arms and the flags. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/validate_args.h"

static void fmt_num(char *out, size_t cap, double v, const char *f)
{
  if(isnan(v))
    snprintf(out, cap, "-");
  else
    snprintf(out, cap, f, v);
}

/* A win rate with its 95% interval, "62.5% (48.1-75.0)", or "-". */
static void fmt_rate(char *out, size_t cap, double r, double lo, double hi)
{
  if(isnan(r))
    snprintf(out, cap, "-");
  else
    snprintf(out, cap, "%.1f%% (%.1f-%.1f)", 100 * r, 100 * lo, 100 * hi);
}

static void print_row(FILE *fp, const char *period, const char *group,
                      const struct icp_val_cell *c)
{
  char rate[40], cyc[16], mean[24], med[24], sup[16];
  fmt_rate(rate, sizeof(rate), c->win_rate, c->win_lo, c->win_hi);
  fmt_num(cyc, sizeof(cyc), c->cycle_median, "%.1f");
  fmt_num(mean, sizeof(mean), c->amount_mean, "%.0f");
  fmt_num(med, sizeof(med), c->amount_median, "%.0f");
  fmt_num(sup, sizeof(sup), c->support_per_account, "%.2f");
  fprintf(fp, "%-22s %-8s %6ld %6ld %6ld  %-19s %7s %9s %9s %7s\n", period,
          group, c->deals, c->won, c->lost, rate, cyc, mean, med, sup);
}

void icp_validate_print_report(FILE *fp, const struct icp_val_metrics *m)
{
  char lab[24];
  int p, g;
  fprintf(fp, "%-22s %-8s %6s %6s %6s  %-19s %7s %9s %9s %7s\n", "period",
          "tier", "deals", "won", "lost", "win rate (95% CI)", "cycle",
          "mean won", "med won", "support");
  for(p = 0; p <= m->nperiods; p++) {
    const int fixed[] = { ICP_VAL_G_ICP, ICP_VAL_G_NON_ICP };
    icp_val_period_label(m, p, lab);
    if(p == m->nperiods)
      memcpy(lab, "whole run", 10);
    for(g = 0; g < 2; g++) {
      int gi = icp_val_group(m, fixed[g]);
      print_row(fp, lab, icp_val_group_name(m, gi),
                icp_val_cell_at(m, p, gi));
    }
    for(g = 0; g < m->ntiers; g++)
      print_row(fp, lab, icp_val_group_name(m, g), icp_val_cell_at(m, p, g));
    {
      int go = icp_val_group(m, ICP_VAL_G_OTHER);
      if(icp_val_cell_at(m, p, go)->deals)
        print_row(fp, lab, "other", icp_val_cell_at(m, p, go));
    }
  }
  if(isnan(m->auc))
    fprintf(fp, "\nAUC of score against won: - (needs won and lost deals)\n");
  else
    fprintf(fp, "\nAUC of score against won: %.3f over %ld closed deals\n",
            m->auc, m->closed_matched);
  if(m->ndeciles) {
    fprintf(fp, "calibration (win rate by score decile):");
    for(g = 0; g < m->ndeciles; g++)
      if(!isnan(m->decile[g].win_rate))
        fprintf(fp, " %.0f-%.0f: %.1f%%", m->decile[g].score_lo,
                m->decile[g].score_hi, 100 * m->decile[g].win_rate);
    fprintf(fp, "\n");
  }
}

void icp_validate_print_ab(FILE *fp, const struct icp_val_metrics *m,
                           const char *pa, const char *pb)
{
  const struct icp_val_ab *ab = m->ab;
  int k;
  fprintf(fp, "\nA/B (%s): A = %s, B = %s\n", ab->backtest ?
          "backtest: both packs on the same deals" : "by arm", pa, pb);
  fprintf(fp, "%-4s %9s %9s %7s %7s  %-19s %7s %9s\n", "arm", "accounts",
          "ICP accts", "won", "lost", "ICP win rate", "cycle", "mean won");
  for(k = 0; k < 2; k++) {
    const struct icp_val_arm *a = &ab->arm[k];
    char rate[40], cyc[16], mean[24];
    fmt_rate(rate, sizeof(rate), a->win_rate, a->win_lo, a->win_hi);
    fmt_num(cyc, sizeof(cyc), a->cycle_median, "%.1f");
    fmt_num(mean, sizeof(mean), a->amount_mean, "%.0f");
    fprintf(fp, "%-4s %9ld %9ld %7ld %7ld  %-19s %7s %9s\n", k ? "B" : "A",
            a->accounts, a->icp_accounts, a->won, a->lost, rate, cyc, mean);
  }
  if(!isnan(ab->diff))
    fprintf(fp, "difference B - A: %+.1f points (95%% CI %+.1f to %+.1f), "
            "p = %.3g\n", 100 * ab->diff, 100 * ab->diff_lo,
            100 * ab->diff_hi, ab->p);
  fprintf(fp, "the packs disagree on %zu accounts (ICP for A only: %ld, for "
          "B only: %ld)", ab->ndisagree, ab->only[0].accounts,
          ab->only[1].accounts);
  if(!isnan(ab->only[0].win_rate) && !isnan(ab->only[1].win_rate))
    fprintf(fp, "; their win rates: A only %.1f%%, B only %.1f%% "
            "(p = %.3g)", 100 * ab->only[0].win_rate,
            100 * ab->only[1].win_rate, ab->only_p);
  fprintf(fp, "\n");
}

void icp_validate_print_flags(FILE *fp, const struct icp_val_metrics *m,
                              const struct icp_val_flag *f, size_t n)
{
  size_t i;
  fprintf(fp, "\nflags:\n");
  for(i = 0; i < n; i++) {
    int rate = f[i].check == ICP_VAL_CONVERSION_DROP ||
               f[i].check == ICP_VAL_ICP_WIN_RATE_ADVANTAGE;
    double sc = rate ? 100 : 1;
    const char *unit = rate ? "%" : "";
    char base[32], cur[32], ch[24], p[24];
    fmt_num(base, sizeof(base), f[i].base_value * sc, "%.1f");
    fmt_num(cur, sizeof(cur), f[i].cur_value * sc, "%.1f");
    fmt_num(ch, sizeof(ch), f[i].change * 100, "%+.1f%%");
    fmt_num(p, sizeof(p), f[i].p, "%.3g");
    /* drift reads baseline -> current; a standing check compares ICP
     * with non-ICP in one period, so it reads "vs" */
    if(f[i].check == ICP_VAL_ICP_WIN_RATE_ADVANTAGE ||
       f[i].check == ICP_VAL_ICP_CYCLE_ADVANTAGE)
      fprintf(fp, "  %-17s %-22s %-8s %s%s (n=%ld) vs non-ICP %s%s "
              "(n=%ld), %s, p=%s%s\n", icp_val_status_name(f[i].status),
              icp_val_check_name(f[i].check),
              icp_val_group_name(m, f[i].group), cur,
              *cur != '-' ? unit : "", f[i].n_cur, base,
              *base != '-' ? unit : "", f[i].n_base, ch, p,
              f[i].significant ? " (significant)" : "");
    else
      fprintf(fp, "  %-17s %-22s %-8s %s%s (n=%ld) -> %s%s (n=%ld), %s, "
              "p=%s%s\n", icp_val_status_name(f[i].status),
              icp_val_check_name(f[i].check),
              icp_val_group_name(m, f[i].group), base,
              *base != '-' ? unit : "", f[i].n_base, cur,
              *cur != '-' ? unit : "", f[i].n_cur, ch, p,
              f[i].significant ? " (significant)" : "");
  }
}
