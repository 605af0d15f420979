/*
 * discover.h -- `icp discover`: which attributes separate the best accounts
 * from the worst, whether each difference is real, and a draft pack.
 *
 * The flow, one file per concern:
 *   discover_data.c      read the accounts into compact per-row codes
 *                        (levels, numbers, list elements), type every
 *                        column (DESIGN §3), join a deals table, and turn
 *                        the outcome into best / worst / middle rows
 *   discover_evidence.c  per value, list element and quantile bin: counts,
 *                        lift with its CI, Fisher p; Mann-Whitney per
 *                        number; Benjamini-Hochberg over every test
 *   discover_report.c    the ranked terminal table and the JSON document
 *   discover_draft.c     the logistic model, the draft pack, its scoring
 *                        through the engine (tiers, holdout AUC) and the
 *                        companion *_test.lua
 *   discover.c           the object's life cycle
 *
 * Memory: strings are interned once per column; a row costs a 4-byte level
 * code per categorical column, 8 bytes per numeric column, 4 bytes per list
 * element, plus a few bytes of outcome. Nothing here prints except the
 * report functions, which write to the streams they are given.
 */
#ifndef ICP_DISCOVER_H
#define ICP_DISCOVER_H

#include <stdint.h>
#include <stdio.h>

#include "icp.h"
#include "data/schema.h"

enum icp_disc_outcome {
  ICP_DISC_WON = 1,  /* a label column: won/lost, 1/0, true/false, yes/no */
  ICP_DISC_CHURN,    /* the same values, but true means lost (churned) */
  ICP_DISC_LTV       /* a numeric column: top 20% versus bottom 20% */
};

struct icp_columns;

struct icp_disc_opts {
  int outcome;              /* enum icp_disc_outcome */
  const char *label;        /* WON/CHURN: the label column */
  const char *value;        /* LTV: the value column (also with --deals) */
  const char *key;          /* the key column (joins; never an attribute) */
  const char *deals;        /* a deals table joined on key, or NULL */
  const char *ignore;       /* comma-separated columns that are not
                               attributes, or NULL */
  int per_deal;             /* with deals: a row per closed deal */
  const char *format;       /* "csv", "jsonl" or NULL: by extension */
  int bins;                 /* quantile bins per number (default 5) */
  long min_support;         /* rarer values pool into `other` (10) */
  double q;                 /* FDR level (0.05) */
  int32_t as_of;            /* dates' ages count from this day */
  double holdout;           /* share of rows kept out of fitting, [0, 0.9] */
  uint64_t seed;            /* holdout split and CV folds */
  int max_rules;            /* cap of point rules in the draft (40) */
  const struct icp_columns *columns; /* --columns mapping (borrowed), or
                                        NULL */
  int no_draft;             /* no pack will be drafted: keep no more than
                               the analysis needs (keys without deals,
                               the text of number and date cells) */
  FILE *diag;               /* bad records and cells that did not fit,
                               "FILE:LINE: reason" (stderr when NULL) */
};

/* Fills o with the defaults above (outcome unset). */
void icp_disc_opts_init(struct icp_disc_opts *o);

/* ---- columns ----------------------------------------------------------- */

enum icp_disc_kind {
  ICP_DK_SKIP = 0,  /* not an attribute (key, outcome, identifier-like) */
  ICP_DK_CAT,       /* string levels */
  ICP_DK_BOOL,
  ICP_DK_NUM,
  ICP_DK_DATE,      /* analysed as age in days at as_of */
  ICP_DK_LIST
};

/* An interned level: its text (first spelling seen; strings compare
 * case-insensitively as one_of does). */
struct icp_disc_level {
  uint32_t off, len;        /* into the column's text buffer */
};

struct icp_disc_col {
  char *name;
  int field;                /* schema id in the reading schema */
  int canonical;            /* a DESIGN §3 field (its type is fixed) */
  int kind;                 /* enum icp_disc_kind, decided after reading */
  const char *why_skipped;  /* static text when kind is SKIP */
  /* typing counts over non-missing cells */
  long n_cells, n_num, n_bool, n_date, n_list, n_misfit;
  /* storage, per account (cap = the data's account capacity) */
  uint32_t *code;           /* level code, ICP_DISC_NONE when missing */
  double *num;              /* number or day; NaN when missing */
  uint32_t *loff;           /* lists: CSR offsets, n_accounts + 1 */
  uint32_t *items;          /* lists: element codes */
  size_t nitems, capitems;
  /* interned levels */
  struct icp_disc_level *lv;
  uint32_t nlv;
  size_t caplv;
  uint32_t *ht;             /* open addressing: code + 1, 0 = empty */
  uint32_t htcap;
  char *text;
  size_t ntext, captext;
  int8_t *lvbool;           /* BOOL: per level 1 true, 0 false, -1 not */
};

#define ICP_DISC_NONE UINT32_MAX        /* missing */
#define ICP_DISC_RARE (UINT32_MAX - 1)  /* not interned: pooled as other */

/* ---- tests ------------------------------------------------------------- */

enum icp_disc_what {
  ICP_DW_VALUE = 1,  /* a categorical or bool value, a number's value */
  ICP_DW_BIN,        /* a quantile bin [lo, hi] (observed ends) */
  ICP_DW_ELEMENT,    /* a list element */
  ICP_DW_MISSING,
  ICP_DW_OTHER       /* rare values pooled */
};

struct icp_disc_test {
  int col;                  /* index into cols */
  int what;                 /* enum icp_disc_what */
  uint32_t level;           /* VALUE, ELEMENT: the level code; BIN: bin */
  double lo, hi;            /* BIN: observed min and max in the bin (ages
                               in days for dates) */
  long n_best, n_worst;     /* rows with the value in each group */
  double lift, lift_lo, lift_hi;
  double p, q;
  double log_p;             /* ln p, finite where p underflows (ranking) */
  int significant;
  /* draft */
  int feature;              /* index into the model's features or -1 */
  int exclude;              /* drafted as an exclude */
};

struct icp_disc_mwu {
  int col;
  long n_best, n_worst;
  double median_best, median_worst, u, p, q;
  int significant;
};

/* ---- the model and the draft ------------------------------------------ */

struct icp_disc_model {
  int fitted;
  size_t nfeat;
  int *feat_test;           /* per feature: its test index */
  double *coef;
  double intercept, lambda;
  long rows_fitted;
  int folds;
  double *points;           /* per feature, integer points after shifting */
  /* AUCs; NaN when not computed */
  double auc_train_model, auc_train_pack;
  double auc_holdout_model, auc_holdout_pack;
  long holdout_best, holdout_worst;
  double tiers[4];          /* A..D thresholds */
  int ntiers;
};

/* ---- the whole run ----------------------------------------------------- */

struct icp_disc {
  struct icp_disc_opts o;
  struct icp_schema *schema;      /* the reading schema (owned) */
  struct icp_disc_col *cols;
  int ncols;
  size_t capcols;
  /* accounts */
  size_t nacct, capacct;
  uint32_t *acct_line;            /* physical line of each record */
  uint16_t *acct_file;            /* index into inputs */
  double *acct_value;             /* LTV value (NaN unknown) */
  int8_t *acct_label;             /* 1 best, 0 worst, -1 unknown */
  /* join */
  char *keytext;                  /* account keys, NUL-separated */
  size_t nkeytext, capkeytext;
  size_t *keyoff;                 /* per account, SIZE_MAX when none */
  /* rows of the analysis (accounts, or deals with per_deal) */
  size_t nrows;
  uint32_t *row_acct;
  int8_t *row_y;                  /* 1 best, 0 worst, -1 neither */
  double *row_value;
  uint8_t *row_train;             /* 1 training, 0 holdout */
  long n_best, n_worst;           /* training rows in each group */
  double cut_lo, cut_hi;          /* LTV: worst <= cut_lo, best >= cut_hi */
  /* reading counters */
  long read, skipped, cell_warnings, label_bad, value_bad;
  long deals_read, deals_open, deals_unmatched, deals_nokey, deals_bad;
  long accounts_without_deals;
  long shown_bad;                 /* bad records reported on diag */
  char label_examples[128];
  char open_examples[128];
  /* evidence */
  struct icp_disc_test *tests;
  size_t ntests, captests;
  struct icp_disc_mwu *mwu;
  size_t nmwu, capmwu;
  long n_significant;
  struct icp_disc_model model;
  /* messages for the user (warnings), NUL-separated */
  char *notes;
  size_t nnotes, capnotes;
};

struct icp_disc *icp_disc_new(const struct icp_disc_opts *o);
void icp_disc_free(struct icp_disc *d);

/* Adds a note (a warning shown to the user). */
void icp_disc_note(struct icp_disc *d, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

/* Reads every input (and the deals table) and builds the rows: the key,
 * label and value columns, the join and the best/worst split. ICP_EINVAL
 * when a named column is absent or no rows are left (err says why). */
enum icp_status icp_disc_read(struct icp_disc *d, const char *const *inputs,
                              int ninputs, struct icp_err *err);

/* Text of level code of column c (borrowed). */
const char *icp_disc_level_text(const struct icp_disc_col *c, uint32_t code,
                                size_t *len);

/* Runs every test on the training rows and the BH adjustment. */
enum icp_status icp_disc_evidence(struct icp_disc *d, struct icp_err *err);

/* Fits the model on the significant values and drafts the pack into
 * pack_path (and its companion test beside it): scores the accounts read
 * (icp_disc_read, the inputs are not read again) with it through the
 * engine for the tiers, the cases and the AUCs; inputs name the files in
 * the cases. With pack_path NULL only the model and its AUCs are
 * computed. */
enum icp_status icp_disc_draft(struct icp_disc *d, const char *const *inputs,
                               int ninputs, const char *pack_path,
                               struct icp_err *err);

/* The report: the ranked table (to fp) and the JSON document (to path). */
void icp_disc_print(const struct icp_disc *d, FILE *fp, int width);
enum icp_status icp_disc_write_json(const struct icp_disc *d,
                                    const char *path, struct icp_err *err);

/* "field = value", "field 10..20", "field has X" into out (for tables,
 * comments and notes). */
void icp_disc_describe(const struct icp_disc *d,
                       const struct icp_disc_test *t, char *out,
                       size_t cap);

#endif
