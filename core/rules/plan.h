/*
 * plan.h -- declarative predicates compiled into a flat C plan.
 *
 * A rule's `when` becomes a tree of nodes stored in one array; combinators
 * list their children in `kids`. Evaluating a declarative node never enters
 * Lua; only ICP_OP_LUA nodes (function(a) rules) call into the pack's
 * sandbox. Outcomes use three-valued (Kleene) logic: a predicate on a
 * missing field, or on a value of another type, is unknown; exists() and
 * missing() never are.
 */
#ifndef ICP_PLAN_H
#define ICP_PLAN_H

#include <stdint.h>

#include "icp.h"

struct icp_account;
struct icp_pack;

enum icp_tri { ICP_FALSE = 0, ICP_TRUE = 1, ICP_UNKNOWN = 2 };

enum icp_op {
  ICP_OP_EQ, ICP_OP_NE, ICP_OP_LT, ICP_OP_LTE, ICP_OP_GT, ICP_OP_GTE,
  ICP_OP_BETWEEN, ICP_OP_ONE_OF, ICP_OP_HAS, ICP_OP_HAS_ANY,
  ICP_OP_HAS_ALL, ICP_OP_CONTAINS, ICP_OP_EXISTS, ICP_OP_MISSING,
  ICP_OP_IS_TRUE, ICP_OP_IS_FALSE, ICP_OP_WITHIN_DAYS,
  ICP_OP_OLDER_THAN_DAYS, ICP_OP_ALL, ICP_OP_ANY, ICP_OP_NONE, ICP_OP_LUA,
  ICP_OP_COUNT
};

enum icp_arg { ICP_ARG_NONE, ICP_ARG_NUM, ICP_ARG_STR, ICP_ARG_DATE,
               ICP_ARG_BOOL };

struct icp_plan_node {
  uint8_t op;       /* enum icp_op */
  uint8_t argt;     /* enum icp_arg */
  int field;        /* schema id, -1 for combinators and LUA */
  double a, b;      /* number, date (days) or bool argument(s) */
  int first, count; /* strings/numbers (sets) or children (combinators) */
  int ref;          /* LUA: registry reference of the function */
  int line;         /* where the predicate was written */
};

struct icp_plan {
  struct icp_plan_node *nodes;
  int n;
  size_t cap;
  int *kids;
  int nkids;
  size_t capkids;
  struct icp_str *strs;  /* lowercased copies, owned */
  int nstrs;
  size_t capstrs;
  double *nums;
  int nnums;
  size_t capnums;
  int nomem;             /* an add failed: the pack must not load */
};

/* What a LUA node reports besides its outcome. */
struct icp_eval_ctx {
  const struct icp_account *a;
  struct icp_pack *pack;
  int32_t as_of;
  double share;        /* LUA at the root: the confidence in [0, 1] */
  char *evidence;      /* caller buffer, may be NULL */
  size_t evidence_cap;
  char *error;         /* caller buffer for the first error, may be NULL */
  size_t error_cap;
  int nerrors;
};

const char *icp_op_name(enum icp_op op);
void icp_plan_free(struct icp_plan *p);
/* Appends a node and returns its index, or -1 when out of memory. */
int icp_plan_add(struct icp_plan *p, const struct icp_plan_node *n);
int icp_plan_add_str(struct icp_plan *p, const char *s, size_t n);
int icp_plan_add_num(struct icp_plan *p, double v);
int icp_plan_add_kid(struct icp_plan *p, int node);

/* Outcome of node for ctx->a. */
enum icp_tri icp_plan_eval(const struct icp_plan *p, int node,
                           struct icp_eval_ctx *ctx);

#endif
