/* test_host_out.c -- one value normaliser: the text a provider sets through
 * the host table (out_text) becomes the value the same text gets as an
 * input cell, and what does not fit is refused on both sides. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "data/account.h"
#include "data/normalize.h"
#include "data/schema.h"
#include "data/typing.h"
#include "data/value.h"
#include "net/host.h"

/* value v as text: numbers %.17g, dates YYYY-MM-DD, lists joined by '|',
 * "-" when missing */
static const char *show(const struct icp_value *v, char *out, size_t cap)
{
  uint32_t i;
  size_t k;
  switch(v->type) {
  case ICP_T_NUMBER:
    snprintf(out, cap, "%.17g", v->u.num);
    break;
  case ICP_T_DATE:
    icp_format_date(v->u.day, out);
    break;
  case ICP_T_BOOL:
    snprintf(out, cap, "%s", v->u.b ? "true" : "false");
    break;
  case ICP_T_STRING:
    snprintf(out, cap, "%.*s", (int)v->n, v->u.str);
    break;
  case ICP_T_LIST:
    out[0] = 0;
    for(i = 0; i < v->n; i++) {
      k = strlen(out);
      snprintf(out + k, cap - k, "%s%.*s", i ? "|" : "",
               (int)v->u.list[i].n, v->u.list[i].p);
    }
    break;
  default:
    snprintf(out, cap, "-");
  }
  return out;
}

struct pair {
  struct icp_schema *s;
  struct icp_account *in;   /* from the input cell */
  struct icp_account *pv;   /* from the provider's out_text */
  int in_ok, pv_ok;         /* 1 when the value was taken */
  struct icp_enr_output out;
};

/* Sets field to text both ways: as an input cell and as provider text
 * applied to an account the way the enrichment session does. */
static void both(struct pair *p, const char *field, const char *text)
{
  struct icp_err err = { "" };
  const struct icp_host *h = icp_host_table();
  int id, nset = 0;
  p->s = icp_schema_new();
  cr_assert_not_null(p->s);
  cr_assert_eq(icp_schema_declare(p->s, "demo_attended", ICP_T_BOOL, &err),
               ICP_OK, "%s", err.msg);
  id = icp_schema_intern(p->s, field, strlen(field));
  cr_assert_geq(id, 0);
  p->in = icp_account_new(p->s);
  p->pv = icp_account_new(p->s);
  cr_assert(p->in && p->pv);
  p->in_ok = icp_account_set_text(p->in, id, text, strlen(text), 0,
                                  &err) == ICP_OK;
  icp_enr_out_init(&p->out, p->s, NULL);
  p->pv_ok = h->out_text(&p->out, field, text) == 0;
  cr_assert_eq(icp_enr_out_apply(&p->out, p->pv, 1, 0, &nset), ICP_OK);
  cr_assert_eq(nset > 0, p->pv_ok, "%s '%s': applied %d", field, text,
               nset);
}

static void pair_free(struct pair *p)
{
  icp_enr_out_free(&p->out);
  icp_account_free(p->in);
  icp_account_free(p->pv);
  icp_schema_free(p->s);
}

/* field = text gives want (see show) from the input and from a provider,
 * and so does the range field beside it. */
static void same(const char *field, const char *text, const char *want,
                 const char *range_want)
{
  struct pair p;
  char a[256], b[256];
  int id, rid;
  both(&p, field, text);
  cr_assert(p.in_ok && p.pv_ok, "%s '%s': input %d, provider %d", field,
            text, p.in_ok, p.pv_ok);
  id = icp_schema_find(p.s, field, strlen(field));
  cr_assert_str_eq(show(icp_account_get(p.in, id), a, sizeof(a)), want,
                   "input %s '%s'", field, text);
  cr_assert_str_eq(show(icp_account_get(p.pv, id), b, sizeof(b)), want,
                   "provider %s '%s'", field, text);
  cr_assert_eq(icp_account_get(p.in, id)->type,
               icp_account_get(p.pv, id)->type);
  rid = icp_norm_range_field(id);
  if(rid >= 0) {
    cr_assert_str_eq(show(icp_account_get(p.in, rid), a, sizeof(a)),
                     range_want, "input range of '%s'", text);
    cr_assert_str_eq(show(icp_account_get(p.pv, rid), b, sizeof(b)),
                     range_want, "provider range of '%s'", text);
  }
  pair_free(&p);
}

Test(one_normaliser, money_with_symbols_separators_and_suffixes)
{
  same("revenue_usd", "$1.2M", "1200000", "-");
  same("revenue_usd", "USD 5,000,000", "5000000", "-");
  same("revenue_usd", " $514,405.0 ", "514405", "-");
  same("funding_total_usd", "3.5B", "3500000000", NULL);
  same("employees", "12k", "12000", "-");
}

Test(one_normaliser, ranges_give_the_midpoint_and_keep_the_text)
{
  same("employees", "51-200", "125.5", "51-200");
  same("employees", " 10,001+ ", "10001", "10,001+");
  same("revenue_usd", "$10M-$50M", "30000000", "$10M-$50M");
}

Test(one_normaliser, country_names_and_codes_to_alpha2)
{
  same("country", "United States", "US", NULL);
  same("country", "USA", "US", NULL);
  same("country", "U.S.", "US", NULL);
  same("country", "UK", "GB", NULL);
  same("country", "Deutschland", "DE", NULL);
  same("country", "DEU", "DE", NULL);
}

Test(one_normaliser, iso_timestamps_to_dates)
{
  same("updated_at", "2026-10-01T12:00:00Z", "2026-10-01", NULL);
  same("updated_at", "2026-10-01 12:00:00", "2026-10-01", NULL);
  same("last_funding_date", "2026-10-01T23:30:00-02:00", "2026-10-02",
       NULL);
  same("updated_at", "2026-10-01", "2026-10-01", NULL);
}

Test(one_normaliser, domains_from_urls_and_email_addresses)
{
  same("domain", "https://www.acme.io/about", "acme.io", NULL);
  same("domain", "jane@acme.io", "acme.io", NULL);
  same("domain", " WWW.Acme.IO ", "acme.io", NULL);
}

Test(one_normaliser, declared_bools_and_trimmed_text)
{
  same("demo_attended", "Yes", "true", NULL);
  same("demo_attended", "off", "false", NULL);
  same("industry", " Software\xc2\xa0", "Software", NULL);
  same("tech", "  Snowflake ", "Snowflake", NULL);
}

/* A value that does not fit is refused both ways: an error for the input
 * cell, and for the provider a failure noted for the field (never kept). */
Test(one_normaliser, what_does_not_fit_is_refused_by_both)
{
  static const char *const bad[][2] = {
    { "employees", "lots" }, { "revenue_usd", "EUR 5" },
    { "country", "Atlantis" }, { "updated_at", "yesterday" },
    { "domain", "not a domain" }, { "demo_attended", "maybe" },
  };
  size_t i;
  for(i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    struct pair p;
    int id;
    both(&p, bad[i][0], bad[i][1]);
    id = icp_schema_find(p.s, bad[i][0], strlen(bad[i][0]));
    cr_assert(!p.in_ok, "input took %s '%s'", bad[i][0], bad[i][1]);
    cr_assert(!p.pv_ok, "provider took %s '%s'", bad[i][0], bad[i][1]);
    cr_assert_eq(icp_account_get(p.pv, id)->type, ICP_T_MISSING);
    cr_assert_eq(p.out.nbad, 1, "%s '%s'", bad[i][0], bad[i][1]);
    cr_assert_str_eq(p.out.bad[0], bad[i][0]);
    pair_free(&p);
  }
}

/* The one difference, on purpose: a field of no declared type keeps a
 * provider's text as text (the plugin knew its JSON type and chose text),
 * where an input cell, which has no type, is inferred. */
Test(one_normaliser, an_undeclared_field_keeps_provider_text_as_text)
{
  struct pair p;
  int id;
  both(&p, "clearbit.rank", "250");
  id = icp_schema_find(p.s, "clearbit.rank", 13);
  cr_assert(p.in_ok && p.pv_ok);
  cr_assert_eq(icp_account_get(p.in, id)->type, ICP_T_NUMBER);
  cr_assert_eq(icp_account_get(p.pv, id)->type, ICP_T_STRING);
  pair_free(&p);
}
