/* test_csv.c -- the CSV reader (DESIGN §3, HARDENING 22). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data/account.h"
#include "data/schema.h"
#include "data/value.h"
#include "io/reader.h"
#include "io/reader_impl.h"

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

static enum icp_status open_mem(struct fx *f, const char *data, size_t n)
{
  memset(f, 0, sizeof(*f));
  f->s = icp_schema_new();
  cr_assert(f->s);
  f->a = icp_account_new(f->s);
  cr_assert(f->a);
  f->fp = fmemopen((void *)data, n, "r");
  cr_assert(f->fp);
  return icp_reader_open_stream(&f->r, f->fp, "t.csv", NULL, f->s, &f->err);
}

/* Declares types before opening (a pack's fields { }). */
static enum icp_status open_declared(struct fx *f, const char *data,
                                     const char *name, enum icp_type t)
{
  memset(f, 0, sizeof(*f));
  f->s = icp_schema_new();
  cr_assert(f->s);
  cr_assert_eq(icp_schema_declare(f->s, name, t, &f->err), ICP_OK);
  f->a = icp_account_new(f->s);
  f->fp = fmemopen((void *)data, strlen(data), "r");
  cr_assert(f->fp);
  return icp_reader_open_stream(&f->r, f->fp, "t.csv", NULL, f->s, &f->err);
}

static void open_ok(struct fx *f, const char *data)
{
  enum icp_status st = open_mem(f, data, strlen(data));
  cr_assert_eq(st, ICP_OK, "open: %s", f->err.msg);
  icp_reader_set_warn(f->r, on_warn, f);
}

static void done(struct fx *f)
{
  icp_reader_close(f->r);
  if(f->fp)
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
  cr_assert_eq(v->u.num, want, "%s: %g != %g", name, v->u.num, want);
}

static void expect_missing(struct fx *f, const char *name)
{
  cr_assert_eq(get(f, name)->type, ICP_T_MISSING, "%s is set", name);
}

/* ---- structure --------------------------------------------------------- */

Test(csv, reads_header_and_rows_with_their_lines)
{
  struct fx f;
  open_ok(&f, "domain,name\nalpha.io,Alpha\nbeta.io,Beta\n");
  next_ok(&f, 2);
  cr_assert_str_eq(f.a->file, "t.csv");
  expect_str(&f, "domain", "alpha.io");
  expect_str(&f, "name", "Alpha");
  next_ok(&f, 3);
  expect_str(&f, "domain", "beta.io");
  cr_assert_eq(next(&f), ICP_EOF);
  cr_assert_eq(next(&f), ICP_EOF);
  done(&f);
}

Test(csv, utf8_bom_is_stripped_and_header_names_are_trimmed)
{
  struct fx f;
  open_ok(&f, "\xef\xbb\xbf domain , name\t\nalpha.io,Alpha\n");
  cr_assert_geq(icp_schema_find(f.s, "name", 4), 0);
  next_ok(&f, 2);
  expect_str(&f, "domain", "alpha.io");
  expect_str(&f, "name", "Alpha");
  done(&f);
}

Test(csv, crlf_line_endings_are_accepted)
{
  struct fx f;
  open_ok(&f, "domain,name\r\nalpha.io,Alpha\r\n\"beta.io\",\"Be\"\r\n");
  next_ok(&f, 2);
  expect_str(&f, "name", "Alpha");
  next_ok(&f, 3);
  expect_str(&f, "name", "Be");
  cr_assert_eq(next(&f), ICP_EOF);
  done(&f);
}

Test(csv, quoted_fields_hold_commas_and_doubled_quotes)
{
  struct fx f;
  open_ok(&f, "domain,name,city\n"
              "a.io,\"Acme, Inc.\",\"Say \"\"hi\"\"\"\n");
  next_ok(&f, 2);
  expect_str(&f, "name", "Acme, Inc.");
  expect_str(&f, "city", "Say \"hi\"");
  done(&f);
}

Test(csv, embedded_newline_keeps_physical_line_numbers)
{
  struct fx f;
  open_ok(&f, "domain,name\n"
              "a.io,\"two\nlines\"\n"
              "b.io,\"three\r\nlines\nhere\"\n"
              "c.io,c\n");
  next_ok(&f, 2);
  expect_str(&f, "name", "two\nlines");
  next_ok(&f, 4);
  expect_str(&f, "name", "three\r\nlines\nhere");
  next_ok(&f, 7);
  cr_assert_eq(next(&f), ICP_EOF);
  done(&f);
}

Test(csv, wrong_field_count_is_a_bad_record_and_reading_goes_on)
{
  struct fx f;
  open_ok(&f, "domain,name\na.io,A,extra\nb.io\nc.io,C\n");
  cr_assert_eq(next(&f), ICP_ESKIP);
  cr_assert_str_eq(f.err.msg, "t.csv:2: 3 fields, header has 2");
  cr_assert_eq(f.a->line, 2);
  cr_assert_eq(next(&f), ICP_ESKIP);
  cr_assert_str_eq(f.err.msg, "t.csv:3: 1 field, header has 2");
  next_ok(&f, 4);
  expect_str(&f, "domain", "c.io");
  done(&f);
}

Test(csv, unterminated_quote_at_eof_is_a_bad_record)
{
  struct fx f;
  open_ok(&f, "domain,name\na.io,A\nb.io,\"never\nclosed\n");
  next_ok(&f, 2);
  cr_assert_eq(next(&f), ICP_ESKIP);
  cr_assert_str_eq(f.err.msg, "t.csv:3: unterminated quote");
  cr_assert_eq(next(&f), ICP_EOF);
  done(&f);
}

Test(csv, text_after_a_closing_quote_is_a_bad_record)
{
  struct fx f;
  open_ok(&f, "domain,name\na.io,\"A\"x\nb.io,\"B\"\r\nc.io,\"C\"\rz\n");
  cr_assert_eq(next(&f), ICP_ESKIP);
  cr_assert_str_eq(f.err.msg, "t.csv:2: text after a closing quote");
  next_ok(&f, 3);
  expect_str(&f, "name", "B");
  cr_assert_eq(next(&f), ICP_ESKIP);
  cr_assert_eq(f.a->line, 4);
  cr_assert_eq(next(&f), ICP_EOF);
  done(&f);
}

Test(csv, quote_inside_an_unquoted_field_is_literal)
{
  struct fx f;
  open_ok(&f, "domain,name\na.io,5\" disk\n");
  next_ok(&f, 2);
  expect_str(&f, "name", "5\" disk");
  done(&f);
}

Test(csv, blank_lines_are_skipped_and_still_counted)
{
  struct fx f;
  open_ok(&f, "\ndomain,name\n\na.io,A\n\r\n\nb.io,B\n\n");
  next_ok(&f, 4);
  next_ok(&f, 7);
  cr_assert_eq(next(&f), ICP_EOF);
  done(&f);
}

Test(csv, empty_quoted_field_is_missing_but_not_a_blank_line)
{
  struct fx f;
  open_ok(&f, "name\n\"\"\nx\n");
  next_ok(&f, 2);
  expect_missing(&f, "name");
  next_ok(&f, 3);
  done(&f);
}

Test(csv, last_record_without_newline_is_read)
{
  struct fx f;
  open_ok(&f, "domain,name\na.io,A\nb.io,");
  next_ok(&f, 2);
  next_ok(&f, 3);
  expect_str(&f, "domain", "b.io");
  expect_missing(&f, "name");
  cr_assert_eq(next(&f), ICP_EOF);
  done(&f);
}

Test(csv, last_quoted_record_without_newline_is_read)
{
  struct fx f;
  open_ok(&f, "domain,name\na.io,\"A\"\"\"");
  next_ok(&f, 2);
  expect_str(&f, "name", "A\"");
  cr_assert_eq(next(&f), ICP_EOF);
  done(&f);
}

Test(csv, nul_byte_makes_a_bad_record)
{
  static const char data[] = "domain,name\na.io,A\0B\nb.io,B\n";
  struct fx f;
  cr_assert_eq(open_mem(&f, data, sizeof(data) - 1), ICP_OK);
  cr_assert_eq(next(&f), ICP_ESKIP);
  cr_assert_str_eq(f.err.msg, "t.csv:2: NUL byte");
  next_ok(&f, 3);
  done(&f);
}

Test(csv, empty_header_name_fails_open)
{
  struct fx f;
  cr_assert_eq(open_mem(&f, "domain,,name\n", 13), ICP_EINVAL);
  cr_assert_str_eq(f.err.msg, "t.csv:1: column 2 has an empty name");
  cr_assert_null(f.r);
  done(&f);
}

Test(csv, duplicate_header_name_fails_open)
{
  struct fx f;
  const char *d = "domain,name, name\n";
  cr_assert_eq(open_mem(&f, d, strlen(d)), ICP_EINVAL);
  cr_assert_str_eq(f.err.msg,
                   "t.csv:1: duplicate column 'name' (columns 2 and 3)");
  done(&f);
}

Test(csv, empty_input_fails_open)
{
  struct fx f;
  cr_assert_eq(open_mem(&f, "\n", 1), ICP_EINVAL);
  cr_assert(strstr(f.err.msg, "header row is required"), "%s", f.err.msg);
  done(&f);
}

Test(csv, more_than_4096_columns_fails_open)
{
  size_t n = 4097 * 6 + 2, k = 0;
  char *d = malloc(n);
  int i;
  struct fx f;
  for(i = 0; i < 4097; i++)
    k += (size_t)snprintf(d + k, n - k, "%sc%d", i ? "," : "", i);
  d[k++] = '\n';
  cr_assert_eq(open_mem(&f, d, k), ICP_ELIMIT);
  cr_assert_str_eq(f.err.msg, "t.csv:1: 4097 columns, the limit is 4096");
  done(&f);
  free(d);
}

Test(csv, record_over_1_mib_is_skipped_and_the_next_one_is_read)
{
  size_t big = (3u << 20) / 2, n = big + 64, k;
  char *d = malloc(n);
  struct fx f;
  k = (size_t)snprintf(d, n, "domain,name\na.io,\"");
  memset(d + k, 'x', big);
  k += big;
  /* a newline in the quoted part must still be counted */
  d[k - 10] = '\n';
  k += (size_t)snprintf(d + k, n - k, "\"\nb.io,B\n");
  cr_assert_eq(open_mem(&f, d, k), ICP_OK);
  cr_assert_eq(next(&f), ICP_ESKIP);
  cr_assert_str_eq(f.err.msg, "t.csv:2: record longer than 1 MiB");
  next_ok(&f, 4);
  expect_str(&f, "name", "B");
  cr_assert_eq(next(&f), ICP_EOF);
  done(&f);
  free(d);
}

Test(csv, record_just_under_1_mib_is_kept)
{
  size_t big = (1u << 20) - 16, n = big + 64, k;
  char *d = malloc(n);
  struct fx f;
  k = (size_t)snprintf(d, n, "domain,name\na.io,");
  memset(d + k, 'y', big);
  k += big;
  d[k++] = '\n';
  cr_assert_eq(open_mem(&f, d, k), ICP_OK);
  next_ok(&f, 2);
  cr_assert_eq(get(&f, "name")->n, big);
  done(&f);
  free(d);
}

Test(csv, records_straddling_buffer_refills_are_intact)
{
  /* about 12 MiB: several refills land inside quoted fields and escapes */
  size_t n = 16u << 20, k;
  char *d = malloc(n);
  long i, rows = 300000;
  struct fx f;
  k = (size_t)snprintf(d, n, "domain,name,cnt\n");
  for(i = 0; i < rows; i++)
    k += (size_t)snprintf(d + k, n - k,
                          "d%ld.io,\"N \"\"%ld\"\",\nx\",%s%ld%s\r\n", i, i,
                          i % 3 ? "" : "\"", i * 7, i % 3 ? "" : "\"");
  cr_assert_eq(open_mem(&f, d, k), ICP_OK);
  for(i = 0; i < rows; i++) {
    char want[64];
    next_ok(&f, 2 + 2 * i);
    snprintf(want, sizeof(want), "N \"%ld\",\nx", i);
    expect_str(&f, "name", want);
    expect_num(&f, "cnt", (double)(i * 7));
  }
  cr_assert_eq(next(&f), ICP_EOF);
  done(&f);
  free(d);
}

/* A "p.io,xxx...x,1" row of len bytes (at least 9) at d + pos: its end. */
static size_t pad_row(char *d, size_t pos, size_t len)
{
  memcpy(d + pos, "p.io,", 5);
  memset(d + pos + 5, 'x', len - 8);
  memcpy(d + pos + len - 3, ",1\n", 3);
  return pos + len;
}

/* A header, then 900-byte rows while more than 1,800 bytes are left to
 * target: the end, *rows counting them. */
static size_t pad_rows(char *d, size_t n, size_t target, long *rows)
{
  size_t pos = (size_t)snprintf(d, n, "domain,name,q\n");
  for(; target - pos > 1800; (*rows)++)
    pos = pad_row(d, pos, 900);
  return pos;
}

/* Opens d[0..n) and reads its rows padding rows. */
static void open_past_rows(struct fx *f, const char *d, size_t n, long rows)
{
  long i;
  cr_assert_eq(open_mem(f, d, n), ICP_OK);
  for(i = 0; i < rows; i++)
    next_ok(f, 2 + i);
}

Test(csv, every_refill_point_inside_a_tricky_record_is_handled)
{
  static const char tricky[] = "t.io,\"a\"\"b\r\nc\",\"\"\"\"\r\n";
  size_t n = (2u << 20) + 4096;
  char *d = malloc(n);
  int k;
  for(k = 0; k < 40; k++) {
    size_t target = (2u << 20) - 20 + (size_t)k, pos, rest;
    long rows = 0, i;
    struct fx f;
    pos = pad_rows(d, n, target, &rows);
    rest = target - pos;
    for(i = 0; i < 2; i++, rows++)
      pos = pad_row(d, pos, i ? rest - rest / 2 : rest / 2);
    memcpy(d + pos, tricky, sizeof(tricky) - 1);
    pos += sizeof(tricky) - 1;
    pos += (size_t)snprintf(d + pos, n - pos, "z.io,Z,\"\"\n");
    open_past_rows(&f, d, pos, rows);
    next_ok(&f, 2 + rows);
    expect_str(&f, "name", "a\"b\r\nc");
    expect_str(&f, "q", "\"");
    next_ok(&f, 4 + rows);
    expect_str(&f, "name", "Z");
    expect_missing(&f, "q");
    cr_assert_eq(next(&f), ICP_EOF);
    done(&f);
  }
  free(d);
}

Test(csv, a_comma_that_ends_the_data_read_so_far_before_a_quoted_field)
{
  /* unquoted fields are scanned sixty-four bytes at a time, then sixteen:
   * a comma that is the last byte before a refill still leaves the next
   * field's opening quote to the state machine. Here it is the record's
   * 32nd, 64th or 128th byte (the end of a block scanned from the
   * record's start), within two bytes of the end of the reader's first
   * read (ICP_READER_FIRST). */
  static const int names[] = { 26, 58, 122 };
  size_t n = ICP_READER_FIRST + 4096;
  char *d = malloc(n), rec[256], name[128];
  int k, j;
  cr_assert(d);
  for(j = 0; j < 3; j++) {
    int rn;
    memset(name, 'x', (size_t)names[j]);
    name[names[j]] = 0;
    rn = snprintf(rec, sizeof(rec), "u.io,%s,\"Q, \"\"q\"\"\"\n", name);
    cr_assert_eq(rec[5 + names[j]], ',');
    for(k = -2; k <= 2; k++) {
      /* the comma at ICP_READER_FIRST - 1 + k */
      size_t target = ICP_READER_FIRST - 6 - (size_t)names[j] + (size_t)k;
      size_t pos;
      long rows = 0;
      struct fx f;
      pos = pad_rows(d, n, target, &rows);
      pos = pad_row(d, pos, target - pos); /* the last one ends at target */
      rows++;
      memcpy(d + pos, rec, (size_t)rn);
      pos += (size_t)rn;
      open_past_rows(&f, d, pos, rows);
      next_ok(&f, 2 + rows);
      expect_str(&f, "name", name);
      expect_str(&f, "q", "Q, \"q\"");
      cr_assert_eq(next(&f), ICP_EOF);
      done(&f);
    }
  }
  free(d);
}

Test(csv, a_comma_at_every_place_of_a_block_before_a_quoted_field)
{
  /* the comma before the quote falls at each byte of the first three
   * sixty-four-byte blocks of the record, with more data after it */
  char data[64 * 1024], name[200];
  size_t pos;
  int k;
  struct fx f;
  pos = (size_t)snprintf(data, sizeof(data), "domain,name,q\n");
  for(k = 0; k < 200; k++) {
    memset(name, 'a' + k % 26, (size_t)k);
    name[k] = 0;
    pos += (size_t)snprintf(data + pos, sizeof(data) - pos,
                            "d.io,%s,\"x,\"\"%d\"\"\"\n", name, k);
  }
  pos += (size_t)snprintf(data + pos, sizeof(data) - pos, "e.io,E,e\n");
  cr_assert(pos < sizeof(data) - 1);
  open_ok(&f, data);
  for(k = 0; k < 200; k++) {
    char want[32];
    memset(name, 'a' + k % 26, (size_t)k);
    name[k] = 0;
    next_ok(&f, 2 + k);
    if(k)
      expect_str(&f, "name", name);
    else
      expect_missing(&f, "name");
    snprintf(want, sizeof(want), "x,\"%d\"", k);
    expect_str(&f, "q", want);
  }
  next_ok(&f, 202);
  expect_str(&f, "q", "e");
  cr_assert_eq(next(&f), ICP_EOF);
  done(&f);
}

/* ---- opening ----------------------------------------------------------- */

Test(csv, stdin_like_stream_needs_a_format)
{
  struct fx f;
  const char *d = "domain\na.io\n";
  memset(&f, 0, sizeof(f));
  f.s = icp_schema_new();
  f.a = icp_account_new(f.s);
  f.fp = fmemopen((void *)d, strlen(d), "r");
  cr_assert_eq(icp_reader_open_stream(&f.r, f.fp, "<stdin>", NULL, f.s,
                                      &f.err), ICP_EINVAL);
  cr_assert_str_eq(f.err.msg, "<stdin>: cannot tell the format, use "
                   "--format csv|jsonl");
  cr_assert_eq(icp_reader_open_stream(&f.r, f.fp, "<stdin>", "csv", f.s,
                                      &f.err), ICP_OK);
  next_ok(&f, 2);
  cr_assert_str_eq(f.a->file, "<stdin>");
  done(&f);
}

Test(csv, format_is_picked_by_extension)
{
  char dir[] = "/tmp/icp_csvXXXXXX", path[64];
  struct icp_schema *s = icp_schema_new();
  struct icp_account *a = icp_account_new(s);
  struct icp_reader *r;
  struct icp_err err;
  FILE *fp;
  cr_assert(mkdtemp(dir));
  snprintf(path, sizeof(path), "%s/in.CSV", dir);
  fp = fopen(path, "w");
  fputs("domain,employees\nalpha.io,12\n", fp);
  fclose(fp);
  cr_assert_eq(icp_reader_open(&r, path, NULL, s, &err), ICP_OK, "%s",
               err.msg);
  cr_assert_eq(icp_reader_next(r, a, &err), ICP_OK);
  cr_assert_str_eq(a->file, path);
  icp_reader_close(r);
  unlink(path);
  snprintf(path, sizeof(path), "%s/in.txt", dir);
  cr_assert_eq(icp_reader_open(&r, path, NULL, s, &err), ICP_EINVAL);
  cr_assert(strstr(err.msg, "cannot tell the format"), "%s", err.msg);
  cr_assert_null(r);
  cr_assert_eq(icp_reader_open(&r, path, "csv", s, &err), ICP_EIO);
  cr_assert(strstr(err.msg, "cannot open"), "%s", err.msg);
  cr_assert_eq(icp_reader_open(&r, path, "xml", s, &err), ICP_EINVAL);
  rmdir(dir);
  icp_account_free(a);
  icp_schema_free(s);
}

/* ---- values ------------------------------------------------------------ */

Test(csv, canonical_fields_take_their_types)
{
  struct fx f;
  const struct icp_value *v;
  open_ok(&f, "domain,employees,tech,updated_at,founded_year\n"
              "https://www.Alpha.IO/about,1.5e3,Go; Lua ;;C,2024-02-29,"
              " 2019 \n");
  next_ok(&f, 2);
  expect_str(&f, "domain", "alpha.io");
  expect_num(&f, "employees", 1500);
  expect_num(&f, "founded_year", 2019);
  v = get(&f, "tech");
  cr_assert_eq(v->type, ICP_T_LIST);
  cr_assert_eq(v->n, 3);
  cr_assert_eq(v->u.list[1].n, 3);
  cr_assert(!memcmp(v->u.list[1].p, "Lua", 3));
  v = get(&f, "updated_at");
  cr_assert_eq(v->type, ICP_T_DATE);
  cr_assert_eq(v->u.day, icp_days_from_civil(2024, 2, 29));
  cr_assert_eq(f.nwarn, 0);
  done(&f);
}

Test(csv, undeclared_columns_are_inferred_per_cell)
{
  struct fx f;
  const struct icp_value *v;
  open_ok(&f, "x,y,z,w\n42,YES,2023-01-05,hello\n-0.5,no,2023-02-30,7a\n");
  next_ok(&f, 2);
  expect_num(&f, "x", 42);
  v = get(&f, "y");
  cr_assert_eq(v->type, ICP_T_BOOL);
  cr_assert_eq(v->u.b, 1);
  cr_assert_eq(get(&f, "z")->type, ICP_T_DATE);
  expect_str(&f, "w", "hello");
  next_ok(&f, 3);
  expect_num(&f, "x", -0.5);
  cr_assert_eq(get(&f, "y")->u.b, 0);
  expect_str(&f, "z", "2023-02-30");
  expect_str(&f, "w", "7a");
  done(&f);
}

Test(csv, declared_types_are_used)
{
  struct fx f;
  const struct icp_value *v;
  cr_assert_eq(open_declared(&f, "demo,id\n1,007\n", "demo", ICP_T_BOOL),
               ICP_OK);
  cr_assert_eq(icp_schema_declare(f.s, "id", ICP_T_STRING, &f.err),
               ICP_OK);
  next_ok(&f, 2);
  v = get(&f, "demo");
  cr_assert_eq(v->type, ICP_T_BOOL);
  cr_assert_eq(v->u.b, 1);
  expect_str(&f, "id", "007");
  done(&f);
  cr_assert_eq(open_declared(&f, "tags\na;b\n", "tags", ICP_T_LIST),
               ICP_OK);
  next_ok(&f, 2);
  cr_assert_eq(get(&f, "tags")->type, ICP_T_LIST);
  cr_assert_eq(get(&f, "tags")->n, 2);
  done(&f);
}

Test(csv, cell_of_the_wrong_type_is_a_warning_and_the_row_is_kept)
{
  struct fx f;
  open_ok(&f, "domain,employees,updated_at\na.io,abc,2024-13-01\n"
              "not a domain!,NaN,\n");
  next_ok(&f, 2);
  expect_str(&f, "domain", "a.io");
  expect_missing(&f, "employees");
  expect_missing(&f, "updated_at");
  cr_assert_eq(f.nwarn, 2);
  cr_assert_str_eq(f.warn[0],
                   "t.csv:2: column 'employees': 'abc' is not a number");
  cr_assert(strstr(f.warn[1], "t.csv:2: column 'updated_at'"), "%s",
            f.warn[1]);
  next_ok(&f, 3);
  expect_missing(&f, "domain");
  expect_missing(&f, "employees");
  cr_assert_eq(f.nwarn, 4);
  cr_assert(strstr(f.warn[3], "'NaN' is not a number"), "%s", f.warn[3]);
  done(&f);
}

Test(csv, header_names_are_interned_once_into_the_schema)
{
  struct fx f;
  int before;
  open_ok(&f, "domain,custom_col\na.io,1\nb.io,2\n");
  before = icp_schema_count(f.s);
  next_ok(&f, 2);
  next_ok(&f, 3);
  cr_assert_eq(icp_schema_count(f.s), before);
  cr_assert_eq(icp_schema_origin(f.s, icp_schema_find(f.s, "custom_col",
                                                      10)),
               ICP_ORIGIN_SEEN);
  done(&f);
}

Test(csv, the_sample_file_reads_without_problems)
{
  struct icp_schema *s = icp_schema_new();
  struct icp_account *a = icp_account_new(s);
  struct icp_reader *r;
  struct icp_err err;
  enum icp_status st;
  long n = 0;
  if(icp_reader_open(&r, "tests/data/accounts.csv", NULL, s, &err)) {
    icp_account_free(a);
    icp_schema_free(s);
    cr_skip_test("tests/data/accounts.csv not found (run from the root)");
  }
  while((st = icp_reader_next(r, a, &err)) == ICP_OK)
    n++;
  cr_assert_eq(st, ICP_EOF, "%s", err.msg);
  cr_assert_eq(n, 2000);
  icp_reader_close(r);
  icp_account_free(a);
  icp_schema_free(s);
}

/* ---- chunks for the parallel run --------------------------------------- */

/* Every chunk of r, in order, appended to out as "line|bad_line|bad|data\x1e". */
static void cut_all(struct icp_reader *r, size_t want, struct icp_buf *out)
{
  struct icp_chunk c;
  struct icp_err err;
  icp_buf_init(&c.data, want + 2 * ICP_READER_RECORD_MAX + 64);
  for(;;) {
    enum icp_status st = icp_reader_chunk(r, &c, want, &err);
    if(st == ICP_EOF)
      break;
    cr_assert_eq(st, ICP_OK, "%s", err.msg);
    cr_assert_eq(icp_buf_printf(out, "%ld|%ld|%s|", c.line, c.bad_line,
                                c.bad_line ? c.bad : ""), ICP_OK);
    cr_assert_eq(icp_buf_add(out, c.data.p ? c.data.p : "", c.data.len),
                 ICP_OK);
    cr_assert_eq(icp_buf_add(out, "\x1e", 1), ICP_OK);
  }
  icp_buf_free(&c.data);
}

/* A header, then records of every shape a record boundary can hide in
 * up to about target bytes: quoted commas, doubled quotes, quoted LF and
 * CRLF, quotes inside unquoted fields (text), CRLF endings, blank lines,
 * a quote as the last byte of a field, a quoted first field holding a
 * newline. Its length; d has cap bytes. */
static size_t shapes_csv(char *d, size_t cap, size_t target)
{
  static const char *const shapes[] = {
    "p%ld.io,Plain,%ld\n",
    "q%ld.io,\"Acme, Inc.\",%ld\n",
    "d%ld.io,\"Falcon \"\"Health\"\"\",%ld\r\n",
    "n%ld.io,\"Multi\nLine\nName\",%ld\n",
    "r%ld.io,\"CR\r\nLF\",%ld\r\n",
    "t%ld.io,5\" screen \"x,%ld\n",
    "e%ld.io,\"\",\"%ld\"\n",
    "\nb%ld.io,After blank,%ld\n",
    "z%ld.io,\"ends \"\"\"\"\",%ld\n",
    "\"s%ld\n.io\",Quoted first,%ld\n",
  };
  unsigned long seed = 12345;
  size_t n = (size_t)snprintf(d, cap, "domain,name,cnt\n");
  long i;
  for(i = 0; n < target; i++) {
    seed = seed * 6364136223846793005ul + 1442695040888963407ul;
    n += (size_t)snprintf(d + n, cap - n,
                          shapes[(seed >> 33) % (sizeof(shapes) /
                                                 sizeof(shapes[0]))],
                          i, i);
  }
  return n;
}

Test(csv, chunks_cut_in_blocks_equal_chunks_cut_record_by_record)
{
  /* about 5 MiB: enough to refill the 2 MiB buffer inside every shape */
  size_t cap = 8u << 20, n, w;
  static const size_t wants[] = { 1, 3, 50, 333, 4096, 65536, 131072 };
  char *d = malloc(cap);
  long i;
  cr_assert(d);
  n = shapes_csv(d, cap, 5u << 20);
  for(w = 0; w < sizeof(wants) / sizeof(wants[0]); w++) {
    struct fx a, b;
    struct icp_buf ca, cb;
    const char *body = strchr(d, '\n') + 1;
    size_t k, at;
    icp_buf_init(&ca, (size_t)64 << 20);
    icp_buf_init(&cb, (size_t)64 << 20);
    cr_assert_eq(open_mem(&a, d, n), ICP_OK);
    cr_assert_eq(open_mem(&b, d, n), ICP_OK);
    /* a byte range that holds the whole file: cut record by record */
    icp_reader_set_range(b.r, 0, UINT64_MAX - 1);
    cut_all(a.r, wants[w], &ca);
    cut_all(b.r, wants[w], &cb);
    cr_assert_eq(ca.len, cb.len, "want %zu: %zu vs %zu bytes", wants[w],
                 ca.len, cb.len);
    cr_assert(!memcmp(ca.p, cb.p, ca.len), "want %zu: chunks differ",
                 wants[w]);
    /* and the chunks hold the body, every byte once, in order */
    for(k = at = 0; k < ca.len;) {
      const char *p = ca.p + k, *bar = p;
      size_t len;
      for(i = 0; i < 3; i++)
        bar = strchr(bar, '|') + 1;
      len = (size_t)((const char *)memchr(bar, '\x1e',
                                          ca.len - (size_t)(bar - ca.p)) -
                     bar);
      cr_assert(!memcmp(bar, body + at, len), "want %zu: chunk at %zu",
                wants[w], at);
      at += len;
      k = (size_t)(bar - ca.p) + len + 1;
    }
    cr_assert_eq(at, n - (size_t)(body - d));
    icp_buf_free(&ca);
    icp_buf_free(&cb);
    done(&a);
    done(&b);
  }
  free(d);
}

Test(csv, raw_blocks_cut_at_record_ends_and_the_reader_resumes_from_them)
{
  /* the parallel run's raw cutting, done here by hand: after the header
   * the reader gives its buffered bytes and the file's offset, records
   * are cut from the carry plus blocks of any size, and at some point the
   * reader takes over; every cut must fall on a record end (those of a
   * record-by-record cut), every chunk start at its physical line, and
   * the chunks must hold the body once, in order */
  char dir[] = "/tmp/icp_csvXXXXXX", path[64];
  size_t cap = 8u << 20, n = 0, bodyoff, k;
  char *d = malloc(cap), *ends = calloc(cap, 1), *blk = malloc(1u << 20);
  struct icp_buf carry, got;
  unsigned long seed = 99;
  int round;
  FILE *fp;
  cr_assert(d && ends && blk);
  n = shapes_csv(d, cap, 5u << 20);
  bodyoff = (size_t)(strchr(d, '\n') + 1 - d);
  cr_assert(mkdtemp(dir));
  snprintf(path, sizeof(path), "%s/in.csv", dir);
  fp = fopen(path, "w");
  cr_assert(fp && fwrite(d, 1, n, fp) == n && !fclose(fp));
  { /* the record ends, as offsets in the file */
    struct fx b;
    struct icp_chunk c;
    struct icp_err err;
    size_t at = bodyoff;
    cr_assert_eq(open_mem(&b, d, n), ICP_OK);
    icp_reader_set_range(b.r, 0, UINT64_MAX - 1);
    icp_buf_init(&c.data, 3 * ICP_READER_RECORD_MAX);
    while(icp_reader_chunk(b.r, &c, 1, &err) == ICP_OK)
      ends[at += c.data.len] = 1;
    cr_assert_eq(at, n);
    icp_buf_free(&c.data);
    done(&b);
  }
  for(round = 0; round < 4; round++) {
    struct icp_schema *s = icp_schema_new();
    struct icp_reader *r;
    struct icp_raw raw;
    struct icp_chunk c;
    struct icp_err err;
    size_t at = bodyoff, stop_after;
    uint64_t off;
    long line, nl;
    enum icp_status st;
    cr_assert_eq(icp_reader_open(&r, path, NULL, s, &err), ICP_OK, "%s",
                 err.msg);
    cr_assert_eq(icp_reader_raw(r, &raw), 1);
    cr_assert_eq(raw.off, 64u << 10, "the header's read: %lu",
                 (unsigned long)raw.off);
    cr_assert_eq(raw.size, n);
    cr_assert_eq(raw.line, 2);
    cr_assert_eq(raw.nrest, raw.off - bodyoff);
    cr_assert(!memcmp(raw.rest, d + bodyoff, raw.nrest));
    icp_buf_init(&carry, cap);
    icp_buf_init(&got, cap);
    cr_assert_eq(icp_buf_add(&carry, raw.rest, raw.nrest), ICP_OK);
    off = raw.off;
    line = raw.line;
    /* the last round never stops: the end of the file is cut raw */
    stop_after = round < 3 ? (size_t)(1u << 20) * (size_t)(round + 2) : n;
    while(off < n && at < stop_after) {
      const char *e;
      seed = seed * 6364136223846793005ul + 1442695040888963407ul;
      k = 1 + (size_t)((seed >> 33) % (1u << 18));
      if(k > n - off)
        k = n - off;
      cr_assert_eq((size_t)pread(raw.fd, blk, k, (off_t)off), k);
      cr_assert_eq(icp_buf_add(&carry, blk, k), ICP_OK);
      off += k;
      if(!(e = icp_reader_cut(r, carry.p, carry.p + carry.len, &nl)))
        continue; /* no record ends in it yet */
      at += (size_t)(e - carry.p);
      cr_assert(ends[at], "a cut inside a record, at %zu", at);
      cr_assert_eq(icp_buf_add(&got, carry.p, (size_t)(e - carry.p)),
                   ICP_OK);
      line += nl;
      memmove(carry.p, e, carry.len - (size_t)(e - carry.p));
      carry.len -= (size_t)(e - carry.p);
    }
    if(off >= n) /* the last record, no cut needed */
      cr_assert_eq(icp_buf_add(&got, carry.p, carry.len), ICP_OK);
    else { /* the reader goes on from the carry and the file's offset */
      long want_line = 1;
      for(k = 0; k < at; k++)
        want_line += d[k] == '\n';
      cr_assert_eq(line, want_line);
      cr_assert_eq(icp_reader_resume(r, carry.p, carry.len, off, line,
                                     &err), ICP_OK, "%s", err.msg);
      icp_buf_init(&c.data, 3 * ICP_READER_RECORD_MAX);
      while((st = icp_reader_chunk(r, &c, 65536, &err)) == ICP_OK) {
        cr_assert_eq(c.line, want_line, "chunk at %zu", at);
        for(k = 0; k < c.data.len; k++)
          want_line += c.data.p[k] == '\n';
        at += c.data.len;
        cr_assert(ends[at], "a chunk ends inside a record, at %zu", at);
        cr_assert_eq(icp_buf_add(&got, c.data.p, c.data.len), ICP_OK);
      }
      cr_assert_eq(st, ICP_EOF, "%s", err.msg);
      icp_buf_free(&c.data);
    }
    cr_assert_eq(got.len, n - bodyoff, "round %d", round);
    cr_assert(!memcmp(got.p, d + bodyoff, got.len), "round %d", round);
    icp_buf_free(&carry);
    icp_buf_free(&got);
    icp_reader_close(r);
    icp_schema_free(s);
  }
  unlink(path);
  rmdir(dir);
  free(blk);
  free(ends);
  free(d);
}
