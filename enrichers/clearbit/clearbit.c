/*
 * clearbit.c -- Clearbit Company API v2 as an icp enricher.
 *
 *   GET {base_url}/v2/companies/find?domain=<domain>
 *   Authorization: Bearer <api_key>
 *
 * Config: api_key (string, required, secret), base_url (string, default
 * https://company.clearbit.com).
 *
 * Statuses: 200 -> fields; 202 (lookup queued) -> ICP_ENR_RETRY;
 * 404 (unknown domain) and 422 (invalid domain) -> ICP_ENR_NOT_FOUND;
 * anything else -> ICP_ENR_ERROR "unexpected status N".
 *
 * Field mapping (Clearbit -> canonical):
 *   name -> name;  domain -> domain
 *   category.industry -> industry (category.sector when industry is null)
 *   category.subIndustry -> sub_industry
 *   metrics.employees -> employees; when null, metrics.employeesRange as
 *     text ("51-250") and the host stores the midpoint + employees_range
 *   metrics.annualRevenue -> revenue_usd; when null,
 *     metrics.estimatedAnnualRevenue as text ("$10M-$50M"), same way
 *   metrics.raised -> funding_total_usd
 *   geo.countryCode -> country (geo.country, a name, when the code is null)
 *   geo.state -> region;  geo.city -> city
 *   foundedYear -> founded_year
 *   type -> ownership: public, private, nonprofit and government as they
 *     are; education -> nonprofit (schools and universities are
 *     non-commercial buyers, and the schema has no education value);
 *     personal and anything else -> not set
 *   tech -> tech;  techCategories -> tech_categories (duplicates dropped)
 *   indexedAt -> updated_at (the host keeps the date part)
 * An answer that yields no field at all counts as NOT_FOUND.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icp_enricher_kit.h" /* the contract and the shared helpers */

#define DEFAULT_BASE "https://company.clearbit.com"

/* The state is a struct icpk_keyed; its key is "Bearer <api_key>". */
static const struct icpk_keyed_spec spec = {
  "clearbit", DEFAULT_BASE, "/v2/companies/find?domain=", "Authorization",
  "Bearer "
};

static const char *const fields[] = {
  "name", "domain", "industry", "sub_industry", "employees",
  "employees_range", "revenue_usd", "revenue_range", "funding_total_usd",
  "country", "region", "city", "founded_year", "ownership", "tech",
  "tech_categories", "updated_at", NULL
};

static const struct icp_enr_config_key config_keys[] = {
  {"api_key", ICP_ENR_CFG_STRING, 1, 1},
  {"base_url", ICP_ENR_CFG_STRING, 0, 0},
  {NULL, 0, 0, 0}
};

static int cb_init(const struct icp_host *h, const struct icp_enr_config *cfg,
                   void **state, char *errbuf, size_t errlen)
{
  *state = icpk_keyed_new(h, cfg, sizeof(struct icpk_keyed), &spec, errbuf,
                          errlen);
  return *state != NULL ? 0 : -1;
}

/* Clearbit's company type -> DESIGN §3 ownership, or NULL. */
static const char *ownership_of(const char *type)
{
  static const char *const map[][2] = {
    {"public", "public"},         {"private", "private"},
    {"nonprofit", "nonprofit"},   {"government", "government"},
    {"education", "nonprofit"},
  };
  return icpk_lookup(map, ICPK_NELEM(map), type);
}

static void map_company(struct icpk_emit *e, const cJSON *doc)
{
  const cJSON *cat = icpk_jget(doc, "category");
  const cJSON *met = icpk_jget(doc, "metrics");
  const cJSON *geo = icpk_jget(doc, "geo");
  const char *s;
  double v;

  icpk_emit_text(e, "name", icpk_jstr_f(e, "name", icpk_jget(doc, "name")));
  icpk_emit_text(e, "domain",
                 icpk_jstr_f(e, "domain", icpk_jget(doc, "domain")));

  s = icpk_jstr_f(e, "industry", icpk_jget(cat, "industry"));
  icpk_emit_text(
      e, "industry",
      s != NULL ? s : icpk_jstr_f(e, "industry", icpk_jget(cat, "sector")));
  icpk_emit_text(
      e, "sub_industry",
      icpk_jstr_f(e, "sub_industry", icpk_jget(cat, "subIndustry")));

  /* a wrong-typed value is reported (icpk_jnum_f/icpk_jstr_f); a string goes
   * to the host's normaliser */
  icpk_emit_count(e, "employees", icpk_jget(met, "employees"),
                  icpk_jget(met, "employeesRange"));
  icpk_emit_count(e, "revenue_usd", icpk_jget(met, "annualRevenue"),
                  icpk_jget(met, "estimatedAnnualRevenue"));
  icpk_emit_count(e, "funding_total_usd", icpk_jget(met, "raised"), NULL);

  s = icpk_jstr_f(e, "country", icpk_jget(geo, "countryCode"));
  icpk_emit_text(
      e, "country",
      s != NULL ? s : icpk_jstr_f(e, "country", icpk_jget(geo, "country")));
  icpk_emit_text(e, "region",
                 icpk_jstr_f(e, "region", icpk_jget(geo, "state")));
  icpk_emit_text(e, "city", icpk_jstr_f(e, "city", icpk_jget(geo, "city")));

  if (icpk_jnum_f(e, "founded_year", icpk_jget(doc, "foundedYear"), &v) == 1 &&
      v >= 1000 && v <= 9999)
    icpk_emit_num(e, "founded_year", v);
  icpk_emit_text(
      e, "ownership",
      ownership_of(icpk_jstr_f(e, "ownership", icpk_jget(doc, "type"))));

  icpk_emit_str_array(e, "tech", icpk_jget(doc, "tech"));
  icpk_emit_str_array(e, "tech_categories", icpk_jget(doc, "techCategories"));
  icpk_emit_text(e, "updated_at",
                 icpk_jstr_f(e, "updated_at", icpk_jget(doc, "indexedAt")));
}

static int cb_parse(void *state, const struct icp_enr_account *acct,
                    long status, const struct icp_enr_headers *hdrs,
                    const char *body, size_t len,
                    struct icp_enr_output *out)
{
  const struct icpk_keyed *k = state;
  const struct icp_host *h = k->h;
  struct icpk_emit e = {h, out, 0};
  cJSON *doc;

  (void)acct;
  (void)hdrs;
  if (status == 202)
    return ICP_ENR_RETRY;
  if (status == 404 || status == 422)
    return ICP_ENR_NOT_FOUND;
  if (status != 200)
    return icpk_status_error(h, out, status);
  doc = icpk_parse_object(h, out, body, len);
  if (doc == NULL)
    return ICP_ENR_ERROR;
  map_company(&e, doc);
  cJSON_Delete(doc);
  return icpk_emit_result(&e);
}

static const struct icp_enricher descriptor = {
  ICPK_DESCRIPTOR_ABI,
  .name = "clearbit",
  .version = "1.0.0",
  .kind = ICP_ENR_KIND_FIRMOGRAPHIC | ICP_ENR_KIND_TECHNOGRAPHIC,
  .fields = fields,
  .config = config_keys,
  .init = cb_init,
  .request = icpk_keyed_request,
  .parse = cb_parse,
  .fini = icpk_keyed_free,
};

ICPK_ENRICHER_OPEN(descriptor)
