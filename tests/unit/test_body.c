/* test_body.c -- request bodies scored into the answer of POST /v1/score
 * (core/serve/body.c over the JSONL reader's text entry point). */
#include <criterion/criterion.h>

#include "io/reader.h"
#include "serve/body.h"
#include "test_support.h"

static const char pack_text[] =
  T_PROFILE
  "rule \"big\" { dimension = \"fit\", points = 10, when = field \"employees\" :gt(100) }\n";

struct fx {
  struct tp t;
  struct icp_reader *rd;
  struct icp_body b;
  struct icp_buf out;
  struct icp_err err;
  int scored;
};

static void count(void *ud, const struct icp_result *r)
{
  struct fx *f = ud;
  (void)r;
  f->scored++;
}

static void fx_init(struct fx *f, size_t cap)
{
  memset(f, 0, sizeof(*f));
  tp_ok(&f->t, pack_text);
  cr_assert_eq(icp_reader_open_text(&f->rd, "request", f->t.schema,
                                    &f->err), ICP_OK);
  f->b.pack = f->t.pack;
  f->b.rd = f->rd;
  f->b.a = f->t.a;
  f->b.res = f->t.r;
  f->b.max_items = 3;
  f->b.scored = count;
  f->b.scored_ud = f;
  icp_buf_init(&f->out, cap);
}

static void fx_free(struct fx *f)
{
  icp_body_release(&f->b);
  icp_buf_free(&f->out);
  icp_reader_close(f->rd);
  tp_free(&f->t);
}

static enum icp_status run(struct fx *f, const char *text)
{
  icp_buf_reset(&f->out);
  f->err.msg[0] = 0;
  return icp_body_score(&f->b, text, strlen(text), &f->out, &f->err);
}

Test(body, a_lone_object_is_one_line_with_source_request)
{
  struct fx f;
  fx_init(&f, 1 << 20);
  cr_assert_eq(run(&f, " {\"domain\":\"a.io\",\"employees\":500}\n"), ICP_OK);
  cr_assert_str_eq(f.out.p, "{\"domain\":\"a.io\",\"score\":100,\"tier\":\"A\","
                   "\"dimensions\":{\"fit\":100},\"coverage\":1,\"fired\":"
                   "{\"big\":10},\"unknown\":[],\"excluded_by\":[],\"route\":"
                   "null,\"pack\":{\"name\":\"t\",\"version\":\"1\"},"
                   "\"source\":\"request\"}\n");
  cr_assert_eq(f.scored, 1);
  fx_free(&f);
}

Test(body, an_array_keeps_input_order_one_line_each)
{
  struct fx f;
  fx_init(&f, 1 << 20);
  cr_assert_eq(run(&f, "[{\"domain\":\"a.io\"},\n{\"domain\":\"b.io\"}]"),
               ICP_OK);
  cr_assert(!strncmp(f.out.p, "[\n{\"domain\":\"a.io\"", 18), "%s", f.out.p);
  cr_assert(strstr(f.out.p, "\"source\":\"request:1\"},\n{\"domain\":\"b.io\""));
  cr_assert(strstr(f.out.p, "\"source\":\"request:2\"}\n]\n"));
  cr_assert_eq(f.scored, 2);
  cr_assert_eq(run(&f, "[]"), ICP_OK);
  cr_assert_str_eq(f.out.p, "[\n]\n");
  /* what JSON reads as an array is answered as one, whatever precedes
   * it (cJSON skips control bytes as it skips spaces; found by
   * tests/fuzz/fuzz_serve.c) */
  cr_assert_eq(run(&f, "\x03[]"), ICP_OK);
  cr_assert_str_eq(f.out.p, "[\n]\n");
  cr_assert_eq(run(&f, "\x03[{}]"), ICP_OK);
  cr_assert(!strncmp(f.out.p, "[\n{\"domain\":null", 16), "%s", f.out.p);
  fx_free(&f);
}

Test(body, bad_bodies_say_where_and_what)
{
  struct fx f;
  fx_init(&f, 1 << 20);
  cr_assert_eq(run(&f, "{\n\"a\": tru}"), ICP_ESKIP);
  cr_assert_str_eq(f.err.msg, "request: invalid JSON at line 2, column 6");
  cr_assert_eq(icp_body_http_status(ICP_ESKIP), 400);
  cr_assert_eq(run(&f, "[{}, {\"employees\": [\"x\"]}]"), ICP_ESKIP);
  cr_assert_str_eq(f.err.msg, "request:2: column 'employees': an array is "
                   "not a number");
  cr_assert_eq(run(&f, "\"x\""), ICP_ESKIP);
  cr_assert_eq(run(&f, "{} {}"), ICP_ESKIP);
  cr_assert_eq(run(&f, "[{},{},{},{}]"), ICP_ELIMIT);
  cr_assert_eq(icp_body_http_status(ICP_ELIMIT), 413);
  /* the accounts before the failure went through (one pass); the error
   * is the one a check of the whole text first would name */
  cr_assert_eq(run(&f, "[{},{},{},{},x]"), ICP_ESKIP);
  cr_assert_str_eq(f.err.msg, "request: invalid JSON at line 1, column 14");
  cr_assert_eq(run(&f, "[{},{\"employees\":\"x\"},{},{}]"), ICP_ELIMIT);
  cr_assert_str_eq(f.err.msg, "request: 4 accounts, more than the limit "
                   "of 3");
  cr_assert_eq(run(&f, "[{},{\"employees\":\"x\"},{}] x"), ICP_ESKIP);
  cr_assert_str_eq(f.err.msg, "request: invalid JSON at line 1, column 27");
  cr_assert_eq(run(&f, "[{},{\"employees\":\"x\"},{}]"), ICP_ESKIP);
  cr_assert_str_eq(f.err.msg, "request:2: column 'employees': 'x' is not "
                   "a number");
  fx_free(&f);
}

Test(body, a_duplicate_key_is_an_error_of_its_own_account_only)
{
  struct fx f;
  fx_init(&f, 1 << 20);
  /* the same keys in every account of an array are no duplicates */
  cr_assert_eq(run(&f, "[{\"domain\":\"a.io\",\"employees\":1},"
                   "{\"domain\":\"b.io\",\"employees\":2},"
                   "{\"domain\":\"c.io\",\"employees\":3}]"), ICP_OK);
  cr_assert_eq(run(&f, "[{\"domain\":\"a.io\"},{\"domain\":\"b.io\","
                   "\"x\":{\"domain\":1},\"domain\":\"c.io\"}]"), ICP_ESKIP);
  cr_assert_str_eq(f.err.msg, "request:2: duplicate key 'domain'");
  fx_free(&f);
}

Test(body, an_answer_over_the_cap_is_an_error_not_a_short_answer)
{
  struct fx f;
  fx_init(&f, 64);
  cr_assert_eq(run(&f, "{\"domain\":\"a.io\"}"), ICP_ENOMEM);
  cr_assert_eq(icp_body_http_status(ICP_ENOMEM), 500);
  fx_free(&f);
}

static enum icp_status fake_enrich(void *ud, struct icp_account **a,
                                   size_t n, struct icp_err *err)
{
  size_t i;
  (void)ud;
  (void)err;
  for(i = 0; i < n; i++)
    if(icp_account_set_num(a[i], ICP_F_EMPLOYEES, 1000, 0))
      return ICP_ENOMEM;
  return ICP_OK;
}

Test(body, an_enrich_hook_sees_every_account_of_the_body_before_scoring)
{
  struct fx f;
  fx_init(&f, 1 << 20);
  f.b.enrich = fake_enrich;
  cr_assert_eq(run(&f, "[{\"domain\":\"a.io\"},{\"domain\":\"b.io\"}]"),
               ICP_OK);
  cr_assert(strstr(f.out.p, "\"domain\":\"a.io\",\"score\":100"));
  cr_assert(strstr(f.out.p, "\"domain\":\"b.io\",\"score\":100"));
  cr_assert(strstr(f.out.p, "\"source\":\"request:2\"}\n]\n"));
  fx_free(&f);
}

/* Members of an account's own: its domain's first letter, as a list. */
static enum icp_status fake_extra(void *ud, const struct icp_account *a,
                                  struct icp_buf *x)
{
  const char *d = icp_account_domain(a);
  int *calls = ud;
  (*calls)++;
  if(!d || d[0] != 'a')
    return ICP_OK; /* nothing for this one */
  return icp_buf_adds(x, "\"enrich_errors\":[\"a: failed\"]");
}

Test(body, the_extra_hook_adds_members_to_each_line_of_its_own)
{
  struct fx f;
  int calls = 0;
  fx_init(&f, 1 << 20);
  f.b.enrich = fake_enrich;
  f.b.extra = fake_extra;
  f.b.extra_ud = &calls;
  cr_assert_eq(run(&f, "[{\"domain\":\"a.io\"},{\"domain\":\"b.io\"}]"),
               ICP_OK);
  cr_assert_eq(calls, 2);
  cr_assert(strstr(f.out.p, "\"version\":\"1\"},\"enrich_errors\":"
                   "[\"a: failed\"],\"source\":\"request:1\"},\n"),
            "%s", f.out.p);
  cr_assert(strstr(f.out.p, "\"version\":\"1\"},\"source\":\"request:2\"}"
                   "\n]\n"), "%s", f.out.p);
  fx_free(&f);
}

Test(body, the_error_body_is_json)
{
  struct icp_buf b;
  icp_buf_init(&b, 1024);
  cr_assert_eq(icp_body_error_json(&b, "request: \"x\"\n"), ICP_OK);
  cr_assert_str_eq(b.p, "{\"error\":\"request: \\\"x\\\"\\n\"}\n");
  icp_buf_free(&b);
}
