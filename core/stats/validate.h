/*
 * validate.h -- checking a profile against outcomes (DESIGN §7, issue 8).
 *
 * Three steps, one file each:
 *   validate_data.c     the account table (key -> score, tier, ICP call of
 *                       up to two packs, A/B arm) and the deals table read
 *                       from CSV or JSONL and joined to it;
 *   validate_metrics.c  per period and group: volume, win rate with its
 *                       Wilson interval, cycle, deal size, support, churn;
 *                       AUC and calibration; the A/B comparison;
 *   validate_flags.c    the review flags (drift and standing checks);
 *   validate_json.c     every figure and the flags as one JSON document.
 *
 * The scoring itself is the caller's (the command runs the packs over the
 * accounts and fills the table), so this layer knows no rules. Nothing here
 * prints. Objects are created with _new and released with _free; the
 * caller owns what it gets from a _new.
 */
#ifndef ICP_VALIDATE_H
#define ICP_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "icp.h"
#include "base/buf.h"

#define ICP_VAL_PACKS 2       /* pack A and, for --ab, pack B */
#define ICP_VAL_TIERS_MAX 32  /* tiers of a pack that get their own group */
#define ICP_VAL_PERIODS_MAX 64
#define ICP_VAL_NODAY INT32_MIN

/* ==================================================================== */
/* Accounts and deals (validate_data.c)                                  */
/* ==================================================================== */

enum icp_val_stage { ICP_VAL_OPEN = 0, ICP_VAL_WON, ICP_VAL_LOST };

struct icp_val_acct {
  double score[ICP_VAL_PACKS];    /* composite per pack */
  int16_t tier[ICP_VAL_PACKS];    /* tier index, or ICP_TIER_* (< 0) */
  uint8_t icp[ICP_VAL_PACKS];     /* tier is one of the ICP tiers */
  int8_t arm;                     /* -1 no arm, 0 A, 1 B */
};

struct icp_val_deal {
  int32_t acct;     /* index into the account table, -1 when unmatched */
  int32_t created;  /* days since the epoch, ICP_VAL_NODAY when missing */
  int32_t closed;
  uint8_t stage;    /* enum icp_val_stage */
  int8_t churn;     /* 1 churned, 0 renewed or retained, -1 unknown */
  double amount;    /* NaN when missing */
  double support;   /* NaN when missing */
};

/* Column names of the deals file: NULL means "recognise the usual
 * spellings" (see icp_val_column_candidates). */
struct icp_val_columns {
  const char *key, *created, *closed, *stage, *amount, *support, *churn;
};

struct icp_val_data {
  /* accounts */
  struct icp_val_acct *acct;
  size_t nacct, capacct;
  uint32_t *slots;               /* open addressing: index + 1, 0 = free */
  size_t nslots;
  struct icp_buf keys;           /* key text, NUL-separated */
  size_t *key_off;               /* offset of each account's key */
  int npacks;
  int ntiers[ICP_VAL_PACKS];
  char *tier_names[ICP_VAL_PACKS][ICP_VAL_TIERS_MAX];
  int has_arms;                  /* some account has an arm */
  long dup_keys;                 /* accounts whose key was seen before */
  long no_key;                   /* accounts without a key */
  /* deals */
  struct icp_val_deal *deal;
  size_t ndeal, capdeal;
  long blank_account;            /* deals whose key is empty */
  long unknown_account;          /* deals whose key is not an account */
  long bad_rows;                 /* records the reader skipped */
  long bad_cells;                /* cells that did not fit (dates...) */
  int has_support, has_churn;
  /* the columns used, as found in the deals header */
  char col_key[64], col_created[64], col_closed[64], col_stage[64];
  char col_amount[64], col_support[64], col_churn[64];
};

/* A new empty table for npacks packs (1 or 2). NULL when out of memory. */
struct icp_val_data *icp_val_data_new(int npacks);
void icp_val_data_free(struct icp_val_data *d);

/* Names tier t of pack k (copied). */
enum icp_status icp_val_set_tier_name(struct icp_val_data *d, int k, int t,
                                      const char *name);

/* Normalizes a key into out (cap bytes): trimmed, ASCII lowercase,
 * without a leading scheme ("https://") or "www.". Returns its length
 * (0 when nothing is left). */
size_t icp_val_key_normalize(const char *s, size_t n, char *out,
                             size_t cap);

/* Index of the account with this (raw) key, adding it when new
 * (*added = 1). -1 when out of memory or the key is empty. */
long icp_val_acct_intern(struct icp_val_data *d, const char *key, size_t n,
                         int *added);
/* The normalized key of account i (owned by the table; valid until the
 * next intern). */
const char *icp_val_acct_key(const struct icp_val_data *d, size_t i);
/* Index of the account with this (raw) key, or -1. */
long icp_val_acct_find(const struct icp_val_data *d, const char *key,
                       size_t n);

/* Appends a deal (copied). */
enum icp_status icp_val_deal_add(struct icp_val_data *d,
                                 const struct icp_val_deal *deal);

/* The spellings recognised for a column: "key", "created", "closed",
 * "stage", "amount", "support" or "churn". NULL-terminated, static. */
const char *const *icp_val_column_candidates(const char *what);

/* Field id of a column among the schema's fields: want exactly when not
 * NULL, else the first of cand (a list from icp_val_column_candidates)
 * that matches a field name with case, spaces, '_' and '-' ignored. A
 * canonical field (always registered) counts only when a (may be NULL) has
 * a value for it. -1 when none. */
struct icp_schema;
struct icp_account;
int icp_val_find_column(struct icp_schema *s, const struct icp_account *a,
                        const char *want, const char *const *cand);

/* Stage text to enum icp_val_stage: won ("won", "closed won",
 * "closed-won", "win", "yes", "true", "1"), lost ("lost", "closed lost",
 * "no", "false", "0"), anything else open. */
int icp_val_stage_parse(const char *s, size_t n);

/* Reads the deals file (CSV or JSONL by extension, or format) and joins
 * each deal to the account table by its key. Columns are cols, or the
 * recognised spellings; key, closed and stage are required (ICP_EINVAL
 * naming the column and what was looked for). Bad records are counted in
 * d->bad_rows and the first few passed to warn (may be NULL). */
enum icp_status icp_val_read_deals(struct icp_val_data *d, const char *path,
                                   const char *format,
                                   const struct icp_val_columns *cols,
                                   void (*warn)(void *ud, const char *msg),
                                   void *ud, struct icp_err *err);

/* ==================================================================== */
/* Metrics (validate_metrics.c)                                          */
/* ==================================================================== */

/* Thresholds of the review flags: relative changes as fractions. */
struct icp_val_opts {
  int32_t as_of;              /* last day of the last period */
  int period_days;            /* window length (90) */
  int max_periods;            /* 0: back to the earliest close date */
  int baseline;               /* period index, -1: the one before last */
  double conversion_drop;     /* 0.15 */
  double cycle_increase;      /* 0.20 */
  double support_increase;    /* 0.20 */
  double deal_size_change;    /* 0.15 */
  double icp_cycle_advantage; /* 0.15 */
  long min_deals;             /* closed deals per side for a rate (30) */
  long min_won;               /* won deals per side for cycle, size (20) */
  long min_accounts;          /* accounts per side for support (10) */
  double alpha;               /* significance level (0.05) */
  int pack;                   /* which pack's tiers and ICP call (0) */
};

/* Sets the defaults above (as_of 0: the caller sets it). */
void icp_val_opts_default(struct icp_val_opts *o);

/* Group g of a period: tiers 0..ntiers-1 of the pack, then these. */
enum {
  ICP_VAL_G_OTHER = 0,  /* excluded, unranked, insufficient_data */
  ICP_VAL_G_ICP,
  ICP_VAL_G_NON_ICP,
  ICP_VAL_G_ALL,
  ICP_VAL_G_FIXED
};

/* The figures of one group in one period. A figure without data is NaN
 * (written as null). The value arrays point into the metrics' storage. */
struct icp_val_cell {
  long deals, open, won, lost;
  double win_rate, win_lo, win_hi;
  long n_cycle;                 /* won deals with both dates */
  double cycle_median, cycle_mean;
  long n_amount;                /* won deals with an amount */
  double amount_mean, amount_median, amount_total;
  long accounts;                /* accounts with a deal here */
  long support_accounts;        /* of those, with support known */
  double support_per_account;
  long churn_known, churned;
  double churn_rate;
  /* sorted values, for the tests between cells */
  const double *cycles, *amounts, *support;
};

struct icp_val_decile {
  long n, won;
  double score_lo, score_hi, score_mean;
  double win_rate, win_lo, win_hi;
};

/* One arm of an A/B test (or one pack's ICP set in a backtest). */
struct icp_val_arm {
  long accounts, icp_accounts;
  long deals, won, lost;
  double win_rate, win_lo, win_hi;
  double cycle_median, amount_mean, amount_median;
};

struct icp_val_disagree {
  long accounts;          /* ICP for one pack only */
  long won, lost;
  double win_rate, win_lo, win_hi;
};

struct icp_val_ab {
  int backtest;                   /* no arms in the data */
  struct icp_val_arm arm[2];      /* A, B */
  double diff, diff_lo, diff_hi;  /* ICP win rate B - A, Newcombe 95% */
  double z, p;                    /* two-proportion test of the two */
  double cycle_p, amount_p;       /* Mann-Whitney of ICP cycles, sizes */
  struct icp_val_disagree only[2];/* ICP for A only, for B only */
  double only_p;                  /* two-proportion test of the two */
  long agree_icp, agree_non;      /* accounts both call ICP / non-ICP */
  size_t *disagree;               /* account indexes, ndisagree */
  size_t ndisagree;
};

struct icp_val_metrics {
  const struct icp_val_data *data;
  struct icp_val_opts opts;
  int nperiods;                   /* periods 0 (oldest) .. nperiods-1 */
  int32_t *period_start;          /* first day of each (inclusive) */
  int32_t *period_end;            /* last day of each (inclusive) */
  int ngroups;                    /* ntiers + ICP_VAL_G_FIXED */
  int ntiers;
  /* cells[p * ngroups + g]; p == nperiods is the whole run */
  struct icp_val_cell *cells;
  double *values;                 /* storage of the cells' arrays */
  long deals_after;               /* closed after as_of: ignored */
  long deals_before;              /* closed before the first period */
  long deals_no_period;           /* open deals without dates */
  long closed_matched;            /* won + lost deals with an account */
  double auc;                     /* NaN unless both classes present */
  struct icp_val_decile decile[10];
  int ndeciles;
  struct icp_val_ab *ab;          /* NULL unless computed */
};

/* Group index of the ICP / non-ICP / all / other groups. */
int icp_val_group(const struct icp_val_metrics *m, int fixed);
/* Name of group g ("A", "ICP", "non-ICP", "all", "other"). */
const char *icp_val_group_name(const struct icp_val_metrics *m, int g);
/* The cell of period p (nperiods: the whole run) and group g. */
const struct icp_val_cell *icp_val_cell_at(const struct icp_val_metrics *m,
                                           int p, int g);
/* "2017-10-03..2017-12-31" into out (24 bytes). */
void icp_val_period_label(const struct icp_val_metrics *m, int p,
                          char out[24]);

/* Computes every figure of d (borrowed; must outlive the result) under
 * opts. On success *out is the caller's (icp_val_metrics_free). */
enum icp_status icp_val_compute(const struct icp_val_data *d,
                                const struct icp_val_opts *opts,
                                struct icp_val_metrics **out,
                                struct icp_err *err);
/* Adds the A/B comparison of packs 0 (A) and 1 (B) to m: by arm when the
 * data has arms, else a backtest of the two ICP sets on the same deals. */
enum icp_status icp_val_compute_ab(struct icp_val_metrics *m,
                                   struct icp_err *err);
void icp_val_metrics_free(struct icp_val_metrics *m);

/* Newcombe's hybrid score interval (method 10) for p1 - p2 from the
 * Wilson intervals of k1/n1 and k2/n2 at normal quantile z. */
int icp_val_newcombe(uint64_t k1, uint64_t n1, uint64_t k2, uint64_t n2,
                     double z, double *lo, double *hi);

/* ==================================================================== */
/* Review flags (validate_flags.c)                                       */
/* ==================================================================== */

enum icp_val_status { ICP_VAL_OK = 0, ICP_VAL_REVIEW,
                      ICP_VAL_INSUFFICIENT };

enum icp_val_check {
  ICP_VAL_CONVERSION_DROP = 0, ICP_VAL_CYCLE_INCREASE,
  ICP_VAL_SUPPORT_INCREASE, ICP_VAL_DEAL_SIZE_CHANGE,
  ICP_VAL_ICP_WIN_RATE_ADVANTAGE, ICP_VAL_ICP_CYCLE_ADVANTAGE
};

struct icp_val_flag {
  int check;            /* enum icp_val_check */
  int group;            /* the group checked (a tier, or ICP) */
  int period, baseline; /* period indexes; for the standing checks both are
                           the current period */
  double base_value;    /* baseline figure (non-ICP for standing checks) */
  double cur_value;     /* current figure (ICP for standing checks) */
  double change;        /* relative change cur / base - 1 (NaN if none) */
  double threshold;
  long n_base, n_cur;   /* the counts behind the two figures */
  double p;             /* two-proportion or Mann-Whitney p (NaN: none) */
  int significant;      /* p < alpha */
  int status;           /* enum icp_val_status */
};

/* The flags of m into a malloc'd array (*out, *n); the caller frees it.
 * Order: the drift checks, then the standing checks. */
enum icp_status icp_val_flags(const struct icp_val_metrics *m,
                              struct icp_val_flag **out, size_t *n,
                              struct icp_err *err);
const char *icp_val_check_name(int check);
const char *icp_val_status_name(int status);
/* 1 when any flag says review. */
int icp_val_review_due(const struct icp_val_flag *f, size_t n);

/* ==================================================================== */
/* JSON (validate_json.c)                                                */
/* ==================================================================== */

/* Appends the whole report as one JSON object: inputs, periods, per
 * period and group every figure, the whole run, AUC, calibration, the A/B
 * comparison when computed (with up to max_list disagreeing accounts),
 * and "flags". meta (may be NULL) is raw JSON members added first. */
enum icp_status icp_val_json(struct icp_buf *b,
                             const struct icp_val_metrics *m,
                             const struct icp_val_flag *flags, size_t nflags,
                             const char *meta, size_t max_list);

#endif
