/* test_grade.c -- grade { rows = ..., cols = ... } (DESIGN §4): random
 * packs and accounts graded against a reference computed here from the
 * rules (dimension scores as written, axis means, first cut at or below),
 * the load-time checks, routes on grades, and the JSONL/CSV output. */
#include <math.h>
#include <stdlib.h>

#include "base/buf.h"
#include "score/emit.h"
#include "test_support.h"

/* ---- a small deterministic generator ------------------------------------ */

static unsigned long long rng_state;

static unsigned rnd(unsigned n)
{
  rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (unsigned)((rng_state >> 33) % n);
}

/* ---- random packs -------------------------------------------------------- */

#define NDIMS_MAX 4
#define NFIELDS 6
#define NRULES_MAX 12

struct gen_rule {
  int dim, field, points;
  double at;           /* fires when field >= at */
};

struct gen_axis {
  int dims[NDIMS_MAX], ndims;
  double cuts[4];
  int ncuts;
};

struct gen_pack {
  int ndims, weight[NDIMS_MAX];
  struct gen_rule rules[NRULES_MAX];
  int nrules;
  struct gen_axis axis[2];
};

/* thresholds a sum of points often lands on exactly, and some that it
 * lands next to in doubles (written with 6 decimals) */
static const double nice[] = { 100, 90, 80, 75, 70, 66.666667, 60, 50, 40,
                               33.333333, 30, 25, 20, 10 };

static void gen_axis(struct gen_pack *g, struct gen_axis *x)
{
  int i, k, used[NDIMS_MAX] = { 0 }, pick[14] = { 0 };
  x->ndims = 1 + (int)rnd((unsigned)g->ndims);
  for(i = 0; i < x->ndims; i++) {
    do
      k = (int)rnd((unsigned)g->ndims);
    while(used[k]);
    used[k] = 1;
    x->dims[i] = k;
  }
  x->ncuts = 1 + (int)rnd(4);
  for(i = 0; i < x->ncuts - 1; i++)
    pick[rnd(14)] = 1;
  x->ncuts = 0;
  for(i = 0; i < 14; i++)
    if(pick[i])
      x->cuts[x->ncuts++] = nice[i];
  x->cuts[x->ncuts++] = 0;
}

static void gen_pack(struct gen_pack *g)
{
  static const int weights[] = { 50, 30, 20, 10, 1, 3, 7 };
  int i;
  memset(g, 0, sizeof(*g));
  g->ndims = 1 + (int)rnd(NDIMS_MAX);
  for(i = 0; i < g->ndims; i++)
    g->weight[i] = weights[rnd(7)];
  g->nrules = g->ndims + (int)rnd((unsigned)(NRULES_MAX - g->ndims + 1));
  for(i = 0; i < g->nrules; i++) {
    struct gen_rule *r = &g->rules[i];
    r->dim = i < g->ndims ? i : (int)rnd((unsigned)g->ndims);
    r->field = (int)rnd(NFIELDS);
    /* the first rule of each dimension is positive so max > 0 */
    r->points = i < g->ndims ? 1 + (int)rnd(20) : (int)rnd(26) - 5;
    r->at = (double)rnd(10);
  }
  gen_axis(g, &g->axis[0]);
  gen_axis(g, &g->axis[1]);
}

static void add(struct icp_buf *b, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));
static void add(struct icp_buf *b, const char *fmt, ...)
{
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(tmp, sizeof(tmp), fmt, ap);
  va_end(ap);
  cr_assert_eq(icp_buf_adds(b, tmp), ICP_OK);
}

static void axis_text(struct icp_buf *b, const struct gen_axis *x,
                      const char *names)
{
  int i;
  if(x->ndims == 1)
    add(b, "{ dimension = \"d%d\", cuts = {", x->dims[0]);
  else {
    add(b, "{ dimensions = {");
    for(i = 0; i < x->ndims; i++)
      add(b, " \"d%d\",", x->dims[i]);
    add(b, " }, cuts = {");
  }
  for(i = 0; i < x->ncuts; i++)
    add(b, " {\"%c\", %.6f},", names[i], x->cuts[i]);
  add(b, " } }");
}

static char *pack_text(const struct gen_pack *g)
{
  struct icp_buf b;
  int i;
  icp_buf_init(&b, 1 << 20);
  add(&b, "profile { name = \"g\", version = \"1\", dimensions = {");
  for(i = 0; i < g->ndims; i++)
    add(&b, " d%d = %d,", i, g->weight[i]);
  add(&b, " }, tiers = { {\"A\", 50}, {\"B\", 0} } }\n");
  add(&b, "fields { n0 = \"number\", n1 = \"number\", n2 = \"number\", "
      "n3 = \"number\", n4 = \"number\", n5 = \"number\", "
      "gone = \"number\" }\n");
  for(i = 0; i < g->nrules; i++)
    add(&b, "rule \"r%d\" { dimension = \"d%d\", points = %d, when = field "
        "\"n%d\" :gte(%g) }\n", i, g->rules[i].dim, g->rules[i].points,
        g->rules[i].field, g->rules[i].at);
  add(&b, "exclude \"gone\" { when = field \"gone\" :eq(1) }\n");
  add(&b, "grade { rows = ");
  axis_text(&b, &g->axis[0], "ABCD");
  add(&b, ",\n  cols = ");
  axis_text(&b, &g->axis[1], "1234");
  add(&b, " }\nroute { default = true, to = \"x\" }\n");
  return b.p;
}

/* ---- the reference ------------------------------------------------------- */

/* As written: 6 decimals, half away from zero (round(), not the engine's
 * own code). */
static double written(double v)
{
  return round(v * 1e6) / 1e6;
}

/* The written dimension scores of an account whose fields are v (NAN:
 * missing), from the rules alone. */
static void ref_dims(const struct gen_pack *g, const double *v, double *s)
{
  double earned[NDIMS_MAX] = { 0 }, max[NDIMS_MAX] = { 0 };
  int i;
  for(i = 0; i < g->nrules; i++) {
    const struct gen_rule *r = &g->rules[i];
    if(r->points > 0)
      max[r->dim] += r->points;
    if(!isnan(v[r->field]) && v[r->field] >= r->at)
      earned[r->dim] += r->points;
  }
  for(i = 0; i < g->ndims; i++) {
    double x = 100.0 * earned[i] / max[i];
    s[i] = written(x < 0 ? 0 : x > 100 ? 100 : x);
  }
}

static int ref_cut(const struct gen_pack *g, const struct gen_axis *x,
                   const double *s)
{
  double w = 0, sum = 0, a;
  int i;
  for(i = 0; i < x->ndims; i++) {
    w += g->weight[x->dims[i]];
    sum += g->weight[x->dims[i]] * s[x->dims[i]];
  }
  a = written(sum / w);
  for(i = 0; i < x->ncuts; i++)
    if(x->cuts[i] <= a)
      return i;
  return -1;
}

Test(grade, random_accounts_over_random_packs_get_the_grade_of_the_rule)
{
  int p, k, i, checked = 0, excluded = 0, multi = 0;
  rng_state = 20261206;
  for(p = 0; p < 150; p++) {
    struct gen_pack g;
    struct tp t;
    char *text;
    gen_pack(&g);
    text = pack_text(&g);
    tp_ok(&t, text);
    multi += g.axis[0].ndims > 1 || g.axis[1].ndims > 1;
    for(k = 0; k < 60; k++) {
      double v[NFIELDS], s[NDIMS_MAX];
      int gone = rnd(10) == 0, row, col;
      char want[3];
      icp_account_clear(t.a);
      for(i = 0; i < NFIELDS; i++) {
        v[i] = rnd(6) == 0 ? NAN : (double)rnd(12);
        if(!isnan(v[i]))
          tp_num(&t, (const char[]){ 'n', (char)('0' + i), 0 }, v[i]);
      }
      if(gone)
        tp_num(&t, "gone", 1);
      tp_score(&t);
      ref_dims(&g, v, s);
      for(i = 0; i < g.ndims; i++) {
        char dn[4] = { 'd', (char)('0' + i), 0 };
        cr_assert_float_eq(t.r->dim[tp_dim(&t, dn)], s[i], 1e-9,
                           "pack %d account %d: d%d", p, k, i);
      }
      if(gone) {
        cr_assert_null(t.r->grade, "an excluded account has no grade");
        excluded++;
        continue;
      }
      row = ref_cut(&g, &g.axis[0], s);
      col = ref_cut(&g, &g.axis[1], s);
      cr_assert(row >= 0 && col >= 0);
      want[0] = "ABCD"[row];
      want[1] = "1234"[col];
      want[2] = 0;
      cr_assert_not_null(t.r->grade, "pack %d account %d", p, k);
      cr_assert_str_eq(t.r->grade, want, "pack %d account %d:\n%s", p, k,
                       text);
      checked++;
    }
    free(text);
    tp_free(&t);
  }
  cr_assert_gt(checked, 8000);
  cr_assert_gt(excluded, 500);
  cr_assert_gt(multi, 50);
}

/* The mean of written scores 6.666667 and 73.333333, both weighted 50, is
 * 40 in decimals but 39.99999999999999 in doubles: it is written 40 and
 * meets a cut of 40. */
Test(grade, a_cut_compares_the_axis_as_written)
{
  struct tp t;
  tp_ok(&t,
    "profile { name = \"t\", version = \"1\",\n"
    "  dimensions = { fit = 50, readiness = 50, engagement = 50 },\n"
    "  tiers = { {\"A\", 80}, {\"D\", 0} } }\n"
    "fields { r = \"number\", e = \"number\", f = \"number\" }\n"
    "rule \"f\" { dimension = \"fit\", points = 1, when = field \"f\" :gte(1) }\n"
    "rule \"r\" { dimension = \"readiness\", points = 1, when = field \"r\" :gte(1) }\n"
    "rule \"r2\" { dimension = \"readiness\", points = 14, when = field \"r\" :gte(5) }\n"
    "rule \"e\" { dimension = \"engagement\", points = 11, when = field \"e\" :gte(1) }\n"
    "rule \"e2\" { dimension = \"engagement\", points = 4, when = field \"e\" :gte(5) }\n"
    "grade { rows = { dimension = \"fit\", cuts = { {\"A\", 70}, {\"C\", 0} } },\n"
    "  cols = { dimensions = { \"readiness\", \"engagement\" },\n"
    "           cuts = { {\"1\", 60}, {\"2\", 40}, {\"3\", 0} } } }\n");
  tp_acct(&t, "r=1", "e=1", "f=0", NULL);
  tp_score(&t);
  cr_assert_float_eq(tp_dimscore(&t, "readiness"), 6.666667, 1e-9);
  cr_assert_float_eq(tp_dimscore(&t, "engagement"), 73.333333, 1e-9);
  cr_assert_lt((50 * 6.666667 + 50 * 73.333333) / 100, 40,
               "the doubles fall under 40 (else this test shows nothing)");
  cr_assert_str_eq(t.r->grade, "C2");
  cr_assert_float_eq(t.r->grade_axis[1], 40, 0);
  tp_free(&t);
}

/* ---- load-time checks ---------------------------------------------------- */

#define G_PROFILE                                                          \
  "profile { name = \"t\", version = \"1\",\n"                            \
  "  dimensions = { fit = 2, engagement = 1 },\n"                         \
  "  tiers = { {\"A\", 80}, {\"B\", 0} } }\n"                             \
  "rule \"f\" { dimension = \"fit\", points = 10, when = field \"employees\" :gt(5) }\n" \
  "rule \"e\" { dimension = \"engagement\", points = 10, when = field \"open_jobs\" :gt(5) }\n"

static void expect_diag(const char *text, const char *needle)
{
  struct tp t;
  tp_load(&t, text);
  assert_diag(&t, needle);
  tp_free(&t);
}

Test(grade, check_names_unknown_dimensions_with_file_and_line)
{
  expect_diag(G_PROFILE
    "grade { rows = { dimension = \"fitt\", cuts = { {\"A\", 0} } },\n"
    "  cols = { dimension = \"engagement\", cuts = { {\"1\", 0} } } }\n",
    "pk.lua:6: grade: rows: unknown dimension 'fitt'");
  expect_diag(G_PROFILE
    "grade { rows = { dimension = \"fit\", cuts = { {\"A\", 0} } },\n"
    "  cols = { dimensions = { \"engagement\", \"x\" }, cuts = { {\"1\", 0} } } }\n",
    "pk.lua:6: grade: cols: unknown dimension 'x'");
}

Test(grade, check_wants_descending_cuts_ending_at_zero)
{
  expect_diag(G_PROFILE
    "grade { rows = { dimension = \"fit\", cuts = { {\"A\", 40}, {\"B\", 70}, {\"C\", 0} } },\n"
    "  cols = { dimension = \"engagement\", cuts = { {\"1\", 0} } } }\n",
    "pk.lua:6: grade: rows: cuts must be in descending order of threshold ('B' 70 "
    "after 'A' 40)");
  expect_diag(G_PROFILE
    "grade { rows = { dimension = \"fit\", cuts = { {\"A\", 40}, {\"B\", 10} } },\n"
    "  cols = { dimension = \"engagement\", cuts = { {\"1\", 0} } } }\n",
    "pk.lua:6: grade: rows: the last cut ('B' 10) must be 0");
  expect_diag(G_PROFILE
    "grade { rows = { dimension = \"fit\", cuts = { {\"A\", 0} } },\n"
    "  cols = { dimension = \"engagement\", cuts = { {\"1\", 101}, {\"2\", 0} } } }\n",
    "grade: cols: cut '1' threshold must be in [0, 100]");
}

Test(grade, check_rejects_shapes_it_cannot_read)
{
  expect_diag(G_PROFILE "grade { rows = { dimension = \"fit\", cuts = { {\"A\", 0} } } }\n",
              "pk.lua:6: grade: cols = { dimension = ..., cuts = ... } is "
              "required");
  expect_diag(G_PROFILE
    "grade { rows = { dimension = \"fit\", dimensions = { \"fit\" }, cuts = { {\"A\", 0} } },\n"
    "  cols = { dimension = \"engagement\", cuts = { {\"1\", 0} } } }\n",
    "grade: rows: give dimension = \"name\" or dimensions");
  expect_diag(G_PROFILE
    "grade { rows = { dimension = \"fit\", cuts = { {\"A\", 0} } }, colz = {},\n"
    "  cols = { dimension = \"engagement\", cutz = 1, cuts = { {\"1\", 0} } } }\n",
    "grade: unknown key 'colz' (rows, cols)");
  expect_diag(G_PROFILE
    "grade { rows = { dimension = \"fit\", cuts = { {\"A\", 0} } },\n"
    "  cols = { dimension = \"engagement\", cutz = 1, cuts = { {\"1\", 0} } } }\n",
    "grade: cols: unknown key 'cutz'");
  expect_diag(G_PROFILE
    "grade { rows = { dimension = \"fit\", cuts = { {\"A\", 50}, {\"AB\", 0} } },\n"
    "  cols = { dimension = \"engagement\", cuts = { {\"B1\", 50}, {\"1\", 0} } } }\n",
    "grade: two cells are both named 'AB1'");
  expect_diag(G_PROFILE
    "grade { rows = { dimension = \"fit\", cuts = { {\"A\", 0} } },\n"
    "  cols = { dimension = \"engagement\", cuts = { {\"1\", 0} } } }\n"
    "grade { rows = { dimension = \"fit\", cuts = { {\"A\", 0} } },\n"
    "  cols = { dimension = \"engagement\", cuts = { {\"1\", 0} } } }\n",
    "pk.lua:8: grade: declared twice (first at line 6)");
}

Test(grade, a_route_on_a_grade_must_name_one)
{
  expect_diag(G_PROFILE "route { grade = \"A1\", to = \"x\" }\n",
              "pk.lua:6: route: grade 'A1' but the pack has no grade");
  expect_diag(G_PROFILE
    "grade { rows = { dimension = \"fit\", cuts = { {\"A\", 50}, {\"B\", 0} } },\n"
    "  cols = { dimension = \"engagement\", cuts = { {\"1\", 0} } } }\n"
    "route { grade = \"C*\", to = \"x\" }\n",
    "pk.lua:8: route: grade 'C*' names no cell, row or column");
  expect_diag(G_PROFILE
    "grade { rows = { dimension = \"fit\", cuts = { {\"A\", 50}, {\"B\", 0} } },\n"
    "  cols = { dimension = \"engagement\", cuts = { {\"1\", 0} } } }\n"
    "route { grade = \"A1\", tier = \"A\", to = \"x\" }\n",
    "pk.lua:8: route: give one of tier");
}

/* ---- routes and outputs -------------------------------------------------- */

static const char routed[] =
  G_PROFILE
  "grade { rows = { dimension = \"fit\", cuts = { {\"A\", 50}, {\"B\", 0} } },\n"
  "  cols = { dimension = \"engagement\", cuts = { {\"1\", 50}, {\"2\", 0} } } }\n"
  "exclude \"small\" { when = field \"employees\" :lt(2) }\n"
  "route { grade = \"*1\", to = \"hot\", sla_hours = 2 }\n"
  "route { tier = \"A\", to = \"ae\", sla_hours = 4 }\n"
  "route { grade = \"A*\", to = \"fit\" }\n"
  "route { grade = \"B2\", to = \"cold\" }\n"
  "route { default = true, to = \"nurture\" }\n";

Test(grade, routes_match_grades_and_the_first_in_the_file_wins)
{
  struct tp t;
  tp_ok(&t, routed);
  /* fit 100, engagement 100: tier A and grade A1; "*1" comes first */
  tp_acct(&t, "employees=10", "open_jobs=10", NULL);
  tp_score(&t);
  cr_assert_str_eq(t.r->tier_name, "A");
  cr_assert_str_eq(t.r->grade, "A1");
  cr_assert_str_eq(t.r->route, "hot");
  cr_assert_float_eq(t.r->route_def->sla_hours, 2, 0);
  /* fit 100, engagement 0: composite 66.7, tier B; grade A2 -> "A*" */
  tp_acct(&t, "employees=10", "open_jobs=1", NULL);
  tp_score(&t);
  cr_assert_str_eq(t.r->tier_name, "B");
  cr_assert_str_eq(t.r->grade, "A2");
  cr_assert_str_eq(t.r->route, "fit");
  /* fit 0, engagement 0: B2 */
  tp_acct(&t, "employees=3", "open_jobs=1", NULL);
  tp_score(&t);
  cr_assert_str_eq(t.r->grade, "B2");
  cr_assert_str_eq(t.r->route, "cold");
  /* excluded: no grade, disqualified whatever the grade routes say */
  tp_acct(&t, "employees=1", "open_jobs=10", NULL);
  tp_score(&t);
  cr_assert_null(t.r->grade);
  cr_assert_str_eq(t.r->route, "disqualified");
  tp_free(&t);
}

Test(grade, a_tier_route_written_first_wins_over_a_grade_route)
{
  struct tp t;
  tp_ok(&t, G_PROFILE
    "grade { rows = { dimension = \"fit\", cuts = { {\"A\", 50}, {\"B\", 0} } },\n"
    "  cols = { dimension = \"engagement\", cuts = { {\"1\", 50}, {\"2\", 0} } } }\n"
    "route { tier = \"A\", to = \"ae\" }\n"
    "route { grade = \"A1\", to = \"hot\" }\n");
  tp_acct(&t, "employees=10", "open_jobs=10", NULL);
  tp_score(&t);
  cr_assert_str_eq(t.r->grade, "A1");
  cr_assert_str_eq(t.r->route, "ae");
  tp_free(&t);
}

Test(grade, insufficient_data_has_no_grade)
{
  struct tp t;
  tp_ok(&t,
    "profile { name = \"t\", version = \"1\", min_coverage = 0.9,\n"
    "  dimensions = { fit = 2, engagement = 1 },\n"
    "  tiers = { {\"A\", 80}, {\"B\", 0} } }\n"
    "rule \"f\" { dimension = \"fit\", points = 10, when = field \"employees\" :gt(5) }\n"
    "rule \"e\" { dimension = \"engagement\", points = 10, when = field \"open_jobs\" :gt(5) }\n"
    "grade { rows = { dimension = \"fit\", cuts = { {\"A\", 0} } },\n"
    "  cols = { dimension = \"engagement\", cuts = { {\"1\", 0} } } }\n");
  tp_acct(&t, "employees=10", NULL);
  tp_score(&t);
  cr_assert_str_eq(t.r->tier_name, "insufficient_data");
  cr_assert_null(t.r->grade);
  tp_acct(&t, "employees=10", "open_jobs=1", NULL);
  tp_score(&t);
  cr_assert_str_eq(t.r->grade, "A1");
  tp_free(&t);
}

Test(grade, jsonl_and_csv_carry_the_grade_and_null_when_none)
{
  struct tp t;
  struct icp_buf b;
  tp_ok(&t, routed);
  icp_buf_init(&b, 1 << 20);
  tp_acct(&t, "domain=a.io", "employees=10", "open_jobs=10", NULL);
  tp_score(&t);
  cr_assert_eq(icp_emit_jsonl(&b, t.pack, t.a, t.r, 0, NULL), ICP_OK);
  cr_assert(strstr(b.p, "\"tier\":\"A\",\"grade\":\"A1\","), "%s", b.p);
  icp_buf_reset(&b);
  tp_acct(&t, "domain=a.io", "employees=1", NULL);
  tp_score(&t);
  cr_assert_eq(icp_emit_jsonl(&b, t.pack, t.a, t.r, 0, NULL), ICP_OK);
  cr_assert(strstr(b.p, "\"tier\":\"excluded\",\"grade\":null,"), "%s",
            b.p);
  icp_buf_reset(&b);
  cr_assert_eq(icp_emit_csv_header(&b, t.pack, NULL), ICP_OK);
  cr_assert(!strncmp(b.p, "domain,score,tier,grade,", 24), "%s", b.p);
  icp_buf_reset(&b);
  cr_assert_eq(icp_emit_csv_row(&b, t.pack, t.a, t.r, NULL), ICP_OK);
  cr_assert(strstr(b.p, ",excluded,,"), "%s", b.p);
  icp_buf_free(&b);
  tp_free(&t);
}

Test(grade, a_pack_without_a_grade_block_writes_no_grade)
{
  struct tp t;
  struct icp_buf b;
  tp_ok(&t, G_PROFILE);
  icp_buf_init(&b, 1 << 20);
  tp_acct(&t, "domain=a.io", "employees=10", NULL);
  tp_score(&t);
  cr_assert_null(t.r->grade);
  cr_assert_eq(icp_emit_jsonl(&b, t.pack, t.a, t.r, 0, NULL), ICP_OK);
  cr_assert_null(strstr(b.p, "grade"), "%s", b.p);
  icp_buf_free(&b);
  tp_free(&t);
}
