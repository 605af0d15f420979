/* test_typing.c -- the one typing policy of undeclared columns
 * (core/data/typing.c) that score, discover and validate share. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "data/typing.h"
#include "data/value.h"

static enum icp_type infer(const char *s, struct icp_value *v)
{
  return icp_type_infer(s, strlen(s), v);
}

Test(typing, a_cell_infers_number_then_bool_then_date_else_string)
{
  struct icp_value v;
  cr_assert_eq(infer(" 12.5 ", &v), ICP_T_NUMBER);
  cr_assert_float_eq(v.u.num, 12.5, 1e-12);
  cr_assert_eq(infer("1", &v), ICP_T_NUMBER, "1 is a number, not a bool");
  cr_assert_eq(infer("Yes", &v), ICP_T_BOOL);
  cr_assert_eq(v.u.b, 1);
  cr_assert_eq(infer("2021-03-15", &v), ICP_T_DATE);
  cr_assert_eq(v.u.day, icp_days_from_civil(2021, 3, 15));
  cr_assert_eq(infer("2021-03-15T23:30:00Z", &v), ICP_T_DATE,
               "a timestamp is a date, as score reads it");
  cr_assert_eq(v.u.day, icp_days_from_civil(2021, 3, 15));
  cr_assert_eq(infer("$5M", &v), ICP_T_STRING,
               "money only in declared number fields");
  cr_assert_eq(v.n, 3);
  cr_assert_eq(infer("   ", &v), ICP_T_MISSING);
}

Test(typing, a_column_takes_the_type_of_98_percent_of_its_cells)
{
  struct icp_type_counts c;
  memset(&c, 0, sizeof(c));
  cr_assert_eq(icp_type_column(&c), ICP_T_MISSING);
  c.cells = 100;
  c.num = 98;
  cr_assert_eq(icp_type_column(&c), ICP_T_NUMBER);
  c.num = 97;
  cr_assert_eq(icp_type_column(&c), ICP_T_STRING);
  c.date = 99;
  cr_assert_eq(icp_type_column(&c), ICP_T_DATE);
  c.bool_ = 100;
  cr_assert_eq(icp_type_column(&c), ICP_T_BOOL, "bool before date");
  c.list = 98;
  cr_assert_eq(icp_type_column(&c), ICP_T_LIST, "list first");
}

Test(typing, a_typed_value_reads_as_a_number_or_a_day)
{
  struct icp_value v;
  double x;
  int32_t day;
  memset(&v, 0, sizeof(v));
  cr_assert(!icp_value_number(&v, &x), "missing");
  cr_assert(!icp_value_day(&v, &day), "missing");
  v.type = ICP_T_STRING;
  v.u.str = "2017-03-01T10:00:00+05:00";
  v.n = (uint32_t)strlen(v.u.str);
  cr_assert(icp_value_day(&v, &day));
  cr_assert_eq(day, icp_days_from_civil(2017, 3, 1), "the date part");
  cr_assert(!icp_value_number(&v, &x));
  v.u.str = "42";
  v.n = 2;
  cr_assert(icp_value_number(&v, &x));
  cr_assert_float_eq(x, 42, 1e-12);
  v.type = ICP_T_BOOL;
  v.u.b = 1;
  cr_assert(!icp_value_number(&v, &x), "a bool is no number");
  v.type = ICP_T_DATE;
  v.u.day = 7;
  cr_assert(icp_value_day(&v, &day) && day == 7);
}
