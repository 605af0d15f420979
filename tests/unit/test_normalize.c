/* test_normalize.c -- provider values to canonical values. */
#include <criterion/criterion.h>
#include <string.h>

#include "data/normalize.h"
#include "data/value.h"

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
