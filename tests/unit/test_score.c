/* test_score.c -- the exact scoring semantics of DESIGN §4, with every
 * expected number computed by hand. */
#include <math.h>

#include "test_support.h"

/* fit (weight 3): size 20 + ind 10, pen -5 => max 30
 * readiness (weight 1): jobs 10 => max 10 */
static const char two_dims[] =
  "profile { name = \"s\", version = \"2\",\n"
  "  dimensions = { fit = 3, readiness = 1 },\n"
  "  tiers = { {\"A\", 80}, {\"B\", 50}, {\"C\", 10} } }\n"
  "rule \"size\" { dimension = \"fit\", points = 20, when = field \"employees\" :between(50, 2000) }\n"
  "rule \"ind\" { dimension = \"fit\", points = 10, when = field \"industry\" :one_of { \"Software\" } }\n"
  "rule \"pen\" { dimension = \"fit\", points = -5, when = field \"country\" :eq(\"US\") }\n"
  "rule \"jobs\" { dimension = \"readiness\", points = 10, when = field \"open_jobs\" :gt(3) }\n"
  "route { tier = \"A\", to = \"ae\", sla_hours = 1 }\n"
  "route { default = true, to = \"nurture\" }\n";

Test(score, max_is_the_sum_of_positive_points)
{
  struct tp t;
  tp_ok(&t, two_dims);
  cr_assert_float_eq(t.pack->dims[tp_dim(&t, "fit")].max, 30, EPS);
  cr_assert_float_eq(t.pack->dims[tp_dim(&t, "readiness")].max, 10, EPS);
  tp_free(&t);
}

Test(score, composite_is_the_weighted_mean_of_dimension_scores)
{
  struct tp t;
  tp_ok(&t, two_dims);
  tp_acct(&t, "employees=250", "industry=software", NULL);
  tp_score(&t);
  /* fit 30/30 = 100, readiness unknown = 0: (3*100 + 0) / 4 = 75 */
  cr_assert_float_eq(tp_dimscore(&t, "fit"), 100, EPS);
  cr_assert_float_eq(tp_dimscore(&t, "readiness"), 0, EPS);
  cr_assert_float_eq(t.r->score, 75, EPS);
  cr_assert_str_eq(t.r->tier_name, "B");
  /* coverage: fit known 30/30, readiness 0/10: (3*1 + 1*0) / 4 */
  cr_assert_float_eq(t.r->coverage, 0.75, EPS);
  cr_assert_eq(tp_out(&t, "pen"), ICP_UNKNOWN);
  cr_assert_eq(tp_out(&t, "jobs"), ICP_UNKNOWN);
  cr_assert_str_eq(t.r->route, "nurture");
  tp_free(&t);
}

Test(score, a_negative_rule_is_a_penalty_that_does_not_raise_max)
{
  struct tp t;
  tp_ok(&t, two_dims);
  tp_acct(&t, "employees=250", "industry=Software", "country=US",
          "open_jobs=5", NULL);
  tp_score(&t);
  /* fit (30 - 5) / 30 = 83.33.., readiness 100:
   * (3 * 250/3 + 100) / 4 = 87.5 */
  cr_assert_float_eq(tp_earned(&t, "pen"), -5, EPS);
  /* kept as written: 6 decimals */
  cr_assert_eq(tp_dimscore(&t, "fit"), icp_round6(2500.0 / 30));
  cr_assert_float_eq(t.r->score, 87.5, 1e-9);
  cr_assert_float_eq(t.r->coverage, 1, EPS);
  cr_assert_str_eq(t.r->tier_name, "A");
  cr_assert_str_eq(t.r->route, "ae");
  cr_assert_float_eq(t.r->route_def->sla_hours, 1, EPS);
  tp_free(&t);
}

Test(score, dimension_scores_clamp_at_zero)
{
  struct tp t;
  tp_ok(&t, two_dims);
  tp_acct(&t, "employees=10", "country=us", NULL);
  tp_score(&t);
  /* earned -5 of 30: clamp(-16.7) = 0, never negative */
  cr_assert_eq(tp_out(&t, "pen"), ICP_TRUE);
  cr_assert_float_eq(tp_dimscore(&t, "fit"), 0, EPS);
  cr_assert_float_eq(t.r->score, 0, EPS);
  cr_assert(!signbit(t.r->score));
  /* size known (not fired), ind unknown: fit known 20/30 */
  cr_assert_float_eq(t.r->coverage, 3.0 * (20.0 / 30) / 4, 1e-12);
  cr_assert_str_eq(t.r->tier_name, "unranked");
  tp_free(&t);
}

Test(score, unranked_below_every_threshold_and_routed_by_default)
{
  struct tp t;
  tp_ok(&t, two_dims);
  tp_acct(&t, NULL);
  tp_score(&t);
  cr_assert_float_eq(t.r->score, 0, EPS);
  cr_assert_float_eq(t.r->coverage, 0, EPS);
  cr_assert_eq(t.r->tier, ICP_TIER_UNRANKED);
  cr_assert_str_eq(t.r->tier_name, "unranked");
  cr_assert_str_eq(t.r->route, "nurture");
  tp_free(&t);
}

Test(score, tier_is_the_first_threshold_at_or_below_the_composite)
{
  /* one dimension, rules worth 50 and 30 of 100 */
  struct tp t;
  tp_ok(&t, T_PROFILE
        "rule \"a\" { dimension = \"fit\", points = 50, when = field \"x\" :eq(1) }\n"
        "rule \"b\" { dimension = \"fit\", points = 30, when = field \"y\" :eq(1) }\n"
        "rule \"c\" { dimension = \"fit\", points = 20, when = field \"z\" :eq(1) }\n");
  tp_acct(&t, "x=1", "y=1", NULL); /* exactly 80 */
  tp_score(&t);
  cr_assert_float_eq(t.r->score, 80, EPS);
  cr_assert_str_eq(t.r->tier_name, "A");
  tp_acct(&t, "x=1", NULL); /* exactly 50 */
  tp_score(&t);
  cr_assert_str_eq(t.r->tier_name, "B");
  tp_acct(&t, "y=1", NULL); /* 30 */
  tp_score(&t);
  cr_assert_str_eq(t.r->tier_name, "C");
  cr_assert_null(t.r->route); /* no route at all */
  tp_free(&t);
}

/* fit 50 (3 one-point rules), readiness 30 (9), engagement 20 (6): the
 * composite of fit 0/3, readiness 7/9, engagement 5/6 is exactly 40, but
 * the weighted mean in doubles is 39.99999999999999 */
static const char ties[] =
  "profile { name = \"t\", version = \"1\",\n"
  "  dimensions = { fit = 50, readiness = 30, engagement = 20 },\n"
  "  tiers = { {\"A\", 80}, {\"B\", 60}, {\"C\", 40}, {\"D\", 0} },\n"
  "  min_coverage = 0.4 }\n"
  "rule \"f1\" { dimension = \"fit\", points = 1, when = field \"f\" :gte(1) }\n"
  "rule \"f2\" { dimension = \"fit\", points = 1, when = field \"f\" :gte(2) }\n"
  "rule \"f3\" { dimension = \"fit\", points = 1, when = field \"f\" :gte(3) }\n"
  "rule \"r1\" { dimension = \"readiness\", points = 1, when = field \"r\" :gte(1) }\n"
  "rule \"r2\" { dimension = \"readiness\", points = 1, when = field \"r\" :gte(2) }\n"
  "rule \"r3\" { dimension = \"readiness\", points = 1, when = field \"r\" :gte(3) }\n"
  "rule \"r4\" { dimension = \"readiness\", points = 1, when = field \"r\" :gte(4) }\n"
  "rule \"r5\" { dimension = \"readiness\", points = 1, when = field \"r\" :gte(5) }\n"
  "rule \"r6\" { dimension = \"readiness\", points = 1, when = field \"r\" :gte(6) }\n"
  "rule \"r7\" { dimension = \"readiness\", points = 1, when = field \"r\" :gte(7) }\n"
  "rule \"r8\" { dimension = \"readiness\", points = 1, when = field \"r\" :gte(8) }\n"
  "rule \"r9\" { dimension = \"readiness\", points = 1, when = field \"r\" :gte(9) }\n"
  "rule \"e1\" { dimension = \"engagement\", points = 1, when = field \"e\" :gte(1) }\n"
  "rule \"e2\" { dimension = \"engagement\", points = 1, when = field \"e\" :gte(2) }\n"
  "rule \"e3\" { dimension = \"engagement\", points = 1, when = field \"e\" :gte(3) }\n"
  "rule \"e4\" { dimension = \"engagement\", points = 1, when = field \"e\" :gte(4) }\n"
  "rule \"e5\" { dimension = \"engagement\", points = 1, when = field \"e\" :gte(5) }\n"
  "rule \"e6\" { dimension = \"engagement\", points = 1, when = field \"e\" :gte(6) }\n";

/* The weighted mean as plain doubles, in the engine's dimension order. */
static double naive_composite(double f, double r, double e)
{
  double ssum = 0;
  ssum += 50 * (100.0 * f / 3);
  ssum += 30 * (100.0 * r / 9);
  ssum += 20 * (100.0 * e / 6);
  return ssum / 100;
}

Test(score, a_composite_exactly_on_a_threshold_takes_that_tier)
{
  static const struct { const char *f, *r, *e, *tier; double at; } c[] = {
    { "f=0", "r=7", "e=5", "C", 40 },
    { "f=2", "r=7", "e=1", "B", 60 },
    { "f=3", "r=8", "e=1", "A", 80 },
  };
  struct tp t;
  size_t i;
  tp_ok(&t, ties);
  for(i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
    double f = c[i].f[2] - '0', r = c[i].r[2] - '0', e = c[i].e[2] - '0';
    /* the case is only a case if doubles land below the threshold */
    cr_assert_lt(naive_composite(f, r, e), c[i].at);
    tp_acct(&t, c[i].f, c[i].r, c[i].e, NULL);
    tp_score(&t);
    cr_assert_eq(t.r->score, c[i].at, "score %.17g", t.r->score);
    cr_assert_str_eq(t.r->tier_name, c[i].tier);
  }
  /* one point less stays below */
  tp_acct(&t, "f=0", "r=7", "e=4", NULL);
  tp_score(&t);
  cr_assert_str_eq(t.r->tier_name, "D");
  tp_free(&t);
}

Test(score, written_values_are_what_the_result_holds)
{
  struct tp t;
  tp_ok(&t, ties);
  tp_acct(&t, "f=0", "r=7", "e=5", NULL);
  tp_score(&t);
  /* dimension scores as written: 6 decimals */
  cr_assert_eq(t.r->dim[1], 77.777778, "%.17g", t.r->dim[1]);
  cr_assert_eq(t.r->dim[2], 83.333333, "%.17g", t.r->dim[2]);
  tp_free(&t);
}

Test(coverage, coverage_exactly_at_min_coverage_is_ranked)
{
  /* known: a 2 of 3 points, b 2 of 9, c none: coverage is exactly
   * (50 * 2/3 + 30 * 2/9) / 100 = 0.4, 0.3999999999999999 in doubles */
  struct tp t;
  double naive = 0;
  tp_ok(&t,
        "profile { name = \"t\", version = \"1\",\n"
        "  dimensions = { a = 50, b = 30, c = 20 },\n"
        "  tiers = { {\"A\", 0} }, min_coverage = 0.4 }\n"
        "rule \"a1\" { dimension = \"a\", points = 1, when = field \"a1\" :eq(1) }\n"
        "rule \"a2\" { dimension = \"a\", points = 1, when = field \"a2\" :eq(1) }\n"
        "rule \"a3\" { dimension = \"a\", points = 1, when = field \"a3\" :eq(1) }\n"
        "rule \"b1\" { dimension = \"b\", points = 1, when = field \"b1\" :eq(1) }\n"
        "rule \"b2\" { dimension = \"b\", points = 1, when = field \"b2\" :eq(1) }\n"
        "rule \"b3\" { dimension = \"b\", points = 7, when = field \"b3\" :eq(1) }\n"
        "rule \"c1\" { dimension = \"c\", points = 1, when = field \"c1\" :eq(1) }\n");
  naive += 50 * (2.0 / 3);
  naive += 30 * (2.0 / 9);
  naive /= 100;
  cr_assert_lt(naive, 0.4);
  tp_acct(&t, "a1=0", "a2=0", "b1=0", "b2=0", NULL);
  tp_score(&t);
  cr_assert_eq(t.r->coverage, 0.4, "%.17g", t.r->coverage);
  cr_assert_str_eq(t.r->tier_name, "A");
  tp_acct(&t, "a1=0", "b1=0", "b2=0", NULL); /* 0.233333 */
  tp_score(&t);
  cr_assert_str_eq(t.r->tier_name, "insufficient_data");
  tp_free(&t);
}

/* ---- bands --------------------------------------------------------------- */

static const char banded[] =
  T_PROFILE
  "rule \"size_band\" { dimension = \"fit\", field = \"employees\",\n"
  "  bands = { {0, 49, 0}, {50, 499, 10}, {500, nil, 5} } }\n"
  "rule \"other\" { dimension = \"fit\", points = 10, when = field \"x\" :eq(1) }\n";

Test(bands, max_is_the_largest_band)
{
  struct tp t;
  tp_ok(&t, banded);
  cr_assert_float_eq(t.pack->rules[tp_rule(&t, "size_band")].points, 10,
                     EPS);
  cr_assert_float_eq(t.pack->dims[0].max, 20, EPS);
  tp_free(&t);
}

Test(bands, the_matching_band_gives_its_points)
{
  struct tp t;
  tp_ok(&t, banded);
  tp_acct(&t, "employees=120", "x=0", NULL);
  tp_score(&t);
  cr_assert_eq(tp_out(&t, "size_band"), ICP_TRUE);
  cr_assert_eq(t.r->band[tp_rule(&t, "size_band")], 1);
  cr_assert_float_eq(tp_earned(&t, "size_band"), 10, EPS);
  cr_assert_float_eq(t.r->score, 50, EPS); /* 10 of 20 */
  tp_acct(&t, "employees=5000", "x=0", NULL); /* open-ended band */
  tp_score(&t);
  cr_assert_float_eq(tp_earned(&t, "size_band"), 5, EPS);
  cr_assert_float_eq(t.r->score, 25, EPS);
  cr_assert_float_eq(t.r->coverage, 1, EPS);
  tp_acct(&t, "employees=499.5", NULL); /* in no band */
  tp_score(&t);
  cr_assert_eq(tp_out(&t, "size_band"), ICP_FALSE);
  cr_assert_eq(t.r->band[tp_rule(&t, "size_band")], -1);
  tp_free(&t);
}

Test(bands, a_zero_point_band_does_not_fire_but_is_known)
{
  struct tp t;
  tp_ok(&t, banded);
  tp_acct(&t, "employees=20", NULL);
  tp_score(&t);
  cr_assert_eq(tp_out(&t, "size_band"), ICP_FALSE);
  cr_assert_eq(t.r->band[tp_rule(&t, "size_band")], 0);
  cr_assert_float_eq(tp_earned(&t, "size_band"), 0, EPS);
  /* known 10 of max 20 (x is unknown) */
  cr_assert_float_eq(t.r->coverage, 0.5, EPS);
  tp_free(&t);
}

Test(bands, missing_or_non_number_value_is_unknown)
{
  struct tp t;
  tp_ok(&t, banded);
  tp_acct(&t, NULL);
  tp_score(&t);
  cr_assert_eq(tp_out(&t, "size_band"), ICP_UNKNOWN);
  tp_str(&t, "employees", "120");
  tp_score(&t);
  cr_assert_eq(tp_out(&t, "size_band"), ICP_UNKNOWN);
  cr_assert_float_eq(t.r->coverage, 0, EPS);
  tp_free(&t);
}

/* ---- decay --------------------------------------------------------------- */

static const char decaying[] =
  T_PROFILE
  "fields { demo = \"bool\", last_activity = \"date\" }\n"
  "rule \"demo\" { dimension = \"fit\", points = 10, when = field \"demo\" :is_true(),\n"
  "  decay = { date = \"last_activity\", half_life_days = 30 } }\n"
  "rule \"loose\" { dimension = \"fit\", points = 10, when = field \"x\" :eq(1),\n"
  "  decay = { date = \"seen\", half_life_days = 10 } }\n";

Test(decay, halves_every_half_life)
{
  struct tp t;
  tp_ok(&t, decaying);
  tp_as_of(&t, "2024-03-31");
  tp_acct(&t, "demo=true", "last_activity=2024-03-01", NULL); /* 30 days */
  tp_score(&t);
  cr_assert_float_eq(t.r->decay[tp_rule(&t, "demo")], 0.5, 1e-12);
  cr_assert_float_eq(tp_earned(&t, "demo"), 5, 1e-12);
  cr_assert_float_eq(t.r->score, 25, 1e-12); /* 5 of 20 */
  tp_acct(&t, "demo=true", "last_activity=2024-01-31", NULL); /* 60 */
  tp_score(&t);
  cr_assert_float_eq(tp_earned(&t, "demo"), 2.5, 1e-12);
  tp_acct(&t, "demo=true", "last_activity=2024-03-16", NULL); /* 15 */
  tp_score(&t);
  cr_assert_float_eq(tp_earned(&t, "demo"), 10 * pow(0.5, 0.5), 1e-12);
  tp_free(&t);
}

/* Rules that decay on the same date share a factor only when their
 * half-lives agree too. */
Test(decay, each_rule_gets_the_factor_of_its_own_date_and_half_life)
{
  struct tp t;
  tp_ok(&t, T_PROFILE
        "fields { d1 = \"date\", d2 = \"date\" }\n"
        "rule \"a\" { dimension = \"fit\", points = 8, when = field \"x\" :eq(1),\n"
        "  decay = { date = \"d1\", half_life_days = 30 } }\n"
        "rule \"b\" { dimension = \"fit\", points = 8, when = field \"x\" :eq(1),\n"
        "  decay = { date = \"d1\", half_life_days = 10 } }\n"
        "rule \"c\" { dimension = \"fit\", points = 8, when = field \"x\" :eq(1),\n"
        "  decay = { date = \"d2\", half_life_days = 10 } }\n"
        "rule \"d\" { dimension = \"fit\", points = 8, when = field \"x\" :eq(1),\n"
        "  decay = { date = \"d2\", half_life_days = 10 } }\n");
  tp_as_of(&t, "2024-03-31");
  tp_acct(&t, "x=1", "d1=2024-03-01", "d2=2024-03-21", NULL);
  tp_score(&t);
  cr_assert_float_eq(tp_earned(&t, "a"), 4, 1e-12);   /* 30 of 30 days */
  cr_assert_float_eq(tp_earned(&t, "b"), 1, 1e-12);   /* 30 of 10 */
  cr_assert_float_eq(tp_earned(&t, "c"), 4, 1e-12);   /* 10 of 10 */
  cr_assert_float_eq(tp_earned(&t, "d"), 4, 1e-12);
  /* the next record starts afresh */
  tp_acct(&t, "x=1", "d1=2024-03-21", "d2=2024-03-01", NULL);
  tp_score(&t);
  cr_assert_float_eq(tp_earned(&t, "a"), 8 * pow(0.5, 1.0 / 3), 1e-12);
  cr_assert_float_eq(tp_earned(&t, "b"), 4, 1e-12);
  cr_assert_float_eq(tp_earned(&t, "c"), 1, 1e-12);
  tp_free(&t);
}

Test(decay, missing_or_future_date_means_no_decay)
{
  struct tp t;
  tp_ok(&t, decaying);
  tp_as_of(&t, "2024-03-31");
  tp_acct(&t, "demo=true", NULL);
  tp_score(&t);
  cr_assert_float_eq(tp_earned(&t, "demo"), 10, EPS);
  cr_assert_float_eq(t.r->decay[tp_rule(&t, "demo")], 1, EPS);
  tp_acct(&t, "demo=true", "last_activity=2024-06-01", NULL);
  tp_score(&t);
  cr_assert_float_eq(tp_earned(&t, "demo"), 10, EPS);
  tp_acct(&t, "demo=true", "last_activity=2024-03-31", NULL); /* age 0 */
  tp_score(&t);
  cr_assert_float_eq(tp_earned(&t, "demo"), 10, EPS);
  tp_free(&t);
}

Test(decay, not_fired_rules_earn_nothing_and_strings_hold_dates)
{
  struct tp t;
  tp_ok(&t, decaying);
  tp_as_of(&t, "2024-03-31");
  tp_acct(&t, "demo=false", "last_activity=2024-03-01", "x=1", NULL);
  tp_str(&t, "seen", "2024-03-21"); /* 10 days: half */
  tp_score(&t);
  cr_assert_float_eq(tp_earned(&t, "demo"), 0, EPS);
  cr_assert_float_eq(tp_earned(&t, "loose"), 5, 1e-12);
  tp_free(&t);
}

Test(decay, as_of_changes_the_factor)
{
  struct tp t;
  tp_ok(&t, decaying);
  tp_acct(&t, "demo=true", "last_activity=2024-03-01", NULL);
  tp_as_of(&t, "2024-04-30"); /* 60 days */
  tp_score(&t);
  cr_assert_float_eq(tp_earned(&t, "demo"), 2.5, 1e-12);
  tp_free(&t);
}

/* ---- coverage, excludes, precedence ------------------------------------- */

static const char gated[] =
  "profile { name = \"g\", version = \"1\", dimensions = { fit = 1, eng = 1 },\n"
  "  tiers = { {\"A\", 80}, {\"B\", 0} }, min_coverage = 0.6 }\n"
  "rule \"f1\" { dimension = \"fit\", points = 30, when = field \"a\" :eq(1) }\n"
  "rule \"f2\" { dimension = \"fit\", points = 10, when = field \"b\" :eq(1) }\n"
  "rule \"e1\" { dimension = \"eng\", points = 10, when = field \"c\" :eq(1) }\n"
  "exclude \"tiny\" { when = field \"employees\" :lt(10), reason = \"too small\" }\n"
  "exclude \"rival\" { when = field \"domain\" :one_of { \"rival.com\" } }\n"
  "route { tier = \"A\", to = \"ae\" }\n"
  "route { default = true, to = \"nurture\" }\n";

Test(coverage, weighs_known_points_per_dimension)
{
  struct tp t;
  tp_ok(&t, gated);
  tp_acct(&t, "a=1", "c=0", NULL);
  tp_score(&t);
  /* fit known 30/40, eng known 10/10: (0.75 + 1) / 2 = 0.875 */
  cr_assert_float_eq(t.r->coverage, 0.875, EPS);
  /* fit 75, eng 0: 37.5 -> B */
  cr_assert_float_eq(t.r->score, 37.5, EPS);
  cr_assert_str_eq(t.r->tier_name, "B");
  tp_free(&t);
}

Test(coverage, below_min_coverage_is_insufficient_data)
{
  struct tp t;
  tp_ok(&t, gated);
  tp_acct(&t, "a=1", "b=1", NULL);
  tp_score(&t);
  /* fit 100, eng unknown: score 50, coverage (1 + 0) / 2 = 0.5 < 0.6 */
  cr_assert_float_eq(t.r->score, 50, EPS);
  cr_assert_float_eq(t.r->coverage, 0.5, EPS);
  cr_assert_eq(t.r->tier, ICP_TIER_INSUFFICIENT);
  cr_assert_str_eq(t.r->tier_name, "insufficient_data");
  cr_assert_str_eq(t.r->route, "nurture");
  /* exactly at min_coverage is enough: (0.75 + 0) / 2 = 0.375 no; use
   * fit fully known and eng known: coverage 1 */
  tp_acct(&t, "a=1", "b=1", "c=1", NULL);
  tp_score(&t);
  cr_assert_str_eq(t.r->tier_name, "A");
  cr_assert_str_eq(t.r->route, "ae");
  tp_free(&t);
}

Test(coverage, excluded_wins_over_insufficient_data)
{
  struct tp t;
  tp_ok(&t, gated);
  tp_acct(&t, "employees=5", NULL);
  tp_score(&t);
  cr_assert_float_eq(t.r->coverage, 0, EPS);
  cr_assert_eq(t.r->tier, ICP_TIER_EXCLUDED);
  cr_assert_str_eq(t.r->tier_name, "excluded");
  cr_assert_eq(t.r->nexcluded, 1);
  cr_assert_eq(t.r->xoutcome[tp_excl(&t, "tiny")], ICP_TRUE);
  cr_assert_eq(t.r->xoutcome[tp_excl(&t, "rival")], ICP_UNKNOWN);
  cr_assert_str_eq(t.r->route, "disqualified");
  tp_free(&t);
}

Test(coverage, excluded_wins_over_a_high_score_and_lists_every_exclude)
{
  struct tp t;
  tp_ok(&t, gated);
  tp_acct(&t, "domain=rival.com", "employees=3", "a=1", "b=1", "c=1", NULL);
  tp_score(&t);
  cr_assert_float_eq(t.r->score, 100, EPS); /* still computed */
  cr_assert_str_eq(t.r->tier_name, "excluded");
  cr_assert_eq(t.r->nexcluded, 2);
  cr_assert_str_eq(t.r->route, "disqualified");
  tp_free(&t);
}

Test(coverage, an_unknown_exclude_does_not_exclude)
{
  struct tp t;
  tp_ok(&t, gated);
  tp_acct(&t, "a=1", "b=1", "c=1", NULL); /* employees, domain missing */
  tp_score(&t);
  cr_assert_eq(t.r->xoutcome[tp_excl(&t, "tiny")], ICP_UNKNOWN);
  cr_assert_eq(t.r->nexcluded, 0);
  cr_assert_str_eq(t.r->tier_name, "A");
  tp_acct(&t, "employees=500", "a=1", "b=1", "c=1", NULL);
  tp_score(&t);
  cr_assert_eq(t.r->xoutcome[tp_excl(&t, "tiny")], ICP_FALSE);
  cr_assert_str_eq(t.r->tier_name, "A");
  tp_free(&t);
}

Test(routes, a_route_naming_excluded_overrides_disqualified)
{
  struct tp t;
  tp_ok(&t, T_PROFILE
        "rule \"r\" { dimension = \"fit\", points = 1, when = field \"x\" :eq(1) }\n"
        "exclude \"no\" { when = field \"y\" :eq(1) }\n"
        "route { tier = \"excluded\", to = \"review\", sla_hours = 48 }\n"
        "route { tier = \"unranked\", to = \"cold\" }\n"
        "route { tier = \"A\", to = \"ae\" }\n"
        "route { tier = \"A\", to = \"never\" }\n"
        "route { default = true, to = \"nurture\" }\n");
  cr_assert(tp_has_warning(&t, "never used"));
  tp_acct(&t, "x=1", "y=1", NULL);
  tp_score(&t);
  cr_assert_str_eq(t.r->route, "review");
  cr_assert_float_eq(t.r->route_def->sla_hours, 48, EPS);
  tp_acct(&t, "x=1", NULL);
  tp_score(&t);
  cr_assert_str_eq(t.r->route, "ae"); /* the first matching route */
  tp_acct(&t, "x=0", NULL);
  tp_score(&t);
  cr_assert_str_eq(t.r->tier_name, "unranked");
  cr_assert_str_eq(t.r->route, "cold");
  tp_free(&t);
}

Test(routes, excluded_without_a_default_is_still_disqualified)
{
  struct tp t;
  tp_ok(&t, T_PROFILE
        "rule \"r\" { dimension = \"fit\", points = 1, when = field \"x\" :eq(1) }\n"
        "exclude \"no\" { when = field \"y\" :eq(1) }\n");
  tp_acct(&t, "y=1", NULL);
  tp_score(&t);
  cr_assert_str_eq(t.r->route, "disqualified");
  cr_assert_null(t.r->route_def);
  tp_acct(&t, "x=1", NULL);
  tp_score(&t);
  cr_assert_null(t.r->route);
  tp_free(&t);
}

/* ---- function rules ------------------------------------------------------ */

static const char functions[] =
  T_PROFILE
  "rule \"yes\" { dimension = \"fit\", points = 10, when = function(a) return true end }\n"
  "rule \"no\" { dimension = \"fit\", points = 10, when = function(a) return false end }\n"
  "rule \"dunno\" { dimension = \"fit\", points = 10, when = function(a) return nil end }\n"
  "rule \"share\" { dimension = \"fit\", points = 10, when = function(a) return 0.25 end }\n"
  "rule \"zero\" { dimension = \"fit\", points = 10, when = function(a) return 0 end }\n"
  "rule \"big\" { dimension = \"fit\", points = 10, when = function(a) return 1.5 end }\n"
  "rule \"neg\" { dimension = \"fit\", points = 10, when = function(a) return -0.1 end }\n"
  "rule \"nan\" { dimension = \"fit\", points = 10, when = function(a) return 0/0 end }\n"
  "rule \"tbl\" { dimension = \"fit\", points = 10, when = function(a) return {} end }\n"
  "rule \"str\" { dimension = \"fit\", points = 10, when = function(a) return \"yes\" end }\n"
  "rule \"boom\" { dimension = \"fit\", points = 10, when = function(a) error(\"boom\") end }\n"
  "rule \"why\" { dimension = \"fit\", points = 10,\n"
  "  when = function(a) return (a.open_jobs or 0) > 3, \"hiring \" .. tostring(a.open_jobs) end }\n"
  "rule \"why_not\" { dimension = \"fit\", points = 10, when = function(a) return false, \"nope\" end }\n";

Test(functions, true_false_nil_and_shares)
{
  struct tp t;
  tp_ok(&t, functions);
  tp_acct(&t, "open_jobs=5", NULL);
  tp_score(&t);
  cr_assert_eq(tp_out(&t, "yes"), ICP_TRUE);
  cr_assert_float_eq(tp_earned(&t, "yes"), 10, EPS);
  cr_assert_eq(tp_out(&t, "no"), ICP_FALSE);
  cr_assert_eq(tp_out(&t, "dunno"), ICP_UNKNOWN);
  cr_assert_null(tp_error(&t, "dunno"));
  cr_assert_eq(tp_out(&t, "share"), ICP_TRUE);
  cr_assert_float_eq(tp_earned(&t, "share"), 2.5, EPS);
  cr_assert_eq(tp_out(&t, "zero"), ICP_TRUE); /* fired, earning 0 */
  cr_assert_float_eq(tp_earned(&t, "zero"), 0, EPS);
  tp_free(&t);
}

Test(functions, other_values_are_unknown_with_the_error_kept)
{
  struct tp t;
  tp_ok(&t, functions);
  tp_acct(&t, NULL);
  tp_score(&t);
  cr_assert_eq(tp_out(&t, "big"), ICP_UNKNOWN);
  cr_assert_str_eq(tp_error(&t, "big"), "returned 1.5, a number outside "
                   "[0, 1]");
  cr_assert_eq(tp_out(&t, "neg"), ICP_UNKNOWN);
  cr_assert_eq(tp_out(&t, "nan"), ICP_UNKNOWN);
  cr_assert_not_null(tp_error(&t, "nan"));
  cr_assert_eq(tp_out(&t, "tbl"), ICP_UNKNOWN);
  cr_assert(strstr(tp_error(&t, "tbl"), "returned a table"));
  cr_assert_eq(tp_out(&t, "str"), ICP_UNKNOWN);
  cr_assert(strstr(tp_error(&t, "str"), "returned a string"));
  cr_assert_eq(tp_out(&t, "boom"), ICP_UNKNOWN);
  cr_assert(strstr(tp_error(&t, "boom"), "pk.lua:13: boom"), "%s",
            tp_error(&t, "boom"));
  /* big, neg, nan, tbl, str, boom */
  cr_assert_eq(t.r->nerrors, 6);
  tp_free(&t);
}

Test(functions, evidence_is_kept_when_fired)
{
  struct tp t;
  tp_ok(&t, functions);
  tp_acct(&t, "open_jobs=7", NULL);
  tp_score(&t);
  cr_assert_eq(tp_out(&t, "why"), ICP_TRUE);
  /* engine choice: numbers reach Lua as floats, so tostring gives 7.0 */
  cr_assert_str_eq(tp_evidence(&t, "why"), "hiring 7.0");
  cr_assert_eq(tp_out(&t, "why_not"), ICP_FALSE);
  cr_assert_null(tp_evidence(&t, "why_not"));
  cr_assert_null(tp_evidence(&t, "yes"));
  tp_free(&t);
}

Test(functions, coverage_counts_function_outcomes)
{
  struct tp t;
  tp_ok(&t, functions);
  tp_acct(&t, "open_jobs=1", NULL);
  tp_score(&t);
  /* max 130; known: yes no share zero why why_not = 60 */
  cr_assert_float_eq(t.pack->dims[0].max, 130, EPS);
  cr_assert_eq(t.r->coverage, icp_round6(60.0 / 130)); /* as written */
  /* earned 10 + 2.5 + 0 = 12.5 of 130 */
  cr_assert_eq(t.r->score, icp_round6(1250.0 / 130)); /* as written */
  tp_free(&t);
}

Test(functions, a_function_inside_all_combines_with_kleene_logic)
{
  struct tp t;
  tp_ok(&t, T_PROFILE
        "rule \"mix\" { dimension = \"fit\", points = 10,\n"
        "  when = all { field \"x\" :eq(1), function(a) return a.y == 1 end } }\n"
        "rule \"mix_any\" { dimension = \"fit\", points = 10,\n"
        "  when = any { field \"x\" :eq(1), function(a) return nil end } }\n");
  tp_acct(&t, "x=1", "y=1", NULL);
  tp_score(&t);
  cr_assert_eq(tp_out(&t, "mix"), ICP_TRUE);
  cr_assert_eq(tp_out(&t, "mix_any"), ICP_TRUE);
  tp_acct(&t, "y=1", NULL);
  tp_score(&t);
  cr_assert_eq(tp_out(&t, "mix"), ICP_UNKNOWN);
  cr_assert_eq(tp_out(&t, "mix_any"), ICP_UNKNOWN);
  tp_acct(&t, "x=0", NULL);
  tp_score(&t);
  cr_assert_eq(tp_out(&t, "mix"), ICP_FALSE);
  tp_free(&t);
}

Test(functions, a_function_exclude_that_errors_does_not_exclude)
{
  struct tp t;
  tp_ok(&t, T_PROFILE
        "rule \"r\" { dimension = \"fit\", points = 10, when = field \"x\" :eq(1) }\n"
        "exclude \"bad\" { when = function(a) error(\"nope\") end }\n"
        "exclude \"good\" { when = function(a) return a.x == 2 end }\n");
  tp_acct(&t, "x=1", NULL);
  tp_score(&t);
  cr_assert_eq(t.r->xoutcome[0], ICP_UNKNOWN);
  cr_assert_eq(t.r->xoutcome[1], ICP_FALSE);
  cr_assert_str_eq(t.r->tier_name, "A");
  cr_assert_eq(t.r->nerrors, 1);
  cr_assert(strstr(icp_result_error(t.r, t.pack->nrules + 0), "nope"));
  tp_acct(&t, "x=2", NULL);
  tp_score(&t);
  cr_assert_str_eq(t.r->tier_name, "excluded");
  tp_free(&t);
}

Test(functions, rules_read_every_value_type)
{
  struct tp t;
  tp_ok(&t, T_PROFILE
        "fields { demo = \"bool\", seen = \"date\" }\n"
        "rule \"types\" { dimension = \"fit\", points = 10, when = function(a)\n"
        "  return type(a.employees) == \"number\" and a.industry == \"Software\"\n"
        "    and a.demo == true and a.seen == \"2024-01-02\" and #a.tech == 2\n"
        "    and a.tech[2] == \"b\" and a.tech[3] == nil and a.nothing == nil\n"
        "end }\n");
  tp_acct(&t, "employees=12", "industry=Software", "demo=true",
          "seen=2024-01-02", "tech=a;b", NULL);
  tp_score(&t);
  cr_assert_eq(tp_out(&t, "types"), ICP_TRUE, "%s",
               tp_error(&t, "types") ? tp_error(&t, "types") : "");
  tp_free(&t);
}

Test(functions, explain_records_what_a_function_read)
{
  struct tp t;
  int k;
  tp_ok(&t, T_PROFILE
        "rule \"f\" { dimension = \"fit\", points = 10,\n"
        "  when = function(a) return a.employees ~= nil and a.country == \"FR\" end }\n");
  tp_acct(&t, "employees=12", "country=FR", "industry=x", NULL);
  tp_score_explain(&t);
  k = tp_rule(&t, "f");
  cr_assert_eq(t.r->read_n[k], 2);
  cr_assert_eq(t.r->reads[t.r->read_off[k]], ICP_F_EMPLOYEES);
  cr_assert_eq(t.r->reads[t.r->read_off[k] + 1], ICP_F_COUNTRY);
  tp_score(&t); /* without explain nothing is recorded */
  cr_assert_eq(t.r->nreads, 0);
  tp_free(&t);
}

Test(score, a_result_belongs_to_its_pack)
{
  struct tp t, u;
  tp_ok(&t, two_dims);
  tp_ok(&u, two_dims);
  cr_assert_eq(icp_score(u.pack, t.a, t.r, 0), ICP_EINVAL);
  tp_free(&t);
  tp_free(&u);
}

Test(score, the_same_account_scores_the_same_twice)
{
  struct tp t;
  double s1, c1;
  tp_ok(&t, two_dims);
  tp_acct(&t, "employees=250", "country=US", NULL);
  tp_score(&t);
  s1 = t.r->score;
  c1 = t.r->coverage;
  tp_acct(&t, "open_jobs=9", NULL);
  tp_score(&t);
  tp_acct(&t, "employees=250", "country=US", NULL);
  tp_score(&t);
  cr_assert_eq(t.r->score, s1);
  cr_assert_eq(t.r->coverage, c1);
  tp_free(&t);
}
