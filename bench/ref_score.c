/*
 * ref_score.c -- the reference for the scoring benchmark.
 *
 *   ref_score [--as-of YYYY-MM-DD] [FILE.csv | -]
 *
 * A hand-written, single-threaded scorer that applies exactly the rules of
 * rules/b2b_saas.lua with hard-coded predicates, and prints one JSONL line
 * per account: {"domain":...,"score":...,"tier":...,"route":...}.
 * It is what a competent engineer would write without the engine: an
 * RFC 4180 parser over a large fread buffer, fields unquoted in place, no
 * per-row allocation. It follows DESIGN §4 exactly: a predicate on a
 * missing (or mistyped) cell is unknown, an unknown exclude does not
 * exclude, engagement points decay by 0.5^(age/30) from last_activity_date
 * (no decay when that date is missing or after --as-of), s_d = 100 *
 * earned / max, composite = sum(w_d * s_d) / sum(w_d), first tier whose
 * threshold <= composite, excluded over every tier.
 *
 * Columns are found by name in the header row, so their order is free.
 * Exit status: 0 ok, 1 usage or I/O error.
 */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ------------------------------------------------------------------------
 * Output
 * ---------------------------------------------------------------------- */

#define OUT_CAP (1u << 20)

static char out_buf[OUT_CAP];
static size_t out_len;
static int out_failed;

static void out_flush(void)
{
  if(out_len && fwrite(out_buf, 1, out_len, stdout) != out_len)
    out_failed = 1;
  out_len = 0;
}

static void out_mem(const char *s, size_t n)
{
  if(out_len + n > OUT_CAP)
    out_flush();
  if(n > OUT_CAP) {               /* a huge field: write it through */
    if(fwrite(s, 1, n, stdout) != n)
      out_failed = 1;
    return;
  }
  memcpy(out_buf + out_len, s, n);
  out_len += n;
}

static void out_str(const char *s)
{
  out_mem(s, strlen(s));
}

/* A JSON string literal of n bytes; UTF-8 passes through. */
static void out_json_str(const char *s, size_t n)
{
  static const char hex[] = "0123456789abcdef";
  size_t i, run = 0;
  out_mem("\"", 1);
  for(i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    char esc[6];
    if(c >= 0x20 && c != '"' && c != '\\')
      continue;
    out_mem(s + run, i - run);
    run = i + 1;
    esc[0] = '\\';
    if(c == '"' || c == '\\') {
      esc[1] = (char)c;
      out_mem(esc, 2);
    }
    else {
      esc[1] = 'u';
      esc[2] = '0';
      esc[3] = '0';
      esc[4] = hex[c >> 4];
      esc[5] = hex[c & 15];
      out_mem(esc, 6);
    }
  }
  out_mem(s + run, n - run);
  out_mem("\"", 1);
}

/* ------------------------------------------------------------------------
 * Typed cells (DESIGN §3: empty = missing; a mistyped cell = missing)
 * ---------------------------------------------------------------------- */

struct cell {
  char *p;        /* NUL-terminated, unquoted; NULL when the row is short */
  size_t n;
};

static int cell_missing(const struct cell *c)
{
  return !c->p || c->n == 0;
}

/* A finite decimal number; returns 1 and sets *v, else 0. */
static int cell_number(const struct cell *c, double *v)
{
  char *end;
  const char *s = c->p;
  if(cell_missing(c))
    return 0;
  if(!((*s >= '0' && *s <= '9') || *s == '-' || *s == '+' || *s == '.'))
    return 0;                       /* no spaces, inf, nan */
  if(memchr(s, 'x', c->n) || memchr(s, 'X', c->n))
    return 0;                       /* no hex */
  errno = 0;
  *v = strtod(s, &end);
  return end == s + c->n && errno != ERANGE && isfinite(*v);
}

/* true/false/yes/no in any case; returns 1 and sets *v, else 0. */
static int cell_bool(const struct cell *c, int *v)
{
  if(cell_missing(c))
    return 0;
  if(!strcasecmp(c->p, "true") || !strcasecmp(c->p, "yes"))
    *v = 1;
  else if(!strcasecmp(c->p, "false") || !strcasecmp(c->p, "no"))
    *v = 0;
  else
    return 0;
  return 1;
}

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

/* A valid YYYY-MM-DD as days since 1970-01-01; returns 1, else 0. */
static int parse_date(const char *s, size_t n, long *days)
{
  static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30,
                                    31, 31, 30, 31, 30, 31 };
  size_t i;
  long y;
  unsigned m, d;
  if(n != 10 || s[4] != '-' || s[7] != '-')
    return 0;
  for(i = 0; i < 10; i++)
    if(i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
      return 0;
  y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
      (s[3] - '0');
  m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
  d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
  if(m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
    return 0;
  if(m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
    return 0;
  *days = days_from_civil(y, m, d);
  return 1;
}

static int cell_date(const struct cell *c, long *days)
{
  return !cell_missing(c) && parse_date(c->p, c->n, days);
}

/* Case-insensitive one_of over a NULL-terminated list. */
static int one_of(const struct cell *c, const char *const *set)
{
  for(; *set; set++)
    if(!strcasecmp(c->p, *set))
      return 1;
  return 0;
}

/* has_any over a ;-separated list cell (items trimmed of blanks). */
static int list_has_any(const struct cell *c, const char *const *set)
{
  const char *p = c->p, *end = c->p + c->n;
  while(p <= end) {
    const char *q = memchr(p, ';', (size_t)(end - p));
    const char *b = p, *e = q ? q : end;
    const char *const *s;
    while(b < e && (*b == ' ' || *b == '\t'))
      b++;
    while(e > b && (e[-1] == ' ' || e[-1] == '\t'))
      e--;
    for(s = set; *s; s++)
      if(strlen(*s) == (size_t)(e - b) && !strncasecmp(*s, b, (size_t)(e - b)))
        return 1;
    if(!q)
      break;
    p = q + 1;
  }
  return 0;
}

/* ------------------------------------------------------------------------
 * The pack: rules/b2b_saas.lua, hard-coded
 * ---------------------------------------------------------------------- */

enum col {
  COL_DOMAIN, COL_INDUSTRY, COL_EMPLOYEES, COL_TECH, COL_BUDGET,
  COL_TIMELINE, COL_DECISION_MAKER, COL_DEMO, COL_DOWNLOADS, COL_RFI,
  COL_LAST_ACTIVITY, COL_COUNT
};

static const char *const col_names[COL_COUNT] = {
  "domain", "industry", "employees", "tech", "budget_confirmed",
  "timeline_set", "decision_maker_engaged", "demo_attended",
  "content_downloads", "rfi_completed", "last_activity_date"
};

static const char *const target_industries[] = {
  "Software", "Financial Services", "Healthcare", NULL };
static const char *const cloud_data_stack[] = {
  "Amazon Web Services", "Google Cloud", "Microsoft Azure", "Snowflake",
  "Databricks", NULL };
static const char *const excluded_industries[] = {
  "Government", "Education", NULL };
static const char *const competitors[] = {
  "rivalsoft.com", "competeco.io", NULL };

#define W_FIT 50.0
#define W_READINESS 30.0
#define W_ENGAGEMENT 20.0
#define MAX_FIT 50.0
#define MAX_READINESS 30.0
#define MAX_ENGAGEMENT 20.0
#define HALF_LIFE_DAYS 30.0

struct result {
  double score;
  const char *tier, *route;
};

static double dim_score(double earned, double max)
{
  double s = 100.0 * earned / max;
  return s < 0 ? 0 : s > 100 ? 100 : s;
}

/* A readiness/engagement flag rule: fired only on a known true. */
static int is_true(const struct cell *c)
{
  int v;
  return cell_bool(c, &v) && v;
}

static void score_account(struct cell *const *col, long as_of,
                          struct result *r)
{
  double fit = 0, readiness = 0, engagement = 0, v, decay = 1.0;
  long last;
  int excluded = 0;
  const struct cell *ind = col[COL_INDUSTRY], *dom = col[COL_DOMAIN];

  /* fit */
  if(cell_number(col[COL_EMPLOYEES], &v)) {
    if(v >= 50 && v <= 2000)
      fit += 20;                                   /* size_sweet_spot */
    if(v < 10)
      excluded = 1;                                /* too_small */
  }
  if(!cell_missing(ind)) {
    if(one_of(ind, target_industries))
      fit += 15;                                   /* target_industry */
    if(one_of(ind, excluded_industries))
      excluded = 1;                                /* wrong_industry */
  }
  if(!cell_missing(col[COL_TECH]) &&
     list_has_any(col[COL_TECH], cloud_data_stack))
    fit += 15;                                     /* cloud_data_stack */

  /* readiness */
  readiness += is_true(col[COL_BUDGET]) ? 10 : 0;
  readiness += is_true(col[COL_TIMELINE]) ? 10 : 0;
  readiness += is_true(col[COL_DECISION_MAKER]) ? 10 : 0;

  /* engagement, decayed from the last activity */
  if(cell_date(col[COL_LAST_ACTIVITY], &last) && last < as_of)
    decay = pow(0.5, (double)(as_of - last) / HALF_LIFE_DAYS);
  engagement += is_true(col[COL_DEMO]) ? 10 : 0;
  if(cell_number(col[COL_DOWNLOADS], &v) && v >= 3)
    engagement += 5;
  engagement += is_true(col[COL_RFI]) ? 5 : 0;
  engagement *= decay;

  /* competitor */
  if(!cell_missing(dom)) {
    struct cell d = *dom;
    if(d.n > 4 && !strncasecmp(d.p, "www.", 4)) {
      d.p += 4;
      d.n -= 4;
    }
    if(one_of(&d, competitors))
      excluded = 1;
  }

  r->score = (W_FIT * dim_score(fit, MAX_FIT) +
              W_READINESS * dim_score(readiness, MAX_READINESS) +
              W_ENGAGEMENT * dim_score(engagement, MAX_ENGAGEMENT)) /
             (W_FIT + W_READINESS + W_ENGAGEMENT);
  if(excluded) {
    r->tier = "excluded";
    r->route = "disqualified";
  }
  else if(r->score >= 80) {
    r->tier = "A";
    r->route = "ae-senior";
  }
  else if(r->score >= 60) {
    r->tier = "B";
    r->route = "ae";
  }
  else if(r->score >= 40) {
    r->tier = "C";
    r->route = "sdr";
  }
  else {
    r->tier = "D";
    r->route = "nurture";
  }
}


/* ------------------------------------------------------------------------
 * --full: the same result as `icp score` writes, byte for byte (every
 * rule's outcome with three-valued logic, coverage, fired points, unknown
 * rules, excludes, route and SLA, pack, source), so that the benchmark
 * compares equal work and doubles as an independent check of the engine.
 * ---------------------------------------------------------------------- */

enum { R_SIZE, R_INDUSTRY, R_STACK, R_BUDGET, R_TIMELINE, R_DM, R_DEMO,
       R_CONTENT, R_RFI, R_COUNT };
static const char *const rule_names[R_COUNT] = {
  "size_sweet_spot", "target_industry", "cloud_data_stack",
  "budget_confirmed", "timeline_set", "decision_maker_engaged",
  "demo_attended", "content_engaged", "rfi_completed" };
static const double rule_points[R_COUNT] = { 20, 15, 15, 10, 10, 10, 10, 5,
                                             5 };
static const int rule_dim[R_COUNT] = { 0, 0, 0, 1, 1, 1, 2, 2, 2 };
static const char *const excl_names[3] = { "too_small", "wrong_industry",
                                           "competitor" };

/* 0 not fired, 1 fired, 2 unknown */
static int flag(const struct cell *c)
{
  int v;
  if(!cell_bool(c, &v))
    return 2;
  return v;
}

/* A number rounded to 6 decimals, trailing zeros dropped. */
static void out_num(double v)
{
  char tmp[48];
  int n = 0;
  long long k;
  unsigned long long ip, fp;
  char d[24];
  int nd = 0, w = 6, i;
  if(!isfinite(v))
    v = 0;
  k = (long long)(v * 1e6 + (v < 0 ? -0.5 : 0.5));
  if(k < 0) {
    tmp[n++] = '-';
    k = -k;
  }
  ip = (unsigned long long)k / 1000000ULL;
  fp = (unsigned long long)k % 1000000ULL;
  if(k == 0)
    n = 0;
  do {
    d[nd++] = (char)('0' + ip % 10);
    ip /= 10;
  } while(ip);
  while(nd)
    tmp[n++] = d[--nd];
  if(fp) {
    while(fp % 10 == 0) {
      fp /= 10;
      w--;
    }
    tmp[n++] = '.';
    for(i = w - 1; i >= 0; i--) {
      tmp[n + i] = (char)('0' + fp % 10);
      fp /= 10;
    }
    n += w;
  }
  out_mem(tmp, (size_t)n);
}

static void score_full(struct cell *const *col, long as_of, const char *src,
                       long line)
{
  int o[R_COUNT], x[3] = { 0, 0, 0 }, i, first;
  double earned[R_COUNT], dim[3] = { 0, 0, 0 }, known[3] = { 0, 0, 0 };
  static const double dmax[3] = { 50, 30, 20 }, w[3] = { 50, 30, 20 };
  static const char *const dname[3] = { "fit", "readiness", "engagement" };
  double v, decay = 1.0, ssum = 0, csum = 0, score, sla = 0;
  long last;
  const struct cell *ind = col[COL_INDUSTRY], *dom = col[COL_DOMAIN];
  const char *tier, *route;
  char linebuf[24];

  if(cell_number(col[COL_EMPLOYEES], &v)) {
    o[R_SIZE] = v >= 50 && v <= 2000;
    x[0] = v < 10;
  }
  else
    o[R_SIZE] = 2;
  if(cell_missing(ind))
    o[R_INDUSTRY] = 2;
  else {
    o[R_INDUSTRY] = one_of(ind, target_industries);
    x[1] = one_of(ind, excluded_industries);
  }
  o[R_STACK] = cell_missing(col[COL_TECH]) ? 2 :
               list_has_any(col[COL_TECH], cloud_data_stack);
  o[R_BUDGET] = flag(col[COL_BUDGET]);
  o[R_TIMELINE] = flag(col[COL_TIMELINE]);
  o[R_DM] = flag(col[COL_DECISION_MAKER]);
  o[R_DEMO] = flag(col[COL_DEMO]);
  o[R_CONTENT] = cell_number(col[COL_DOWNLOADS], &v) ? v >= 3 : 2;
  o[R_RFI] = flag(col[COL_RFI]);
  if(!cell_missing(dom))
    x[2] = one_of(dom, competitors);
  if(cell_date(col[COL_LAST_ACTIVITY], &last) && last < as_of)
    decay = pow(0.5, (double)(as_of - last) / HALF_LIFE_DAYS);

  for(i = 0; i < R_COUNT; i++) {
    earned[i] = 0;
    if(o[i] == 1) {
      earned[i] = rule_points[i] * 1.0 * (rule_dim[i] == 2 ? decay : 1.0);
      dim[rule_dim[i]] += earned[i];
    }
    if(o[i] != 2)
      known[rule_dim[i]] += rule_points[i];
  }
  for(i = 0; i < 3; i++) {
    double d = 100.0 * dim[i] / dmax[i];
    dim[i] = !(d > 0) ? 0 : d > 100 ? 100 : d;
    ssum += w[i] * dim[i];
    csum += w[i] * (known[i] / dmax[i]);
  }
  score = ssum / 100;
  csum /= 100;
  if(x[0] || x[1] || x[2]) {
    tier = "excluded";
    route = "disqualified";
  }
  else if(score >= 80) {
    tier = "A";
    route = "ae-senior";
    sla = 1;
  }
  else if(score >= 60) {
    tier = "B";
    route = "ae";
    sla = 24;
  }
  else if(score >= 40) {
    tier = "C";
    route = "sdr";
    sla = 48;
  }
  else {
    tier = "D";
    route = "nurture";
  }

  out_str("{\"domain\":");
  if(cell_missing(dom))
    out_str("null");
  else
    out_json_str(dom->p, dom->n);
  out_str(",\"score\":");
  out_num(score);
  out_str(",\"tier\":\"");
  out_str(tier);
  out_str("\",\"dimensions\":{");
  for(i = 0; i < 3; i++) {
    out_str(i ? ",\"" : "\"");
    out_str(dname[i]);
    out_str("\":");
    out_num(dim[i]);
  }
  out_str("},\"coverage\":");
  out_num(csum > 1 ? 1 : csum);
  out_str(",\"fired\":{");
  for(i = 0, first = 1; i < R_COUNT; i++)
    if(o[i] == 1) {
      out_str(first ? "\"" : ",\"");
      out_str(rule_names[i]);
      out_str("\":");
      out_num(earned[i]);
      first = 0;
    }
  out_str("},\"unknown\":[");
  for(i = 0, first = 1; i < R_COUNT; i++)
    if(o[i] == 2) {
      out_str(first ? "\"" : ",\"");
      out_str(rule_names[i]);
      out_str("\"");
      first = 0;
    }
  out_str("],\"excluded_by\":[");
  for(i = 0, first = 1; i < 3; i++)
    if(x[i]) {
      out_str(first ? "\"" : ",\"");
      out_str(excl_names[i]);
      out_str("\"");
      first = 0;
    }
  out_str("],\"route\":\"");
  out_str(route);
  out_str("\"");
  if(sla > 0) {
    out_str(",\"sla_hours\":");
    out_num(sla);
  }
  out_str(",\"pack\":{\"name\":\"b2b-saas-midmarket\","
          "\"version\":\"2026.11.1\"},\"source\":");
  {
    char sbuf[600];
    int n = snprintf(linebuf, sizeof(linebuf), "%ld", line);
    size_t sl = strlen(src);
    if(sl + (size_t)n + 1 < sizeof(sbuf)) {
      memcpy(sbuf, src, sl);
      sbuf[sl] = ':';
      memcpy(sbuf + sl + 1, linebuf, (size_t)n);
      out_json_str(sbuf, sl + 1 + (size_t)n);
    }
  }
  out_str("}\n");
}

/* ------------------------------------------------------------------------
 * CSV reader (RFC 4180: quoted fields, doubled quotes, CRLF or LF)
 * ---------------------------------------------------------------------- */

#define MAX_FIELDS 512
#define READ_CHUNK (1u << 20)

struct reader {
  FILE *f;
  char *buf;
  size_t cap, len, pos;     /* buf[pos, len) is unread; len < cap always */
  size_t scan;              /* where the search for the record end stopped */
  int inq;                  /* inside quotes at buf[scan] */
  int eof;
};

/* Reads more input, keeping buf[pos, len). Returns 0, or -1 on error. */
static int reader_fill(struct reader *rd)
{
  size_t got;
  if(rd->pos) {
    memmove(rd->buf, rd->buf + rd->pos, rd->len - rd->pos);
    rd->len -= rd->pos;
    rd->scan -= rd->pos;
    rd->pos = 0;
  }
  if(rd->cap - rd->len < READ_CHUNK + 1) {
    size_t ncap = rd->cap * 2;
    char *nb;
    while(ncap - rd->len < READ_CHUNK + 1)
      ncap *= 2;
    nb = realloc(rd->buf, ncap);
    if(!nb)
      return -1;
    rd->buf = nb;
    rd->cap = ncap;
  }
  got = fread(rd->buf + rd->len, 1, rd->cap - rd->len - 1, rd->f);
  rd->len += got;
  if(got == 0) {
    if(ferror(rd->f))
      return -1;
    rd->eof = 1;
  }
  return 0;
}

/* Finds the end of the record starting at pos: sets *end to the offset of
   its terminating '\n' (or of the input end). Returns 1 when a record is
   there, 0 at the end of input, -1 on error. */
static int reader_next(struct reader *rd, size_t *end)
{
  for(;;) {
    while(rd->scan < rd->len) {
      char *b = rd->buf + rd->scan;
      char *nl = memchr(b, '\n', rd->len - rd->scan);
      char *stop = nl ? nl : rd->buf + rd->len, *q = b;
      /* the quote parity up to the newline says if it ends the record */
      while((q = memchr(q, '"', (size_t)(stop - q))) != NULL) {
        rd->inq = !rd->inq;
        q++;
      }
      if(!nl) {
        rd->scan = rd->len;
        break;
      }
      rd->scan = (size_t)(nl - rd->buf) + 1;
      if(!rd->inq) {
        *end = (size_t)(nl - rd->buf);
        return 1;
      }
    }
    if(rd->eof) {
      if(rd->pos >= rd->len)
        return 0;
      *end = rd->len;         /* last record without a newline */
      rd->scan = rd->len;
      return 1;
    }
    if(reader_fill(rd))
      return -1;
  }
}

/* Splits buf[pos, end) into cells, unquoting in place and NUL-terminating
   each (buf[end] is '\n' or the spare byte past len). Returns the count. */
static size_t split_record(char *p, char *end, struct cell *cells,
                           size_t max)
{
  size_t n = 0;
  if(end > p && end[-1] == '\r')
    end--;
  for(;;) {
    char *start = p, *out = p;
    if(p < end && *p == '"') {
      p++;
      for(;;) {
        if(p >= end)
          break;
        if(*p == '"') {
          if(p + 1 < end && p[1] == '"') {
            *out++ = '"';
            p += 2;
            continue;
          }
          p++;
          break;
        }
        *out++ = *p++;
      }
      while(p < end && *p != ',')   /* stray text after the closing quote */
        *out++ = *p++;
    }
    else {
      char *comma = memchr(p, ',', (size_t)(end - p));
      p = comma ? comma : end;
      out = p;
    }
    if(n < max) {
      cells[n].p = start;
      cells[n].n = (size_t)(out - start);
    }
    n++;
    if(p >= end) {
      *out = '\0';
      break;
    }
    *out = '\0';                   /* out <= p, and *p is the comma */
    p++;
  }
  return n;
}

/* ------------------------------------------------------------------------
 * Main
 * ---------------------------------------------------------------------- */

static void usage(void)
{
  fputs("usage: ref_score [--as-of YYYY-MM-DD] [--full] [FILE.csv | -]\n"
        "  --full  write the same JSONL as icp score (else domain, score,\n"
        "          tier and route only)\n", stderr);
}

static long today_utc(void)
{
  return (long)(time(NULL) / 86400);
}

int main(int argc, char **argv)
{
  static struct cell cells[MAX_FIELDS];
  static struct cell empty_cell;
  struct cell *col[COL_COUNT];
  int idx[COL_COUNT];
  const char *path = NULL;
  long as_of = today_utc();
  struct reader rd;
  size_t end, n, k, rows = 0;
  int i, rc, header = 1, full = 0;
  long line = 1;
  char num[32];

  for(i = 1; i < argc; i++) {
    if(!strcmp(argv[i], "--as-of") && i + 1 < argc) {
      if(!parse_date(argv[i + 1], strlen(argv[i + 1]), &as_of)) {
        fprintf(stderr, "ref_score: bad --as-of '%s' (YYYY-MM-DD)\n",
                argv[i + 1]);
        return 1;
      }
      i++;
    }
    else if(!strcmp(argv[i], "--full"))
      full = 1;
    else if(!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      usage();
      return 0;
    }
    else if(!path && (argv[i][0] != '-' || !strcmp(argv[i], "-")))
      path = argv[i];
    else {
      fprintf(stderr, "ref_score: bad argument '%s'\n", argv[i]);
      usage();
      return 1;
    }
  }

  memset(&rd, 0, sizeof(rd));
  rd.f = (!path || !strcmp(path, "-")) ? stdin : fopen(path, "rb");
  if(!rd.f) {
    fprintf(stderr, "ref_score: %s: %s\n", path, strerror(errno));
    return 1;
  }
  rd.cap = 2 * READ_CHUNK;
  rd.buf = malloc(rd.cap);
  if(!rd.buf) {
    fputs("ref_score: out of memory\n", stderr);
    return 1;
  }

  while((rc = reader_next(&rd, &end)) == 1) {
    char *p = rd.buf + rd.pos;
    long rec_line = line;
    {
      /* physical lines: the record's own newlines plus its end */
      const char *q = p, *qe = rd.buf + end;
      while((q = memchr(q, '\n', (size_t)(qe - q))) != NULL) {
        line++;
        q++;
      }
      line++;
    }
    if(header && rd.pos == 0 && rd.len - rd.pos >= 3 &&
       !memcmp(p, "\xef\xbb\xbf", 3))
      p += 3;                                    /* UTF-8 BOM */
    n = split_record(p, rd.buf + end, cells, MAX_FIELDS);
    rd.pos = end + 1 > rd.len ? rd.len : end + 1;
    if(n == 1 && cells[0].n == 0)
      continue;                                  /* blank line */
    if(n > MAX_FIELDS)
      n = MAX_FIELDS;
    if(header) {
      header = 0;
      for(k = 0; k < COL_COUNT; k++) {
        size_t j;
        idx[k] = -1;
        for(j = 0; j < n; j++)
          if(!strcmp(cells[j].p, col_names[k]))
            idx[k] = (int)j;
        if(idx[k] < 0) {
          fprintf(stderr, "ref_score: %s: no column '%s' in the header\n",
                  path ? path : "-", col_names[k]);
          return 1;
        }
      }
      continue;
    }
    for(k = 0; k < COL_COUNT; k++)
      col[k] = (size_t)idx[k] < n ? &cells[idx[k]] : &empty_cell;
    if(full)
      score_full(col, as_of, path ? path : "<stdin>", rec_line);
    else {
      struct result r;
      score_account(col, as_of, &r);
      out_str("{\"domain\":");
      if(cell_missing(col[COL_DOMAIN]))
        out_str("null");
      else
        out_json_str(col[COL_DOMAIN]->p, col[COL_DOMAIN]->n);
      snprintf(num, sizeof(num), "%.6g", r.score);
      out_str(",\"score\":");
      out_str(num);
      out_str(",\"tier\":\"");
      out_str(r.tier);
      out_str("\",\"route\":\"");
      out_str(r.route);
      out_str("\"}\n");
    }
    rows++;
  }
  out_flush();
  if(rc < 0 || ferror(rd.f)) {
    fprintf(stderr, "ref_score: %s: read error\n", path ? path : "-");
    return 1;
  }
  if(out_failed || fflush(stdout) != 0) {
    fprintf(stderr, "ref_score: write error: %s\n", strerror(errno));
    return 1;
  }
  if(rd.f != stdin)
    fclose(rd.f);
  free(rd.buf);
  return 0;
}
