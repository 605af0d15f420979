/* test_jsonl_pass.c -- the JSONL reader's one pass (jsonl_reader.c)
 * against its two passes: the same text read both ways gives the same
 * records, values, warnings, notes and messages. The reader's own cases
 * are in test_jsonl.c. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/account.h"
#include "data/schema.h"
#include "data/value.h"
#include "io/reader.h"
#include "io/reader_impl.h"
#include "io/jsonl_impl.h"

/* ---- the one pass against the two (jsonl_reader.c) --------------------- */

/* What reading a text gives: per record its line and status, and its
 * message or its fields in the order they were set (name, source,
 * value); every warning where it came. */
struct tr {
  char *p;
  size_t n, cap;
};

static void tr_add(struct tr *t, const char *s, size_t n)
{
  if(t->n + n + 1 > t->cap) {
    t->cap = 2 * (t->n + n + 1);
    t->p = realloc(t->p, t->cap);
    cr_assert(t->p);
  }
  memcpy(t->p + t->n, s, n);
  t->n += n;
  t->p[t->n] = 0;
}

static void tr_printf(struct tr *t, const char *fmt, ...)
{
  char b[ICP_ERR_MAX + 256];
  va_list ap;
  int n;
  va_start(ap, fmt);
  n = vsnprintf(b, sizeof(b), fmt, ap);
  va_end(ap);
  cr_assert(n >= 0 && (size_t)n < sizeof(b));
  tr_add(t, b, (size_t)n);
}

static void tr_warn(void *ud, const char *msg)
{
  tr_printf(ud, "  warn %s\n", msg);
}

static void tr_note(void *ud, const char *msg)
{
  tr_printf(ud, "  note %s\n", msg);
}

static void tr_value(struct tr *t, const struct icp_value *v)
{
  uint32_t i;
  switch(v->type) {
  case ICP_T_STRING:
    tr_add(t, "s:", 2);
    tr_add(t, v->u.str, v->n);
    break;
  case ICP_T_NUMBER:
    tr_printf(t, "n:%.17g", v->u.num);
    break;
  case ICP_T_BOOL:
    tr_printf(t, "b:%d", v->u.b);
    break;
  case ICP_T_DATE:
    tr_printf(t, "d:%d", (int)v->u.day);
    break;
  case ICP_T_LIST:
    tr_add(t, "l:", 2);
    for(i = 0; i < v->n; i++) {
      tr_add(t, "|", 1);
      tr_add(t, v->u.list[i].p, v->u.list[i].n);
    }
    break;
  default:
    tr_printf(t, "type %d", v->type);
  }
}

/* Reads text (n bytes) with the one pass or only the two; restricted:
 * only some fields are read by the run. The lines the one pass read in
 * *fast. */
static void transcript(const char *text, size_t n, int two_passes,
                       int restricted, struct tr *t, long *fast)
{
  struct icp_schema *s = icp_schema_new();
  struct icp_account *a = icp_account_new(s);
  FILE *fp = fmemopen((void *)text, n, "r");
  struct icp_reader *r;
  struct icp_err err;
  enum icp_status st;
  cr_assert(s && a && fp);
  if(restricted) {
    icp_schema_need(s, ICP_F_EMPLOYEES);
    icp_schema_need(s, ICP_F_TECH);
    icp_schema_restrict(s, 1);
  }
  cr_assert_eq(icp_reader_open_stream(&r, fp, "t.jsonl", NULL, s, &err),
               ICP_OK);
  icp_reader_set_warn(r, tr_warn, t);
  icp_reader_set_note(r, tr_note, t);
  icp_jsonl_two_passes(r, two_passes);
  while((st = icp_reader_next(r, a, &err)) != ICP_EOF) {
    int i;
    tr_printf(t, "line %ld status %d", a->line, (int)st);
    if(st) {
      tr_printf(t, " %s\n", err.msg);
      cr_assert_eq(st, ICP_ESKIP, "%s", err.msg);
      continue;
    }
    for(i = 0; i < a->norder; i++) {
      int id = a->order[i];
      tr_printf(t, " %s/%d=", icp_schema_name(s, id),
                icp_account_source(a, id));
      tr_value(t, icp_account_get(a, id));
    }
    tr_add(t, "\n", 1);
  }
  tr_printf(t, "has key %d\n", r->has_key);
  *fast = r->jsonl->one_pass;
  icp_reader_close(r);
  fclose(fp);
  icp_account_free(a);
  icp_schema_free(s);
}

Test(jsonl_pass, invalid_utf8_on_a_line_found_bad_later_is_not_reported)
{
  struct tr t = { 0 };
  long fast;
  static const char text[] = "{\"name\":\"A\",\"employees\":1}\n"
                             "{\"name\":\"B\",\"employees\":2}\n"
                             "{\"name\":\"caf\xe9\",\"employees\":3 x}\n"
                             "{\"name\":\"caf\xe9\",\"employees\":4}\n";
  transcript(text, sizeof(text) - 1, 0, 0, &t, &fast);
  cr_assert(strstr(t.p, "line 3 status 2 t.jsonl:3: invalid JSON at column "
                        "30\n"), "%s", t.p);
  cr_assert(strstr(t.p, "note t.jsonl:4: column 'name': invalid UTF-8"),
            "%s", t.p);
  cr_assert_null(strstr(t.p, "t.jsonl:3: column"), "%s", t.p);
  free(t.p);
}

static uint64_t rnd(uint64_t *x)
{
  *x ^= *x << 13;
  *x ^= *x >> 7;
  *x ^= *x << 17;
  return *x;
}

/* Lines the one pass reads (escapes, white space, missing keys, a
 * range, lists with empty items), and one it leaves to the two passes (a
 * nested object, values that are warned about), last. */
static const char *const base[] = {
  "{\"domain\":\"acme.io\",\"name\":\"Acme \\\"Q\\\" \\u0042 Z\\u00fcrich\","
  "\"employees\":250,\"industry\":\"Software\","
  "\"tech\":[\"Sales\\u0066orce\",\"Hub\\u0053pot\",\"\"],"
  "\"funding_total_usd\":1.5e7,\"budget_confirmed\":true,\"notes\":null,"
  "\"hint\":-0.5}",
  "{ \"domain\" : \"b.io\" , \"name\" : \"B\" ,\t\"employees\" : 12 , "
  "\"tech\" : [ ] , \"budget_confirmed\" : false }",
  "{\"domain\":\"c.io\",\"employees\":\"51-200\",\"industry\":\"Retail\","
  "\"tech\":[\"Shopify\",\"Stripe\"],\"funding_total_usd\":0}",
  "{\"domain\":\"e.io\",\"name\":\"Z\xc3\xbcrich AG\",\"industry\":\"x\","
  "\"notes\":\"n\",\"hint\":[\"a\",2,true,null]}",
  "{\"domain\":\"d.io\",\"hq\":{\"city\":\"Oslo\"},\"employees\":1e400,"
  "\"tech\":[\"a\",[1]],\"open_jobs\":[1,2]}",
};
#define NBASE (sizeof(base) / sizeof(base[0]))

/* Marks in value[] the bytes of line (valid JSON, one object) that are
 * in a value of a top-level key. */
static void values_of(const char *line, char *value)
{
  int depth = 0, in_str = 0, in_val = 0;
  size_t i;
  for(i = 0; line[i]; i++) {
    char c = line[i];
    if(in_str) {
      if(c == '\\')
        value[i++] = (char)in_val;
      else if(c == '"')
        in_str = 0;
    }
    else if(c == '"')
      in_str = 1;
    else if(c == '{' || c == '[')
      depth++;
    else if(c == '}' || c == ']') {
      if(--depth == 0)
        in_val = 0;
    }
    else if(depth == 1 && c == ':') {
      value[i] = 0;
      in_val = 1;
      continue;
    }
    else if(depth == 1 && c == ',')
      in_val = 0;
    value[i] = (char)in_val;
  }
}

/* count lines of the bases, half of them edited (one to three bytes
 * deleted, inserted, replaced or made NUL), anywhere or in values only,
 * a nested one once in ten. */
static void lines(struct tr *text, int count, int anywhere, uint64_t x)
{
  static const char alphabet[] =
    "{}[]:;,!\"\\ u0aeE.-+1ntfl\x01\x80\xc3\xa9\xff";
  int i, k;
  for(i = 0; i < count; i++) {
    size_t which = rnd(&x) % 10 ? rnd(&x) % (NBASE - 1) : NBASE - 1;
    const char *b = base[which];
    char line[1024], value[1024] = { 0 };
    size_t n = strlen(b);
    int edits = (int)(rnd(&x) % 6); /* half the lines as they are */
    edits = edits < 3 ? 0 : edits - 2;
    memcpy(line, b, n);
    values_of(b, value);
    for(k = 0; k < edits; k++) {
      size_t at = rnd(&x) % n;
      char c = alphabet[rnd(&x) % (sizeof(alphabet) - 1)];
      if(!anywhere && !value[at])
        continue;
      switch(rnd(&x) % 4) {
      case 0: /* delete a byte */
        memmove(line + at, line + at + 1, n - at - 1);
        memmove(value + at, value + at + 1, n - at - 1);
        n--;
        break;
      case 1: /* insert one */
        memmove(line + at + 1, line + at, n - at);
        memmove(value + at + 1, value + at, n - at);
        line[at] = c;
        n++;
        break;
      case 2: /* replace one */
        line[at] = c;
        break;
      default: /* a NUL byte */
        line[at] = 0;
      }
    }
    tr_add(text, line, n);
    tr_add(text, "\n", 1);
  }
}

Test(jsonl_pass, the_one_pass_reads_every_line_as_the_two_passes_do)
{
  int anywhere, restricted;
  for(anywhere = 0; anywhere < 2; anywhere++) {
    struct tr text = { 0 };
    lines(&text, 6000, anywhere, 0x9E3779B97F4A7C15ULL + (uint64_t)anywhere);
    for(restricted = 0; restricted < 2; restricted++) {
      struct tr one = { 0 }, two = { 0 };
      long fast_one = 0, fast_two = 0;
      size_t at = 0;
      transcript(text.p, text.n, 0, restricted, &one, &fast_one);
      transcript(text.p, text.n, 1, restricted, &two, &fast_two);
      cr_assert_eq(fast_two, 0);
      /* with keys edited, new keys keep changing the shape */
      cr_assert_gt(fast_one, anywhere ? 50 : 2500,
                   "the one pass read %ld lines", fast_one);
      while(at < one.n && at < two.n && one.p[at] == two.p[at])
        at++;
      if(at < one.n || at < two.n) {
        size_t from = at > 300 ? at - 300 : 0;
        cr_assert_fail("the one pass differs (anywhere %d, restricted %d) "
                       "after:\n%.*s\none pass: %.200s\ntwo passes: %.200s",
                       anywhere, restricted, (int)(at - from),
                       one.p + from, one.p + at, two.p + at);
      }
      free(one.p);
      free(two.p);
    }
    free(text.p);
  }
}
