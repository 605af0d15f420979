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
};

/* ---- html.c ------------------------------------------------------------ */

/* Escaped text (& < > " '). */
void html_text(struct icp_buf *b, const char *s);
/* A number with the given decimals, or an en dash when not finite. */
void html_num(struct icp_buf *b, double v, int decimals);
/* A percentage of a fraction (0.123 -> 12.3%), or an en dash. */
void html_pct(struct icp_buf *b, double v);
void html_open(struct icp_buf *b, const char *title);
void html_close(struct icp_buf *b);
/* <section><h2>title</h2> ... </section> */
void html_section(struct icp_buf *b, const char *id, const char *title,
                  const char *intro);
void html_section_end(struct icp_buf *b);
/* A figure: the chart and its table side by side, with a caption. */
void html_figure(struct icp_buf *b, const char *title);
void html_figure_end(struct icp_buf *b);

/* Numbers of a cJSON member, NaN when missing or null. */
double jnum(const cJSON *o, const char *key);
const char *jstr(const cJSON *o, const char *key);

/* ---- svg.c ------------------------------------------------------------- */

/* One series of a chart; lo/hi may be NULL (no intervals). */
struct series {
  const char *name;
  const double *v, *lo, *hi;
};

/* Vertical bars, one per label, of series[0] (optionally with intervals),
 * and an optional horizontal reference line (NaN for none). */
void svg_bars(struct icp_buf *b, const char *title, const char *xlabel,
              const char *ylabel, const char *const *labels, int n,
              const struct series *s, double ref, int percent);
/* Horizontal bars (long labels), value axis along the bottom. */
void svg_hbars(struct icp_buf *b, const char *title, const char *xlabel,
               const char *ylabel, const char *const *labels, int n,
               const struct series *s, double ref, int percent);
/* Lines over the labels, one per series, points with intervals. */
void svg_lines(struct icp_buf *b, const char *title, const char *xlabel,
               const char *ylabel, const char *const *labels, int n,
               const struct series *s, int ns, int percent);
/* A heat map of counts: rows x cols, v[r * ncols + c]. */
void svg_heat(struct icp_buf *b, const char *title, const char *xlabel,
              const char *ylabel, const char *const *rows, int nrows,
              const char *const *cols, int ncols, const double *v);

/* ---- sections ---------------------------------------------------------- */

void sec_flags(struct icp_buf *b, const struct icp_report *r);
void sec_validate(struct icp_buf *b, const struct icp_report *r);
void sec_score(struct icp_buf *b, const struct icp_report *r);
void sec_diff(struct icp_buf *b, const struct icp_report *r);
void sec_discover(struct icp_buf *b, const struct icp_report *r);

#endif
