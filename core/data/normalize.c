/* normalize.c -- provider values to canonical values (domain, ranges,
 * countries, dates). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "data/domain.h"
#include "data/normalize.h"
#include "data/value.h"

/* ---- domains ------------------------------------------------------------ */

size_t icp_norm_domain(const char *s, size_t n, char *out, size_t cap)
{
  return icp_domain_normalize(s, n, out, cap);
}

/* ---- amounts and ranges ------------------------------------------------- */

struct cur {
  const char *p;
  size_t i, n;
};

static int at(const struct cur *c, size_t k)
{
  return c->i + k < c->n ? (unsigned char)c->p[c->i + k] : 0;
}

static void skip_space(struct cur *c)
{
  while(at(c, 0) == ' ' || at(c, 0) == '\t')
    c->i++;
}

/* Consumes word w (lowercase) when the text continues with it. */
static int eat(struct cur *c, const char *w)
{
  size_t k, wn = strlen(w);
  if(c->i + wn > c->n)
    return 0;
  for(k = 0; k < wn; k++) {
    int ch = (unsigned char)c->p[c->i + k];
    if(ch >= 'A' && ch <= 'Z')
      ch += 32;
    if(ch != (unsigned char)w[k])
      return 0;
  }
  c->i += wn;
  return 1;
}

static int is_dash(struct cur *c)
{
  if(eat(c, "-") || eat(c, "\xe2\x80\x93") || eat(c, "\xe2\x80\x94") ||
     eat(c, "_"))
    return 1;
  if(eat(c, "to ") || eat(c, "to$"))
    return 1;
  return 0;
}

static const struct {
  const char *w;
  int exp10;
} suffixes[] = {
  { "thousand", 3 }, { "million", 6 }, { "billion", 9 },
  { "trillion", 12 }, { "mm", 6 }, { "bn", 9 }, { "k", 3 },
  { "m", 6 }, { "b", 9 }, { "t", 12 },
};

static int isdigit3(const struct cur *c)
{
  int k;
  for(k = 1; k <= 3; k++)
    if(at(c, k) < '0' || at(c, k) > '9')
      return 0;
  return 1;
}

/* An amount: [$|usd] digits[,digits][.digits] [suffix]. *scaled is set
 * when a suffix was read. */
static int amount(struct cur *c, double *v, int *scaled)
{
  char tmp[48];
  size_t k = 0, tn;
  int digits = 0, dot = 0;
  int group = 0, grouped = 0;
  double x;
  skip_space(c);
  if(eat(c, "$") || eat(c, "usd"))
    skip_space(c);
  while(c->i < c->n) {
    int ch = at(c, 0);
    if(ch >= '0' && ch <= '9') {
      if(k + 1 >= sizeof(tmp))
        return 0;
      tmp[k++] = (char)ch;
      digits++;
      group++;
    }
    else if(ch == ',' && !dot) {
      /* a thousands separator: 1 to 3 digits, then groups of exactly 3
       * ("1,234,567"); "1,5" is no number */
      if(!group || group > 3 || (grouped && group != 3) ||
         !isdigit3(c) || (at(c, 4) >= '0' && at(c, 4) <= '9'))
        return 0;
      grouped = 1;
      group = 0;
    }
    else if(ch == '.' && !dot && at(c, 1) >= '0' && at(c, 1) <= '9') {
      if(k + 1 >= sizeof(tmp) || (grouped && group != 3))
        return 0;
      tmp[k++] = '.';
      dot = 1;
      group = 0;
    }
    else
      break;
    c->i++;
  }
  if(!digits || !icp_parse_number(tmp, k, &x))
    return 0;
  tn = k;
  skip_space(c);
  *scaled = 0;
  if(eat(c, "%")) { /* "2.8%" is the number 2.8 */
    *v = x;
    skip_space(c);
    return isfinite(x);
  }
  for(k = 0; ((at(c, 0) | 32) >= 'a' && (at(c, 0) | 32) <= 'z') &&
      k < sizeof(suffixes) / sizeof(suffixes[0]); k++) {
    size_t save = c->i;
    int next;
    if(!eat(c, suffixes[k].w))
      continue;
    next = at(c, 0) | 32;
    if(next >= 'a' && next <= 'z') {
      c->i = save; /* "to", "tons": not a suffix */
      continue;
    }
    /* "1.2M" is 1.2e6 read as one decimal, so that it is exactly the
     * number "1200000" gives (1.2 * 1e6 is not) */
    tn += (size_t)snprintf(tmp + tn, sizeof(tmp) - tn, "e%d",
                           suffixes[k].exp10);
    if(tn >= sizeof(tmp) || !icp_parse_number(tmp, tn, &x))
      return 0;
    *scaled = 1;
    break;
  }
  skip_space(c);
  if(eat(c, "usd"))
    skip_space(c);
  *v = x;
  return isfinite(*v);
}

/* Trailing words that say what is counted. */
static void skip_unit(struct cur *c)
{
  skip_space(c);
  if(((at(c, 0) | 32) < 'a' || (at(c, 0) | 32) > 'z'))
    return;
  if(eat(c, "employees") || eat(c, "employee") || eat(c, "people") ||
     eat(c, "staff") || eat(c, "usd") || eat(c, "dollars"))
    skip_space(c);
}

static enum icp_norm_kind crunchbase(struct cur *c, double *mid)
{
  double lo = 0, hi = 0;
  size_t d = 0;
  while(at(c, 0) >= '0' && at(c, 0) <= '9') {
    lo = lo * 10 + (at(c, 0) - '0');
    c->i++;
    d++;
  }
  if(!d || d > 12 || !eat(c, "_"))
    return ICP_NORM_NONE;
  if(eat(c, "max")) {
    if(c->i != c->n)
      return ICP_NORM_NONE;
    *mid = lo;
    return ICP_NORM_RANGE;
  }
  d = 0;
  while(at(c, 0) >= '0' && at(c, 0) <= '9') {
    hi = hi * 10 + (at(c, 0) - '0');
    c->i++;
    d++;
  }
  if(!d || d > 12 || c->i != c->n || hi < lo)
    return ICP_NORM_NONE;
  *mid = (lo + hi) / 2;
  return ICP_NORM_RANGE;
}

enum icp_norm_kind icp_norm_range(const char *s, size_t n, double *mid)
{
  struct cur c = { s, 0, n };
  double lo, hi;
  int slo, shi, under = 0;
  while(c.n && (s[c.n - 1] == ' ' || s[c.n - 1] == '\t'))
    c.n--;
  skip_space(&c);
  if(c.i == c.n || c.n - c.i > 128)
    return ICP_NORM_NONE;
  if(at(&c, 0) == '$' || (at(&c, 0) >= '0' && at(&c, 0) <= '9'))
    ; /* the common case: no prefix word to look for */
  else if(eat(&c, "c_"))
    return crunchbase(&c, mid);
  else if(eat(&c, "<=") || eat(&c, "<") || eat(&c, "under ") ||
     eat(&c, "less than ") || eat(&c, "up to "))
    under = 1;
  else if(eat(&c, ">=") || eat(&c, ">") || eat(&c, "over ") ||
          eat(&c, "more than "))
    under = -1;
  if(!amount(&c, &lo, &slo))
    return ICP_NORM_NONE;
  skip_unit(&c);
  if(under) {
    if(c.i != c.n)
      return ICP_NORM_NONE;
    *mid = under > 0 ? lo / 2 : lo;
    return ICP_NORM_RANGE;
  }
  if(eat(&c, "+")) {
    skip_unit(&c);
    if(c.i != c.n)
      return ICP_NORM_NONE;
    *mid = lo;
    return ICP_NORM_RANGE;
  }
  if(c.i == c.n) {
    *mid = lo;
    return ICP_NORM_NUMBER;
  }
  if(!is_dash(&c) || !amount(&c, &hi, &shi))
    return ICP_NORM_NONE;
  skip_unit(&c);
  if(c.i != c.n)
    return ICP_NORM_NONE;
  if(shi && !slo) {
    /* "10-50M": the suffix applies to both ends */
    double x = 1;
    while(x * 1000 <= hi && x < 1e12)
      x *= 1000;
    if(lo * x <= hi)
      lo *= x;
  }
  if(hi < lo)
    return ICP_NORM_NONE;
  *mid = (lo + hi) / 2;
  return ICP_NORM_RANGE;
}

/* ---- countries ---------------------------------------------------------- */

struct country {
  const char *a2, *a3, *name;
};

static const struct country countries[] = {
  { "AD", "AND", "Andorra" },
  { "AE", "ARE", "United Arab Emirates" },
  { "AF", "AFG", "Afghanistan" },
  { "AG", "ATG", "Antigua and Barbuda" },
  { "AI", "AIA", "Anguilla" },
  { "AL", "ALB", "Albania" },
  { "AM", "ARM", "Armenia" },
  { "AO", "AGO", "Angola" },
  { "AQ", "ATA", "Antarctica" },
  { "AR", "ARG", "Argentina" },
  { "AS", "ASM", "American Samoa" },
  { "AT", "AUT", "Austria" },
  { "AU", "AUS", "Australia" },
  { "AW", "ABW", "Aruba" },
  { "AX", "ALA", "Aland Islands" },
  { "AZ", "AZE", "Azerbaijan" },
  { "BA", "BIH", "Bosnia and Herzegovina" },
  { "BB", "BRB", "Barbados" },
  { "BD", "BGD", "Bangladesh" },
  { "BE", "BEL", "Belgium" },
  { "BF", "BFA", "Burkina Faso" },
  { "BG", "BGR", "Bulgaria" },
  { "BH", "BHR", "Bahrain" },
  { "BI", "BDI", "Burundi" },
  { "BJ", "BEN", "Benin" },
  { "BL", "BLM", "Saint Barthelemy" },
  { "BM", "BMU", "Bermuda" },
  { "BN", "BRN", "Brunei Darussalam" },
  { "BO", "BOL", "Bolivia" },
  { "BQ", "BES", "Bonaire, Sint Eustatius and Saba" },
  { "BR", "BRA", "Brazil" },
  { "BS", "BHS", "Bahamas" },
  { "BT", "BTN", "Bhutan" },
  { "BV", "BVT", "Bouvet Island" },
  { "BW", "BWA", "Botswana" },
  { "BY", "BLR", "Belarus" },
  { "BZ", "BLZ", "Belize" },
  { "CA", "CAN", "Canada" },
  { "CC", "CCK", "Cocos (Keeling) Islands" },
  { "CD", "COD", "Democratic Republic of the Congo" },
  { "CF", "CAF", "Central African Republic" },
  { "CG", "COG", "Congo" },
  { "CH", "CHE", "Switzerland" },
  { "CI", "CIV", "Cote d'Ivoire" },
  { "CK", "COK", "Cook Islands" },
  { "CL", "CHL", "Chile" },
  { "CM", "CMR", "Cameroon" },
  { "CN", "CHN", "China" },
  { "CO", "COL", "Colombia" },
  { "CR", "CRI", "Costa Rica" },
  { "CU", "CUB", "Cuba" },
  { "CV", "CPV", "Cabo Verde" },
  { "CW", "CUW", "Curacao" },
  { "CX", "CXR", "Christmas Island" },
  { "CY", "CYP", "Cyprus" },
  { "CZ", "CZE", "Czechia" },
  { "DE", "DEU", "Germany" },
  { "DJ", "DJI", "Djibouti" },
  { "DK", "DNK", "Denmark" },
  { "DM", "DMA", "Dominica" },
  { "DO", "DOM", "Dominican Republic" },
  { "DZ", "DZA", "Algeria" },
  { "EC", "ECU", "Ecuador" },
  { "EE", "EST", "Estonia" },
  { "EG", "EGY", "Egypt" },
  { "EH", "ESH", "Western Sahara" },
  { "ER", "ERI", "Eritrea" },
  { "ES", "ESP", "Spain" },
  { "ET", "ETH", "Ethiopia" },
  { "FI", "FIN", "Finland" },
  { "FJ", "FJI", "Fiji" },
  { "FK", "FLK", "Falkland Islands" },
  { "FM", "FSM", "Micronesia" },
  { "FO", "FRO", "Faroe Islands" },
  { "FR", "FRA", "France" },
  { "GA", "GAB", "Gabon" },
  { "GB", "GBR", "United Kingdom" },
  { "GD", "GRD", "Grenada" },
  { "GE", "GEO", "Georgia" },
  { "GF", "GUF", "French Guiana" },
  { "GG", "GGY", "Guernsey" },
  { "GH", "GHA", "Ghana" },
  { "GI", "GIB", "Gibraltar" },
  { "GL", "GRL", "Greenland" },
  { "GM", "GMB", "Gambia" },
  { "GN", "GIN", "Guinea" },
  { "GP", "GLP", "Guadeloupe" },
  { "GQ", "GNQ", "Equatorial Guinea" },
  { "GR", "GRC", "Greece" },
  { "GS", "SGS", "South Georgia and the South Sandwich Islands" },
  { "GT", "GTM", "Guatemala" },
  { "GU", "GUM", "Guam" },
  { "GW", "GNB", "Guinea-Bissau" },
  { "GY", "GUY", "Guyana" },
  { "HK", "HKG", "Hong Kong" },
  { "HM", "HMD", "Heard Island and McDonald Islands" },
  { "HN", "HND", "Honduras" },
  { "HR", "HRV", "Croatia" },
  { "HT", "HTI", "Haiti" },
  { "HU", "HUN", "Hungary" },
  { "ID", "IDN", "Indonesia" },
  { "IE", "IRL", "Ireland" },
  { "IL", "ISR", "Israel" },
  { "IM", "IMN", "Isle of Man" },
  { "IN", "IND", "India" },
  { "IO", "IOT", "British Indian Ocean Territory" },
  { "IQ", "IRQ", "Iraq" },
  { "IR", "IRN", "Iran" },
  { "IS", "ISL", "Iceland" },
  { "IT", "ITA", "Italy" },
  { "JE", "JEY", "Jersey" },
  { "JM", "JAM", "Jamaica" },
  { "JO", "JOR", "Jordan" },
  { "JP", "JPN", "Japan" },
  { "KE", "KEN", "Kenya" },
  { "KG", "KGZ", "Kyrgyzstan" },
  { "KH", "KHM", "Cambodia" },
  { "KI", "KIR", "Kiribati" },
  { "KM", "COM", "Comoros" },
  { "KN", "KNA", "Saint Kitts and Nevis" },
  { "KP", "PRK", "North Korea" },
  { "KR", "KOR", "South Korea" },
  { "KW", "KWT", "Kuwait" },
  { "KY", "CYM", "Cayman Islands" },
  { "KZ", "KAZ", "Kazakhstan" },
  { "LA", "LAO", "Laos" },
  { "LB", "LBN", "Lebanon" },
  { "LC", "LCA", "Saint Lucia" },
  { "LI", "LIE", "Liechtenstein" },
  { "LK", "LKA", "Sri Lanka" },
  { "LR", "LBR", "Liberia" },
  { "LS", "LSO", "Lesotho" },
  { "LT", "LTU", "Lithuania" },
  { "LU", "LUX", "Luxembourg" },
  { "LV", "LVA", "Latvia" },
  { "LY", "LBY", "Libya" },
  { "MA", "MAR", "Morocco" },
  { "MC", "MCO", "Monaco" },
  { "MD", "MDA", "Moldova" },
  { "ME", "MNE", "Montenegro" },
  { "MF", "MAF", "Saint Martin" },
  { "MG", "MDG", "Madagascar" },
  { "MH", "MHL", "Marshall Islands" },
  { "MK", "MKD", "North Macedonia" },
  { "ML", "MLI", "Mali" },
  { "MM", "MMR", "Myanmar" },
  { "MN", "MNG", "Mongolia" },
  { "MO", "MAC", "Macao" },
  { "MP", "MNP", "Northern Mariana Islands" },
  { "MQ", "MTQ", "Martinique" },
  { "MR", "MRT", "Mauritania" },
  { "MS", "MSR", "Montserrat" },
  { "MT", "MLT", "Malta" },
  { "MU", "MUS", "Mauritius" },
  { "MV", "MDV", "Maldives" },
  { "MW", "MWI", "Malawi" },
  { "MX", "MEX", "Mexico" },
  { "MY", "MYS", "Malaysia" },
  { "MZ", "MOZ", "Mozambique" },
  { "NA", "NAM", "Namibia" },
  { "NC", "NCL", "New Caledonia" },
  { "NE", "NER", "Niger" },
  { "NF", "NFK", "Norfolk Island" },
  { "NG", "NGA", "Nigeria" },
  { "NI", "NIC", "Nicaragua" },
  { "NL", "NLD", "Netherlands" },
  { "NO", "NOR", "Norway" },
  { "NP", "NPL", "Nepal" },
  { "NR", "NRU", "Nauru" },
  { "NU", "NIU", "Niue" },
  { "NZ", "NZL", "New Zealand" },
  { "OM", "OMN", "Oman" },
  { "PA", "PAN", "Panama" },
  { "PE", "PER", "Peru" },
  { "PF", "PYF", "French Polynesia" },
  { "PG", "PNG", "Papua New Guinea" },
  { "PH", "PHL", "Philippines" },
  { "PK", "PAK", "Pakistan" },
  { "PL", "POL", "Poland" },
  { "PM", "SPM", "Saint Pierre and Miquelon" },
  { "PN", "PCN", "Pitcairn" },
  { "PR", "PRI", "Puerto Rico" },
  { "PS", "PSE", "Palestine" },
  { "PT", "PRT", "Portugal" },
  { "PW", "PLW", "Palau" },
  { "PY", "PRY", "Paraguay" },
  { "QA", "QAT", "Qatar" },
  { "RE", "REU", "Reunion" },
  { "RO", "ROU", "Romania" },
  { "RS", "SRB", "Serbia" },
  { "RU", "RUS", "Russia" },
  { "RW", "RWA", "Rwanda" },
  { "SA", "SAU", "Saudi Arabia" },
  { "SB", "SLB", "Solomon Islands" },
  { "SC", "SYC", "Seychelles" },
  { "SD", "SDN", "Sudan" },
  { "SE", "SWE", "Sweden" },
  { "SG", "SGP", "Singapore" },
  { "SH", "SHN", "Saint Helena, Ascension and Tristan da Cunha" },
  { "SI", "SVN", "Slovenia" },
  { "SJ", "SJM", "Svalbard and Jan Mayen" },
  { "SK", "SVK", "Slovakia" },
  { "SL", "SLE", "Sierra Leone" },
  { "SM", "SMR", "San Marino" },
  { "SN", "SEN", "Senegal" },
  { "SO", "SOM", "Somalia" },
  { "SR", "SUR", "Suriname" },
  { "SS", "SSD", "South Sudan" },
  { "ST", "STP", "Sao Tome and Principe" },
  { "SV", "SLV", "El Salvador" },
  { "SX", "SXM", "Sint Maarten" },
  { "SY", "SYR", "Syria" },
  { "SZ", "SWZ", "Eswatini" },
  { "TC", "TCA", "Turks and Caicos Islands" },
  { "TD", "TCD", "Chad" },
  { "TF", "ATF", "French Southern Territories" },
  { "TG", "TGO", "Togo" },
  { "TH", "THA", "Thailand" },
  { "TJ", "TJK", "Tajikistan" },
  { "TK", "TKL", "Tokelau" },
  { "TL", "TLS", "Timor-Leste" },
  { "TM", "TKM", "Turkmenistan" },
  { "TN", "TUN", "Tunisia" },
  { "TO", "TON", "Tonga" },
  { "TR", "TUR", "Turkey" },
  { "TT", "TTO", "Trinidad and Tobago" },
  { "TV", "TUV", "Tuvalu" },
  { "TW", "TWN", "Taiwan" },
  { "TZ", "TZA", "Tanzania" },
  { "UA", "UKR", "Ukraine" },
  { "UG", "UGA", "Uganda" },
  { "UM", "UMI", "United States Minor Outlying Islands" },
  { "US", "USA", "United States" },
  { "UY", "URY", "Uruguay" },
  { "UZ", "UZB", "Uzbekistan" },
  { "VA", "VAT", "Holy See" },
  { "VC", "VCT", "Saint Vincent and the Grenadines" },
  { "VE", "VEN", "Venezuela" },
  { "VG", "VGB", "British Virgin Islands" },
  { "VI", "VIR", "United States Virgin Islands" },
  { "VN", "VNM", "Vietnam" },
  { "VU", "VUT", "Vanuatu" },
  { "WF", "WLF", "Wallis and Futuna" },
  { "WS", "WSM", "Samoa" },
  { "YE", "YEM", "Yemen" },
  { "YT", "MYT", "Mayotte" },
  { "ZA", "ZAF", "South Africa" },
  { "ZM", "ZMB", "Zambia" },
  { "ZW", "ZWE", "Zimbabwe" },
};

/* Other spellings: short forms, native names, former names, misspellings
 * seen in CRM exports. Keys are compared after folding (see fold). */
static const struct {
  const char *name, *a2;
} aliases[] = {
  { "usa", "US" }, { "us", "US" }, { "unitedstatesofamerica", "US" },
  { "america", "US" }, { "untiedstates", "US" }, { "unitedsates", "US" },
  { "unitestates", "US" }, { "unitedstate", "US" }, { "usofa", "US" },
  { "uk", "GB" }, { "greatbritain", "GB" }, { "britain", "GB" },
  { "england", "GB" }, { "scotland", "GB" }, { "wales", "GB" },
  { "northernireland", "GB" },
  { "unitedkingdomofgreatbritainandnorthernireland", "GB" },
  { "deutschland", "DE" }, { "germnay", "DE" }, { "holland", "NL" },
  { "nederland", "NL" }, { "thenetherlands", "NL" },
  { "espana", "ES" }, { "brasil", "BR" },
  { "schweiz", "CH" }, { "suisse", "CH" }, { "svizzera", "CH" },
  { "osterreich", "AT" }, { "sverige", "SE" }, { "norge", "NO" },
  { "danmark", "DK" }, { "italia", "IT" }, { "polska", "PL" },
  { "suomi", "FI" }, { "eire", "IE" }, { "mexique", "MX" },
  { "nippon", "JP" }, { "turkiye", "TR" }, { "columbia", "CO" },
  { "phillipines", "PH" }, { "philipines", "PH" }, { "phillippines", "PH" },
  { "argentinia", "AR" }, { "singapur", "SG" },
  { "southkorea", "KR" }, { "korea", "KR" }, { "republicofkorea", "KR" },
  { "korearepublicof", "KR" }, { "northkorea", "KP" },
  { "democraticpeoplesrepublicofkorea", "KP" },
  { "russianfederation", "RU" }, { "czechrepublic", "CZ" },
  { "ivorycoast", "CI" }, { "uae", "AE" }, { "vietnam", "VN" },
  { "socialistrepublicofvietnam", "VN" }, { "iranislamicrepublicof", "IR" },
  { "syrianarabrepublic", "SY" }, { "taiwanprovinceofchina", "TW" },
  { "republicofchina", "TW" }, { "peoplesrepublicofchina", "CN" },
  { "prc", "CN" }, { "hongkongsar", "HK" }, { "hongkongsarchina", "HK" },
  { "macau", "MO" }, { "macaosar", "MO" },
  { "boliviaplurinationalstateof", "BO" },
  { "venezuelabolivarianrepublicof", "VE" },
  { "tanzaniaunitedrepublicof", "TZ" },
  { "laopeoplesdemocraticrepublic", "LA" },
  { "moldovarepublicof", "MD" }, { "micronesiafederatedstatesof", "FM" },
  { "brunei", "BN" }, { "capeverde", "CV" }, { "swaziland", "SZ" },
  { "burma", "MM" }, { "vaticancity", "VA" }, { "vatican", "VA" },
  { "palestinestateof", "PS" }, { "macedonia", "MK" },
  { "republicofmacedonia", "MK" }, { "drc", "CD" }, { "drcongo", "CD" },
  { "congokinshasa", "CD" }, { "congobrazzaville", "CG" },
  { "republicofthecongo", "CG" }, { "congodemocraticrepublicofthe", "CD" },
  { "easttimor", "TL" }, { "bosnia", "BA" }, { "trinidad", "TT" },
  { "stkittsandnevis", "KN" }, { "stlucia", "LC" },
  { "stvincentandthegrenadines", "VC" }, { "saintmartinfrenchpart", "MF" },
  { "sintmaartendutchpart", "SX" }, { "usvirginislands", "VI" },
  { "virginislandsus", "VI" }, { "virginislandsbritish", "VG" },
  { "falklandislandsmalvinas", "FK" }, { "reunionisland", "RE" },
  { "curacao", "CW" }, { "saintbarthelemy", "BL" },
  { "southafricarepublicof", "ZA" }, { "newzeland", "NZ" },
  { "autralia", "AU" }, { "austrailia", "AU" }, { "luxemburg", "LU" },
  { "kyrgyzrepublic", "KG" }, { "slovakrepublic", "SK" },
  { "holysee", "VA" }, { "caboverde", "CV" }, { "gambiathe", "GM" },
  { "bahamasthe", "BS" },
};

/* Lowercase ASCII letters and digits only; common accented Latin letters
 * (UTF-8 C3 xx) fold to their base letter; everything else is dropped. A
 * leading "the" is dropped. Returns the length, 0 when too long. */
static size_t fold(const char *s, size_t n, char *out, size_t cap)
{
  static const char latin1[] =
    "aaaaaaaceeeeiiiidnooooo/ouuuuyts"; /* U+00C0..U+00DF, lowercased */
  size_t i, k = 0;
  for(i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    char o = 0;
    if(ch >= 'A' && ch <= 'Z')
      o = (char)(ch + 32);
    else if((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
      o = (char)ch;
    else if(ch == 0xc3 && i + 1 < n) {
      unsigned char c2 = (unsigned char)s[i + 1];
      if(c2 >= 0x80 && c2 <= 0xbf) {
        o = latin1[(c2 - 0x80) & 31];
        if(o == '/')
          o = 0;
        i++;
      }
    }
    if(o) {
      if(k + 1 >= cap)
        return 0;
      out[k++] = o;
    }
  }
  out[k] = 0;
  if(k > 3 && !memcmp(out, "the", 3)) {
    memmove(out, out + 3, k - 3 + 1);
    k -= 3;
  }
  return k;
}

/* 1 when a and b are at most one edit apart (insertion, deletion,
 * substitution or transposition of adjacent letters). */
static int one_edit(const char *a, size_t an, const char *b, size_t bn)
{
  size_t i = 0;
  if(an > bn + 1 || bn > an + 1)
    return 0;
  while(i < an && i < bn && a[i] == b[i])
    i++;
  if(i == an && i == bn)
    return 1;
  if(an == bn) {
    if(!strcmp(a + i + 1, b + i + 1))
      return 1; /* substitution */
    return i + 1 < an && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           !strcmp(a + i + 2, b + i + 2);
  }
  if(an > bn)
    return !strcmp(a + i + 1, b + i);
  return !strcmp(a + i, b + i + 1);
}

static void put2(char out[3], const char *a2)
{
  out[0] = a2[0];
  out[1] = a2[1];
  out[2] = 0;
}

int icp_norm_country(const char *s, size_t n, char out[3])
{
  char key[96], name[96];
  size_t kn, i, nc = sizeof(countries) / sizeof(countries[0]);
  size_t na = sizeof(aliases) / sizeof(aliases[0]);
  const char *found = NULL;
  int ambiguous = 0;
  if(n > 200)
    return 0;
  kn = fold(s, n, key, sizeof(key));
  if(!kn)
    return 0;
  if(kn == 2 || kn == 3)
    for(i = 0; i < nc; i++) {
      const char *code = kn == 2 ? countries[i].a2 : countries[i].a3;
      if((code[0] | 32) == key[0] && (code[1] | 32) == key[1] &&
         (kn == 2 || (code[2] | 32) == key[2])) {
        put2(out, countries[i].a2);
        return 1;
      }
    }
  for(i = 0; i < na; i++)
    if(!strcmp(aliases[i].name, key)) {
      put2(out, aliases[i].a2);
      return 1;
    }
  for(i = 0; i < nc; i++) {
    size_t nn = fold(countries[i].name, strlen(countries[i].name), name,
                     sizeof(name));
    if(nn == kn && !strcmp(name, key)) {
      put2(out, countries[i].a2);
      return 1;
    }
  }
  /* a misspelling one edit away from exactly one long enough name */
  if(kn < 7)
    return 0;
  for(i = 0; i < nc + na; i++) {
    const char *a2;
    size_t nn;
    if(i < nc) {
      nn = fold(countries[i].name, strlen(countries[i].name), name,
                sizeof(name));
      a2 = countries[i].a2;
    }
    else {
      nn = strlen(aliases[i - nc].name);
      if(nn >= sizeof(name))
        continue;
      memcpy(name, aliases[i - nc].name, nn + 1);
      a2 = aliases[i - nc].a2;
    }
    if(nn >= 7 && one_edit(key, kn, name, nn)) {
      if(found && strcmp(found, a2))
        ambiguous = 1;
      found = a2;
    }
  }
  if(!found || ambiguous)
    return 0;
  put2(out, found);
  return 1;
}

/* ---- dates -------------------------------------------------------------- */

static int digits(const char *s, size_t n, int *v)
{
  size_t i;
  int x = 0;
  if(n > 9)
    return 0;
  for(i = 0; i < n; i++) {
    if(s[i] < '0' || s[i] > '9')
      return 0;
    x = x * 10 + (s[i] - '0');
  }
  *v = x;
  return 1;
}

static int valid_ymd(int y, int m, int d)
{
  int32_t day;
  char tmp[11];
  if(y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
    return 0;
  day = icp_days_from_civil(y, m, d);
  icp_format_date(day, tmp);
  /* round trip rejects 2021-02-30 */
  return (tmp[8] - '0') * 10 + (tmp[9] - '0') == d;
}

int icp_norm_epoch(double seconds, int32_t *day)
{
  double d;
  if(!isfinite(seconds))
    return 0;
  d = floor(seconds / 86400.0);
  if(d < -719162.0 || d > 2932896.0) /* 0001-01-01 .. 9999-12-31 */
    return 0;
  *day = (int32_t)d;
  return 1;
}

/* "HH:MM[:SS[.frac]]" then "Z", "+HH:MM", "+HHMM", "+HH" or nothing;
 * returns the offset in minutes through *off. */
static int time_part(const char *s, size_t n, int *minutes, int *off)
{
  size_t i = 0;
  int hh, mm, ss = 0, oh = 0, om = 0, sign = 1;
  if(n < 5 || !digits(s, 2, &hh) || s[2] != ':' || !digits(s + 3, 2, &mm))
    return 0;
  i = 5;
  if(i < n && s[i] == ':') {
    if(i + 3 > n || !digits(s + i + 1, 2, &ss))
      return 0;
    i += 3;
    if(i < n && (s[i] == '.' || s[i] == ',')) {
      i++;
      while(i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    }
  }
  if(hh > 24 || mm > 59 || ss > 60)
    return 0;
  *minutes = hh * 60 + mm;
  *off = 0;
  if(i == n)
    return 1;
  if((s[i] == 'Z' || s[i] == 'z') && i + 1 == n)
    return 1;
  if(s[i] != '+' && s[i] != '-')
    return 0;
  sign = s[i] == '-' ? -1 : 1;
  i++;
  if(n - i == 2 && digits(s + i, 2, &oh))
    ;
  else if(n - i == 4 && digits(s + i, 2, &oh) && digits(s + i + 2, 2, &om))
    ;
  else if(n - i == 5 && s[i + 2] == ':' && digits(s + i, 2, &oh) &&
          digits(s + i + 3, 2, &om))
    ;
  else
    return 0;
  if(oh > 18 || om > 59)
    return 0;
  *off = sign * (oh * 60 + om);
  return 1;
}

static int all_digits(const char *s, size_t n)
{
  size_t i;
  for(i = 0; i < n; i++)
    if(s[i] < '0' || s[i] > '9')
      return 0;
  return 1;
}

int icp_norm_date(const char *s, size_t n, int32_t *day)
{
  int y, m = 1, d = 1;
  while(n && (*s == ' ' || *s == '\t')) {
    s++;
    n--;
  }
  while(n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  if(!n || n > 64)
    return 0;
  if(all_digits(s, n)) {
    size_t i;
    double v = 0;
    for(i = 0; i < n; i++)
      v = v * 10 + (s[i] - '0');
    if(n == 4 && digits(s, 4, &y))
      return valid_ymd(y, 1, 1) && (*day = icp_days_from_civil(y, 1, 1), 1);
    if(n >= 9 && n <= 11)
      return icp_norm_epoch(v, day);
    if(n == 12 || n == 13)
      return icp_norm_epoch(v / 1000.0, day);
    return 0;
  }
  if(n < 7 || !digits(s, 4, &y) || (s[4] != '-' && s[4] != '/') ||
     !digits(s + 5, 2, &m))
    return 0;
  if(n == 7) {
    if(!valid_ymd(y, m, 1))
      return 0;
    *day = icp_days_from_civil(y, m, 1);
    return 1;
  }
  if(n < 10 || s[7] != s[4] || !digits(s + 8, 2, &d) || !valid_ymd(y, m, d))
    return 0;
  *day = icp_days_from_civil(y, m, d);
  if(n == 10)
    return 1;
  if(s[10] != 'T' && s[10] != 't' && s[10] != ' ')
    return 0;
  {
    int minutes, off;
    long t;
    if(!time_part(s + 11, n - 11, &minutes, &off))
      return 0;
    t = (long)*day * 1440 + minutes - off;
    *day = (int32_t)(t >= 0 ? t / 1440 : -((-t + 1439) / 1440));
  }
  return 1;
}

/* ---- one cell: the value normaliser ------------------------------------ */

/* Space, tab, CR, LF and U+00A0 (no-break space, common in exports) at
 * either end. */
static void trim_cell(const char **s, size_t *n)
{
  for(;;) {
    if(*n && (**s == ' ' || **s == '\t' || **s == '\r' || **s == '\n')) {
      (*s)++;
      (*n)--;
    }
    else if(*n >= 2 && (unsigned char)(*s)[0] == 0xc2 &&
            (unsigned char)(*s)[1] == 0xa0) {
      *s += 2;
      *n -= 2;
    }
    else
      break;
  }
  for(;;) {
    const char *e = *s + *n;
    if(*n && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
              e[-1] == '\n'))
      (*n)--;
    else if(*n >= 2 && (unsigned char)e[-2] == 0xc2 &&
            (unsigned char)e[-1] == 0xa0)
      *n -= 2;
    else
      break;
  }
}

static int all_digits_cell(const char *s, size_t n)
{
  size_t i;
  for(i = 0; i < n; i++)
    if(s[i] < '0' || s[i] > '9')
      return 0;
  return n > 0;
}

void icp_norm_cell(enum icp_type t, int field, const char *s, size_t n,
                   struct icp_norm_cell *c)
{
  enum icp_norm_kind k;
  c->range = 0;
  c->what = NULL;
  c->v.n = 0;
  c->v.type = ICP_T_MISSING;
  trim_cell(&s, &n);
  c->text = s;
  c->tn = n;
  if(!n)
    return;
  if(field == ICP_F_DOMAIN) {
    size_t len = icp_domain_normalize(s, n, c->buf, sizeof(c->buf));
    if(!len) {
      c->what = "a domain";
      return;
    }
    c->v.type = ICP_T_STRING;
    c->v.n = (uint32_t)len;
    c->v.u.str = c->buf;
    return;
  }
  switch(t) {
  case ICP_T_NUMBER:
    /* plain decimals first: the common case stays as fast as it was */
    if(icp_parse_number(s, n, &c->v.u.num)) {
      c->v.type = ICP_T_NUMBER;
      return;
    }
    k = icp_norm_range(s, n, &c->v.u.num);
    if(k == ICP_NORM_NONE) {
      c->what = "a number";
      return;
    }
    c->v.type = ICP_T_NUMBER;
    c->range = k == ICP_NORM_RANGE;
    return;
  case ICP_T_BOOL:
    if(!icp_parse_bool_loose(s, n, &c->v.u.b)) {
      c->what = "a bool";
      return;
    }
    c->v.type = ICP_T_BOOL;
    return;
  case ICP_T_DATE:
    if(!icp_parse_date(s, n, &c->v.u.day) &&
       !icp_norm_date(s, n, &c->v.u.day)) {
      c->what = "a date";
      return;
    }
    c->v.type = ICP_T_DATE;
    return;
  case ICP_T_ANY:
    /* inferred strictly: a plain number, true/false/yes/no, an ISO date
     * or timestamp; money and ranges only in number fields */
    if(icp_parse_number(s, n, &c->v.u.num))
      c->v.type = ICP_T_NUMBER;
    else if(icp_parse_bool(s, n, &c->v.u.b))
      c->v.type = ICP_T_BOOL;
    else if(icp_parse_date(s, n, &c->v.u.day) ||
            (n > 10 && n <= 40 && s[4] == '-' && all_digits_cell(s, 4) &&
             icp_norm_date(s, n, &c->v.u.day)))
      c->v.type = ICP_T_DATE;
    else
      break;
    return;
  default:
    break;
  }
  if(field == ICP_F_COUNTRY) {
    if(icp_norm_country(s, n, c->buf)) {
      c->v.type = ICP_T_STRING;
      c->v.n = 2;
      c->v.u.str = c->buf;
      return;
    }
    c->what = "a country";
    return;
  }
  /* strings and lists: the trimmed text, for the caller to store */
  c->v.type = t == ICP_T_LIST ? ICP_T_LIST : ICP_T_STRING;
  c->v.n = (uint32_t)n;
  c->v.u.str = s;
}

int icp_norm_range_field(int field)
{
  if(field == ICP_F_EMPLOYEES)
    return ICP_F_EMPLOYEES_RANGE;
  if(field == ICP_F_REVENUE_USD)
    return ICP_F_REVENUE_RANGE;
  return -1;
}
