/*
 * gen_accounts.c -- deterministic generator of realistic B2B accounts.
 *
 *   gen_accounts [--count N] [--seed S] [--format csv|jsonl]
 *
 * Writes N accounts (default 2000) to standard output, as CSV with a header
 * row (default) or as JSONL, in the canonical account schema of DESIGN §3
 * plus the CRM columns the b2b_saas pack declares. The same seed (default
 * 42) always gives the same bytes: the only randomness is a splitmix64
 * stream seeded from --seed, and every row draws from it in a fixed order,
 * so the CSV and JSONL outputs of one seed hold the same accounts.
 *
 * Realism: log-normal headcount (1..100k), revenue correlated with
 * headcount, weighted industries and countries, ownership and funding that
 * follow size, technology lists drawn from real product names, and gaps:
 * every column but domain is missing 3-25% of the time. A few names hold
 * commas, double quotes or non-ASCII UTF-8. Domains are lowercase and unique
 * within a run; rivalsoft.com and competeco.io each appear at most once.
 */

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * PRNG: splitmix64
 * ---------------------------------------------------------------------- */

struct rng {
  uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
  uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Uniform double in [0, 1). */
static double rng_unit(struct rng *r)
{
  return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform integer in [0, n). n > 0. */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
  return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static int rng_chance(struct rng *r, double p)
{
  return rng_unit(r) < p;
}

/* Standard normal (Box-Muller; one value per call, for a fixed draw order). */
static double rng_normal(struct rng *r)
{
  double u1 = rng_unit(r), u2 = rng_unit(r);
  if(u1 < 1e-300)
    u1 = 1e-300;
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* Index of an element of a table of n structs of the given size, drawn in
   proportion to the unsigned weight stored at offset off in each. */
static size_t rng_weighted(struct rng *r, const void *table, size_t n,
                           size_t size, size_t off)
{
  const unsigned char *base = table;
  unsigned total = 0, x, w;
  size_t i;
  for(i = 0; i < n; i++) {
    memcpy(&w, base + i * size + off, sizeof(w));
    total += w;
  }
  x = rng_below(r, total);
  for(i = 0; i < n; i++) {
    memcpy(&w, base + i * size + off, sizeof(w));
    if(x < w)
      return i;
    x -= w;
  }
  return n - 1;
}

#define PICK(r, table, type)                                             \
  rng_weighted((r), (table), COUNT_OF(table), sizeof(type),              \
               offsetof(type, weight))

/* ------------------------------------------------------------------------
 * Reference data
 * ---------------------------------------------------------------------- */

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

struct industry {
  const char *name;
  unsigned weight;
  double rev_per_emp;   /* median annual revenue per employee, USD */
  const char *sub[4];
};

static const struct industry industries[] = {
  { "Software", 14, 220e3,
    { "Application Software", "Infrastructure Software", "Security Software",
      "Developer Tools" } },
  { "Financial Services", 9, 350e3,
    { "Banking", "Payments", "Asset Management", "Lending" } },
  { "Healthcare", 8, 150e3,
    { "Hospitals & Clinics", "Health IT", "Medical Devices", NULL } },
  { "Manufacturing", 9, 260e3,
    { "Industrial Machinery", "Electronics", "Chemicals", "Plastics" } },
  { "Retail", 7, 180e3,
    { "E-commerce", "Apparel", "Grocery", "Home Goods" } },
  { "Education", 5, 90e3,
    { "Higher Education", "K-12", "EdTech", NULL } },
  { "Government", 3, 110e3,
    { "Local Government", "Federal Agencies", "Public Safety", NULL } },
  { "Professional Services", 8, 160e3,
    { "Consulting", "Accounting", "Legal Services", "Staffing" } },
  { "Media & Entertainment", 4, 200e3,
    { "Publishing", "Broadcasting", "Gaming", "Music" } },
  { "Telecommunications", 3, 400e3,
    { "Wireless", "Internet Service Providers", NULL, NULL } },
  { "Energy", 3, 600e3,
    { "Oil & Gas", "Renewables", "Utilities", NULL } },
  { "Transportation & Logistics", 4, 210e3,
    { "Freight", "Warehousing", "Airlines", "Last-Mile Delivery" } },
  { "Real Estate", 4, 250e3,
    { "Commercial Real Estate", "Property Management", "PropTech", NULL } },
  { "Construction", 4, 230e3,
    { "Residential Construction", "Civil Engineering", NULL, NULL } },
  { "Hospitality", 3, 80e3,
    { "Hotels", "Restaurants", "Travel", NULL } },
  { "Insurance", 3, 450e3,
    { "Property & Casualty", "Life Insurance", "InsurTech", NULL } },
  { "Pharmaceuticals", 2, 500e3,
    { "Biotechnology", "Generics", "Clinical Research", NULL } },
  { "Nonprofit", 3, 70e3,
    { "Charities", "Foundations", "Associations", NULL } },
  { "Agriculture", 1, 300e3,
    { "Farming", "AgTech", NULL, NULL } },
  { "Automotive", 2, 420e3,
    { "Vehicle Manufacturing", "Auto Parts", "Dealerships", NULL } },
  { "Consumer Goods", 3, 320e3,
    { "Food & Beverage", "Personal Care", "Household Products", NULL } },
};

enum { IND_GOVERNMENT = 6, IND_EDUCATION = 5, IND_NONPROFIT = 17 };

struct place {
  const char *region, *city;
};

struct country {
  const char *iso;
  unsigned weight;
  const char *tld;
  const char *suffix;          /* local legal-form suffix, or NULL */
  struct place places[6];
};

static const struct country countries[] = {
  { "US", 40, ".com", " Inc.",
    { { "California", "San Francisco" }, { "New York", "New York" },
      { "Texas", "Austin" }, { "Washington", "Seattle" },
      { "Massachusetts", "Boston" }, { "Illinois", "Chicago" } } },
  { "GB", 10, ".co.uk", " Ltd",
    { { "England", "London" }, { "England", "Manchester" },
      { "Scotland", "Edinburgh" }, { "Wales", "Cardiff" } } },
  { "DE", 8, ".de", " GmbH",
    { { "Bavaria", "Munich" }, { "Berlin", "Berlin" },
      { "Hamburg", "Hamburg" }, { "Hesse", "Frankfurt am Main" },
      { "Baden-W\xc3\xbcrttemberg", "Stuttgart" } } },
  { "FR", 7, ".fr", " SAS",
    { { "\xc3\x8ele-de-France", "Paris" },
      { "Auvergne-Rh\xc3\xb4ne-Alpes", "Lyon" },
      { "Occitanie", "Toulouse" } } },
  { "CA", 7, ".ca", " Inc.",
    { { "Ontario", "Toronto" }, { "Quebec", "Montr\xc3\xa9" "al" },
      { "British Columbia", "Vancouver" }, { "Alberta", "Calgary" } } },
  { "NL", 3, ".nl", " B.V.",
    { { "North Holland", "Amsterdam" }, { "South Holland", "Rotterdam" } } },
  { "AU", 3, ".com.au", " Pty Ltd",
    { { "New South Wales", "Sydney" }, { "Victoria", "Melbourne" } } },
  { "SE", 2, ".se", " AB",
    { { "Stockholm", "Stockholm" }, { "V\xc3\xa4stra G\xc3\xb6taland",
                                       "G\xc3\xb6teborg" } } },
  { "IE", 2, ".ie", " Ltd",
    { { "Leinster", "Dublin" }, { "Munster", "Cork" } } },
  { "ES", 2, ".es", " S.L.",
    { { "Madrid", "Madrid" }, { "Catalonia", "Barcelona" } } },
  { "IT", 2, ".it", " S.r.l.",
    { { "Lombardy", "Milan" }, { "Lazio", "Rome" } } },
  { "CH", 2, ".ch", " AG",
    { { "Z\xc3\xbcrich", "Z\xc3\xbcrich" }, { "Geneva", "Geneva" } } },
  { "IN", 3, ".in", " Pvt Ltd",
    { { "Karnataka", "Bengaluru" }, { "Maharashtra", "Mumbai" } } },
  { "BR", 2, ".com.br", " Ltda",
    { { "S\xc3\xa3o Paulo", "S\xc3\xa3o Paulo" },
      { "Rio de Janeiro", "Rio de Janeiro" } } },
  { "JP", 2, ".jp", " K.K.", { { "Tokyo", "Tokyo" }, { "Osaka", "Osaka" } } },
  { "SG", 1, ".sg", " Pte Ltd", { { "Singapore", "Singapore" } } },
  { "IL", 1, ".co.il", " Ltd", { { "Tel Aviv", "Tel Aviv" } } },
  { "PL", 1, ".pl", " sp. z o.o.",
    { { "Masovia", "Warsaw" }, { "Lesser Poland", "Krak\xc3\xb3w" } } },
  { "DK", 1, ".dk", " ApS", { { "Capital Region", "Copenhagen" } } },
  { "MX", 1, ".mx", " S.A. de C.V.",
    { { "Mexico City", "Mexico City" }, { "Jalisco", "Guadalajara" } } },
};

struct tech {
  const char *name;
  unsigned weight;
  const char *category;
};

static const struct tech techs[] = {
  { "Amazon Web Services", 30, "Cloud Infrastructure" },
  { "Google Cloud", 14, "Cloud Infrastructure" },
  { "Microsoft Azure", 16, "Cloud Infrastructure" },
  { "Cloudflare", 14, "CDN" },
  { "Fastly", 3, "CDN" },
  { "Salesforce", 20, "CRM" },
  { "HubSpot", 18, "Marketing Automation" },
  { "Pipedrive", 5, "CRM" },
  { "Microsoft Dynamics 365", 6, "CRM" },
  { "Marketo", 5, "Marketing Automation" },
  { "Pardot", 4, "Marketing Automation" },
  { "Mailchimp", 12, "Email Marketing" },
  { "Intercom", 7, "Customer Support" },
  { "Zendesk", 10, "Customer Support" },
  { "Freshdesk", 4, "Customer Support" },
  { "Snowflake", 7, "Data Warehouse" },
  { "Databricks", 4, "Data Platform" },
  { "Google BigQuery", 5, "Data Warehouse" },
  { "Amazon Redshift", 4, "Data Warehouse" },
  { "Segment", 6, "Customer Data Platform" },
  { "Fivetran", 3, "Data Integration" },
  { "dbt", 3, "Data Transformation" },
  { "Looker", 4, "Business Intelligence" },
  { "Tableau", 7, "Business Intelligence" },
  { "Power BI", 8, "Business Intelligence" },
  { "Google Analytics", 28, "Web Analytics" },
  { "Mixpanel", 4, "Product Analytics" },
  { "Amplitude", 4, "Product Analytics" },
  { "Stripe", 12, "Payments" },
  { "Shopify", 9, "E-commerce Platform" },
  { "Magento", 3, "E-commerce Platform" },
  { "WordPress", 22, "CMS" },
  { "Contentful", 3, "CMS" },
  { "Slack", 18, "Collaboration" },
  { "Microsoft 365", 22, "Productivity" },
  { "Google Workspace", 20, "Productivity" },
  { "Okta", 6, "Identity" },
  { "Jira", 12, "Project Management" },
  { "GitHub", 12, "Developer Tools" },
  { "Datadog", 5, "Monitoring" },
  { "Twilio", 5, "Communications" },
  { "Workday", 5, "HR" },
};

/* Name stems: display form and the ASCII form used in domains. */
struct stem {
  const char *display, *ascii;
};

static const struct stem first_stems[] = {
  { "Blue", "blue" }, { "Bright", "bright" }, { "North", "north" },
  { "Silver", "silver" }, { "Red", "red" }, { "Green", "green" },
  { "Iron", "iron" }, { "Clear", "clear" }, { "Swift", "swift" },
  { "Summit", "summit" }, { "Pioneer", "pioneer" }, { "Quantum", "quantum" },
  { "Atlas", "atlas" }, { "Vertex", "vertex" }, { "Harbor", "harbor" },
  { "Cedar", "cedar" }, { "Granite", "granite" }, { "Nova", "nova" },
  { "Stellar", "stellar" }, { "Apex", "apex" }, { "Beacon", "beacon" },
  { "Crimson", "crimson" }, { "Delta", "delta" }, { "Echo", "echo" },
  { "Falcon", "falcon" }, { "Golden", "golden" }, { "Horizon", "horizon" },
  { "Indigo", "indigo" }, { "Juniper", "juniper" }, { "Keystone", "keystone" },
  { "Lumen", "lumen" }, { "Maple", "maple" }, { "Northstar", "northstar" },
  { "Oak", "oak" }, { "Pacific", "pacific" }, { "Quill", "quill" },
  { "River", "river" }, { "Sterling", "sterling" }, { "Tidal", "tidal" },
  { "Union", "union" }, { "Vector", "vector" }, { "West", "west" },
  { "Zenith", "zenith" }, { "Alder", "alder" }, { "Birch", "birch" },
  { "Cobalt", "cobalt" }, { "Evergreen", "evergreen" }, { "Fern", "fern" },
};

/* Non-ASCII stems, used for about 1.5% of names. */
static const struct stem utf8_stems[] = {
  { "M\xc3\xbcller", "mueller" }, { "Nordstr\xc3\xb6m", "nordstrom" },
  { "Soci\xc3\xa9t\xc3\xa9", "societe" }, { "\xc3\x98resund", "oresund" },
  { "Caf\xc3\xa9", "cafe" }, { "\xc3\x85ngstr\xc3\xb6m", "angstrom" },
  { "Z\xc3\xbcrich", "zurich" }, { "Espa\xc3\xb1" "a", "espana" },
  { "K\xc3\xb6nig", "koenig" }, { "Ho\xc3\xa0ng", "hoang" },
};

static const struct stem second_stems[] = {
  { "Analytics", "analytics" }, { "Systems", "systems" },
  { "Labs", "labs" }, { "Networks", "networks" }, { "Health", "health" },
  { "Capital", "capital" }, { "Works", "works" }, { "Logistics", "logistics" },
  { "Dynamics", "dynamics" }, { "Partners", "partners" },
  { "Software", "software" }, { "Data", "data" }, { "Cloud", "cloud" },
  { "Industries", "industries" }, { "Solutions", "solutions" },
  { "Foods", "foods" }, { "Energy", "energy" }, { "Media", "media" },
  { "Bank", "bank" }, { "Insights", "insights" }, { "Robotics", "robotics" },
  { "Retail", "retail" }, { "Learning", "learning" }, { "Group", "group" },
  { "Ventures", "ventures" }, { "Technologies", "tech" },
  { "Forge", "forge" }, { "Point", "point" }, { "Bridge", "bridge" },
  { "Field", "field" },
};

/* ------------------------------------------------------------------------
 * Dates (days since 1970-01-01, proleptic Gregorian)
 * ---------------------------------------------------------------------- */

static long days_from_civil(long y, unsigned m, unsigned d)
{
  long era;
  unsigned yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (unsigned)(y - era * 400);
  doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (long)doe - 719468;
}

static void civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
  long era;
  unsigned doe, yoe, doy, mp;
  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = (unsigned)(z - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  *y = (long)yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y += *m <= 2;
}

/* ------------------------------------------------------------------------
 * Output buffer
 * ---------------------------------------------------------------------- */

#define OUT_CAP (1u << 20)

struct out {
  char buf[OUT_CAP];
  size_t len;
  int failed;
};

static void out_flush(struct out *o)
{
  if(o->len && fwrite(o->buf, 1, o->len, stdout) != o->len)
    o->failed = 1;
  o->len = 0;
}

/* Makes room for n bytes (n is always far below OUT_CAP). */
static char *out_room(struct out *o, size_t n)
{
  if(o->len + n > OUT_CAP)
    out_flush(o);
  return o->buf + o->len;
}

static void out_mem(struct out *o, const char *s, size_t n)
{
  memcpy(out_room(o, n), s, n);
  o->len += n;
}

static void out_str(struct out *o, const char *s)
{
  out_mem(o, s, strlen(s));
}

static void out_ch(struct out *o, char c)
{
  *out_room(o, 1) = c;
  o->len++;
}

static void out_u64(struct out *o, uint64_t v)
{
  char tmp[24];
  size_t n = 0;
  do {
    tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
    v /= 10;
  } while(v);
  out_mem(o, tmp + sizeof(tmp) - n, n);
}

static void out_date(struct out *o, long days)
{
  long y;
  unsigned m, d;
  char *p = out_room(o, 10);
  civil_from_days(days, &y, &m, &d);
  p[0] = (char)('0' + y / 1000 % 10);
  p[1] = (char)('0' + y / 100 % 10);
  p[2] = (char)('0' + y / 10 % 10);
  p[3] = (char)('0' + y % 10);
  p[4] = '-';
  p[5] = (char)('0' + m / 10);
  p[6] = (char)('0' + m % 10);
  p[7] = '-';
  p[8] = (char)('0' + d / 10);
  p[9] = (char)('0' + d % 10);
  o->len += 10;
}

/* A CSV cell, quoted (with doubled quotes) only when it has to be. */
static void out_csv_str(struct out *o, const char *s)
{
  const char *p;
  if(!strpbrk(s, ",\"\r\n")) {
    out_str(o, s);
    return;
  }
  out_ch(o, '"');
  for(p = s; *p; p++) {
    if(*p == '"')
      out_ch(o, '"');
    out_ch(o, *p);
  }
  out_ch(o, '"');
}

/* A JSON string literal; UTF-8 passes through. */
static void out_json_str(struct out *o, const char *s)
{
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p;
  out_ch(o, '"');
  for(p = (const unsigned char *)s; *p; p++) {
    if(*p == '"' || *p == '\\') {
      out_ch(o, '\\');
      out_ch(o, (char)*p);
    }
    else if(*p < 0x20) {
      out_str(o, "\\u00");
      out_ch(o, hex[*p >> 4]);
      out_ch(o, hex[*p & 15]);
    }
    else
      out_ch(o, (char)*p);
  }
  out_ch(o, '"');
}

/* ------------------------------------------------------------------------
 * Accounts
 * ---------------------------------------------------------------------- */

enum col {
  C_DOMAIN, C_NAME, C_INDUSTRY, C_SUB_INDUSTRY, C_EMPLOYEES, C_REVENUE,
  C_COUNTRY, C_REGION, C_CITY, C_FOUNDED, C_OWNERSHIP, C_FUNDING_TOTAL,
  C_FUNDING_STAGE, C_LAST_FUNDING, C_TECH, C_TECH_CATEGORIES, C_OPEN_JOBS,
  C_UPDATED_AT, C_BUDGET, C_TIMELINE, C_DECISION_MAKER, C_DEMO,
  C_DOWNLOADS, C_RFI, C_LAST_ACTIVITY, C_COUNT
};

enum kind { K_STR, K_NUM, K_DATE, K_BOOL, K_LIST };

struct column {
  const char *name;
  enum kind kind;
  double missing;        /* probability that the cell is empty */
};

static const struct column columns[C_COUNT] = {
  { "domain", K_STR, 0.0 },
  { "name", K_STR, 0.03 },
  { "industry", K_STR, 0.08 },
  { "sub_industry", K_STR, 0.20 },
  { "employees", K_NUM, 0.10 },
  { "revenue_usd", K_NUM, 0.22 },
  { "country", K_STR, 0.05 },
  { "region", K_STR, 0.15 },
  { "city", K_STR, 0.12 },
  { "founded_year", K_NUM, 0.18 },
  { "ownership", K_STR, 0.10 },
  { "funding_total_usd", K_NUM, 0.20 },
  { "funding_stage", K_STR, 0.15 },
  { "last_funding_date", K_DATE, 0.06 },  /* plus unfunded companies */
  { "tech", K_LIST, 0.12 },
  { "tech_categories", K_LIST, 0.15 },
  { "open_jobs", K_NUM, 0.20 },
  { "updated_at", K_DATE, 0.03 },
  { "budget_confirmed", K_BOOL, 0.25 },
  { "timeline_set", K_BOOL, 0.25 },
  { "decision_maker_engaged", K_BOOL, 0.20 },
  { "demo_attended", K_BOOL, 0.15 },
  { "content_downloads", K_NUM, 0.10 },
  { "rfi_completed", K_BOOL, 0.20 },
  { "last_activity_date", K_DATE, 0.12 },
};

#define MAX_TECH 14

struct account {
  int present[C_COUNT];
  char domain[96];
  char name[160];
  const char *str[C_COUNT];      /* static strings for K_STR columns */
  uint64_t num[C_COUNT];         /* K_NUM values (all non-negative ints) */
  long date[C_COUNT];            /* K_DATE values, days since epoch */
  int flag[C_COUNT];             /* K_BOOL values */
  size_t ntech, ncat;
  const char *tech[MAX_TECH];
  const char *cat[MAX_TECH];
};

static const char *const stages[] = {
  "none", "seed", "series_a", "series_b", "series_c", "series_d",
  "series_e_plus", "ipo", "acquired"
};

static uint64_t round_to(double v, double unit)
{
  if(v < 0)
    v = 0;
  return (uint64_t)(floor(v / unit + 0.5) * unit);
}

static void put_base_name(struct account *a, struct rng *r,
                          const struct country *c, const struct stem *s1,
                          const struct stem *s2)
{
  double u = rng_unit(r);
  const char *suffix = "";
  if(u < 0.006)                 /* quoted nickname: exercises "" escapes */
    snprintf(a->name, sizeof(a->name), "%s \"%s\" %s", s1->display,
             s2->display, "Partners");
  else if(u < 0.010)
    snprintf(a->name, sizeof(a->name), "The \"%s\" Company, LLC",
             s1->display);
  else {
    if(u < 0.20)
      suffix = c ? c->suffix : " Inc.";
    else if(u < 0.23)
      suffix = ", Inc.";
    else if(u < 0.25)
      suffix = " Holdings, LLC";
    else if(u < 0.28)
      suffix = " & Co.";
    snprintf(a->name, sizeof(a->name), "%s %s%s", s1->display, s2->display,
             suffix);
  }
}

/* Generates account number i (0-based) of a run of n. */
static void make_account(struct account *a, struct rng *r, uint64_t i,
                         uint64_t n)
{
  const struct industry *ind;
  const struct country *ctry;
  const struct place *pl;
  const struct stem *s1, *s2;
  size_t k, nplaces, nsub, ntech_want;
  double emp_d, logemp, age;
  uint64_t emp, jobs;
  long d0 = days_from_civil(2023, 1, 1), d1 = days_from_civil(2026, 11, 20);
  int stage, c_idx;
  uint64_t used = 0;

  memset(a->present, 0, sizeof(a->present));

  /* Every draw below happens for every row, in this order, whatever is
     later blanked: the stream never depends on the output format. */
  for(k = 1; k < C_COUNT; k++)
    a->present[k] = !rng_chance(r, columns[k].missing);
  a->present[C_DOMAIN] = 1;

  ind = &industries[PICK(r, industries, struct industry)];
  c_idx = (int)PICK(r, countries, struct country);
  ctry = &countries[c_idx];
  for(nplaces = 0; nplaces < 6 && ctry->places[nplaces].region; nplaces++)
    ;
  pl = &ctry->places[rng_below(r, (uint32_t)nplaces)];

  /* Names and the domain. */
  if(rng_chance(r, 0.015))
    s1 = &utf8_stems[rng_below(r, COUNT_OF(utf8_stems))];
  else
    s1 = &first_stems[rng_below(r, COUNT_OF(first_stems))];
  s2 = &second_stems[rng_below(r, COUNT_OF(second_stems))];
  put_base_name(a, r, rng_chance(r, 0.5) ? ctry : NULL, s1, s2);
  {
    static const struct tld {
      const char *name;
      unsigned weight;
    } tlds[] = { { ".com", 60 }, { ".io", 15 }, { ".co", 8 }, { ".ai", 5 },
                 { ".net", 5 } };
    size_t t = PICK(r, tlds, struct tld);
    const char *tld = rng_chance(r, 0.3) ? ctry->tld : tlds[t].name;
    snprintf(a->domain, sizeof(a->domain), "%s%s%llu%s", s1->ascii,
             s2->ascii, (unsigned long long)(i + 1), tld);
  }
  /* Two competitors, at fixed places of any run of 20 rows or more. */
  if(n >= 20 && i == n / 7) {
    snprintf(a->domain, sizeof(a->domain), "rivalsoft.com");
    snprintf(a->name, sizeof(a->name), "RivalSoft, Inc.");
    ind = &industries[0];
  }
  else if(n >= 20 && i == n * 5 / 11) {
    snprintf(a->domain, sizeof(a->domain), "competeco.io");
    snprintf(a->name, sizeof(a->name), "CompeteCo");
    ind = &industries[0];
  }

  for(nsub = 0; nsub < 4 && ind->sub[nsub]; nsub++)
    ;
  a->str[C_INDUSTRY] = ind->name;
  a->str[C_SUB_INDUSTRY] = ind->sub[rng_below(r, (uint32_t)nsub)];
  a->str[C_COUNTRY] = ctry->iso;
  a->str[C_REGION] = pl->region;
  a->str[C_CITY] = pl->city;

  /* Headcount: log-normal, median about 60, clamped to 1..100000. */
  logemp = 4.1 + 1.9 * rng_normal(r);
  emp_d = exp(logemp);
  if(emp_d < 1)
    emp_d = 1;
  if(emp_d > 100000)
    emp_d = 100000;
  emp = emp_d < 100 ? (uint64_t)emp_d : round_to(emp_d, emp_d < 1000 ? 5 : 50);
  if(emp < 1)
    emp = 1;
  a->num[C_EMPLOYEES] = emp;
  a->num[C_REVENUE] = round_to(
    (double)emp * ind->rev_per_emp * exp(0.6 * rng_normal(r)), 1000);

  age = exp(2.3 + 0.35 * log((double)emp + 1) * 0.5 + 0.7 * rng_normal(r));
  if(age > 170)
    age = 170;
  a->num[C_FOUNDED] = 2025 - (uint64_t)age;

  /* Ownership follows industry and size. */
  {
    double u = rng_unit(r);
    double p_public = emp > 5000 ? 0.5 : emp > 1000 ? 0.15 : 0.01;
    if(ind == &industries[IND_GOVERNMENT] && u < 0.9)
      a->str[C_OWNERSHIP] = "government";
    else if((ind == &industries[IND_NONPROFIT] ||
             ind == &industries[IND_EDUCATION]) && u < 0.6)
      a->str[C_OWNERSHIP] = "nonprofit";
    else if(u < p_public)
      a->str[C_OWNERSHIP] = "public";
    else
      a->str[C_OWNERSHIP] = "private";
  }

  /* Funding stage follows ownership and size. */
  {
    double u = rng_unit(r);
    const char *own = a->str[C_OWNERSHIP];
    static const double stage_mean[] = {
      0, 2e6, 10e6, 30e6, 70e6, 140e6, 400e6, 900e6, 60e6 };
    if(!strcmp(own, "government") || !strcmp(own, "nonprofit"))
      stage = 0;
    else if(!strcmp(own, "public"))
      stage = u < 0.85 ? 7 : 8;
    else if(u < 0.06)
      stage = 8;
    else {
      double lv = log((double)emp + 1) / log(10.0);   /* 0..5 */
      double x = lv * 1.2 - 0.1 + 1.1 * rng_normal(r);
      /* <0 none, <1.2 seed, then one stage per unit up to series_e_plus */
      stage = x < 0 ? 0 : x < 1.2 ? 1 : x >= 5.2 ? 6 : 2 + (int)(x - 1.2);
    }
    a->str[C_FUNDING_STAGE] = stages[stage];
    a->num[C_FUNDING_TOTAL] =
      stage == 0 ? 0 : round_to(stage_mean[stage] * exp(0.5 * rng_normal(r)),
                                 100000);
    a->date[C_LAST_FUNDING] = d0 + (long)rng_below(r, (uint32_t)(d1 - d0 + 1));
    if(stage == 0)
      a->present[C_LAST_FUNDING] = 0;
  }

  /* Technologies: more for bigger companies, no repeats. */
  {
    double want = 1 + 1.2 * log((double)emp + 1) + 1.5 * rng_normal(r);
    size_t j;
    ntech_want = want < 1 ? 1 : want > MAX_TECH ? MAX_TECH : (size_t)want;
    a->ntech = 0;
    while(a->ntech < ntech_want) {
      size_t t = PICK(r, techs, struct tech);
      if(used & (1ull << t))
        continue;
      used |= 1ull << t;
      a->tech[a->ntech++] = techs[t].name;
    }
    a->ncat = 0;
    for(k = 0; k < COUNT_OF(techs); k++) {
      if(!(used & (1ull << k)))
        continue;
      for(j = 0; j < a->ncat; j++)
        if(!strcmp(a->cat[j], techs[k].category))
          break;
      if(j == a->ncat && a->ncat < MAX_TECH)
        a->cat[a->ncat++] = techs[k].category;
    }
  }

  jobs = round_to((double)emp * 0.02 * exp(0.9 * rng_normal(r)), 1);
  a->num[C_OPEN_JOBS] = jobs;
  a->date[C_UPDATED_AT] = d1 - (long)rng_below(r, 400);

  /* CRM signals. */
  a->flag[C_BUDGET] = rng_chance(r, 0.22);
  a->flag[C_TIMELINE] = rng_chance(r, 0.27);
  a->flag[C_DECISION_MAKER] = rng_chance(r, 0.30);
  a->flag[C_DEMO] = rng_chance(r, 0.20);
  a->flag[C_RFI] = rng_chance(r, 0.10);
  {
    uint64_t dl = 0;
    while(dl < 40 && rng_chance(r, 0.55))
      dl++;
    a->num[C_DOWNLOADS] = dl;
  }
  {
    long back = (long)(-120.0 * log(1.0 - rng_unit(r)));
    long d = d1 - back;
    a->date[C_LAST_ACTIVITY] = d < d0 ? d0 + (long)rng_below(r, 60) : d;
  }

  a->str[C_DOMAIN] = a->domain;
  a->str[C_NAME] = a->name;
}

/* ------------------------------------------------------------------------
 * Writers
 * ---------------------------------------------------------------------- */

static void write_list(struct out *o, const char *const *v, size_t n,
                       int json)
{
  size_t k;
  if(json)
    out_ch(o, '[');
  for(k = 0; k < n; k++) {
    if(k)
      out_ch(o, json ? ',' : ';');
    if(json)
      out_json_str(o, v[k]);
    else
      out_csv_str(o, v[k]);      /* names never hold ; or , */
  }
  if(json)
    out_ch(o, ']');
}

static void write_value(struct out *o, const struct account *a, int c,
                        int json)
{
  switch(columns[c].kind) {
  case K_STR:
    if(json)
      out_json_str(o, a->str[c]);
    else
      out_csv_str(o, a->str[c]);
    break;
  case K_NUM:
    out_u64(o, a->num[c]);
    break;
  case K_DATE:
    if(json)
      out_ch(o, '"');
    out_date(o, a->date[c]);
    if(json)
      out_ch(o, '"');
    break;
  case K_BOOL:
    out_str(o, a->flag[c] ? "true" : "false");
    break;
  case K_LIST:
    if(c == C_TECH)
      write_list(o, a->tech, a->ntech, json);
    else
      write_list(o, a->cat, a->ncat, json);
    break;
  }
}

static void write_csv_row(struct out *o, const struct account *a)
{
  int c;
  for(c = 0; c < C_COUNT; c++) {
    if(c)
      out_ch(o, ',');
    if(a->present[c])
      write_value(o, a, c, 0);
  }
  out_ch(o, '\n');
}

static void write_json_row(struct out *o, const struct account *a)
{
  int c, first = 1;
  out_ch(o, '{');
  for(c = 0; c < C_COUNT; c++) {
    if(!a->present[c])
      continue;
    if(!first)
      out_ch(o, ',');
    first = 0;
    out_ch(o, '"');
    out_str(o, columns[c].name);
    out_str(o, "\":");
    write_value(o, a, c, 1);
  }
  out_str(o, "}\n");
}

/* ------------------------------------------------------------------------
 * Command line
 * ---------------------------------------------------------------------- */

static void usage(void)
{
  fputs("usage: gen_accounts [--count N] [--seed S] [--format csv|jsonl]\n",
        stderr);
}

/* Parses a whole unsigned decimal number; returns 0 on success. */
static int parse_u64(const char *s, uint64_t *v)
{
  char *end;
  unsigned long long x;
  if(!s || !*s || *s == '-' || *s == '+')
    return -1;
  errno = 0;
  x = strtoull(s, &end, 10);
  if(errno || *end)
    return -1;
  *v = x;
  return 0;
}

int main(int argc, char **argv)
{
  uint64_t count = 2000, seed = 42, i;
  int json = 0, a_i, c;
  struct rng r;
  static struct out o;
  static struct account acct;

  for(a_i = 1; a_i < argc; a_i++) {
    const char *arg = argv[a_i], *val = a_i + 1 < argc ? argv[a_i + 1] : NULL;
    if(!strcmp(arg, "--count") && !parse_u64(val, &count))
      a_i++;
    else if(!strcmp(arg, "--seed") && !parse_u64(val, &seed))
      a_i++;
    else if(!strcmp(arg, "--format") && val &&
            (!strcmp(val, "csv") || !strcmp(val, "jsonl"))) {
      json = !strcmp(val, "jsonl");
      a_i++;
    }
    else if(!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
      usage();
      return 0;
    }
    else {
      fprintf(stderr, "gen_accounts: bad argument '%s'%s%s\n", arg,
              val ? " " : "", val ? val : "");
      usage();
      return 1;
    }
  }

  r.s = seed;
  if(!json) {
    for(c = 0; c < C_COUNT; c++) {
      if(c)
        out_ch(&o, ',');
      out_str(&o, columns[c].name);
    }
    out_ch(&o, '\n');
  }
  for(i = 0; i < count && !o.failed; i++) {
    make_account(&acct, &r, i, count);
    if(json)
      write_json_row(&o, &acct);
    else
      write_csv_row(&o, &acct);
  }
  out_flush(&o);
  if(o.failed || fflush(stdout) != 0) {
    fprintf(stderr, "gen_accounts: write error: %s\n", strerror(errno));
    return 1;
  }
  return 0;
}
