/* test_jsonl.c -- the JSONL reader (DESIGN §3-4, HARDENING 15-17). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/account.h"
#include "data/schema.h"
#include "data/value.h"
#include "io/reader.h"
#include "io/reader_impl.h"
#include "io/jsonl_impl.h"

/* ---- fixture ----------------------------------------------------------- */

struct fx {
  struct icp_schema *s;
  struct icp_account *a;
  struct icp_reader *r;
  FILE *fp;
  struct icp_err err;
  char warn[8][ICP_ERR_MAX + 128];
  int nwarn;
};

static void on_warn(void *ud, const char *msg)
{
  struct fx *f = ud;
  if(f->nwarn < 8)
    snprintf(f->warn[f->nwarn], sizeof(f->warn[0]), "%s", msg);
  f->nwarn++;
}

static void setup_schema(struct fx *f)
{
  memset(f, 0, sizeof(*f));
  f->s = icp_schema_new();
  cr_assert(f->s);
  f->a = icp_account_new(f->s);
  cr_assert(f->a);
}

static void open_len(struct fx *f, const char *data, size_t n)
{
  enum icp_status st;
  f->fp = fmemopen((void *)data, n, "r");
  cr_assert(f->fp);
  st = icp_reader_open_stream(&f->r, f->fp, "t.jsonl", NULL, f->s,
                              &f->err);
  cr_assert_eq(st, ICP_OK, "open: %s", f->err.msg);
  icp_reader_set_warn(f->r, on_warn, f);
}

static void open_ok(struct fx *f, const char *data)
{
  setup_schema(f);
  open_len(f, data, strlen(data));
}

static void done(struct fx *f)
{
  icp_reader_close(f->r);
  fclose(f->fp);
  icp_account_free(f->a);
  icp_schema_free(f->s);
}

static enum icp_status next(struct fx *f)
{
  return icp_reader_next(f->r, f->a, &f->err);
}

static void next_ok(struct fx *f, long line)
{
  enum icp_status st = next(f);
  cr_assert_eq(st, ICP_OK, "next: %d %s", st, f->err.msg);
  cr_assert_eq(f->a->line, line, "line %ld, expected %ld", f->a->line,
               line);
}

static void next_bad(struct fx *f, const char *msg)
{
  enum icp_status st = next(f);
  cr_assert_eq(st, ICP_ESKIP, "status %d (%s)", st, f->err.msg);
  cr_assert_str_eq(f->err.msg, msg);
}

static const struct icp_value *get(struct fx *f, const char *name)
{
  int id = icp_schema_find(f->s, name, strlen(name));
  return icp_account_get(f->a, id);
}

static void expect_str(struct fx *f, const char *name, const char *want)
{
  const struct icp_value *v = get(f, name);
  cr_assert_eq(v->type, ICP_T_STRING, "%s: type %d", name, v->type);
  cr_assert_eq(v->n, strlen(want), "%s: '%s'", name, v->u.str);
  cr_assert(!memcmp(v->u.str, want, v->n), "%s: '%s' != '%s'", name,
            v->u.str, want);
}

static void expect_num(struct fx *f, const char *name, double want)
{
  const struct icp_value *v = get(f, name);
  cr_assert_eq(v->type, ICP_T_NUMBER, "%s: type %d", name, v->type);
  cr_assert_eq(v->u.num, want, "%s: %.17g != %.17g", name, v->u.num, want);
}

static void expect_missing(struct fx *f, const char *name)
{
  cr_assert_eq(get(f, name)->type, ICP_T_MISSING, "%s is set", name);
}

static void expect_list(struct fx *f, const char *name, int n,
                        const char *const *items)
{
  const struct icp_value *v = get(f, name);
  int i;
  cr_assert_eq(v->type, ICP_T_LIST, "%s: type %d", name, v->type);
  cr_assert_eq(v->n, (uint32_t)n, "%s: %u items", name, v->n);
  for(i = 0; i < n; i++) {
    cr_assert_eq(v->u.list[i].n, strlen(items[i]));
    cr_assert(!memcmp(v->u.list[i].p, items[i], v->u.list[i].n),
              "item %d", i);
  }
}

/* ---- lines ------------------------------------------------------------- */

Test(jsonl, reads_objects_with_their_lines)
{
  struct fx f;
  open_ok(&f, "{\"domain\":\"alpha.io\"}\n\n  \r\n{\"domain\":\"beta.io\"}\r\n"
              "{\"domain\":\"gamma.io\"}");
  next_ok(&f, 1);
  cr_assert_str_eq(f.a->file, "t.jsonl");
  expect_str(&f, "domain", "alpha.io");
  next_ok(&f, 4);
  expect_str(&f, "domain", "beta.io");
  next_ok(&f, 5);
  cr_assert_eq(next(&f), ICP_EOF);
  cr_assert_eq(next(&f), ICP_EOF);
  done(&f);
}

Test(jsonl, trailing_garbage_after_the_object_is_a_bad_record)
{
  struct fx f;
  open_ok(&f, "{\"a\":1} xyz\n{\"a\":1}{\"a\":2}\n{\"a\":3}  \n");
  next_bad(&f, "t.jsonl:1: invalid JSON at column 9");
  cr_assert_eq(f.a->line, 1);
  cr_assert_eq(next(&f), ICP_ESKIP);
  next_ok(&f, 3);
  expect_num(&f, "a", 3);
  done(&f);
}

Test(jsonl, non_object_lines_are_bad_records)
{
  struct fx f;
  open_ok(&f, "[1,2]\n\"x\"\n42\n{\"a\":1}\n");
  next_bad(&f, "t.jsonl:1: not a JSON object");
  next_bad(&f, "t.jsonl:2: not a JSON object");
  next_bad(&f, "t.jsonl:3: not a JSON object");
  next_ok(&f, 4);
  done(&f);
}

Test(jsonl, nesting_of_depth_100_is_a_bad_record)
{
  char line[1024];
  size_t k = 0;
  int i;
  struct fx f;
  for(i = 0; i < 99; i++)
    k += (size_t)snprintf(line + k, sizeof(line) - k, "{\"a\":");
  k += (size_t)snprintf(line + k, sizeof(line) - k, "[1]");
  for(i = 0; i < 99; i++)
    line[k++] = '}';
  memcpy(line + k, "\n{\"b\":1}\n", 10);
  open_ok(&f, line);
  next_bad(&f, "t.jsonl:1: nested deeper than 64 levels");
  next_ok(&f, 2);
  done(&f);
}

Test(jsonl, nesting_of_depth_64_is_read_and_flattened)
{
  char line[1024], key[256];
  size_t k = 0, kk = 0;
  int i;
  struct fx f;
  for(i = 0; i < 63; i++) {
    k += (size_t)snprintf(line + k, sizeof(line) - k, "{\"k\":");
    kk += (size_t)snprintf(key + kk, sizeof(key) - kk, "%sk", i ? "." : "");
  }
  k += (size_t)snprintf(line + k, sizeof(line) - k, "{\"z\":7");
  for(i = 0; i < 64; i++)
    line[k++] = '}';
  line[k] = 0;
  snprintf(key + kk, sizeof(key) - kk, ".z");
  open_ok(&f, line);
  next_ok(&f, 1);
  expect_num(&f, key, 7);
  done(&f);
}

Test(jsonl, brackets_inside_strings_do_not_count_as_nesting)
{
  char line[256];
  struct fx f;
  memset(line, '[', 200);
  memcpy(line, "{\"a\":\"", 6);
  memcpy(line + 200, "\\\"\"}\n", 6);
  open_ok(&f, line);
  next_ok(&f, 1);
  cr_assert_eq(get(&f, "a")->n, 195);
  done(&f);
}

Test(jsonl, duplicate_keys_are_bad_records)
{
  struct fx f;
  open_ok(&f, "{\"domain\":\"a.io\",\"domain\":\"b.io\"}\n"
              "{\"c\":{\"x\":1,\"x\":null}}\n"
              "{\"c.x\":1,\"c\":{\"x\":2}}\n"
              "{\"c\":{\"x\":1},\"d\":{\"x\":1}}\n");
  next_bad(&f, "t.jsonl:1: duplicate key 'domain'");
  next_bad(&f, "t.jsonl:2: duplicate key 'x'");
  next_bad(&f, "t.jsonl:3: duplicate key 'c.x'");
  next_ok(&f, 4);
  expect_num(&f, "c.x", 1);
  expect_num(&f, "d.x", 1);
  done(&f);
}

Test(jsonl, escaped_nul_in_a_string_is_a_bad_record)
{
  struct fx f;
  open_ok(&f, "{\"domain\":\"be\\u0000ta.io\"}\n"
              "{\"name\":\"back\\\\u0000slash\"}\n");
  next_bad(&f, "t.jsonl:1: string holds U+0000");
  next_ok(&f, 2);
  expect_str(&f, "name", "back\\u0000slash");
  done(&f);
}

Test(jsonl, raw_nul_byte_is_a_bad_record)
{
  static const char data[] = "{\"a\":\"x\0y\"}\n{\"a\":1}\n";
  struct fx f;
  setup_schema(&f);
  open_len(&f, data, sizeof(data) - 1);
  next_bad(&f, "t.jsonl:1: NUL byte");
  next_ok(&f, 2);
  done(&f);
}

Test(jsonl, invalid_utf8_in_a_value_is_written_as_replacement_characters)
{
  struct fx f;
  open_ok(&f, "{\"name\":\"caf\xe9\"}\n{\"name\":\"\xed\xa0\x80\"}\n"
              "{\"name\":\"Z\xc3\xbcrich \\ud83d\\ude00\"}\n"
              "{\"name\":\"\\ud800\"}\n{\"caf\xe9\":1}\n");
  next_ok(&f, 1);
  expect_str(&f, "name", "caf\xef\xbf\xbd");
  next_ok(&f, 2); /* a surrogate: three bad bytes */
  expect_str(&f, "name", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  next_ok(&f, 3);
  expect_str(&f, "name", "Z\xc3\xbcrich \xf0\x9f\x98\x80");
  cr_assert_eq(next(&f), ICP_ESKIP); /* lone surrogate: cJSON refuses */
  next_bad(&f, "t.jsonl:5: a key is not valid UTF-8");
  done(&f);
}

Test(jsonl, line_over_1_mib_is_skipped_without_buffering_it)
{
  size_t big = 5u << 20, n = big + 64, k;
  char *d = malloc(n);
  struct fx f;
  k = (size_t)snprintf(d, n, "{\"a\":1}\n{\"name\":\"");
  memset(d + k, 'x', big);
  k += big;
  k += (size_t)snprintf(d + k, n - k, "\"}\n{\"a\":3}\n");
  setup_schema(&f);
  open_len(&f, d, k);
  next_ok(&f, 1);
  next_bad(&f, "t.jsonl:2: line longer than 1 MiB");
  next_ok(&f, 3);
  expect_num(&f, "a", 3);
  cr_assert_eq(next(&f), ICP_EOF);
  done(&f);
  free(d);
}

Test(jsonl, many_lines_across_refills_are_intact)
{
  size_t n = 8u << 20, k = 0;
  char *d = malloc(n);
  long i, rows = 100000;
  struct fx f;
  for(i = 0; i < rows; i++)
    k += (size_t)snprintf(d + k, n - k,
                          "{\"domain\":\"d%ld.io\",\"employees\":%ld,"
                          "\"tech\":[\"Go\",\"C\"]}\n", i, i);
  setup_schema(&f);
  open_len(&f, d, k);
  for(i = 0; i < rows; i++) {
    next_ok(&f, i + 1);
    expect_num(&f, "employees", (double)i);
  }
  cr_assert_eq(next(&f), ICP_EOF);
  done(&f);
  free(d);
}

Test(jsonl, more_than_4096_distinct_keys_is_a_bad_record)
{
  size_t n = 5000 * 16, k = 0;
  char *d = malloc(n);
  int i;
  struct fx f;
  d[k++] = '{';
  for(i = 0; i < 4200; i++)
    k += (size_t)snprintf(d + k, n - k, "%s\"k%d\":1", i ? "," : "", i);
  k += (size_t)snprintf(d + k, n - k, "}\n{\"a\":1}\n");
  setup_schema(&f);
  open_len(&f, d, k);
  cr_assert_eq(next(&f), ICP_ESKIP);
  cr_assert(strstr(f.err.msg, "t.jsonl:1: more than 4096"), "%s",
            f.err.msg);
  cr_assert_eq(next(&f), ICP_OK);
  done(&f);
  free(d);
}

/* ---- values ------------------------------------------------------------ */

Test(jsonl, values_take_their_schema_types)
{
  struct fx f;
  static const char *const tech[] = { "Go", "42", "true", "1.5" };
  open_ok(&f, "{\"domain\":\"HTTPS://WWW.Alpha.io/\",\"employees\":250,"
              "\"name\":\"Alpha\",\"tech\":[\"Go\",42,true,null,\"\",1.5],"
              "\"updated_at\":\"2024-05-01\",\"country\":null}\n");
  next_ok(&f, 1);
  expect_str(&f, "domain", "alpha.io");
  expect_num(&f, "employees", 250);
  expect_str(&f, "name", "Alpha");
  expect_list(&f, "tech", 4, tech);
  cr_assert_eq(get(&f, "updated_at")->type, ICP_T_DATE);
  cr_assert_eq(get(&f, "updated_at")->u.day,
               icp_days_from_civil(2024, 5, 1));
  expect_missing(&f, "country");
  cr_assert_eq(f.nwarn, 0);
  done(&f);
}

Test(jsonl, numeric_strings_are_numbers_for_number_fields)
{
  struct fx f;
  open_ok(&f, "{\"employees\":\"250\",\"revenue_usd\":\"1.5e3\","
              "\"open_jobs\":\" 7 \"}\n");
  next_ok(&f, 1);
  expect_num(&f, "employees", 250);
  expect_num(&f, "revenue_usd", 1500);
  expect_num(&f, "open_jobs", 7);
  done(&f);
}

Test(jsonl, nan_text_and_bad_numbers_are_warnings)
{
  struct fx f;
  open_ok(&f, "{\"domain\":\"a.io\",\"employees\":\"NaN\","
              "\"revenue_usd\":\"Infinity\",\"open_jobs\":\"0x10\","
              "\"founded_year\":\"\"}\n{\"employees\":NaN}\n");
  next_ok(&f, 1);
  expect_str(&f, "domain", "a.io");
  expect_missing(&f, "employees");
  expect_missing(&f, "revenue_usd");
  expect_missing(&f, "open_jobs");
  expect_missing(&f, "founded_year");
  cr_assert_eq(f.nwarn, 3);
  cr_assert_str_eq(f.warn[0],
                   "t.jsonl:1: column 'employees': 'NaN' is not a number");
  cr_assert_eq(next(&f), ICP_ESKIP); /* bare NaN is not JSON */
  done(&f);
}

Test(jsonl, number_out_of_range_is_a_warning_and_the_field_is_missing)
{
  struct fx f;
  open_ok(&f, "{\"domain\":\"a.io\",\"employees\":1e400,\"x\":-1e999,"
              "\"tech\":[1e400]}\n");
  next_ok(&f, 1);
  expect_str(&f, "domain", "a.io");
  expect_missing(&f, "employees");
  expect_missing(&f, "x");
  expect_missing(&f, "tech");
  cr_assert_eq(f.nwarn, 3);
  cr_assert_str_eq(f.warn[0],
                   "t.jsonl:1: column 'employees': number out of range");
  done(&f);
}

Test(jsonl, undeclared_keys_are_inferred)
{
  struct fx f;
  static const char *const tags[] = { "a", "b" };
  open_ok(&f, "{\"n\":3.25,\"s\":\"42\",\"b\":true,\"t\":\"no\","
              "\"d\":\"2023-01-05\",\"w\":\"hello\",\"tags\":[\"a\",\"b\"],"
              "\"semi\":\"a;b\"}\n");
  next_ok(&f, 1);
  expect_num(&f, "n", 3.25);
  expect_num(&f, "s", 42);
  cr_assert_eq(get(&f, "b")->type, ICP_T_BOOL);
  cr_assert_eq(get(&f, "b")->u.b, 1);
  cr_assert_eq(get(&f, "t")->type, ICP_T_BOOL);
  cr_assert_eq(get(&f, "t")->u.b, 0);
  cr_assert_eq(get(&f, "d")->type, ICP_T_DATE);
  expect_str(&f, "w", "hello");
  expect_list(&f, "tags", 2, tags);
  expect_str(&f, "semi", "a;b");
  done(&f);
}

Test(jsonl, declared_types_are_used)
{
  struct fx f;
  static const char *const tags[] = { "a", "b" };
  setup_schema(&f);
  cr_assert_eq(icp_schema_declare(f.s, "tags", ICP_T_LIST, &f.err), ICP_OK);
  cr_assert_eq(icp_schema_declare(f.s, "demo", ICP_T_BOOL, &f.err), ICP_OK);
  cr_assert_eq(icp_schema_declare(f.s, "code", ICP_T_STRING, &f.err),
               ICP_OK);
  cr_assert_eq(icp_schema_declare(f.s, "seen", ICP_T_DATE, &f.err), ICP_OK);
  open_len(&f, "{\"tags\":\"a; b\",\"demo\":\"yes\",\"code\":0.1,"
               "\"seen\":20240101}\n{\"demo\":1,\"code\":false,"
               "\"tags\":7}\n", 101);
  next_ok(&f, 1);
  expect_list(&f, "tags", 2, tags);
  cr_assert_eq(get(&f, "demo")->type, ICP_T_BOOL);
  expect_str(&f, "code", "0.1");
  expect_missing(&f, "seen");
  cr_assert_eq(f.nwarn, 1);
  cr_assert_str_eq(f.warn[0],
                   "t.jsonl:1: column 'seen': 20240101 is not a date");
  next_ok(&f, 2);
  expect_missing(&f, "demo");
  expect_str(&f, "code", "false");
  expect_missing(&f, "tags");
  cr_assert_eq(f.nwarn, 3);
  done(&f);
}

Test(jsonl, numbers_for_string_fields_keep_their_shortest_form)
{
  struct fx f;
  open_ok(&f, "{\"name\":9007199254740993,\"city\":1e21,"
              "\"region\":0.30000000000000004,\"sub_industry\":true}\n");
  next_ok(&f, 1);
  expect_str(&f, "name", "9007199254740992");
  expect_str(&f, "city", "1e+21");
  expect_str(&f, "region", "0.30000000000000004");
  expect_str(&f, "sub_industry", "true");
  done(&f);
}

Test(jsonl, huge_numbers_are_formatted_without_overflow)
{
  struct fx f;
  static const char *const tech[] = { "1.111111111111111e+44", "-1e+300" };
  open_ok(&f, "{\"name\":1.111111111111111e44,"
              "\"tech\":[1.111111111111111e44,-1e300],"
              "\"employees\":1e300}\n");
  next_ok(&f, 1);
  expect_str(&f, "name", "1.111111111111111e+44");
  expect_list(&f, "tech", 2, tech);
  expect_num(&f, "employees", 1e300);
  done(&f);
}

/* Records after the first reuse its keys (the shape) without the
 * duplicate table: keys in another order, missing keys, a key repeated
 * after the shape's keys, and a key that was a value and is an object. */
Test(jsonl, duplicate_keys_are_found_after_records_of_the_same_keys)
{
  struct fx f;
  open_ok(&f, "{\"domain\":\"a.io\",\"name\":\"A\",\"employees\":5,"
              "\"hq\":\"Oslo\"}\n"
              "{\"domain\":\"b.io\",\"employees\":6}\n"
              "{\"domain\":\"c.io\",\"name\":\"C\",\"domain\":\"x.io\"}\n"
              "{\"employees\":7,\"domain\":\"d.io\",\"name\":\"D\"}\n"
              "{\"domain\":\"e.io\",\"name\":\"E\",\"employees\":8,"
              "\"name\":\"F\"}\n"
              "{\"employees\":9,\"employees\":9}\n"
              "{\"domain\":\"g.io\",\"hq\":{\"x\":1},\"hq.x\":2}\n"
              "{\"domain\":\"h.io\",\"name\":\"H\",\"employees\":10}\n"
              "{\"domain\":\"i.io\",\"names\":\"I\",\"employees\":11}\n"
              "{\"domain\":\"j.io\",\"na\\u006de\":\"J\",\"name\":\"K\"}\n");
  next_ok(&f, 1);
  expect_str(&f, "domain", "a.io");
  expect_num(&f, "employees", 5);
  next_ok(&f, 2);
  expect_str(&f, "domain", "b.io");
  expect_missing(&f, "name");
  expect_num(&f, "employees", 6);
  next_bad(&f, "t.jsonl:3: duplicate key 'domain'");
  next_ok(&f, 4);
  expect_str(&f, "domain", "d.io");
  expect_str(&f, "name", "D");
  expect_num(&f, "employees", 7);
  next_bad(&f, "t.jsonl:5: duplicate key 'name'");
  next_bad(&f, "t.jsonl:6: duplicate key 'employees'");
  next_bad(&f, "t.jsonl:7: duplicate key 'hq.x'");
  next_ok(&f, 8);
  expect_str(&f, "domain", "h.io");
  expect_str(&f, "name", "H");
  expect_num(&f, "employees", 10);
  next_ok(&f, 9); /* a key that starts like one of the shape */
  expect_str(&f, "names", "I");
  expect_missing(&f, "name");
  next_bad(&f, "t.jsonl:10: duplicate key 'name'"); /* escaped, the same */
  done(&f);
}

Test(jsonl, nested_objects_flatten_to_dotted_keys)
{
  struct fx f;
  open_ok(&f, "{\"company\":{\"size\":5,\"hq\":{\"city\":\"Oslo\"},"
              "\"none\":null,\"empty\":{}},\"domain\":\"a.io\"}\n");
  next_ok(&f, 1);
  expect_num(&f, "company.size", 5);
  expect_str(&f, "company.hq.city", "Oslo");
  cr_assert_lt(icp_schema_find(f.s, "company", 7), 0);
  cr_assert_lt(icp_schema_find(f.s, "company.none", 12), 0);
  done(&f);
}

Test(jsonl, arrays_and_objects_that_do_not_fit_are_warnings)
{
  struct fx f;
  open_ok(&f, "{\"domain\":\"a.io\",\"employees\":[1,2],"
              "\"tech\":[\"a\",[\"b\"]],\"x\":[{\"y\":1}],"
              "\"name\":{\"first\":\"A\"},\"updated_at\":true}\n");
  next_ok(&f, 1);
  expect_str(&f, "domain", "a.io");
  expect_missing(&f, "employees");
  expect_missing(&f, "tech");
  expect_missing(&f, "x");
  expect_missing(&f, "name");
  expect_missing(&f, "updated_at");
  cr_assert_lt(icp_schema_find(f.s, "name.first", 10), 0);
  cr_assert_eq(f.nwarn, 5);
  cr_assert_str_eq(f.warn[0],
                   "t.jsonl:1: column 'employees': an array is not a "
                   "number");
  cr_assert_str_eq(f.warn[3],
                   "t.jsonl:1: column 'name': an object is not a string");
  cr_assert_str_eq(f.warn[4],
                   "t.jsonl:1: column 'updated_at': true is not a date");
  done(&f);
}

Test(jsonl, the_sample_file_reads_without_problems)
{
  struct icp_schema *s = icp_schema_new();
  struct icp_account *a = icp_account_new(s);
  struct icp_reader *r;
  struct icp_err err;
  enum icp_status st;
  long n = 0;
  if(icp_reader_open(&r, "tests/data/accounts.jsonl", NULL, s, &err)) {
    icp_account_free(a);
    icp_schema_free(s);
    cr_skip_test("tests/data/accounts.jsonl not found (run from the root)");
  }
  while((st = icp_reader_next(r, a, &err)) == ICP_OK)
    n++;
  cr_assert_eq(st, ICP_EOF, "%s", err.msg);
  cr_assert_eq(n, 2000);
  icp_reader_close(r);
  icp_account_free(a);
  icp_schema_free(s);
}

/* ---- hostile lines ------------------------------------------------------ */

/* Each line alone: the reason it is refused (the column cJSON, the
 * parser before the scanner, named), or NULL when it is read, with the
 * value of "a" as text then (number fields: their shortest form). */
static const struct hostile {
  const char *line, *why, *a; /* a: a number is read with strtod */
} hostile[] = {
  { "{\"a\":1} xyz", "invalid JSON at column 9", NULL },
  { "{\"a\":1}{\"a\":2}", "invalid JSON at column 8", NULL },
  { "{", "invalid JSON at column 2", NULL },
  { "{\"a\"", "invalid JSON at column 5", NULL },
  { "{\"a\":", "invalid JSON at column 6", NULL },
  { "{\"a\":}", "invalid JSON at column 6", NULL },
  { "{\"a\":1,}", "invalid JSON at column 9", NULL },
  { "{,}", "invalid JSON at column 3", NULL },
  { "{a:1}", "invalid JSON at column 3", NULL },
  { "{\"a\" 1}", "invalid JSON at column 6", NULL },
  { "{\"a\":1 \"b\":2}", "invalid JSON at column 8", NULL },
  { "{\"a\":1;\"b\":2}", "invalid JSON at column 7", NULL },
  { "[\"a\":1}", "invalid JSON at column 5", NULL },
  { "x\"a\":1}", "invalid JSON at column 1", NULL },
  { "{\"a\":\"x\":\"b\":2}", "invalid JSON at column 9", NULL },
  { "{\"a\":[1,]}", "invalid JSON at column 9", NULL },
  { "{\"a\":[,1]}", "invalid JSON at column 7", NULL },
  { "{\"a\":[1 2]}", "invalid JSON at column 9", NULL },
  { "{\"a\":\"x", "invalid JSON at column 7", NULL },
  { "{\"a\":\"x\\", "invalid JSON at column 7", NULL },
  { "{\"a\":\"\\x\"}", "invalid JSON at column 7", NULL },
  { "{\"a\":\"\\u12\"}", "invalid JSON at column 7", NULL },
  { "{\"a\":\"\\udc00\"}", "invalid JSON at column 7", NULL },
  { "{\"a\":\"\\ud800x\"}", "invalid JSON at column 7", NULL },
  { "{\"a\":\"\\ud800\\u0041\"}", "invalid JSON at column 7", NULL },
  { "{\"a\":\"\\u00zz\"}", "invalid JSON at column 7", NULL },
  { "{\"a\":nul}", "invalid JSON at column 6", NULL },
  { "{\"a\":nullx}", "invalid JSON at column 10", NULL },
  { "{\"a\":tru}", "invalid JSON at column 6", NULL },
  { "{\"a\":falsey}", "invalid JSON at column 11", NULL },
  { "{\"a\":-}", "invalid JSON at column 6", NULL },
  { "{\"a\":-x}", "invalid JSON at column 6", NULL },
  { "{\"a\":+1}", "invalid JSON at column 6", NULL },
  { "{\"a\":.5}", "invalid JSON at column 6", NULL },
  { "{\"a\":1.5.3}", "invalid JSON at column 9", NULL },
  { "{\"a\":1e}", "invalid JSON at column 7", NULL },
  { "{\"a\":1e+}", "invalid JSON at column 7", NULL },
  { "{\"a\":--1}", "invalid JSON at column 6", NULL },
  { "{\"a\":0x10}", "invalid JSON at column 7", NULL },
  { "{\"a\":1}}", "invalid JSON at column 8", NULL },
  { "{\"a\":1}]", "invalid JSON at column 8", NULL },
  { "{\"a\":\"x\"  ,  \"b\"", "invalid JSON at column 17", NULL },
  { "{\"a\":1 , }", "invalid JSON at column 11", NULL },
  { "{\"a\":1}  x", "invalid JSON at column 10", NULL },
  { "[1,2]", "not a JSON object", NULL },
  { "\"x\"", "not a JSON object", NULL },
  { "null", "not a JSON object", NULL },
  { "[{\"a\":1,\"a\":2}]", "not a JSON object", NULL },
  { "{\"a\":1,\"a\":2}", "duplicate key 'a'", NULL },
  { "{\"a\":{\"b\":1,\"b\":2}}", "duplicate key 'b'", NULL },
  { "{\"a\":\"\\u0061\",\"\\u0061\":2}", "duplicate key 'a'", NULL },
  { "{\"x\":1,\"a\":{\"b\":1},\"a.b\":2}", "duplicate key 'a.b'", NULL },
  { "{\"a\":[{\"b\":1,\"b\":2}]}", "duplicate key 'b'", NULL },
  { "{\"a\":\"\\u0000\"}", "string holds U+0000", NULL },
  { "{\"a\":[1,\"\\u0000\"]} x", "string holds U+0000", NULL },
  { "{\"a\":1 x \"\\u0000\"}", "string holds U+0000", NULL },
  { "{\"caf\\u00e9\":1,\"b\":\"\xff\"}", NULL, NULL },
  { "{\"a\":01}", NULL, "1" },
  { "{\"a\":1.}", NULL, "1" },
  { "{\"a\":-.5}", NULL, "-0.5" },
  { "{\"a\":1E+2}", NULL, "100" },
  { "{\"a\":-0}", NULL, "-0" },
  { "{\"a\":1.0e-5}", NULL, "1e-05" },
  { "{\"a\":12345678901234567890}", NULL, "12345678901234567890" },
  { "{\"a\":1111111111111111111111111111111111111111111111111111111111111111"
    "1111111}", NULL, "11111111111111111111111111111111111111111111111111"
    "111111111111111111111" },
  { "{\"a\":\x01 \"x\"}", NULL, "x" },
  { "\xef\xbb\xbf{\"a\":\"bom\"}", NULL, "bom" },
  { "{\"a\":\"\\ud83d\\ude00\"}", NULL, "\xf0\x9f\x98\x80" },
  { "{\"a\":\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"}", NULL, "/\b\f\n\r\t\"\\" },
  { "{\"a\":\"tab\tin\"}", NULL, "tab\tin" },
  { "{\"a\" : \"s\" , \"b\" : [ ] , \"c\" : { } }", NULL, "s" },
  { "{\"a\":\"q\"}\f", NULL, "q" },
};

/* Each hostile line as the first of a file (read by the two passes), and
 * after two lines of its keys (for the one pass: the first makes the
 * shape, the second maps its keys). */
static void hostile_lines(int after)
{
  size_t i;
  for(i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
    const struct hostile *h = &hostile[i];
    const char *keys = "{\"a\":\"s\",\"b\":\"s\",\"c\":\"s\"}\n";
    char line[512], want[ICP_ERR_MAX];
    struct fx f;
    enum icp_status st;
    snprintf(line, sizeof(line), "%s%s%s\n{\"a\":\"next\"}\n",
             after ? keys : "", after ? keys : "", h->line);
    open_ok(&f, line);
    if(after) {
      next_ok(&f, 1);
      next_ok(&f, 2);
    }
    st = next(&f);
    if(h->why) {
      snprintf(want, sizeof(want), "t.jsonl:%d: %s", after ? 3 : 1, h->why);
      cr_assert_eq(st, ICP_ESKIP, "line %zu (%s): status %d", i, h->line,
                   st);
      cr_assert_str_eq(f.err.msg, want, "line %zu (%s)", i, h->line);
    }
    else {
      cr_assert_eq(st, ICP_OK, "line %zu (%s): %s", i, h->line, f.err.msg);
      if(h->a) {
        const struct icp_value *v = get(&f, "a");
        if(v->type == ICP_T_NUMBER) /* as strtod reads the text */
          cr_assert(v->u.num == strtod(h->a, NULL) &&
                    !signbit(v->u.num) == !signbit(strtod(h->a, NULL)),
                    "line %zu (%s): a = %.17g, expected %s", i, h->line,
                    v->u.num, h->a);
        else {
          cr_assert_eq(v->type, ICP_T_STRING, "line %zu: type %d", i,
                       v->type);
          cr_assert(v->n == strlen(h->a) && !memcmp(v->u.str, h->a, v->n),
                    "line %zu (%s): a = '%.*s', expected '%s'", i, h->line,
                    (int)v->n, v->u.str, h->a);
        }
      }
    }
    next_ok(&f, after ? 4 : 2); /* the reader goes on */
    expect_str(&f, "a", "next");
    done(&f);
  }
}

Test(jsonl, hostile_lines_are_refused_where_and_why_or_read_as_json)
{
  hostile_lines(0);
}

Test(jsonl, hostile_lines_after_others_are_refused_or_read_the_same)
{
  hostile_lines(1);
}

Test(jsonl, a_raw_cut_ends_after_the_last_newline)
{
  /* the parallel run's raw blocks: a JSONL record ends at its newline
   * (JSON text holds none, escaped or not) */
  static const char d[] = "{\"a\":\"x\\ny\"}\n\n{\"a\":2}\r\n{\"a\":";
  struct fx f;
  const char *e;
  long nl = -1;
  open_ok(&f, "{\"a\":1}\n");
  e = icp_reader_cut(f.r, d, d + sizeof(d) - 1, &nl);
  cr_assert_eq(e, strstr(d, "\r\n") + 2);
  cr_assert_eq(nl, 3);
  cr_assert_null(icp_reader_cut(f.r, d, d + 12, &nl), "inside the first");
  e = icp_reader_cut(f.r, d, d + 13, &nl);
  cr_assert_eq(e, d + 13);
  cr_assert_eq(nl, 1);
  cr_assert_eq(icp_reader_raw(f.r, &(struct icp_raw){ 0 }), 0,
               "a stream it did not open is read by the reader");
  done(&f);
}

Test(jsonl, escaped_list_items_keep_their_own_text)
{
  /* each item unescaped in its own place: they once shared one scratch
   * buffer (the last one won, or freed memory was read); line 1 is read
   * by the two passes, line 3 by the one pass */
  static const char *const want[] = { "Salesforce", "a\"b", "c\\d",
                                      "\xc3\xa9\xc3\xa8", "HubSpot" };
  static const char line[] =
    "{\"domain\":\"b.io\",\"tech\":[\"Sales\\u0066orce\",\"a\\\"b\",\"c\\\\d\","
    "\"\\u00e9\\u00e8\",\"Hub\\u0053pot\"]}\n";
  char text[1024];
  struct fx f;
  snprintf(text, sizeof(text), "%s%s%s", line, line, line);
  open_ok(&f, text);
  next_ok(&f, 1);
  expect_list(&f, "tech", 5, want);
  next_ok(&f, 2);
  next_ok(&f, 3);
  expect_list(&f, "tech", 5, want);
  cr_assert_eq(f.r->jsonl->one_pass, 1);
  done(&f);
}
