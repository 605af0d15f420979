/*
 * gen_deals.c -- deterministic accounts and deals with known outcomes, for
 * the tests and the benchmark of `icp validate`.
 *
 *   gen_deals --accounts N --deals M [--seed S] [--as-of YYYY-MM-DD]
 *             [--periods P] [--drift none|planted]
 *             --out-accounts FILE --out-deals FILE
 *
 * Accounts (CSV: account,domain,grade,employees) get grade a, b, c or d
 * (20/20/30/30%); tests/fixtures/validate/grade.lua tiers them A-D, and A
 * and B are the ICP. Deals (CSV in the CRM export's spelling: account,
 * deal_stage, engage_date, close_date, close_value, support_tickets,
 * churned) are spread evenly over P periods of 90 days ending at --as-of:
 *
 *                 win rate  cycle (days)  won amount   tickets/deal
 *   ICP (a, b)      0.60    20..40        8000..12000  1 or 3 (mean 2)
 *   non-ICP (c, d)  0.40    40..80        4000..6000   3 or 5 (mean 4)
 *
 * 8% of deals are open ("Engaging", no close date); a quarter of those
 * have a blank account, as in real CRM exports.
 * --drift planted changes the last period only: ICP win rate 0.60 -> 0.45
 * (conversion_drop), grade a cycles x1.5 (cycle_increase of tier A), ICP
 * tickets x2 (support_increase) and ICP amounts x1.3 (deal_size_change).
 * ICP stays above non-ICP on win rate and cycle, so the standing checks
 * pass. Same arguments, same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/value.h"

static uint64_t rng_state;

static uint64_t next(void)
{
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double unif(void)
{
  return (double)(next() >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform integer in [lo, hi]. */
static long range(long lo, long hi)
{
  return lo + (long)(next() % (uint64_t)(hi - lo + 1));
}

static int grade_of(long i)
{
  /* a fixed pattern, so each grade's share is exact: a a b b c c c d d d */
  static const int g[10] = { 0, 0, 1, 1, 2, 2, 2, 3, 3, 3 };
  return g[i % 10];
}

static int usage(void)
{
  fprintf(stderr, "usage: gen_deals --accounts N --deals M [--seed S] "
          "[--as-of YYYY-MM-DD] [--periods P] [--drift none|planted] "
          "--out-accounts FILE --out-deals FILE\n");
  return 1;
}

static int num_arg(const char *s, long *out)
{
  char *end;
  long v = strtol(s, &end, 10);
  if(end == s || *end || v < 0)
    return 0;
  *out = v;
  return 1;
}

int main(int argc, char **argv)
{
  long naccts = 0, ndeals = 0, seed = 42, periods = 4, i;
  const char *as_of = "2026-09-30", *drift = "none";
  const char *oa = NULL, *od = NULL;
  int32_t end_day;
  int planted;
  FILE *fa, *fd;
  for(i = 1; i < argc; i++) {
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if(!v)
      return usage();
    if(!strcmp(argv[i], "--accounts") && num_arg(v, &naccts))
      i++;
    else if(!strcmp(argv[i], "--deals") && num_arg(v, &ndeals))
      i++;
    else if(!strcmp(argv[i], "--seed") && num_arg(v, &seed))
      i++;
    else if(!strcmp(argv[i], "--periods") && num_arg(v, &periods))
      i++;
    else if(!strcmp(argv[i], "--as-of")) {
      as_of = v;
      i++;
    }
    else if(!strcmp(argv[i], "--drift")) {
      drift = v;
      i++;
    }
    else if(!strcmp(argv[i], "--out-accounts")) {
      oa = v;
      i++;
    }
    else if(!strcmp(argv[i], "--out-deals")) {
      od = v;
      i++;
    }
    else
      return usage();
  }
  if(!oa || !od || naccts < 1 || periods < 1 ||
     !icp_parse_date(as_of, strlen(as_of), &end_day))
    return usage();
  if(strcmp(drift, "none") && strcmp(drift, "planted"))
    return usage();
  planted = !strcmp(drift, "planted");
  rng_state = (uint64_t)seed;
  fa = fopen(oa, "w");
  fd = fopen(od, "w");
  if(!fa || !fd) {
    fprintf(stderr, "gen_deals: cannot write %s\n", !fa ? oa : od);
    return 1;
  }
  fprintf(fa, "account,domain,grade,employees\n");
  for(i = 0; i < naccts; i++)
    fprintf(fa, "Account %ld,acct%ld.example,%c,%ld\n", i, i,
            "abcd"[grade_of(i)], range(20, 5000));
  fprintf(fd, "account,deal_stage,engage_date,close_date,close_value,"
          "support_tickets,churned\n");
  for(i = 0; i < ndeals; i++) {
    long a = (long)(next() % (uint64_t)naccts);
    int g = grade_of(a), icp = g < 2;
    long p = i % periods;              /* 0 is the last period */
    int last = p == 0 && planted;
    int32_t close = end_day - (int32_t)(p * 90) - (int32_t)range(0, 89);
    long cyc = icp ? range(20, 40) : range(40, 80);
    double win = icp ? (last ? 0.45 : 0.60) : 0.40;
    double amt = icp ? (double)range(8000, 12000) :
                       (double)range(4000, 6000);
    long tickets = icp ? 1 + 2 * (long)(next() & 1) :
                         3 + 2 * (long)(next() & 1);
    char cd[11], ed[11];
    if(last && g == 0)
      cyc = cyc * 3 / 2;
    if(last && icp) {
      amt *= 1.3;
      tickets *= 2;
    }
    icp_format_date(close - (int32_t)cyc, ed);
    icp_format_date(close, cd);
    if(unif() < 0.08) {
      /* an open deal: no close date; some without an account */
      if(next() % 4 == 0)
        fprintf(fd, ",Engaging,%s,,,,\n", ed);
      else
        fprintf(fd, "Account %ld,Engaging,%s,,,%ld,\n", a, ed, tickets);
      continue;
    }
    if(unif() < win)
      fprintf(fd, "Account %ld,Won,%s,%s,%.0f,%ld,%s\n", a, ed, cd, amt,
              tickets, unif() < (icp ? 0.05 : 0.15) ? "yes" : "no");
    else
      fprintf(fd, "Account %ld,Lost,%s,%s,0,%ld,no\n", a, ed, cd, tickets);
  }
  if(fclose(fa) || fclose(fd)) {
    fprintf(stderr, "gen_deals: write failed\n");
    return 1;
  }
  return 0;
}
