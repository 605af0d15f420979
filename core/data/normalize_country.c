/* normalize_country.c -- country names, variants, alpha-2 and alpha-3 to
 * alpha-2 (normalize.h). */
#include <string.h>

#include "data/normalize.h"

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
