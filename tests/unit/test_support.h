/*
 * test_support.h -- helpers shared by the rule and scoring tests: load a
 * pack from a string into a fresh schema, build an account field by field,
 * score it and look rules up by name. Header-only (static functions), so
 * each test file includes it once.
 */
#ifndef ICP_TEST_SUPPORT_H
#define ICP_TEST_SUPPORT_H

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "data/account.h"
#include "data/schema.h"
#include "data/typing.h"
#include "data/value.h"
#include "rules/rules.h"
#include "rules/view.h"
#include "score/score.h"

/* A profile line used by most packs: one dimension, tiers A/B/C. */
#define T_PROFILE                                                         \
  "profile { name = \"t\", version = \"1\", dimensions = { fit = 1 },\n" \
  "  tiers = { {\"A\", 80}, {\"B\", 50}, {\"C\", 10} } }\n"

struct tp {
  struct icp_schema *schema;
  struct icp_pack *pack;
  struct icp_account *a;
  struct icp_result *r;
  enum icp_status st;
  struct icp_err err;
};

/* Loads text as "pk.lua" with opts (may be NULL); st/err say how it went.
 * On success the account and result are ready. */
static inline void tp_load_opts(struct tp *t, const char *text,
                         const struct icp_pack_opts *opts)
{
  memset(t, 0, sizeof(*t));
  t->schema = icp_schema_new();
  cr_assert(t->schema);
  t->pack = icp_pack_new(t->schema, opts);
  cr_assert(t->pack);
  t->st = icp_pack_load_text(t->pack, "pk.lua", text, strlen(text),
                             &t->err);
  t->a = icp_account_new(t->schema);
  cr_assert(t->a);
  if(t->st == ICP_OK) {
    t->r = icp_result_new(t->pack);
    cr_assert(t->r);
  }
}

static inline void tp_load(struct tp *t, const char *text)
{
  tp_load_opts(t, text, NULL);
}

/* Loads text and fails the test with every diagnostic if it does not. */
static inline void tp_ok(struct tp *t, const char *text)
{
  int i;
  tp_load(t, text);
  if(t->st != ICP_OK) {
    for(i = 0; i < icp_pack_ndiags(t->pack); i++)
      fprintf(stderr, "diag: %s\n", icp_pack_diag(t->pack, i));
    cr_assert_fail("pack did not load: %s", t->err.msg);
  }
}

static inline void tp_free(struct tp *t)
{
  icp_result_free(t->r);
  icp_account_free(t->a);
  icp_pack_free(t->pack);
  icp_schema_free(t->schema);
  memset(t, 0, sizeof(*t));
}

/* Whether some diagnostic contains needle. */
static inline int tp_has_diag(const struct tp *t, const char *needle)
{
  int i;
  for(i = 0; i < icp_pack_ndiags(t->pack); i++)
    if(strstr(icp_pack_diag(t->pack, i), needle))
      return 1;
  return 0;
}

static inline int tp_has_warning(const struct tp *t, const char *needle)
{
  int i;
  for(i = 0; i < icp_pack_nwarnings(t->pack); i++)
    if(strstr(icp_pack_warning(t->pack, i), needle))
      return 1;
  return 0;
}

/* Asserts that loading failed with a diagnostic containing needle. */
#define assert_diag(t, needle)                                            \
  do {                                                                    \
    int i_;                                                               \
    cr_assert_eq((t)->st, ICP_ELOAD, "expected a load error");            \
    if(!tp_has_diag((t), (needle))) {                                     \
      for(i_ = 0; i_ < icp_pack_ndiags((t)->pack); i_++)                  \
        fprintf(stderr, "diag: %s\n", icp_pack_diag((t)->pack, i_));      \
      cr_assert_fail("no diagnostic contains \"%s\"", (needle));          \
    }                                                                     \
  } while(0)

static inline int tp_id(struct tp *t, const char *field)
{
  int id = icp_schema_intern(t->schema, field, strlen(field));
  cr_assert(id >= 0);
  return id;
}

/* Sets field from text, typed as an input cell would be. */
static inline void tp_text(struct tp *t, const char *field, const char *text)
{
  struct icp_err e;
  cr_assert_eq(icp_account_set_text(t->a, tp_id(t, field), text,
                                    strlen(text), 0, &e), ICP_OK,
               "%s=%s: %s", field, text, e.msg);
}

/* Sets several "field=text" pairs (NULL-terminated). */
static inline void tp_acct(struct tp *t, ...)
{
  va_list ap;
  const char *kv;
  icp_account_clear(t->a);
  va_start(ap, t);
  while((kv = va_arg(ap, const char *))) {
    char name[128];
    const char *eq = strchr(kv, '=');
    cr_assert(eq && (size_t)(eq - kv) < sizeof(name));
    memcpy(name, kv, (size_t)(eq - kv));
    name[eq - kv] = 0;
    tp_text(t, name, eq + 1);
  }
  va_end(ap);
}

/* Raw typed setters, bypassing the schema's types (for wrong-type tests). */
static inline void tp_str(struct tp *t, const char *field, const char *s)
{
  cr_assert_eq(icp_account_set_str(t->a, tp_id(t, field), s, strlen(s), 0),
               ICP_OK);
}

static inline void tp_num(struct tp *t, const char *field, double x)
{
  cr_assert_eq(icp_account_set_num(t->a, tp_id(t, field), x, 0), ICP_OK);
}

static inline void tp_bool(struct tp *t, const char *field, int b)
{
  struct icp_value v;
  memset(&v, 0, sizeof(v));
  v.type = ICP_T_BOOL;
  v.u.b = b;
  cr_assert_eq(icp_account_set(t->a, tp_id(t, field), &v, 0), ICP_OK);
}

static inline void tp_date(struct tp *t, const char *field, const char *ymd)
{
  struct icp_value v;
  memset(&v, 0, sizeof(v));
  v.type = ICP_T_DATE;
  cr_assert(icp_parse_date(ymd, strlen(ymd), &v.u.day));
  cr_assert_eq(icp_account_set(t->a, tp_id(t, field), &v, 0), ICP_OK);
}

static inline void tp_list(struct tp *t, const char *field, const char *items)
{
  cr_assert_eq(icp_account_set_list_text(t->a, tp_id(t, field), items,
                                         strlen(items), 0), ICP_OK);
}

static inline int32_t tp_day(const char *ymd)
{
  int32_t d;
  cr_assert(icp_parse_date(ymd, strlen(ymd), &d));
  return d;
}

static inline void tp_as_of(struct tp *t, const char *ymd)
{
  icp_pack_set_as_of(t->pack, tp_day(ymd));
}

static inline void tp_score(struct tp *t)
{
  cr_assert_eq(icp_score(t->pack, t->a, t->r, 0), ICP_OK);
}

static inline void tp_score_explain(struct tp *t)
{
  cr_assert_eq(icp_score(t->pack, t->a, t->r, 1), ICP_OK);
}

static inline int tp_rule(const struct tp *t, const char *name)
{
  int i;
  for(i = 0; i < t->pack->nrules; i++)
    if(!strcmp(t->pack->rules[i].name, name))
      return i;
  cr_assert_fail("no rule %s", name);
  return -1;
}

static inline int tp_excl(const struct tp *t, const char *name)
{
  int i;
  for(i = 0; i < t->pack->nexcl; i++)
    if(!strcmp(t->pack->excl[i].name, name))
      return i;
  cr_assert_fail("no exclude %s", name);
  return -1;
}

static inline int tp_dim(const struct tp *t, const char *name)
{
  int i;
  for(i = 0; i < t->pack->ndims; i++)
    if(!strcmp(t->pack->dims[i].name, name))
      return i;
  cr_assert_fail("no dimension %s", name);
  return -1;
}

/* Outcome, points earned, kept error and evidence of a rule (after
 * tp_score). */
static inline enum icp_tri tp_out(const struct tp *t, const char *rule)
{
  return (enum icp_tri)t->r->outcome[tp_rule(t, rule)];
}

static inline double tp_earned(const struct tp *t, const char *rule)
{
  return t->r->earned[tp_rule(t, rule)];
}

static inline const char *tp_error(const struct tp *t, const char *rule)
{
  return icp_result_error(t->r, tp_rule(t, rule));
}

static inline const char *tp_evidence(const struct tp *t, const char *rule)
{
  return icp_result_evidence(t->r, tp_rule(t, rule));
}

static inline double tp_dimscore(const struct tp *t, const char *dim)
{
  return t->r->dim[tp_dim(t, dim)];
}

#define EPS 1e-9

#endif
