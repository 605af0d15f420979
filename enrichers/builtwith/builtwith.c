/*
 * builtwith.c -- BuiltWith Domain API (v22) as an icp enricher.
 *
 *   GET {base_url}/v22/api.json?KEY=<api_key>&LOOKUP=<domain>
 *
 * The key travels in the query string (BuiltWith's only way); it is a
 * secret, so the host redacts it from every URL it logs or caches.
 *
 * Config: api_key (string, required, secret), base_url (string, default
 * https://api.builtwith.com), max_age_days (number, default 0 = keep all):
 * drop a technology whose LastDetected is more than that many days before
 * the newest LastDetected in the same answer (BuiltWith also lists
 * technologies a site stopped using; comparing within the answer keeps the
 * result independent of the clock).
 *
 * Answer: Results[].Result.Paths[].Technologies[] with Name, Tag,
 * Categories[], FirstDetected, LastDetected (epoch milliseconds).
 *   Name                       -> tech (unique, in order of appearance)
 *   Tag and every Categories[] -> tech_categories (unique)
 *   Results[0].LastIndexed     -> updated_at (YYYY-MM-DD, UTC)
 * Statuses and errors: 200 with an `Errors` entry whose Message reads like
 * "not found" (not found, no data, no results, does not exist, unknown or
 * invalid domain) -> ICP_ENR_NOT_FOUND; any other Errors entry ->
 * ICP_ENR_ERROR (the message is not echoed); empty or missing Results, or
 * no technology at all -> ICP_ENR_NOT_FOUND; 404 -> NOT_FOUND; other
 * statuses -> ICP_ENR_ERROR "unexpected status N".
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icp_enricher_kit.h" /* the contract and the shared helpers */

#define DEFAULT_BASE "https://api.builtwith.com"
#define MS_PER_DAY 86400000.0

struct builtwith {
  struct icpk_keyed k;  /* first: host, config, base, key (the api_key) */
  double max_age_days;  /* 0 = keep every technology */
};

/* The key travels in the query string, escaped. */
static const struct icpk_keyed_spec spec = {
  "builtwith", DEFAULT_BASE, "/v22/api.json?KEY={key}&LOOKUP=", NULL, NULL
};

static const char *const fields[] = {
  "tech", "tech_categories", "updated_at", NULL
};

static const struct icp_enr_config_key config_keys[] = {
  {"api_key", ICP_ENR_CFG_STRING, 1, 1},
  {"base_url", ICP_ENR_CFG_STRING, 0, 0},
  {"max_age_days", ICP_ENR_CFG_NUMBER, 0, 0},
  {NULL, 0, 0, 0}
};

static int bw_init(const struct icp_host *h, const struct icp_enr_config *cfg,
                   void **state, char *errbuf, size_t errlen)
{
  struct builtwith *st =
      icpk_keyed_new(h, cfg, sizeof *st, &spec, errbuf, errlen);

  *state = st;
  if (st == NULL)
    return -1;
  if (icpk_cfg_range(h, cfg, "max_age_days", 0, 36500, &st->max_age_days,
                     errbuf, errlen) != 0) {
    icpk_keyed_free(st);
    *state = NULL;
    return -1;
  }
  return 0;
}

/* ASCII case-insensitive: does hay contain needle (lowercase)? */
static int contains_ci(const char *hay, const char *needle)
{
  size_t n = strlen(needle), i;
  for (; *hay != '\0'; hay++) {
    for (i = 0; i < n; i++) {
      char c = hay[i];
      if (c >= 'A' && c <= 'Z')
        c = (char)(c - 'A' + 'a');
      if (c != needle[i])
        break;
    }
    if (i == n)
      return 1;
  }
  return 0;
}

static int not_found_message(const char *msg)
{
  static const char *const words[] = {
    "not found", "no data", "no results", "no result",
    "does not exist", "unknown domain", "invalid domain", "not indexed",
  };
  size_t i;
  if (msg == NULL)
    return 0;
  for (i = 0; i < sizeof words / sizeof words[0]; i++)
    if (contains_ci(msg, words[i]))
      return 1;
  return 0;
}

/* Classifies a non-empty Errors array: NOT_FOUND when every entry reads
 * like "not found", else ERROR. */
static int classify_errors(const cJSON *errs)
{
  const cJSON *it;
  cJSON_ArrayForEach(it, errs)
  {
    const char *msg = icpk_jstr(icpk_jget(it, "Message"));
    if (msg == NULL)
      msg = icpk_jstr(it); /* tolerate a bare string entry */
    if (!not_found_message(msg))
      return ICP_ENR_ERROR;
  }
  return ICP_ENR_NOT_FOUND;
}

/* Days since 1970-01-01 -> "YYYY-MM-DD" (proleptic Gregorian; Howard
 * Hinnant's civil_from_days). buf holds at least 11 bytes. */
static void date_of_days(long long z, char *buf, size_t cap)
{
  long long era, doe, yoe, y, doy, mp, d, m;
  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  snprintf(buf, cap, "%04lld-%02lld-%02lld", y + (m <= 2), m, d);
}

/* The newest LastDetected over every technology, or -1. */
static double newest_detection(const cJSON *results)
{
  const cJSON *r, *p, *t;
  double best = -1, v;
  cJSON_ArrayForEach(r, results)
  {
    cJSON_ArrayForEach(p, icpk_jget(icpk_jget(r, "Result"), "Paths"))
    {
      cJSON_ArrayForEach(t, icpk_jget(p, "Technologies"))
      {
        if (icpk_jnum(icpk_jget(t, "LastDetected"), &v) && v > best)
          best = v;
      }
    }
  }
  return best;
}

static void map_results(const struct builtwith *st, struct icpk_emit *e,
                        const cJSON *results)
{
  struct icpk_strset names = {0}, cats = {0};
  const cJSON *r, *p, *t, *c;
  double cutoff = -1, v, li;

  if (st->max_age_days > 0) {
    double newest = newest_detection(results);
    if (newest >= 0)
      cutoff = newest - st->max_age_days * MS_PER_DAY;
  }
  cJSON_ArrayForEach(r, results)
  {
    cJSON_ArrayForEach(p, icpk_jget(icpk_jget(r, "Result"), "Paths"))
    {
      cJSON_ArrayForEach(t, icpk_jget(p, "Technologies"))
      {
        const char *name = icpk_jstr(icpk_jget(t, "Name"));
        if (name == NULL)
          continue;
        if (cutoff >= 0 &&
            (!icpk_jnum(icpk_jget(t, "LastDetected"), &v) || v < cutoff))
          continue;
        icpk_emit_item(e, &names, "tech", name);
        icpk_emit_item(e, &cats, "tech_categories",
                       icpk_jstr(icpk_jget(t, "Tag")));
        cJSON_ArrayForEach(c, icpk_jget(t, "Categories"))
        {
          icpk_emit_item(e, &cats, "tech_categories", icpk_jstr(c));
        }
      }
    }
  }
  icpk_strset_free(&names);
  icpk_strset_free(&cats);
  /* only worth a date when the answer carried technologies */
  if (e->stored > 0 &&
      icpk_jnum(icpk_jget(cJSON_GetArrayItem(results, 0), "LastIndexed"),
                &li) &&
      li >= 0 && li < 253402300800000.0) {
    char day[64];
    /* li >= 0: truncation is floor */
    date_of_days((long long)(li / MS_PER_DAY), day, sizeof day);
    icpk_emit_text(e, "updated_at", day);
  }
}

static int bw_parse(void *state, const struct icp_enr_account *acct,
                    long status, const struct icp_enr_headers *hdrs,
                    const char *body, size_t len,
                    struct icp_enr_output *out)
{
  const struct builtwith *st = state;
  const struct icp_host *h = st->k.h;
  struct icpk_emit e = {h, out, 0};
  const cJSON *errs, *results;
  cJSON *doc;
  int rc;

  (void)acct;
  (void)hdrs;
  if (status == 404)
    return ICP_ENR_NOT_FOUND;
  if (status != 200)
    return icpk_status_error(h, out, status);
  doc = icpk_parse_object(h, out, body, len);
  if (doc == NULL)
    return ICP_ENR_ERROR;
  errs = icpk_jget(doc, "Errors");
  results = icpk_jget(doc, "Results");
  if (cJSON_IsArray(errs) && cJSON_GetArraySize(errs) > 0) {
    rc = classify_errors(errs);
    h->out_error(out, rc == ICP_ENR_NOT_FOUND ? "domain not found"
                                              : "provider reported an error");
  } else if (errs != NULL && !cJSON_IsArray(errs) && !cJSON_IsNull(errs)) {
    h->out_error(out, "Errors is not an array");
    rc = ICP_ENR_ERROR;
  } else if (results != NULL && !cJSON_IsArray(results) &&
             !cJSON_IsNull(results)) {
    h->out_error(out, "Results is not an array");
    rc = ICP_ENR_ERROR;
  } else {
    map_results(st, &e, results);
    rc = icpk_emit_result(&e);
  }
  cJSON_Delete(doc);
  return rc;
}

static const struct icp_enricher descriptor = {
  ICPK_DESCRIPTOR_ABI,
  .name = "builtwith",
  .version = "1.0.0",
  .kind = ICP_ENR_KIND_TECHNOGRAPHIC,
  .fields = fields,
  .config = config_keys,
  .init = bw_init,
  .request = icpk_keyed_request,
  .parse = bw_parse,
  .fini = icpk_keyed_free,
};

ICPK_ENRICHER_OPEN(descriptor)
