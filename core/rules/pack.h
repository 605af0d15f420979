/*
 * pack.h -- a loaded rule pack: profile, rules, excludes, routes and the
 * compiled plan (DESIGN §4). Internal to libicp; embedders use the
 * functions of rules/rules.h.
 */
#ifndef ICP_PACK_H
#define ICP_PACK_H

#include <stdint.h>

#include "icp.h"
#include "rules/plan.h"
#include "rules/sandbox.h"
#include "data/schema.h"

struct icp_dim {
  char *name;
  double weight;
  double max;       /* sum of positive points of its rules */
  int nrules;
};

struct icp_tier {
  char *name;
  double threshold;
};

struct icp_band {
  double lo, hi;
  int has_lo, has_hi;
  double points;
};

enum icp_rule_kind { ICP_RULE_WHEN = 1, ICP_RULE_BANDS };

struct icp_rule {
  char *name;
  int line;
  int dim;              /* index into pack->dims, -1 while unresolved */
  char *dim_name;
  double points;        /* WHEN: points; BANDS: largest band's points */
  int kind;
  int root;             /* plan node of `when` (WHEN) */
  int field;            /* BANDS: the banded field */
  struct icp_band *bands;
  int nbands;
  int decay_field;      /* -1 when no decay */
  double half_life;
  char *description;
  int pred_ref;         /* Lua ref of `when` until compiled */
  int *reads;           /* field ids its predicates read */
  int nreads;
};

struct icp_exclude {
  char *name;
  int line;
  char *reason;
  int root;
  int pred_ref;
  int *reads;
  int nreads;
};

struct icp_route {
  int line;
  char *tier;           /* NULL for the default route */
  char *grade;          /* "A1", "A*" or "*1"; NULL when on a tier */
  int grade_row, grade_col; /* resolved cut indices, -1 for any */
  int is_default;
  char *to;
  double sla_hours;
  int has_sla;
};

/* grade { rows = {...}, cols = {...} } (dsl_grade.c): one axis is one
 * dimension's score or the weighted mean of several; cuts descend to 0 */
struct icp_grade_axis {
  char **dim_names;
  int *dims;               /* indices into pack->dims once compiled */
  int ndims;
  char **names;            /* cut names, "A" or "1" */
  double *cuts;            /* descending thresholds, the last 0 */
  int ncuts;
};

struct icp_grade {
  int line;                /* 0: the pack has no grade block */
  struct icp_grade_axis rows, cols;
  char **cells;            /* rows.ncuts x cols.ncuts names ("A1") */
};

struct icp_diags {
  char **msg;
  int n;
  size_t cap;
  int lost;       /* messages that could not be kept (out of memory) */
};

/* Rule and exclude names hashed for the duplicate-name check at load
 * (a scan of every earlier name made loading quadratic in the rules). */
struct icp_nameset {
  int *slot;           /* 0 empty, i + 1 rule i, -(i + 1) exclude i */
  size_t cap, n;
  int rules, excl;     /* how many of each are in */
};

/* JSON forms of the pack's names, made once at load for the writers:
 * "name": (drop the colon for an array item) */
struct icp_jnames {
  struct icp_str *rule, *dim, *excl;
  struct icp_str pack;      /* "pack":{"name":...,"version":...} */
  size_t names;             /* the length of them all (a line's bound) */
  struct icp_str csv_pack;  /* the CSV cell "name version" */
  struct icp_str *rname, *xname; /* rule and exclude names as they are */
  int csv_plain;            /* no tier, route, rule or exclude name or
                               exclusion reason needs CSV quoting */
};

/* validate { ... }: thresholds of `icp validate` kept with the pack */
enum icp_vkey {
  ICP_V_CONVERSION_DROP, ICP_V_CYCLE_INCREASE, ICP_V_SUPPORT_INCREASE,
  ICP_V_DEAL_SIZE_CHANGE, ICP_V_ICP_CYCLE_ADVANTAGE, ICP_V_ALPHA,
  ICP_V_MIN_DEALS, ICP_V_MIN_WON, ICP_V_MIN_ACCOUNTS, ICP_V_PERIOD_DAYS,
  ICP_V_COUNT
};
extern const char *const icp_vkey_names[ICP_V_COUNT];

struct icp_vset {
  double v[ICP_V_COUNT];
  unsigned has;            /* bit k: v[k] was given */
  char *icp_tiers;         /* "A,B" or NULL */
  int line;
};

struct icp_pack {
  char *path;
  char *name, *version, *description;
  int profile_line;
  struct icp_dim *dims;
  int ndims;
  struct icp_tier *tiers;
  int ntiers;
  double min_coverage;
  int has_min_coverage;
  struct icp_rule *rules;
  int nrules;
  size_t caprules;
  struct icp_exclude *excl;
  int nexcl;
  size_t capexcl;
  struct icp_route *routes;
  int nroutes;
  size_t caproutes;
  struct icp_plan plan;
  struct icp_sandbox *sb;
  struct icp_schema *schema;   /* borrowed */
  int32_t as_of;               /* days since the epoch */
  long call_steps;             /* instruction budget per custom call */
  int view_ref;                /* the account view userdata */
  struct icp_view *view;
  struct icp_diags diags;      /* load problems; pack unusable if any */
  struct icp_diags warnings;   /* `icp check` notes that are not errors */
  struct icp_nameset names;    /* while loading */
  struct icp_jnames jn;
  struct icp_vset vset;
  struct icp_grade grade;
};

/* Keeps a message (truncated to 511 bytes). When it cannot (out of
 * memory), it counts it as lost: a lost diagnostic still counts, so a
 * pack that failed never loads as valid. */
void icp_diags_add(struct icp_diags *d, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));
/* Messages kept plus one for any lost (0: none at all). */
int icp_diags_count(const struct icp_diags *d);
/* Message i < icp_diags_count; the last one says so when some were lost. */
const char *icp_diags_msg(const struct icp_diags *d, int i);
void icp_diags_free(struct icp_diags *d);

/* The index of the rule, exclude or dimension of p called name; -1 when
 * p has none of that name. */
int icp_pack_rule_index(const struct icp_pack *p, const char *name);
int icp_pack_excl_index(const struct icp_pack *p, const char *name);
int icp_pack_dim_index(const struct icp_pack *p, const char *name);

#endif
