/*
 * pdl.c -- People Data Labs company enrichment (v5) as an icp enricher.
 *
 *   GET {base_url}/v5/company/enrich?website=<domain>
 *   X-Api-Key: <api_key>
 *
 * Config: api_key (string, required, secret), base_url (string, default
 * https://api.peopledatalabs.com), min_likelihood (number 0..10, default 0:
 * an answer whose `likelihood` is below it -- or absent while it is set --
 * counts as NOT_FOUND; PDL scores its match confidence 1..10).
 *
 * Statuses: 200 -> fields; 404 -> ICP_ENR_NOT_FOUND; anything else ->
 * ICP_ENR_ERROR "unexpected status N" (401 bad key, 402 out of credits).
 *
 * Field mapping (PDL -> canonical):
 *   display_name (else name, which PDL lowercases) -> name
 *   website -> domain;  industry -> industry
 *   employee_count -> employees; when null, size as text ("51-200",
 *     "10001+") and the host stores the midpoint + employees_range
 *   inferred_revenue (text, "$10M-$25M") -> revenue_usd (+ revenue_range)
 *   location.country (a lowercase name, "united states") -> country (the
 *     host makes it ISO-2);  location.region -> region;
 *     location.locality -> city
 *   founded -> founded_year;  total_funding_raised -> funding_total_usd
 *   last_funding_date -> last_funding_date
 *   type -> ownership: public, private, nonprofit, government as they are;
 *     public_subsidiary -> public (owned by a listed parent);
 *     educational -> nonprofit (as for Clearbit); others -> not set
 *   latest_funding_stage -> funding_stage (DESIGN §3 set):
 *     angel, pre_seed, seed                        -> seed
 *     series_a .. series_d                         -> series_a .. series_d
 *     series_e, series_f, ... (any later letter)   -> series_e_plus
 *     private_equity                               -> series_e_plus
 *       (late-stage private capital; the company stays private)
 *     ipo, post_ipo_equity, post_ipo_debt, post_ipo_secondary -> ipo
 *     acquired, merger_acquisition                 -> acquired
 *     series_unknown, debt_financing, convertible_note, grant,
 *     corporate_round, crowdfunding kinds, secondary_market, undisclosed,
 *     anything else                                -> not set (they say
 *       money came in, not which stage the company is at)
 * An answer that yields no field at all counts as NOT_FOUND.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icp_enricher_kit.h" /* the contract and the shared helpers */

#define DEFAULT_BASE "https://api.peopledatalabs.com"

struct pdl {
  struct icpk_keyed k;    /* first: host, config, base, key (the api_key) */
  double min_likelihood;  /* 0 = no check */
};

static const struct icpk_keyed_spec spec = {
  "pdl", DEFAULT_BASE, "/v5/company/enrich?website=", "X-Api-Key", NULL
};

static const char *const fields[] = {
  "name", "domain", "industry", "employees", "employees_range",
  "revenue_usd", "revenue_range", "country", "region", "city",
  "founded_year", "ownership", "funding_total_usd", "funding_stage",
  "last_funding_date", NULL
};

static const struct icp_enr_config_key config_keys[] = {
  {"api_key", ICP_ENR_CFG_STRING, 1, 1},
  {"base_url", ICP_ENR_CFG_STRING, 0, 0},
  {"min_likelihood", ICP_ENR_CFG_NUMBER, 0, 0},
  {NULL, 0, 0, 0}
};

static int pdl_init(const struct icp_host *h, const struct icp_enr_config *cfg,
                    void **state, char *errbuf, size_t errlen)
{
  struct pdl *st = icpk_keyed_new(h, cfg, sizeof *st, &spec, errbuf, errlen);

  *state = st;
  if (st == NULL)
    return -1;
  if (icpk_cfg_range(h, cfg, "min_likelihood", 0, 10, &st->min_likelihood,
                     errbuf, errlen) != 0) {
    icpk_keyed_free(st);
    *state = NULL;
    return -1;
  }
  return 0;
}

/* PDL company type -> DESIGN §3 ownership, or NULL. */
static const char *ownership_of(const char *type)
{
  static const char *const map[][2] = {
    {"public", "public"},
    {"public_subsidiary", "public"},
    {"private", "private"},
    {"nonprofit", "nonprofit"},
    {"government", "government"},
    {"educational", "nonprofit"},
    {"education", "nonprofit"},
  };
  return icpk_lookup(map, ICPK_NELEM(map), type);
}

/* PDL latest_funding_stage -> DESIGN §3 funding_stage, or NULL. */
static const char *stage_of(const char *s)
{
  static const char *const map[][2] = {
    {"angel", "seed"},
    {"pre_seed", "seed"},
    {"seed", "seed"},
    {"series_a", "series_a"},
    {"series_b", "series_b"},
    {"series_c", "series_c"},
    {"series_d", "series_d"},
    {"private_equity", "series_e_plus"},
    {"ipo", "ipo"},
    {"post_ipo_equity", "ipo"},
    {"post_ipo_debt", "ipo"},
    {"post_ipo_secondary", "ipo"},
    {"acquired", "acquired"},
    {"merger_acquisition", "acquired"},
  };
  const char *v = icpk_lookup(map, ICPK_NELEM(map), s);
  if (v != NULL || s == NULL)
    return v;
  /* series_e, series_f, ... series_z: one letter from e on */
  if (strncmp(s, "series_", 7) == 0 && s[7] >= 'e' && s[7] <= 'z' &&
      s[8] == '\0')
    return "series_e_plus";
  return NULL;
}

static void map_company(struct icpk_emit *e, const cJSON *doc)
{
  const cJSON *loc = icpk_jget(doc, "location");
  const char *s;
  double v;

  s = icpk_jstr_f(e, "name", icpk_jget(doc, "display_name"));
  icpk_emit_text(e, "name",
                 s != NULL ? s
                           : icpk_jstr_f(e, "name", icpk_jget(doc, "name")));
  icpk_emit_text(e, "domain",
                 icpk_jstr_f(e, "domain", icpk_jget(doc, "website")));
  icpk_emit_text(e, "industry",
                 icpk_jstr_f(e, "industry", icpk_jget(doc, "industry")));

  icpk_emit_count(e, "employees", icpk_jget(doc, "employee_count"),
                  icpk_jget(doc, "size"));
  icpk_emit_text(
      e, "revenue_usd",
      icpk_jstr_f(e, "revenue_usd", icpk_jget(doc, "inferred_revenue")));

  icpk_emit_text(e, "country",
                 icpk_jstr_f(e, "country", icpk_jget(loc, "country")));
  icpk_emit_text(e, "region",
                 icpk_jstr_f(e, "region", icpk_jget(loc, "region")));
  icpk_emit_text(e, "city",
                 icpk_jstr_f(e, "city", icpk_jget(loc, "locality")));

  if (icpk_jnum_f(e, "founded_year", icpk_jget(doc, "founded"), &v) == 1 &&
      v >= 1000 && v <= 9999)
    icpk_emit_num(e, "founded_year", v);
  icpk_emit_text(
      e, "ownership",
      ownership_of(icpk_jstr_f(e, "ownership", icpk_jget(doc, "type"))));
  icpk_emit_count(e, "funding_total_usd",
                  icpk_jget(doc, "total_funding_raised"), NULL);
  icpk_emit_text(
      e, "funding_stage",
      stage_of(icpk_jstr_f(e, "funding_stage",
                           icpk_jget(doc, "latest_funding_stage"))));
  icpk_emit_text(e, "last_funding_date",
                 icpk_jstr_f(e, "last_funding_date",
                             icpk_jget(doc, "last_funding_date")));
}

static int pdl_parse(void *state, const struct icp_enr_account *acct,
                     long status, const struct icp_enr_headers *hdrs,
                     const char *body, size_t len,
                     struct icp_enr_output *out)
{
  const struct pdl *st = state;
  const struct icp_host *h = st->k.h;
  struct icpk_emit e = {h, out, 0};
  cJSON *doc;
  double like = 0;

  (void)acct;
  (void)hdrs;
  if (status == 404)
    return ICP_ENR_NOT_FOUND;
  if (status != 200)
    return icpk_status_error(h, out, status);
  doc = icpk_parse_object(h, out, body, len);
  if (doc == NULL)
    return ICP_ENR_ERROR;
  if (st->min_likelihood > 0 &&
      (!icpk_jnum(icpk_jget(doc, "likelihood"), &like) ||
       like < st->min_likelihood)) {
    cJSON_Delete(doc);
    h->out_error(out, "match likelihood below min_likelihood");
    return ICP_ENR_NOT_FOUND;
  }
  map_company(&e, doc);
  cJSON_Delete(doc);
  return icpk_emit_result(&e);
}

static const struct icp_enricher descriptor = {
  ICPK_DESCRIPTOR_ABI,
  .name = "pdl",
  .version = "1.0.0",
  .kind = ICP_ENR_KIND_FIRMOGRAPHIC,
  .fields = fields,
  .config = config_keys,
  .init = pdl_init,
  .request = icpk_keyed_request,
  .parse = pdl_parse,
  .fini = icpk_keyed_free,
};

ICPK_ENRICHER_OPEN(descriptor)
