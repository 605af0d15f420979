/* test_emit.c -- scored accounts as JSONL lines and CSV rows: shape,
 * finite numbers, valid UTF-8, formula neutralisation and quoting. */
#include <cjson/cJSON.h>
#include <float.h>
#include <math.h>

#include "base/utf8.h"
#include "io/out.h"
#include "score/emit.h"
#include "test_support.h"

static const char pack_text[] =
  "profile { name = \"emit\", version = \"3.1\",\n"
  "  dimensions = { fit = 2, eng = 1 }, tiers = { {\"A\", 80}, {\"B\", 10} } }\n"
  "rule \"size\" { dimension = \"fit\", points = 20, when = field \"employees\" :gt(10) }\n"
  "rule \"ind\" { dimension = \"fit\", points = 10, when = field \"industry\" :eq(\"Software\") }\n"
  "rule \"why\" { dimension = \"eng\", points = 10,\n"
  "  when = function(a) return a.open_jobs ~= nil, a.note end }\n"
  "rule \"bad\" { dimension = \"eng\", points = 5, when = function(a) if a.note then error(a.note, 0) end return false end }\n"
  "exclude \"rival\" { when = field \"domain\" :eq(\"rival.com\"), reason = \"competitor\" }\n"
  "route { tier = \"A\", to = \"ae\", sla_hours = 2 }\n"
  "route { default = true, to = \"nurture\" }\n";

static int valid_utf8(const char *s, size_t n)
{
  size_t i = 0;
  while(i < n) {
    unsigned char c = (unsigned char)s[i];
    size_t k;
    if(c < 0x80) {
      i++;
      continue;
    }
    k = icp_utf8_seq(s + i, n - i);
    if(!k)
      return 0;
    i += k;
  }
  return 1;
}

/* Emits the JSONL line of t's account and parses it. */
static cJSON *jsonl(struct tp *t, int explain, struct icp_buf *b)
{
  cJSON *j;
  const char *end;
  icp_buf_reset(b);
  cr_assert_eq(icp_emit_jsonl(b, t->pack, t->a, t->r, explain, NULL),
               ICP_OK);
  cr_assert(b->len > 2 && b->p[b->len - 1] == '\n');
  cr_assert_null(memchr(b->p, '\n', b->len - 1), "one line only");
  cr_assert(valid_utf8(b->p, b->len), "%s", b->p);
  cr_assert_null(strstr(b->p, "nan"));
  cr_assert_null(strstr(b->p, "inf"));
  j = cJSON_ParseWithOpts(b->p, &end, 0);
  cr_assert_not_null(j, "not JSON: %s", b->p);
  cr_assert_eq(*end, '\n');
  return j;
}

static double num(const cJSON *o, const char *k)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  cr_assert(cJSON_IsNumber(v), "%s is not a number", k);
  return v->valuedouble;
}

static const char *str(const cJSON *o, const char *k)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  cr_assert(cJSON_IsString(v), "%s is not a string", k);
  return v->valuestring;
}

Test(emit, jsonl_carries_every_member)
{
  struct tp t;
  struct icp_buf b;
  cJSON *j, *o;
  tp_ok(&t, pack_text);
  icp_buf_init(&b, 1 << 20);
  tp_acct(&t, "domain=acme.io", "employees=50", "industry=Software",
          "open_jobs=2", "note=hiring fast", NULL);
  t.a->file = "in.csv";
  t.a->line = 7;
  tp_score(&t);
  j = jsonl(&t, 0, &b);
  cr_assert_str_eq(str(j, "domain"), "acme.io");
  /* fit 100 (w 2), eng 10/15 = 66.67 (w 1): (200 + 66.67) / 3; JSON
   * numbers are rounded to 6 decimals */
  cr_assert_float_eq(num(j, "score"), (200 + 200.0 / 3) / 3, 1e-6);
  cr_assert_str_eq(str(j, "tier"), "A");
  o = cJSON_GetObjectItem(j, "dimensions");
  cr_assert_float_eq(num(o, "fit"), 100, EPS);
  cr_assert_float_eq(num(o, "eng"), 200.0 / 3, 1e-6);
  /* "bad" raised an error: unknown, so eng is known 10 of 15 */
  cr_assert_float_eq(num(j, "coverage"), (2 + 10.0 / 15) / 3, 1e-6);
  o = cJSON_GetObjectItem(j, "fired");
  cr_assert_eq(cJSON_GetArraySize(o), 3);
  cr_assert_float_eq(num(o, "size"), 20, EPS);
  cr_assert_float_eq(num(o, "why"), 10, EPS);
  cr_assert(cJSON_IsArray(cJSON_GetObjectItem(j, "unknown")));
  cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "unknown")), 1);
  cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "excluded_by")),
               0);
  cr_assert_str_eq(str(j, "route"), "ae");
  cr_assert_float_eq(num(j, "sla_hours"), 2, EPS);
  o = cJSON_GetObjectItem(j, "pack");
  cr_assert_str_eq(str(o, "name"), "emit");
  cr_assert_str_eq(str(o, "version"), "3.1");
  cr_assert_str_eq(str(j, "source"), "in.csv:7");
  cr_assert_str_eq(str(cJSON_GetObjectItem(j, "evidence"), "why"),
                   "hiring fast");
  cr_assert_str_eq(str(cJSON_GetObjectItem(j, "errors"), "bad"),
                   "hiring fast");
  cr_assert_null(cJSON_GetObjectItem(j, "explain"));
  cJSON_Delete(j);
  icp_buf_free(&b);
  tp_free(&t);
}

Test(emit, jsonl_of_an_excluded_account_without_domain)
{
  struct tp t;
  struct icp_buf b;
  cJSON *j;
  tp_ok(&t, pack_text);
  icp_buf_init(&b, 1 << 20);
  tp_acct(&t, "domain=rival.com", NULL);
  tp_score(&t);
  j = jsonl(&t, 0, &b);
  cr_assert_str_eq(str(j, "tier"), "excluded");
  cr_assert_str_eq(str(j, "route"), "disqualified");
  cr_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "excluded_by"),
                                      0)->valuestring, "rival");
  cr_assert_null(cJSON_GetObjectItem(j, "sla_hours"));
  cr_assert_str_eq(str(j, "source"), "-:0");
  cJSON_Delete(j);
  tp_acct(&t, "employees=3", NULL); /* no domain: null, still traceable */
  t.a->file = "x.jsonl";
  t.a->line = 3;
  tp_score(&t);
  j = jsonl(&t, 0, &b);
  cr_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "domain")));
  cr_assert_str_eq(str(j, "source"), "x.jsonl:3");
  cr_assert_str_eq(str(j, "tier"), "unranked");
  cJSON_Delete(j);
  icp_buf_free(&b);
  tp_free(&t);
}

Test(emit, explain_lists_every_rule_with_what_it_read)
{
  struct tp t;
  struct icp_buf b;
  cJSON *j, *rules, *r;
  tp_ok(&t, pack_text);
  icp_buf_init(&b, 1 << 20);
  tp_acct(&t, "domain=acme.io", "employees=50", "open_jobs=2", NULL);
  tp_score_explain(&t);
  j = jsonl(&t, 1, &b);
  rules = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "explain"), "rules");
  cr_assert_eq(cJSON_GetArraySize(rules), 4);
  r = cJSON_GetArrayItem(rules, 0);
  cr_assert_str_eq(str(r, "rule"), "size");
  cr_assert_str_eq(str(r, "dimension"), "fit");
  cr_assert_str_eq(str(r, "outcome"), "fired");
  cr_assert_float_eq(num(r, "points"), 20, EPS);
  cr_assert_float_eq(num(cJSON_GetObjectItem(r, "reads"), "employees"), 50,
                     EPS);
  cr_assert_str_eq(str(cJSON_GetObjectItem(r, "sources"), "employees"),
                   "input");
  r = cJSON_GetArrayItem(rules, 1);
  cr_assert_str_eq(str(r, "outcome"), "unknown");
  cr_assert(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "reads"),
                                             "industry")));
  r = cJSON_GetArrayItem(rules, 2); /* the function rule's reads */
  cr_assert_float_eq(num(cJSON_GetObjectItem(r, "reads"), "open_jobs"), 2,
                     EPS);
  r = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j,
                         "explain"), "excludes"), 0);
  cr_assert_str_eq(str(r, "exclude"), "rival");
  cr_assert_str_eq(str(r, "outcome"), "not_fired");
  cJSON_Delete(j);
  icp_buf_free(&b);
  tp_free(&t);
}

Test(emit, numbers_are_always_finite)
{
  struct icp_buf b;
  char out[64];
  icp_buf_init(&b, 1024);
  cr_assert_eq(icp_buf_json_num(&b, NAN), ICP_OK);
  cr_assert_eq(icp_buf_json_num(&b, INFINITY), ICP_OK);
  cr_assert_eq(icp_buf_json_num(&b, -INFINITY), ICP_OK);
  cr_assert_eq(icp_buf_json_num(&b, -0.0), ICP_OK);
  cr_assert_str_eq(b.p, "0000");
  icp_fmt_num(out, sizeof(out), DBL_MAX);
  cr_assert(isfinite(strtod(out, NULL)));
  cr_assert_eq(strtod(out, NULL), DBL_MAX);
  icp_fmt_num(out, sizeof(out), 9007199254740993.0);
  cr_assert_eq(strtod(out, NULL), 9007199254740993.0);
  icp_fmt_num(out, sizeof(out), 0.1);
  cr_assert_str_eq(out, "0.1");
  icp_fmt_num(out, sizeof(out), 1.0 / 3);
  cr_assert_eq(strtod(out, NULL), 1.0 / 3);
  icp_buf_free(&b);
}

Test(emit, values_as_json)
{
  struct tp t;
  struct icp_buf b;
  tp_ok(&t, pack_text);
  icp_buf_init(&b, 1024);
  tp_acct(&t, "tech=a;\"b\"", "updated_at=2024-02-29", NULL);
  tp_bool(&t, "flag", 1);
  cr_assert_eq(icp_emit_value(&b, icp_account_get(t.a, ICP_F_TECH)), 0);
  cr_assert_eq(icp_emit_value(&b, icp_account_get(t.a, ICP_F_UPDATED_AT)),
               0);
  cr_assert_eq(icp_emit_value(&b, icp_account_get(t.a, tp_id(&t, "flag"))),
               0);
  cr_assert_eq(icp_emit_value(&b, icp_account_get(t.a, ICP_F_NAME)), 0);
  cr_assert_str_eq(b.p, "[\"a\",\"\\\"b\\\"\"]\"2024-02-29\"truenull");
  icp_buf_free(&b);
  tp_free(&t);
}

Test(emit, invalid_utf8_and_control_bytes_come_out_valid)
{
  struct tp t;
  struct icp_buf b;
  cJSON *j;
  tp_ok(&t, pack_text);
  icp_buf_init(&b, 1 << 20);
  tp_acct(&t, "open_jobs=1", NULL);
  tp_str(&t, "note", "bad \xff\xfe bytes \xc3\x28 \xe2\x82 tab\t nl\n "
         "ok \xc3\xa9 \x01");
  tp_score_explain(&t);
  j = jsonl(&t, 1, &b);
  cr_assert_str_eq(str(cJSON_GetObjectItem(j, "evidence"), "why"),
                   "bad \xef\xbf\xbd\xef\xbf\xbd bytes \xef\xbf\xbd( "
                   "\xef\xbf\xbd\xef\xbf\xbd tab\t nl\n ok \xc3\xa9 \x01");
  cr_assert(strstr(b.p, "\\u0001"));
  cJSON_Delete(j);
  icp_buf_free(&b);
  tp_free(&t);
}

/* ---- CSV ---------------------------------------------------------------- */

static const char *cell(const char *s, int is_text)
{
  static struct icp_buf b;
  icp_buf_free(&b);
  icp_buf_init(&b, 1 << 16);
  cr_assert_eq(icp_csv_cell(&b, s, strlen(s), is_text), ICP_OK);
  return b.p ? b.p : "";
}

Test(csv_out, formulas_are_neutralised)
{
  cr_assert_str_eq(cell("=1+1", 1), "\"'=1+1\"");
  cr_assert_str_eq(cell("+33 1 23", 1), "\"'+33 1 23\"");
  cr_assert_str_eq(cell("-2+3", 1), "\"'-2+3\"");
  cr_assert_str_eq(cell("@SUM(A1)", 1), "\"'@SUM(A1)\"");
  cr_assert_str_eq(cell("\tx", 1), "\"'\tx\"");
  cr_assert_str_eq(cell("\rx", 1), "\"'\rx\"");
  cr_assert_str_eq(cell("=HYPERLINK(\"http://x\")", 1),
                   "\"'=HYPERLINK(\"\"http://x\"\")\"");
  /* numbers we wrote are left alone; inner '=' is harmless */
  cr_assert_str_eq(cell("-5", 0), "-5");
  cr_assert_str_eq(cell("a=b", 1), "a=b");
}

Test(csv_out, cells_are_quoted_per_rfc_4180)
{
  cr_assert_str_eq(cell("plain", 1), "plain");
  cr_assert_str_eq(cell("a,b", 1), "\"a,b\"");
  cr_assert_str_eq(cell("say \"hi\"", 1), "\"say \"\"hi\"\"\"");
  cr_assert_str_eq(cell("two\nlines", 1), "\"two\nlines\"");
  cr_assert_str_eq(cell("cr\r", 1), "\"cr\r\"");
  cr_assert_str_eq(cell("", 1), "");
}

/* A cell written in place and quoted afterwards (icp_csv_cell_since)
 * comes out as icp_csv_cell writes it, after what the buffer held. */
Test(csv_out, a_cell_quoted_in_place_equals_the_cell_written_quoted)
{
  static const char *const cases[] = {
    "plain", "a,b", "say \"hi\"", "\"\"\"", "=HYPERLINK(\"http://x\")",
    "-2+3", "two\nlines", "x;y", ""
  };
  size_t i;
  for(i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
    struct icp_buf b;
    char want[256];
    snprintf(want, sizeof(want), "head,%s", cell(cases[i], 1));
    icp_buf_init(&b, 1 << 16);
    cr_assert_eq(icp_buf_adds(&b, "head,"), ICP_OK);
    cr_assert_eq(icp_buf_adds(&b, cases[i]), ICP_OK);
    cr_assert_eq(icp_csv_cell_since(&b, 5, 1), ICP_OK);
    cr_assert_str_eq(b.p ? b.p : "", want, "case %zu", i);
    cr_assert_eq(b.len, strlen(want));
    icp_buf_free(&b);
  }
}

/* Splits one CSV record (no embedded newlines) into fields; returns the
 * count. Quoted fields are unquoted in place. */
static int split_csv(char *line, char **f, int max)
{
  int n = 0;
  char *p = line, *w;
  while(n < max) {
    f[n++] = w = p;
    if(*p == '"') {
      p++;
      for(;;) {
        if(*p == '"' && p[1] == '"') {
          *w++ = '"';
          p += 2;
        }
        else if(*p == '"') {
          p++;
          break;
        }
        else
          *w++ = *p++;
      }
    }
    else
      while(*p && *p != ',' && *p != '\r')
        *w++ = *p++;
    if(*p != ',') {
      *w = 0;
      break;
    }
    *w = 0;
    p++;
  }
  return n;
}

Test(csv_out, header_and_row_line_up)
{
  struct tp t;
  struct icp_buf h, r;
  char *hf[32], *rf[32];
  int nh, nr;
  tp_ok(&t, pack_text);
  icp_buf_init(&h, 1 << 16);
  icp_buf_init(&r, 1 << 16);
  tp_acct(&t, "domain=acme.io", "employees=50", "industry=Software",
          "open_jobs=2", "note=top, \"real\"", NULL);
  t.a->file = "in.csv";
  t.a->line = 9;
  tp_score(&t);
  cr_assert_eq(icp_emit_csv_header(&h, t.pack, NULL), ICP_OK);
  cr_assert_str_eq(h.p, "domain,score,tier,fit,eng,coverage,route,"
                   "top_reasons,excluded_by,unknown,pack,source,"
                   "sla_hours,as_of\r\n");
  cr_assert_eq(icp_emit_csv_row(&r, t.pack, t.a, t.r, NULL), ICP_OK);
  cr_assert(r.len > 2 && !strcmp(r.p + r.len - 2, "\r\n"));
  nh = split_csv(h.p, hf, 32);
  nr = split_csv(r.p, rf, 32);
  cr_assert_eq(nh, 14);
  cr_assert_eq(nr, nh, "%s", r.p);
  cr_assert_str_eq(rf[0], "acme.io");
  cr_assert_str_eq(rf[1], "88.888889");
  cr_assert_str_eq(rf[2], "A");
  cr_assert_str_eq(rf[3], "100");
  cr_assert_str_eq(rf[4], "66.666667");
  cr_assert_str_eq(rf[5], "0.888889");
  cr_assert_str_eq(rf[6], "ae");
  cr_assert_str_eq(rf[7], "size +20; ind +10; why +10 (top, \"real\")");
  cr_assert_str_eq(rf[8], "");
  cr_assert_str_eq(rf[9], "bad");
  cr_assert_str_eq(rf[10], "emit 3.1");
  cr_assert_str_eq(rf[11], "in.csv:9");
  icp_buf_free(&h);
  icp_buf_free(&r);
  tp_free(&t);
}

/* A pack whose names need quoting is not written as plain names are. */
Test(csv_out, pack_names_that_need_quotes_are_quoted)
{
  struct tp t;
  struct icp_buf r;
  char *f[32];
  tp_ok(&t, "profile { name = \"q\", dimensions = { fit = 1 },\n"
        "  tiers = { {\"A, top\", 50}, {\"B\", 0} } }\n"
        "rule \"size, big\" { dimension = \"fit\", points = 60, when = field \"employees\" :gt(10) }\n"
        "rule \"odd \\\"one\\\"\" { dimension = \"fit\", points = 40, when = field \"open_jobs\" :gt(1) }\n"
        "exclude \"rival;x\" { when = field \"domain\" :eq(\"rival.com\"), reason = \"a,b\" }\n"
        "route { tier = \"A, top\", to = \"ae \\\"west\\\"\" }\n");
  icp_buf_init(&r, 1 << 16);
  tp_acct(&t, "domain=acme.io", "employees=50", NULL);
  tp_score(&t);
  cr_assert_eq(icp_emit_csv_row(&r, t.pack, t.a, t.r, NULL), ICP_OK);
  cr_assert_eq(split_csv(r.p, f, 32), 13, "%s", r.p);
  cr_assert_str_eq(f[2], "A, top");
  cr_assert_str_eq(f[5], "ae \"west\"");
  cr_assert_str_eq(f[6], "size, big +60");
  cr_assert_str_eq(f[8], "odd \"one\"");
  icp_buf_reset(&r);
  tp_acct(&t, "domain=rival.com", NULL);
  tp_score(&t);
  cr_assert_eq(icp_emit_csv_row(&r, t.pack, t.a, t.r, NULL), ICP_OK);
  cr_assert_eq(split_csv(r.p, f, 32), 13, "%s", r.p);
  cr_assert_str_eq(f[6], "excluded: a,b");
  icp_buf_free(&r);
  tp_free(&t);
}

Test(csv_out, excluded_rows_give_the_reason_and_an_extra_column)
{
  struct tp t;
  struct icp_buf h, r;
  char *f[32];
  tp_ok(&t, pack_text);
  icp_buf_init(&h, 1 << 16);
  icp_buf_init(&r, 1 << 16);
  tp_acct(&t, "domain=rival.com", NULL);
  tp_score(&t);
  cr_assert_eq(icp_emit_csv_header(&h, t.pack, "arm"), ICP_OK);
  cr_assert(strstr(h.p, ",source,sla_hours,as_of,arm\r\n"));
  cr_assert_eq(icp_emit_csv_row(&r, t.pack, t.a, t.r, "B"), ICP_OK);
  cr_assert_eq(split_csv(r.p, f, 32), 15);
  cr_assert_str_eq(f[1], "0"); /* sorts below every real tier */
  cr_assert_str_eq(f[2], "excluded");
  cr_assert_str_eq(f[6], "disqualified");
  cr_assert_str_eq(f[7], "excluded: competitor");
  cr_assert_str_eq(f[8], "rival");
  cr_assert_str_eq(f[14], "B");
  icp_buf_free(&h);
  icp_buf_free(&r);
  tp_free(&t);
}

Test(emit, the_source_of_odd_file_names)
{
  struct tp t;
  struct icp_buf b;
  char longname[700];
  cJSON *j;
  tp_ok(&t, pack_text);
  icp_buf_init(&b, 1 << 20);
  tp_acct(&t, "domain=acme.com", NULL);
  /* quotes, a control byte, a backslash, a multi-byte letter and an
   * invalid byte in the name: escaped, and the line still follows */
  t.a->file = "dir/\"q\"\x01\\caf\xc3\xa9\xff.csv";
  t.a->line = 1234567;
  tp_score(&t);
  j = jsonl(&t, 0, &b);
  cr_assert(strstr(b.p, ",\"source\":\"dir/\\\"q\\\"\\u0001\\\\caf\xc3\xa9"
                        "\xef\xbf\xbd.csv:1234567\""), "%s", b.p);
  cJSON_Delete(j);
  /* a request body's lone object: the name alone */
  t.a->file = "body";
  t.a->line = 0;
  j = jsonl(&t, 0, &b);
  cr_assert_str_eq(str(j, "source"), "body");
  cJSON_Delete(j);
  /* a name too long for "file:line": the name alone, in both outputs */
  memset(longname, 'n', sizeof(longname) - 1);
  longname[sizeof(longname) - 1] = 0;
  t.a->file = longname;
  t.a->line = 9;
  j = jsonl(&t, 0, &b);
  cr_assert_str_eq(str(j, "source"), longname);
  cJSON_Delete(j);
  icp_buf_reset(&b);
  cr_assert_eq(icp_emit_csv_row(&b, t.pack, t.a, t.r, NULL), ICP_OK);
  cr_assert(strstr(b.p, longname) && !strstr(b.p, "nnnn:9"), "%s", b.p);
  icp_buf_free(&b);
  tp_free(&t);
}

Test(csv_out, rule_names_that_look_like_formulas_are_neutralised)
{
  struct tp t;
  struct icp_buf r;
  tp_ok(&t, "profile { name = \"=cmd\", dimensions = { fit = 1 }, tiers = { {\"A\", 0} } }\n"
        "rule \"=HYPERLINK()\" { dimension = \"fit\", points = 1, when = field \"x\" :eq(1) }\n"
        "rule \"@pen\" { dimension = \"fit\", points = -1, when = field \"x\" :eq(1) }\n"
        "route { tier = \"A\", to = \"+1 555\" }\n");
  icp_buf_init(&r, 1 << 16);
  tp_acct(&t, "x=1", NULL);
  tp_score(&t);
  cr_assert_eq(icp_emit_csv_row(&r, t.pack, t.a, t.r, NULL), ICP_OK);
  cr_assert(strstr(r.p, ",\"'=HYPERLINK() +1; @pen -1\","), "%s", r.p);
  cr_assert(strstr(r.p, ",\"'+1 555\","), "%s", r.p);
  cr_assert(strstr(r.p, ",\"'=cmd \","), "%s", r.p);
  icp_buf_free(&r);
  tp_free(&t);
}

Test(emit, reasons_are_ordered_by_points_and_capped)
{
  struct tp t;
  struct icp_buf b;
  tp_ok(&t, T_PROFILE
        "rule \"small\" { dimension = \"fit\", points = 1, when = field \"x\" :eq(1) }\n"
        "rule \"large\" { dimension = \"fit\", points = 30, when = field \"x\" :eq(1) }\n"
        "rule \"mid\" { dimension = \"fit\", points = 2.25, when = field \"x\" :eq(1) }\n"
        "rule \"pen\" { dimension = \"fit\", points = -4, when = field \"x\" :eq(1) }\n");
  icp_buf_init(&b, 1 << 16);
  tp_acct(&t, "x=1", NULL);
  tp_score(&t);
  cr_assert_eq(icp_emit_reasons(&b, t.pack, t.r, 3), ICP_OK);
  cr_assert_str_eq(b.p, "large +30; mid +2.3; small +1");
  icp_buf_reset(&b);
  cr_assert_eq(icp_emit_reasons(&b, t.pack, t.r, 10), ICP_OK);
  cr_assert_str_eq(b.p, "large +30; mid +2.3; small +1; pen -4");
  icp_buf_free(&b);
  tp_free(&t);
}
