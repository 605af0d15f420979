/*
 * report_impl.h -- private to core/report: the report object, the page
 * helpers (html.c), the chart primitives (svg.c) and the sections
 * (sec_*.c). Not part of the API.
 */
#ifndef ICP_REPORT_IMPL_H
#define ICP_REPORT_IMPL_H

#include <cjson/cJSON.h>

#include "report/report.h"

#define REPORT_TIERS_MAX 64
#define REPORT_REASONS_MAX 512
#define REPORT_HIST_BINS 20

struct count {
  char name[64];
  long n;
};

#define REPORT_TOP 10
#define REPORT_PACKS_MAX 8
#define REPORT_INPUTS_MAX 32
#define REPORT_GRADES_MAX 128

/* one of the best-scored accounts, with its top reasons */
struct top_account {
  char domain[96], tier[32], grade[24], route[64], reasons[200];
  double score;
  long seq;
};

/* a route (a team) and its workload */
struct route_load {
  char name[64];
  long n;
  double sla_lo, sla_hi;   /* hours; NaN when no account had an SLA */
};

/* What the report knows of the pack when it scored the accounts itself
 * (report_scored.c): weights, maxima, thresholds and the fields each rule
 * reads, to say which fields would move accounts if filled. */
struct report_pack;

struct icp_report {
  cJSON *validate, *diff, *discover;  /* owned documents, or NULL */
  char *validate_name, *diff_name, *discover_name;
  /* scored accounts */
  long scored;
  struct count tiers[REPORT_TIERS_MAX];
  int ntiers;
  struct count reasons[REPORT_REASONS_MAX];
  int nreasons;
  long hist[REPORT_HIST_BINS];        /* score in [5i, 5i + 5) */
  long arms[2];
  char pack[128];
  /* report_scored.c: the meeting-room view of the scored accounts */
  double tier_top[REPORT_TIERS_MAX];  /* best score seen per tier */
  struct count grades[REPORT_GRADES_MAX];
  int ngrades;
  long graded, excluded, insufficient;
  struct top_account top[REPORT_TOP];
  int ntop;
  long seq;
  struct route_load routes[REPORT_TIERS_MAX];
  int nroutes;
  struct count excl[REPORT_REASONS_MAX], unknown[REPORT_REASONS_MAX];
  int nexcl, nunknown;
  double coverage_sum;
  char packs[REPORT_PACKS_MAX][128];
  long pack_n[REPORT_PACKS_MAX];
  int npacks;
  char *inputs[REPORT_INPUTS_MAX];
  int ninputs;
  char as_of[16];
  struct report_pack *rp;
};

/* ---- report_scored.c ---------------------------------------------------- */

/* Adds what the summary, top accounts, workload, exclusions, coverage and
 * grade sections need from one scored account (a JSONL object). */
void icpi_scored_add(struct icp_report *r, const cJSON *o);
void icpi_scored_free(struct icp_report *r);
/* Tier order: the pack's tiers best first (or, without the pack, by the
 * best score seen), then unranked, excluded, insufficient_data. Fills idx
 * with indices into r->tiers; returns their number. */
int icpi_scored_tier_order(const struct icp_report *r, int *idx);
/* Per field (when the pack is known): accounts where a rule reading it was
 * unknown, and those whose tier would rise if it were filled and those
 * rules fired. Returns the number of fields; the arrays are borrowed. */
int icpi_scored_fields(const struct icp_report *r, const char *const **names,
                       const long **unknown, const long **moves,
                       const double **weight);
/* The first two ranked tiers (the ICP, e.g. A and B) for the summary;
 * returns how many (0..2). */
int icpi_scored_icp_tiers(const struct icp_report *r, const char **names);

/* ---- html.c ------------------------------------------------------------ */

/* Escaped text (& < > " '). */
void icpi_html_text(struct icp_buf *b, const char *s);
/* A number with the given decimals, or an en dash when not finite. */
void icpi_html_num(struct icp_buf *b, double v, int decimals);
/* A percentage of a fraction (0.123 -> 12.3%), or an en dash. */
void icpi_html_pct(struct icp_buf *b, double v);
/* An estimate and its interval as two cells, "v</td><td>lo&ndash;hi",
 * each with icpi_html_num's decimals, or as icpi_html_pct with pct set. */
void icpi_html_interval(struct icp_buf *b, double v, double lo, double hi,
                        int decimals, int pct);
void icpi_html_open(struct icp_buf *b, const char *title);
void icpi_html_close(struct icp_buf *b);
/* <section><h2>title</h2> ... </section> */
void icpi_html_section(struct icp_buf *b, const char *id, const char *title,
                       const char *intro);
void icpi_html_section_end(struct icp_buf *b);
/* A figure: the chart and its table side by side, with a caption. */
void icpi_html_figure(struct icp_buf *b, const char *title);
void icpi_html_figure_end(struct icp_buf *b);

/* Numbers of a cJSON member, NaN when missing or null. */
double icpi_jnum(const cJSON *o, const char *key);
const char *icpi_jstr(const cJSON *o, const char *key);

/* ---- svg.c ------------------------------------------------------------- */

/* One series of a chart; lo/hi may be NULL (no intervals). */
struct series {
  const char *name;
  const double *v, *lo, *hi;
};

/* Vertical bars, one per label, of series[0] (optionally with intervals),
 * and an optional horizontal reference line (NaN for none). */
void icpi_svg_bars(struct icp_buf *b, const char *title, const char *xlabel,
                   const char *ylabel, const char *const *labels, int n,
                   const struct series *s, double ref, int percent);
/* Horizontal bars (long labels), value axis along the bottom. */
void icpi_svg_hbars(struct icp_buf *b, const char *title, const char *xlabel,
                    const char *ylabel, const char *const *labels, int n,
                    const struct series *s, double ref, int percent);
/* Lines over the labels, one per series, points with intervals. */
void icpi_svg_lines(struct icp_buf *b, const char *title, const char *xlabel,
                    const char *ylabel, const char *const *labels, int n,
                    const struct series *s, int ns, int percent);
/* A heat map of counts: rows x cols, v[r * ncols + c]. */
void icpi_svg_heat(struct icp_buf *b, const char *title, const char *xlabel,
                   const char *ylabel, const char *const *rows, int nrows,
                   const char *const *cols, int ncols, const double *v);
/* The same with join between a row and a column name in each cell's
 * tooltip (icpi_svg_heat joins with an arrow, as for a migration). */
void icpi_svg_heat_join(struct icp_buf *b, const char *title,
                        const char *xlabel, const char *ylabel,
                        const char *const *rows, int nrows,
                        const char *const *cols, int ncols, const double *v,
                        const char *join);

/* ---- sections ---------------------------------------------------------- */

void icpi_sec_flags(struct icp_buf *b, const struct icp_report *r);
void icpi_sec_validate(struct icp_buf *b, const struct icp_report *r);
void icpi_sec_score(struct icp_buf *b, const struct icp_report *r);
/* A table of counts: label, accounts, share of total (sec_score.c). */
void icpi_count_table(struct icp_buf *b, const char *what,
                      const char *const *labels, const double *v, int n,
                      double total);
void icpi_sec_diff(struct icp_buf *b, const struct icp_report *r);
void icpi_sec_discover(struct icp_buf *b, const struct icp_report *r);
/* sec_summary.c: the sentences at the top, as-of date, inputs, warnings */
void icpi_sec_summary(struct icp_buf *b, const struct icp_report *r);
/* sec_accounts.c: top accounts, grade grid, workload, exclusions, data
 * coverage */
void icpi_sec_accounts(struct icp_buf *b, const struct icp_report *r);

#endif
