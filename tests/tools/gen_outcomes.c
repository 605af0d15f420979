/*
 * gen_outcomes.c -- deterministic accounts with planted effects on the
 * outcome, for `icp discover`'s honesty tests and its benchmark.
 *
 *   gen_outcomes [--count N] [--seed S] [--noise K] [--null]
 *
 * Writes N accounts (default 5000) as CSV on standard output: the
 * canonical columns domain, industry, employees, revenue_usd, country,
 * ownership, funding_stage, founded_year, last_funding_date, tech,
 * open_jobs, plus segment, K columns noise_1..noise_K (default 0) and the
 * outcomes won (won/lost) and ltv (a number). Every attribute is empty 8%
 * of the time. The odds of winning are planted (natural log odds):
 *
 *   industry = Software         +1.0     (raises)
 *   tech has Snowflake          +0.8     (raises, a list element)
 *   employees in 200..2000      +0.6     (raises, a number)
 *   ownership = public          -1.0     (lowers)
 *   industry = Retail           -2.5     (lowers: almost never won)
 *
 * and nothing else matters: country, funding_stage, founded_year,
 * last_funding_date, revenue_usd, open_jobs, segment, the other tech and
 * the noise columns are drawn independently of the outcome. ltv is
 * log-normal with the same linear predictor added to its log. With --null
 * nothing is planted. The only randomness is a splitmix64 stream seeded
 * from --seed, so the same arguments always give the same bytes.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rng {
  uint64_t s;
};

static uint64_t next(struct rng *r)
{
  uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static double unit(struct rng *r)
{
  return (double)(next(r) >> 11) * 0x1.0p-53;
}

static unsigned below(struct rng *r, unsigned n)
{
  return (unsigned)(((next(r) >> 32) * (uint64_t)n) >> 32);
}

static double normal(struct rng *r)
{
  double u1 = unit(r), u2 = unit(r);
  if(u1 < 1e-300)
    u1 = 1e-300;
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

static int gap(struct rng *r)
{
  return unit(r) < 0.08;
}

static const char *const industries[] = { "Software", "Financial Services",
  "Healthcare", "Manufacturing", "Retail", "Education", "Media",
  "Logistics" };
static const char *const countries[] = { "US", "GB", "DE", "FR", "CA",
                                         "NL", "AU", "IN" };
static const char *const ownerships[] = { "private", "public", "nonprofit",
                                          "government" };
static const char *const stages[] = { "none", "seed", "series_a",
                                      "series_b", "series_c", "ipo" };
static const char *const techs[] = { "Snowflake", "Amazon Web Services",
  "Salesforce", "HubSpot", "Google Analytics", "Stripe", "Zendesk",
  "Slack", "Datadog", "Okta", "Segment", "Intercom" };
static const char *const segments[] = { "smb", "mid", "ent", "strategic" };

static long arg_long(const char *s, long lo, long hi)
{
  char *end;
  long v = strtol(s, &end, 10);
  if(!*s || *end || v < lo || v > hi) {
    fprintf(stderr, "gen_outcomes: bad number '%s'\n", s);
    exit(2);
  }
  return v;
}

int main(int argc, char **argv)
{
  long count = 5000, noise = 0, i, k;
  uint64_t seed = 42;
  int null = 0, a;
  struct rng r;
  for(a = 1; a < argc; a++) {
    if(!strcmp(argv[a], "--count") && a + 1 < argc)
      count = arg_long(argv[++a], 1, 100000000L);
    else if(!strcmp(argv[a], "--seed") && a + 1 < argc)
      seed = (uint64_t)arg_long(argv[++a], 0, 2147483647L);
    else if(!strcmp(argv[a], "--noise") && a + 1 < argc)
      noise = arg_long(argv[++a], 0, 1000);
    else if(!strcmp(argv[a], "--null"))
      null = 1;
    else {
      fputs("usage: gen_outcomes [--count N] [--seed S] [--noise K] "
            "[--null]\n", stderr);
      return 2;
    }
  }
  r.s = seed;
  fputs("domain,industry,employees,revenue_usd,country,ownership,"
        "funding_stage,founded_year,last_funding_date,tech,open_jobs,"
        "segment", stdout);
  for(k = 1; k <= noise; k++)
    printf(",noise_%ld", k);
  fputs(",won,ltv\n", stdout);
  for(i = 0; i < count; i++) {
    unsigned ind = below(&r, 8), own = below(&r, 4), nt, t;
    double emp = floor(exp(3.5 + 1.6 * normal(&r))) + 1;
    double eta = -0.6, p;
    int has_snow = 0, m_ind = gap(&r), m_emp = gap(&r), m_own = gap(&r);
    int m_tech = gap(&r), won;
    int y = 1990 + (int)below(&r, 35);
    printf("acct%ld.example.com,", i);
    printf("%s,", m_ind ? "" : industries[ind]);
    if(m_emp)
      fputs(",", stdout);
    else
      printf("%.0f,", emp);
    if(gap(&r))
      fputs(",", stdout);
    else
      printf("%.0f,", floor(exp(14 + 1.5 * normal(&r))));
    printf("%s,", gap(&r) ? "" : countries[below(&r, 8)]);
    printf("%s,", m_own ? "" : ownerships[own]);
    printf("%s,", gap(&r) ? "" : stages[below(&r, 6)]);
    if(gap(&r))
      fputs(",", stdout);
    else
      printf("%d,", y);
    if(gap(&r))
      fputs(",", stdout);
    else
      printf("20%02u-%02u-%02u,", 18 + below(&r, 8), 1 + below(&r, 12),
             1 + below(&r, 28));
    nt = 1 + below(&r, 5);
    if(!m_tech) {
      unsigned used = 0;
      for(t = 0; t < nt; t++) {
        unsigned e = below(&r, 12);
        if(used & (1u << e))
          continue;
        printf("%s%s", used ? ";" : "", techs[e]);
        used |= 1u << e;
        has_snow |= e == 0;
      }
    }
    fputs(",", stdout);
    if(gap(&r))
      fputs(",", stdout);
    else
      printf("%u,", below(&r, 40));
    printf("%s", gap(&r) ? "" : segments[below(&r, 4)]);
    for(k = 1; k <= noise; k++)
      printf(",%s", gap(&r) ? "" : segments[below(&r, 4)]);
    if(!null) {
      if(!m_ind && ind == 0)
        eta += 1.0;
      if(!m_ind && ind == 4)
        eta -= 2.5;
      if(has_snow)
        eta += 0.8;
      if(!m_emp && emp >= 200 && emp <= 2000)
        eta += 0.6;
      if(!m_own && own == 1)
        eta -= 1.0;
    }
    p = 1 / (1 + exp(-eta));
    won = unit(&r) < p;
    printf(",%s,%.2f\n", won ? "won" : "lost",
           exp(9 + (null ? 0 : eta) + 0.8 * normal(&r)));
  }
  return ferror(stdout) ? 1 : 0;
}
