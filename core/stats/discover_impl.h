/*
 * discover_impl.h -- what the files of a discovery share inside the
 * library (not part of discover.h's API): the column store
 * (discover_cols.c), the column typing (discover_typing.c), the deals
 * join (discover_deals.c) and the outcome rows (discover_rows.c), read
 * together by icp_disc_read (discover_data.c).
 */
#ifndef ICP_DISCOVER_IMPL_H
#define ICP_DISCOVER_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "icp.h"
#include "base/buf.h"
#include "stats/discover.h"

#define LEVELS_MAX 65536u    /* distinct values interned per column */

/* ---- discover_cols.c ---------------------------------------------------- */

/* FNV-1a of s[0..n) folded to ASCII lower case. */
uint64_t icp_disc_hash(const char *s, size_t n);
/* Text of a scalar value into buf (or borrowed); 0 when missing/list. */
size_t icp_disc_value_text(const struct icp_value *v, char *buf, size_t cap,
                           const char **out);
/* A new account at the end of every column (cells missing); 0, or -1
 * when out of memory. */
int icp_disc_add_account(struct icp_disc *d);
/* Stores v as the last account's cell of c, counting what it infers;
 * 0, or -1 when out of memory. */
int icp_disc_col_set(struct icp_disc *d, struct icp_disc_col *c,
                     const struct icp_value *v);

/* ---- discover_typing.c -------------------------------------------------- */

/* Decides c's kind from its counts once every account is read, keeps the
 * storage the kind uses and notes the cells that do not fit. */
void icp_disc_type_column(struct icp_disc *d, struct icp_disc_col *c);

/* ---- discover_data.c ---------------------------------------------------- */

/* 1 won, 0 lost, -1 anything else. */
int icp_disc_outcome_word(const char *s, size_t n);
/* Reports a bad record ("FILE:LINE: reason") on the diagnostic stream,
 * the first ICP_RUN_MAX_MESSAGES of them. */
void icp_disc_bad(struct icp_disc *d, const char *msg);
/* Remembers a few distinct examples of unexpected values ("'x', 'y'"). */
void icp_disc_example(char *dst, size_t cap, const char *s, size_t n);

/* ---- discover_deals.c --------------------------------------------------- */

/* Of names[0..n), the one equal to name but for ASCII case, or NULL. */
const char *icp_disc_case_hint(const char *name, const char *const *names,
                               int n);
/* Reads the deals table d->o.deals (outcome column label) and adds the
 * rows it gives (rowcap: the rows' capacity). */
enum icp_status icp_disc_read_deals(struct icp_disc *d, const char *label,
                                    size_t *rowcap, struct icp_err *err);
/* The outcome column of a deals table when it has a usual name, or NULL. */
const char *icp_disc_deal_label(const char *path, const char *format,
                                struct icp_err *err);

/* ---- discover_rows.c ---------------------------------------------------- */

/* Appends a row of the analysis; 0, or -1 when out of memory. */
int icp_disc_add_row(struct icp_disc *d, size_t *cap, uint32_t acct, int y,
                     double value);
/* LTV: best is the top 20% of the values, worst the bottom 20%. */
enum icp_status icp_disc_cut_ltv(struct icp_disc *d, struct icp_err *err);
/* Marks each row training or holdout and counts the training groups. */
void icp_disc_split_holdout(struct icp_disc *d);

/* ==== the draft ========================================================= */

#define POINTS_TOP 100.0     /* the largest rule's points */

/* One attribute of the draft: a column, or one element of a list. */
struct group {
  int col;
  uint32_t element;     /* ELEMENT groups: the element; else NONE */
  int *feat;            /* features in it */
  int nfeat;
  int has_ref;          /* some account matches none of them */
  double shift;         /* min of the coefficients (and 0 with a ref) */
  double ref_points;    /* points of "none of them" (>= 0) */
  double ref_coef;
};

struct draft {
  struct group *g;
  int ng;
};

/* ---- discover_model.c --------------------------------------------------- */

/* Picks excludes and features among the significant tests; 0, or -1 when
 * out of memory. */
int icp_disc_select_features(struct icp_disc *d);
/* Fits the model on (a sample of) the training rows. */
enum icp_status icp_disc_fit(struct icp_disc *d, struct icp_err *err);
/* Groups the features by attribute and gives them points: 0, 1 when
 * nothing separates (every coefficient is 0), -1 when out of memory. */
int icp_disc_build_groups(struct icp_disc *d, struct draft *dr);
void icp_disc_draft_free(struct draft *dr);
/* AUC over the rows of one split (train 1 / holdout 0) of score (per
 * account), or of the model when score is NULL; NaN without both groups.
 * nb, nw (may be NULL): the rows of each group. */
double icp_disc_auc(struct icp_disc *d, int train, const double *score,
                    long *nb, long *nw);
/* Tier thresholds at the training score's percentiles. */
void icp_disc_tiers_from(struct icp_disc *d, const double *score);

/* ---- discover_lua.c ----------------------------------------------------- */

/* Lua literals into b (errors stay in b, sticky). */
void icp_disc_lua_str(struct icp_buf *b, const char *s, size_t n);
void icp_disc_lua_key(struct icp_buf *b, const char *s);
void icp_disc_lua_num(struct icp_buf *b, double v);
/* The pack's text with the placeholder TIERS; names gets the rule names.
 * ICP_EINVAL when no rule could be written. */
enum icp_status icp_disc_pack_text(struct icp_disc *d, struct draft *dr,
                                   const char *const *inputs,
                                   struct icp_buf *b, char (*names)[64],
                                   int *nnames);
/* The tiers table of the model ("{ {"A", 61}, ... }"). */
void icp_disc_tiers_text(const struct icp_disc *d, struct icp_buf *b);

/* ---- discover_cases.c --------------------------------------------------- */

struct scoring {
  struct icp_disc *d;
  double *score;          /* per account; -1 when excluded */
  int *tier;              /* per account: result tier */
  size_t k;               /* accounts seen */
  /* cases */
  struct icp_buf *cases;
  int per_tier[64];
  int ncases;
  int key_id;
  int *case_ids;          /* fields a case shows */
  int ncase_ids;
};

/* Scores every account the discovery read with the pack at path (text,
 * or the file when text is NULL) into s->score and s->tier, and with
 * s->cases writes a few cases per tier there (named by inputs[], the
 * files read). */
enum icp_status icp_disc_score_draft(struct icp_disc *d, const char *path,
                                     const char *text, size_t len,
                                     const char *const *inputs,
                                     struct scoring *s, struct icp_err *err);

#endif
