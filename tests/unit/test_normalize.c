/* test_normalize.c -- provider values to canonical values. */
#include <criterion/criterion.h>
#include <string.h>

#include "data/normalize.h"
#include "data/value.h"
#include "data/schema.h"
#include <stdio.h>

static double range(const char *s, enum icp_norm_kind want)
{
  double v = -1;
  cr_assert_eq(icp_norm_range(s, strlen(s), &v), want, "kind of '%s'", s);
  return v;
}

static const char *country(const char *s)
{
  static char out[3];
  if(!icp_norm_country(s, strlen(s), out))
    return "";
  return out;
}

static const char *date(const char *s)
{
  static char out[11];
  int32_t day;
  if(!icp_norm_date(s, strlen(s), &day))
    return "";
  icp_format_date(day, out);
  return out;
}

Test(normalize, domain_from_url_and_email)
{
  char out[256];
  cr_assert_eq(icp_norm_domain("https://WWW.Acme.io/about?x=1", 29, out,
                               sizeof(out)), 7);
  cr_assert_str_eq(out, "acme.io");
  cr_assert(icp_norm_domain("Jane Doe <jane@sub.Acme.io>", 27, out,
                            sizeof(out)));
  cr_assert_str_eq(out, "sub.acme.io");
  cr_assert_eq(icp_norm_domain("not a domain", 12, out, sizeof(out)), 0);
}

Test(normalize, employee_ranges_map_to_their_midpoint)
{
  cr_assert_float_eq(range("51-200", ICP_NORM_RANGE), 125.5, 1e-9);
  cr_assert_float_eq(range("1-10 employees", ICP_NORM_RANGE), 5.5, 1e-9);
  cr_assert_float_eq(range("10001+", ICP_NORM_RANGE), 10001, 1e-9);
  cr_assert_float_eq(range("1,001-5,000", ICP_NORM_RANGE), 3000.5, 1e-9);
  cr_assert_float_eq(range("1K-5K", ICP_NORM_RANGE), 3000, 1e-9);
  cr_assert_float_eq(range("10K+", ICP_NORM_RANGE), 10000, 1e-9);
  cr_assert_float_eq(range("51 \xe2\x80\x93 200", ICP_NORM_RANGE), 125.5,
                     1e-9);
  cr_assert_float_eq(range("51 to 200", ICP_NORM_RANGE), 125.5, 1e-9);
}

Test(normalize, crunchbase_enumerations)
{
  cr_assert_float_eq(range("c_00051_00100", ICP_NORM_RANGE), 75.5, 1e-9);
  cr_assert_float_eq(range("c_10001_max", ICP_NORM_RANGE), 10001, 1e-9);
  range("c_00100_00051", ICP_NORM_NONE);
  range("c_abc", ICP_NORM_NONE);
}

Test(normalize, revenue_ranges_with_currency_and_suffixes)
{
  cr_assert_float_eq(range("$10M-$50M", ICP_NORM_RANGE), 30e6, 1);
  cr_assert_float_eq(range("$1B+", ICP_NORM_RANGE), 1e9, 1);
  cr_assert_float_eq(range("$10-50M", ICP_NORM_RANGE), 30e6, 1);
  cr_assert_float_eq(range("<$1M", ICP_NORM_RANGE), 0.5e6, 1);
  cr_assert_float_eq(range("$1mm-$10mm", ICP_NORM_RANGE), 5.5e6, 1);
  cr_assert_float_eq(range("$2.5 billion", ICP_NORM_NUMBER), 2.5e9, 1);
  cr_assert_float_eq(range("250", ICP_NORM_NUMBER), 250, 1e-9);
  cr_assert_float_eq(range("over 5000", ICP_NORM_RANGE), 5000, 1e-9);
}

Test(normalize, garbage_is_not_a_range)
{
  range("", ICP_NORM_NONE);
  range("many", ICP_NORM_NONE);
  range("200-51", ICP_NORM_NONE);
  range("-5", ICP_NORM_NONE);
  range("51-200 apples", ICP_NORM_NONE);
  range("1e400", ICP_NORM_NONE);
  range("nan", ICP_NORM_NONE);
}

Test(normalize, country_names_and_codes)
{
  cr_assert_str_eq(country("United States"), "US");
  cr_assert_str_eq(country("USA"), "US");
  cr_assert_str_eq(country("U.S.A."), "US");
  cr_assert_str_eq(country("us"), "US");
  cr_assert_str_eq(country("UK"), "GB");
  cr_assert_str_eq(country("United Kingdom"), "GB");
  cr_assert_str_eq(country("England"), "GB");
  cr_assert_str_eq(country("DEU"), "DE");
  cr_assert_str_eq(country("Germany"), "DE");
  cr_assert_str_eq(country("the Netherlands"), "NL");
  cr_assert_str_eq(country("C\xc3\xb4te d'Ivoire"), "CI");
  cr_assert_str_eq(country("Bosnia and Herzegovina"), "BA");
  cr_assert_str_eq(country("South Korea"), "KR");
  cr_assert_str_eq(country("  france "), "FR");
  cr_assert_str_eq(country("Zimbabwe"), "ZW");
}

Test(normalize, country_misspellings)
{
  cr_assert_str_eq(country("Untied States"), "US");
  cr_assert_str_eq(country("Unted Kingdom"), "GB");
  cr_assert_str_eq(country("Phillipines"), "PH");
  cr_assert_str_eq(country("Swizerland"), "CH");
  cr_assert_str_eq(country("Brasil"), "BR");
  cr_assert_str_eq(country("Deutschland"), "DE");
}

Test(normalize, unknown_countries_are_refused)
{
  cr_assert_str_eq(country("Atlantis"), "");
  cr_assert_str_eq(country("XX"), "");
  cr_assert_str_eq(country(""), "");
  cr_assert_str_eq(country("Iraw"), ""); /* short: no fuzzy match */
}

Test(normalize, every_table_entry_maps_to_itself)
{
  static const char *codes[] = { "AD", "AX", "BQ", "CW", "GS", "SS", "SX",
                                 "TL", "UM", "VA", "ZA" };
  size_t i;
  for(i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
    cr_assert_str_eq(country(codes[i]), codes[i]);
}

Test(normalize, dates_in_many_forms)
{
  cr_assert_str_eq(date("2021-03-15"), "2021-03-15");
  cr_assert_str_eq(date("2021-03-15T10:20:30Z"), "2021-03-15");
  cr_assert_str_eq(date("2021-03-15T10:20:30.123+00:00"), "2021-03-15");
  cr_assert_str_eq(date("2021-03-15T01:00:00+02:00"), "2021-03-14");
  cr_assert_str_eq(date("2021-03-15T23:30:00-0100"), "2021-03-16");
  cr_assert_str_eq(date("2021-03-15 10:20"), "2021-03-15");
  cr_assert_str_eq(date("2021/03/15"), "2021-03-15");
  cr_assert_str_eq(date("2021-03"), "2021-03-01");
  cr_assert_str_eq(date("2021"), "2021-01-01");
  cr_assert_str_eq(date("1615766400"), "2021-03-15");
  cr_assert_str_eq(date("1615766400000"), "2021-03-15");
}

Test(normalize, bad_dates_are_refused)
{
  cr_assert_str_eq(date("2021-02-30"), "");
  cr_assert_str_eq(date("2021-13"), "");
  cr_assert_str_eq(date("2021-03-15T25:00"), "");
  cr_assert_str_eq(date("2021-03-15Tfoo"), "");
  cr_assert_str_eq(date("yesterday"), "");
  cr_assert_str_eq(date("12345"), "");
  cr_assert_str_eq(date(""), "");
}

Test(normalize, epoch_bounds)
{
  int32_t d;
  cr_assert(icp_norm_epoch(0, &d));
  cr_assert_eq(d, 0);
  cr_assert(icp_norm_epoch(-1, &d));
  cr_assert_eq(d, -1);
  cr_assert_not(icp_norm_epoch(1e300, &d));
}

/* ---- the one value normaliser, one cell at a time ---------------------- */

/* What icp_norm_cell makes of text for a field of type t ("" when it
 * refuses the cell, "-" when the cell is empty): numbers as %.17g, dates
 * as YYYY-MM-DD, bools as true/false, strings as themselves. */
static const char *cell(enum icp_type t, int field, const char *s)
{
  static char out[300];
  struct icp_norm_cell c;
  icp_norm_cell(t, field, s, strlen(s), &c);
  if(c.what)
    return "";
  switch(c.v.type) {
  case ICP_T_NUMBER:
    snprintf(out, sizeof(out), "%.17g%s", c.v.u.num, c.range ? " range" :
             "");
    break;
  case ICP_T_DATE:
    icp_format_date(c.v.u.day, out);
    break;
  case ICP_T_BOOL:
    snprintf(out, sizeof(out), "%s", c.v.u.b ? "true" : "false");
    break;
  case ICP_T_STRING:
  case ICP_T_LIST:
    snprintf(out, sizeof(out), "%.*s", (int)c.v.n, c.v.u.str);
    break;
  default:
    snprintf(out, sizeof(out), "-");
  }
  return out;
}

static const struct {
  int type, field;
  const char *in, *out;
} table[] = {
  /* numbers: money, separators, suffixes, ranges, percentages */
  { ICP_T_NUMBER, -1, "5000000", "5000000" },
  { ICP_T_NUMBER, -1, "  42 ", "42" },
  { ICP_T_NUMBER, -1, "$5,000,000", "5000000" },
  { ICP_T_NUMBER, -1, "USD 5,000,000", "5000000" },
  { ICP_T_NUMBER, -1, "5,000,000 USD", "5000000" },
  { ICP_T_NUMBER, -1, "$514,405.0", "514405" },
  { ICP_T_NUMBER, -1, "1,200", "1200" },
  { ICP_T_NUMBER, -1, "12k", "12000" },
  { ICP_T_NUMBER, -1, "$1.2M", "1200000" },
  { ICP_T_NUMBER, -1, "3.5B", "3500000000" },
  { ICP_T_NUMBER, -1, "$3.7M", "3700000" },
  { ICP_T_NUMBER, -1, "2.8%", "2.7999999999999998" },
  { ICP_T_NUMBER, -1, "51-200", "125.5 range" },
  { ICP_T_NUMBER, -1, "$10M-$50M", "30000000 range" },
  { ICP_T_NUMBER, -1, "10,001+", "10001 range" },
  { ICP_T_NUMBER, -1, "-5", "-5" },
  /* ambiguous ones, as documented */
  { ICP_T_NUMBER, -1, "1.234", "1.234" },      /* a decimal point */
  { ICP_T_NUMBER, -1, "1,234", "1234" },       /* a thousands separator */
  { ICP_T_NUMBER, -1, "1,5", "" },             /* neither: refused */
  { ICP_T_NUMBER, -1, "1.234,5", "" },         /* European: refused */
  { ICP_T_NUMBER, -1, "12,34,567", "" },       /* groups of three only */
  { ICP_T_NUMBER, -1, "EUR 5", "" },           /* not converted */
  { ICP_T_NUMBER, -1, "5m", "5000000" },       /* m is million */
  { ICP_T_NUMBER, -1, "NaN", "" },
  { ICP_T_NUMBER, -1, "0x10", "" },
  { ICP_T_NUMBER, -1, "abc", "" },
  { ICP_T_NUMBER, -1, "   ", "-" },
  /* dates */
  { ICP_T_DATE, -1, "2026-10-01", "2026-10-01" },
  { ICP_T_DATE, -1, "2026-10-01T12:00:00Z", "2026-10-01" },
  { ICP_T_DATE, -1, "2026-10-01 12:00:00", "2026-10-01" },
  { ICP_T_DATE, -1, "2026-10-01T08:30:00.000+0000", "2026-10-01" },
  { ICP_T_DATE, -1, "2026-10-01T23:30:00-05:00", "2026-10-02" }, /* UTC */
  { ICP_T_DATE, -1, "10/01/2026", "" },        /* month or day first? */
  /* bools (declared) */
  { ICP_T_BOOL, -1, "Yes", "true" }, { ICP_T_BOOL, -1, "n", "false" },
  { ICP_T_BOOL, -1, "ON", "true" }, { ICP_T_BOOL, -1, "off", "false" },
  { ICP_T_BOOL, -1, "1", "true" }, { ICP_T_BOOL, -1, "FALSE", "false" },
  { ICP_T_BOOL, -1, "maybe", "" },
  /* inferred (undeclared) columns stay strict */
  { ICP_T_ANY, -1, "12", "12" }, { ICP_T_ANY, -1, "yes", "true" },
  { ICP_T_ANY, -1, "2026-10-01T12:00:00Z", "2026-10-01" },
  { ICP_T_ANY, -1, "$1,200", "$1,200" }, { ICP_T_ANY, -1, "Y", "Y" },
  { ICP_T_ANY, -1, " text ", "text" },
  /* countries */
  { ICP_T_STRING, ICP_F_COUNTRY, "United States", "US" },
  { ICP_T_STRING, ICP_F_COUNTRY, "USA", "US" },
  { ICP_T_STRING, ICP_F_COUNTRY, "U.S.", "US" },
  { ICP_T_STRING, ICP_F_COUNTRY, "UK", "GB" },
  { ICP_T_STRING, ICP_F_COUNTRY, "Deutschland", "DE" },
  { ICP_T_STRING, ICP_F_COUNTRY, "DEU", "DE" },
  { ICP_T_STRING, ICP_F_COUNTRY, " fr ", "FR" },
  { ICP_T_STRING, ICP_F_COUNTRY, "Narnia", "" },
  /* account keys (issue 13) */
  { ICP_T_STRING, ICP_F_DOMAIN, "acme.io", "acme.io" },
  { ICP_T_STRING, ICP_F_DOMAIN, "https://www.acme.io/about", "acme.io" },
  { ICP_T_STRING, ICP_F_DOMAIN, "jane@acme.io", "acme.io" },
  { ICP_T_STRING, ICP_F_DOMAIN, "Jane <jane@Sub.Acme.io>", "sub.acme.io" },
  { ICP_T_STRING, ICP_F_DOMAIN, "mailto:jane@acme.io", "acme.io" },
  { ICP_T_STRING, ICP_F_DOMAIN, "https://user:pw@acme.io:8443/x", "acme.io" },
  { ICP_T_STRING, ICP_F_DOMAIN, "ACME.IO.", "acme.io" },
  { ICP_T_STRING, ICP_F_DOMAIN, "www.acme.io/pricing?x=1", "acme.io" },
  { ICP_T_STRING, ICP_F_DOMAIN, "b\xc3\xbc" "cher.de", "xn--bcher-kva.de" },
  { ICP_T_STRING, ICP_F_DOMAIN, "M\xc3\xbcnchen.de", "xn--mnchen-3ya.de" },
  { ICP_T_STRING, ICP_F_DOMAIN, "www.io", "www.io" },
  { ICP_T_STRING, ICP_F_DOMAIN, "https://acme.io/about@team", "acme.io" },
  { ICP_T_STRING, ICP_F_DOMAIN, "evil.invalid@169.254.169.254", "" },
  { ICP_T_STRING, ICP_F_DOMAIN, "a@b@acme.io", "" },
  { ICP_T_STRING, ICP_F_DOMAIN, "@acme.io", "" },
  { ICP_T_STRING, ICP_F_DOMAIN, "123", "" },
  { ICP_T_STRING, ICP_F_DOMAIN, "acme", "" },          /* one label */
  { ICP_T_STRING, ICP_F_DOMAIN, "acme.123", "" },      /* numeric TLD */
  { ICP_T_STRING, ICP_F_DOMAIN, "acme.io1", "acme.io1" },
  { ICP_T_STRING, ICP_F_DOMAIN, "jane doe@acme.io", "" },
  { ICP_T_STRING, ICP_F_DOMAIN, "https://evil.io@beta.io/x", "beta.io" },
  { ICP_T_STRING, ICP_F_DOMAIN, "localhost", "" },
  { ICP_T_STRING, ICP_F_DOMAIN, "foo.localhost", "" },
  { ICP_T_STRING, ICP_F_DOMAIN, "127.0.0.1", "" },
  { ICP_T_STRING, ICP_F_DOMAIN, "0x7f.1", "" },
  { ICP_T_STRING, ICP_F_DOMAIN, "http://[::1]/", "" },
  { ICP_T_STRING, ICP_F_DOMAIN, "foo..bar.io", "" },
  { ICP_T_STRING, ICP_F_DOMAIN, "-acme.io", "" },
  { ICP_T_STRING, ICP_F_DOMAIN, "acme_corp.io", "" },
  { ICP_T_STRING, ICP_F_DOMAIN, "not a domain", "" },
  { ICP_T_STRING, ICP_F_DOMAIN, "caf\xe9.io", "" },   /* invalid UTF-8 */
  { ICP_T_STRING, ICP_F_DOMAIN,
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.io",
    "" },                                            /* a 64-byte label */
  { ICP_T_STRING, ICP_F_DOMAIN,
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.io",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.io" },
};

Test(normalize, one_cell_table)
{
  size_t i;
  for(i = 0; i < sizeof(table) / sizeof(table[0]); i++)
    cr_expect_str_eq(cell((enum icp_type)table[i].type, table[i].field,
                          table[i].in), table[i].out, "'%s' (row %zu)",
                     table[i].in, i);
}

Test(normalize, domain_length_limit_is_253_bytes)
{
  char name[300], out[256];
  size_t k = 0;
  while(k + 50 < 254) {     /* labels of 49 letters and a dot */
    memset(name + k, 'a', 49);
    name[k + 49] = '.';
    k += 50;
  }
  memcpy(name + k, "io", 2); /* 252 bytes */
  cr_assert_eq(icp_norm_domain(name, k + 2, out, sizeof(out)), k + 2);
  memcpy(name + k, "iox", 3);
  cr_assert_eq(icp_norm_domain(name, k + 3, out, sizeof(out)), k + 3);
  memcpy(name + k, "ioxy", 4); /* 254 */
  cr_assert_eq(icp_norm_domain(name, k + 4, out, sizeof(out)), 0);
}
