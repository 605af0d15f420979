/* test_acct_writer.c -- accounts written with every field and its source
 * (`icp enrich` output): JSONL objects with _sources, CSV with a _sources
 * column, the enrich_errors field without a source of its own. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data/account.h"
#include "data/schema.h"
#include "io/acct_writer.h"

struct fx {
  struct icp_schema *s;
  struct icp_account *a[2];
  char path[64];
};

static int id_of(struct icp_schema *s, const char *n)
{
  int id = icp_schema_intern(s, n, strlen(n));
  cr_assert(id >= 0);
  return id;
}

/* Two accounts: acme (name from the input, employees from clearbit, an
 * enrich error) and beta (only a name). */
static void fx_init(struct fx *f, const char *ext)
{
  int clearbit;
  f->s = icp_schema_new();
  cr_assert(f->s);
  clearbit = icp_schema_source(f->s, "clearbit");
  cr_assert(clearbit > 0);
  f->a[0] = icp_account_new(f->s);
  f->a[1] = icp_account_new(f->s);
  cr_assert(f->a[0] && f->a[1]);
  cr_assert_eq(icp_account_set_str(f->a[0], id_of(f->s, "name"),
                                   "Acme, Inc", 9, 0), ICP_OK);
  cr_assert_eq(icp_account_set_num(f->a[0], id_of(f->s, "employees"),
                                   250, clearbit), ICP_OK);
  cr_assert_eq(icp_account_set_list_text(f->a[0], id_of(f->s,
               "enrich_errors"), "pdl: timeout", 12, clearbit), ICP_OK);
  cr_assert_eq(icp_account_set_str(f->a[1], id_of(f->s, "name"), "Beta",
                                   4, 0), ICP_OK);
  snprintf(f->path, sizeof(f->path), "/tmp/icp_acct_writer_%ld.%s",
           (long)getpid(), ext);
}

static char *slurp(const char *path)
{
  FILE *fp = fopen(path, "rb");
  char *p = calloc(1, 4096);
  size_t n;
  cr_assert(fp && p);
  n = fread(p, 1, 4095, fp);
  p[n] = 0;
  fclose(fp);
  return p;
}

static char *write_all(struct fx *f)
{
  struct icp_acct_writer w;
  struct icp_err err = { "" };
  char *text;
  cr_assert_eq(icp_acct_writer_open(&w, f->path, ICP_FMT_UNKNOWN, f->s,
                                    &err), ICP_OK, "%s", err.msg);
  w.no_source = icp_schema_find(f->s, "enrich_errors", 13);
  cr_assert_eq(icp_acct_writer_write(&w, f->a, 2, &err), ICP_OK, "%s",
               err.msg);
  cr_assert_eq(w.dropped, 0);
  cr_assert_eq(icp_acct_writer_close(&w, &err), ICP_OK, "%s", err.msg);
  text = slurp(f->path);
  unlink(f->path);
  icp_account_free(f->a[0]);
  icp_account_free(f->a[1]);
  icp_schema_free(f->s);
  return text;
}

Test(acct_writer, jsonl_writes_each_field_then_its_source)
{
  struct fx f;
  char *text, *acme, *beta;
  fx_init(&f, "jsonl");
  text = write_all(&f);
  acme = strstr(text, "\"name\":\"Acme, Inc\"");
  beta = strstr(text, "\"name\":\"Beta\"");
  cr_assert(acme && beta && acme < beta, "%s", text);
  cr_assert(strstr(text, "\"employees\":250"), "%s", text);
  cr_assert(strstr(text, "\"enrich_errors\":[\"pdl: timeout\"]"), "%s",
            text);
  cr_assert(strstr(text, "\"_sources\":{\"name\":\"input\",\"employees\":"
                         "\"clearbit\"}}\n"), "%s", text);
  cr_assert(strstr(text, "\"_sources\":{\"name\":\"input\"}}\n"), "%s",
            text);
  free(text);
}

Test(acct_writer, csv_writes_a_header_and_a_sources_column)
{
  struct fx f;
  char *text;
  fx_init(&f, "csv");
  text = write_all(&f);
  cr_assert(strstr(text, ",_sources\r\n"), "%s", text);
  cr_assert(strstr(text, "\"Acme, Inc\""), "quoted: %s", text);
  cr_assert(strstr(text, "name=input;employees=clearbit"), "%s", text);
  cr_assert(!strstr(text, "enrich_errors="), "no source: %s", text);
  cr_assert(strstr(text, "pdl: timeout"), "%s", text);
  free(text);
}
