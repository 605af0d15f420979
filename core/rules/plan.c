/* plan.c -- evaluation of compiled predicates (three-valued logic). */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "data/account.h"
#include "data/value.h"
#include "rules/plan.h"
#include "rules/view.h"

static const char *const op_names[ICP_OP_COUNT] = {
  "eq", "ne", "lt", "lte", "gt", "gte", "between", "one_of", "has",
  "has_any", "has_all", "contains", "exists", "missing", "is_true",
  "is_false", "within_days", "older_than_days", "all", "any", "none",
  "function"
};

const char *icp_op_name(enum icp_op op)
{
  return op < ICP_OP_COUNT ? op_names[op] : "?";
}

void icp_plan_free(struct icp_plan *p)
{
  int i;
  for(i = 0; i < p->nstrs; i++)
    free((char *)p->strs[i].p);
  free(p->nodes);
  free(p->kids);
  free(p->strs);
  free(p->nums);
  memset(p, 0, sizeof(*p));
}

/* Marks the plan: an add failed, so the pack must not load. */
static int lost(struct icp_plan *p)
{
  p->nomem = 1;
  return -1;
}

int icp_plan_add(struct icp_plan *p, const struct icp_plan_node *n)
{
  if(icp_grow(p->nodes, p->cap, (size_t)p->n + 1))
    return lost(p);
  p->nodes[p->n] = *n;
  return p->n++;
}

int icp_plan_add_str(struct icp_plan *p, const char *s, size_t n)
{
  char *c;
  size_t i;
  if(icp_grow(p->strs, p->capstrs, (size_t)p->nstrs + 1))
    return lost(p);
  c = malloc(n + 1);
  if(!c)
    return lost(p);
  for(i = 0; i < n; i++)
    c[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
  c[n] = 0;
  p->strs[p->nstrs].p = c;
  p->strs[p->nstrs].n = (uint32_t)n;
  return p->nstrs++;
}

int icp_plan_add_num(struct icp_plan *p, double v)
{
  if(icp_grow(p->nums, p->capnums, (size_t)p->nnums + 1))
    return lost(p);
  p->nums[p->nnums] = v;
  return p->nnums++;
}

int icp_plan_add_kid(struct icp_plan *p, int node)
{
  if(icp_grow(p->kids, p->capkids, (size_t)p->nkids + 1))
    return lost(p);
  p->kids[p->nkids] = node;
  return p->nkids++;
}

/* ---- helpers ----------------------------------------------------------- */

static enum icp_tri tri(int b)
{
  return b ? ICP_TRUE : ICP_FALSE;
}

/* The value as a date: a date, or a string holding YYYY-MM-DD. */
static int as_date(const struct icp_value *v, int32_t *day)
{
  if(v->type == ICP_T_DATE) {
    *day = v->u.day;
    return 1;
  }
  if(v->type == ICP_T_STRING)
    return icp_parse_date(v->u.str, v->n, day);
  return 0;
}

/* The value as an ordered scalar for the node's argument type. */
static int scalar(const struct icp_plan_node *n, const struct icp_value *v,
                  double *x)
{
  int32_t day;
  if(n->argt == ICP_ARG_NUM) {
    if(v->type != ICP_T_NUMBER)
      return 0;
    *x = v->u.num;
    return 1;
  }
  if(n->argt == ICP_ARG_DATE) {
    if(!as_date(v, &day))
      return 0;
    *x = day;
    return 1;
  }
  return 0;
}

static int in_set(const struct icp_plan *p, const struct icp_plan_node *n,
                  const char *s, size_t len)
{
  int i;
  for(i = 0; i < n->count; i++) {
    const struct icp_str *e = &p->strs[n->first + i];
    if(icp_str_ieq(e->p, e->n, s, len))
      return 1;
  }
  return 0;
}

static int list_has(const struct icp_value *v, const struct icp_str *e)
{
  uint32_t i;
  if(v->type == ICP_T_STRING)
    return icp_str_ieq(v->u.str, v->n, e->p, e->n);
  for(i = 0; i < v->n; i++)
    if(icp_str_ieq(v->u.list[i].p, v->u.list[i].n, e->p, e->n))
      return 1;
  return 0;
}

static enum icp_tri eq(const struct icp_plan *p,
                       const struct icp_plan_node *n,
                       const struct icp_value *v)
{
  double x;
  switch(n->argt) {
  case ICP_ARG_NUM:
  case ICP_ARG_DATE:
    if(!scalar(n, v, &x))
      return ICP_UNKNOWN;
    return tri(x == n->a);
  case ICP_ARG_BOOL:
    if(v->type != ICP_T_BOOL)
      return ICP_UNKNOWN;
    return tri((v->u.b != 0) == (n->a != 0));
  case ICP_ARG_STR:
    if(v->type != ICP_T_STRING)
      return ICP_UNKNOWN;
    return tri(in_set(p, n, v->u.str, v->n));
  }
  return ICP_UNKNOWN;
}

static enum icp_tri combine(const struct icp_plan *p,
                            const struct icp_plan_node *n,
                            struct icp_eval_ctx *ctx)
{
  int i, unknown = 0;
  double share = ctx->share;
  for(i = 0; i < n->count; i++) {
    enum icp_tri t = icp_plan_eval(p, p->kids[n->first + i], ctx);
    ctx->share = share; /* a confidence only counts at the root */
    if(t == ICP_UNKNOWN)
      unknown = 1;
    else if(n->op == ICP_OP_ALL && t == ICP_FALSE)
      return ICP_FALSE;
    else if(n->op != ICP_OP_ALL && t == ICP_TRUE)
      return n->op == ICP_OP_ANY ? ICP_TRUE : ICP_FALSE;
  }
  if(unknown)
    return ICP_UNKNOWN;
  return n->op == ICP_OP_ANY ? ICP_FALSE : ICP_TRUE;
}

enum icp_tri icp_plan_eval(const struct icp_plan *p, int node,
                           struct icp_eval_ctx *ctx)
{
  const struct icp_plan_node *n = &p->nodes[node];
  const struct icp_value *v;
  double x;
  int32_t day;
  int i;

  switch(n->op) {
  case ICP_OP_ALL:
  case ICP_OP_ANY:
  case ICP_OP_NONE:
    return combine(p, n, ctx);
  case ICP_OP_LUA:
    return icp_view_call(ctx->pack, n->ref, ctx);
  default:
    break;
  }
  v = icp_account_get(ctx->a, n->field);
  if(n->op == ICP_OP_EXISTS)
    return tri(v->type != ICP_T_MISSING);
  if(n->op == ICP_OP_MISSING)
    return tri(v->type == ICP_T_MISSING);
  if(v->type == ICP_T_MISSING)
    return ICP_UNKNOWN;

  switch(n->op) {
  case ICP_OP_EQ:
    return eq(p, n, v);
  case ICP_OP_NE: {
    enum icp_tri t = eq(p, n, v);
    return t == ICP_UNKNOWN ? t : tri(t == ICP_FALSE);
  }
  case ICP_OP_LT:
  case ICP_OP_LTE:
  case ICP_OP_GT:
  case ICP_OP_GTE:
  case ICP_OP_BETWEEN:
    if(!scalar(n, v, &x))
      return ICP_UNKNOWN;
    switch(n->op) {
    case ICP_OP_LT: return tri(x < n->a);
    case ICP_OP_LTE: return tri(x <= n->a);
    case ICP_OP_GT: return tri(x > n->a);
    case ICP_OP_GTE: return tri(x >= n->a);
    default: return tri(x >= n->a && x <= n->b);
    }
  case ICP_OP_ONE_OF:
    if(n->argt == ICP_ARG_NUM) {
      if(v->type != ICP_T_NUMBER)
        return ICP_UNKNOWN;
      for(i = 0; i < n->count; i++)
        if(p->nums[n->first + i] == v->u.num)
          return ICP_TRUE;
      return ICP_FALSE;
    }
    if(v->type != ICP_T_STRING)
      return ICP_UNKNOWN;
    return tri(in_set(p, n, v->u.str, v->n));
  case ICP_OP_HAS:
  case ICP_OP_HAS_ANY:
  case ICP_OP_HAS_ALL:
    if(v->type != ICP_T_LIST && v->type != ICP_T_STRING)
      return ICP_UNKNOWN;
    for(i = 0; i < n->count; i++) {
      int h = list_has(v, &p->strs[n->first + i]);
      if(h && n->op != ICP_OP_HAS_ALL)
        return ICP_TRUE;
      if(!h && n->op == ICP_OP_HAS_ALL)
        return ICP_FALSE;
    }
    return tri(n->op == ICP_OP_HAS_ALL);
  case ICP_OP_CONTAINS: {
    const struct icp_str *e = &p->strs[n->first];
    uint32_t k;
    if(v->type == ICP_T_STRING)
      return tri(icp_str_icontains(v->u.str, v->n, e->p, e->n));
    if(v->type != ICP_T_LIST)
      return ICP_UNKNOWN;
    for(k = 0; k < v->n; k++)
      if(icp_str_icontains(v->u.list[k].p, v->u.list[k].n, e->p, e->n))
        return ICP_TRUE;
    return ICP_FALSE;
  }
  case ICP_OP_IS_TRUE:
  case ICP_OP_IS_FALSE:
    if(v->type != ICP_T_BOOL)
      return ICP_UNKNOWN;
    return tri((v->u.b != 0) == (n->op == ICP_OP_IS_TRUE));
  case ICP_OP_WITHIN_DAYS:
  case ICP_OP_OLDER_THAN_DAYS: {
    long age;
    if(!as_date(v, &day))
      return ICP_UNKNOWN;
    age = (long)ctx->as_of - day;
    if(age < 0)
      return ICP_FALSE; /* after the as-of date: not seen yet */
    if(n->op == ICP_OP_WITHIN_DAYS)
      return tri(age <= n->a);
    return tri(age > n->a);
  }
  default:
    return ICP_UNKNOWN;
  }
}
