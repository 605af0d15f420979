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

struct clearbit {
  const struct icp_host *h;
  const struct icp_enr_config *cfg;
  char *base;  /* base_url without trailing '/', host memory */
  char *auth;  /* "Bearer <api_key>", host memory */
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

static void cb_fini(void *state)
{
  struct clearbit *st = state;
  if (st == NULL)
    return;
  st->h->free(st->base);
  st->h->free(st->auth);
  st->h->free(st);
}

static int cb_init(const struct icp_host *h, const struct icp_enr_config *cfg,
                   void **state, char *errbuf, size_t errlen)
{
  struct clearbit *st;
  const char *key;
  size_t n;

  *state = NULL;
  if (!icpk_host_ok(h)) {
    icpk_errput(errbuf, errlen, "host table lacks functions clearbit needs");
    return -1;
  }
  key = h->cfg_string(cfg, "api_key");
  if (key == NULL || key[0] == '\0') {
    icpk_errput(errbuf, errlen, "api_key is required");
    return -1;
  }
  n = strlen(key);
  if (n > 1024 || strpbrk(key, "\r\n") != NULL) {
    icpk_errput(errbuf, errlen, "api_key is too long or has a line break");
    return -1;
  }
  st = h->alloc(sizeof *st);
  if (st == NULL) {
    icpk_errput(errbuf, errlen, "out of memory");
    return -1;
  }
  memset(st, 0, sizeof *st);
  st->h = h;
  st->cfg = cfg;
  st->base = icpk_base_url_dup(h, cfg, DEFAULT_BASE, errbuf, errlen);
  st->auth = h->alloc(n + 8);
  if (st->base == NULL || st->auth == NULL) {
    if (st->base != NULL)
      icpk_errput(errbuf, errlen, "out of memory");
    cb_fini(st);
    return -1;
  }
  memcpy(st->auth, "Bearer ", 7);
  memcpy(st->auth + 7, key, n + 1);
  *state = st;
  return 0;
}

static int cb_request(void *state, const struct icp_enr_account *acct,
                      struct icp_enr_request *req)
{
  struct clearbit *st = state;
  const struct icp_host *h = st->h;
  const char *domain = h->acct_domain(acct);
  struct icpk_sbuf url = {0};
  int rc = ICP_ENR_OK;

  if (domain == NULL || domain[0] == '\0')
    return ICP_ENR_NOT_FOUND;
  icpk_sb_add(&url, st->base);
  icpk_sb_add(&url, "/v2/companies/find?domain=");
  icpk_sb_add_escaped(&url, h, domain);
  if (url.bad) {
    h->log(st->cfg, ICP_ENR_LOG_WARN, "cannot build the request URL");
    rc = ICP_ENR_ERROR;
  } else if (h->req_set_url(req, url.p) != 0 ||
             h->req_add_header(req, "Authorization", st->auth) != 0 ||
             h->req_add_header(req, "Accept", "application/json") != 0) {
    rc = ICP_ENR_ERROR;
  }
  free(url.p);
  return rc;
}

/* Clearbit's company type -> DESIGN §3 ownership, or NULL. */
static const char *ownership_of(const char *type)
{
  static const char *const map[][2] = {
    {"public", "public"},         {"private", "private"},
    {"nonprofit", "nonprofit"},   {"government", "government"},
    {"education", "nonprofit"},
  };
  size_t i;
  if (type == NULL)
    return NULL;
  for (i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strcmp(type, map[i][0]) == 0)
      return map[i][1];
  return NULL;
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
  struct clearbit *st = state;
  const struct icp_host *h = st->h;
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
  doc = icpk_body_parse(h, out, body, len);
  if (doc == NULL)
    return ICP_ENR_ERROR;
  if (!cJSON_IsObject(doc)) {
    cJSON_Delete(doc);
    h->out_error(out, "answer is not a JSON object");
    return ICP_ENR_ERROR;
  }
  map_company(&e, doc);
  cJSON_Delete(doc);
  return e.stored > 0 ? ICP_ENR_OK : ICP_ENR_NOT_FOUND;
}

static const struct icp_enricher descriptor = {
  .abi = ICP_ENRICHER_ABI,
  .size = sizeof(struct icp_enricher),
  .name = "clearbit",
  .version = "1.0.0",
  .kind = ICP_ENR_KIND_FIRMOGRAPHIC | ICP_ENR_KIND_TECHNOGRAPHIC,
  .fields = fields,
  .config = config_keys,
  .init = cb_init,
  .request = cb_request,
  .parse = cb_parse,
  .fini = cb_fini,
  .provides = NULL,
  .config_key_size = ICP_ENR_CONFIG_KEY_SIZE,
};

const struct icp_enricher *icp_enricher_open(const struct icp_host *host,
                                             uint32_t host_abi)
{
  if (host_abi != ICP_ENRICHER_ABI || !icpk_host_ok(host))
    return NULL;
  return &descriptor;
}
