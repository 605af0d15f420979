/*
 * score.h -- scoring one account with one pack (DESIGN §4, exact).
 *
 * A result is made for one pack and reused for every account: scoring
 * allocates nothing per account in the steady state. Everything a result
 * points to is owned by it or by the pack and stays valid until the next
 * icp_score on the same result.
 */
#ifndef ICP_SCORE_H
#define ICP_SCORE_H

#include "icp.h"
#include "base/buf.h"
#include "rules/pack.h"
#include "data/account.h"

/* result->tier when no threshold tier applies */
#define ICP_TIER_EXCLUDED (-1)
#define ICP_TIER_INSUFFICIENT (-2)
#define ICP_TIER_UNRANKED (-3)

struct icp_result {
  const struct icp_pack *pack;
  double score;          /* composite in [0, 100] */
  double coverage;       /* [0, 1] */
  double *dim;           /* per dimension of the pack, [0, 100] */
  double *dim_known;     /* per dimension: known(d) points */
  uint8_t *outcome;      /* per rule: enum icp_tri */
  double *earned;        /* per rule: points earned (after decay) */
  double *decay;         /* per rule: the decay factor applied (1 if none) */
  int *band;             /* per banded rule: matching band or -1 */
  uint8_t *xoutcome;     /* per exclude: enum icp_tri */
  int nexcluded;
  int tier;              /* index into pack->tiers or ICP_TIER_* */
  const char *tier_name;
  const char *grade;     /* grade cell ("A1"), NULL when the pack has no
                          * grade block or the tier is excluded or
                          * insufficient_data */
  int grade_row, grade_col;  /* cut indices, -1 without a grade */
  double grade_axis[2];  /* rows, cols axis values as compared */
  const char *route;     /* NULL when no route applies */
  const struct icp_route *route_def;
  int nerrors;           /* custom rules that raised errors */
  /* text kept per rule/exclude (errors, evidence): offsets into text,
   * -1 when none; index i < nrules is a rule, else an exclude */
  int *err_off;
  int *ev_off;
  struct icp_buf text;
  /* with explain: ids read by function rules, flat, per rule/exclude */
  int explain;
  int *read_off, *read_n;
  int *reads;
  int nreads;
  size_t capreads;
};

struct icp_result *icp_result_new(const struct icp_pack *pack);
void icp_result_free(struct icp_result *r);

/* Scores account a with pack into r (made for that pack). With explain
 * set, also records what function rules read. Never fails on bad data: a
 * custom rule's error is kept in r and counted. ICP_ENOMEM when a rule's
 * error, evidence or reads could not be kept (r is then not to be shown:
 * its explanation would be missing a part); ICP_EINVAL when r was made
 * for another pack. */
enum icp_status icp_score(struct icp_pack *pack,
                          const struct icp_account *a,
                          struct icp_result *r, int explain);

/* grade.c: sets r->grade from the written dimension scores (called by
 * icp_score once the tier is known), and whether route rt, which names a
 * grade, matches r. */
void icp_grade_score(const struct icp_pack *pack, struct icp_result *r);
int icp_grade_route_matches(const struct icp_route *rt,
                            const struct icp_result *r);

/* Text kept for rule or exclude index k (errors, evidence), or NULL. */
const char *icp_result_error(const struct icp_result *r, int k);
const char *icp_result_evidence(const struct icp_result *r, int k);

#endif
