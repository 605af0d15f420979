/* emit.c -- scored accounts as JSONL lines and CSV rows. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/value.h"
#include "io/out.h"
#include "score/emit.h"

static const char *const outcome_names[] = { "not_fired", "fired",
                                             "unknown" };

#define TRY(x)              \
  do {                      \
    enum icp_status st_ = (x); \
    if(st_)                 \
      return st_;           \
  } while(0)

#define LIT(b, s) icp_buf_add((b), (s), sizeof(s) - 1)

static enum icp_status key(struct icp_buf *b, const char *k, int first)
{
  if(!first)
    TRY(icp_buf_addc(b, ','));
  TRY(icp_buf_json_str(b, k, strlen(k)));
  return icp_buf_addc(b, ':');
}

static enum icp_status str_or_null(struct icp_buf *b, const char *s)
{
  if(!s)
    return icp_buf_add(b, "null", 4);
  return icp_buf_json_str(b, s, strlen(s));
}

enum icp_status icp_emit_value(struct icp_buf *b, const struct icp_value *v)
{
  return icp_json_value(b, v);
}

/* ---- kept input columns (--keep) --------------------------------------- */

static enum icp_status kept_json(struct icp_buf *b, const struct icp_pack *p,
                                 const struct icp_account *a)
{
  int i, n = icp_schema_nkept(p->schema);
  if(!n)
    return ICP_OK;
  TRY(key(b, "kept", 0));
  TRY(icp_buf_addc(b, '{'));
  for(i = 0; i < n; i++) {
    TRY(key(b, icp_schema_kept_name(p->schema, i), i == 0));
    TRY(icp_emit_value(b, icp_account_get(a, icp_schema_kept_id(p->schema,
                                                                i))));
  }
  return icp_buf_addc(b, '}');
}

/* A value as one CSV cell: text as it is, lists ';'-joined. */
static enum icp_status value_cell(struct icp_buf *b,
                                  const struct icp_value *v)
{
  char tmp[40];
  uint32_t i;
  switch(v->type) {
  case ICP_T_STRING:
    return icp_csv_cell(b, v->u.str, v->n, 1);
  case ICP_T_NUMBER:
    return icp_buf_add(b, tmp, (size_t)icp_fmt_num(tmp, sizeof(tmp),
                                                    v->u.num));
  case ICP_T_BOOL:
    return icp_buf_adds(b, v->u.b ? "true" : "false");
  case ICP_T_DATE:
    icp_format_date(v->u.day, tmp);
    return icp_buf_add(b, tmp, 10);
  case ICP_T_LIST: {
    struct icp_buf t;
    enum icp_status st = ICP_OK;
    icp_buf_init(&t, (size_t)1 << 24);
    for(i = 0; i < v->n && !st; i++) {
      if(i)
        st = icp_buf_addc(&t, ';');
      if(!st)
        st = icp_buf_add(&t, v->u.list[i].p, v->u.list[i].n);
    }
    if(!st && t.len)
      st = icp_csv_cell(b, t.p, t.len, 1);
    icp_buf_free(&t);
    return st;
  }
  default:
    return ICP_OK;
  }
}

static enum icp_status reads_json(struct icp_buf *b,
                                  const struct icp_pack *p,
                                  const struct icp_account *a,
                                  const int *ids, int n)
{
  int i, any = 0;
  TRY(key(b, "reads", 0));
  TRY(icp_buf_addc(b, '{'));
  for(i = 0; i < n; i++) {
    TRY(key(b, icp_schema_name(p->schema, ids[i]), i == 0));
    TRY(icp_emit_value(b, icp_account_get(a, ids[i])));
  }
  TRY(icp_buf_addc(b, '}'));
  TRY(key(b, "sources", 0));
  TRY(icp_buf_addc(b, '{'));
  for(i = 0; i < n; i++) {
    int src = icp_account_source(a, ids[i]);
    if(src < 0)
      continue;
    TRY(key(b, icp_schema_name(p->schema, ids[i]), !any));
    TRY(str_or_null(b, icp_schema_source_name(p->schema, src)));
    any = 1;
  }
  return icp_buf_addc(b, '}');
}

static enum icp_status explain_json(struct icp_buf *b,
                                    const struct icp_pack *p,
                                    const struct icp_account *a,
                                    const struct icp_result *r)
{
  int i;
  TRY(key(b, "explain", 0));
  TRY(icp_buf_add(b, "{\"rules\":[", 10));
  for(i = 0; i < p->nrules; i++) {
    const struct icp_rule *rule = &p->rules[i];
    const char *e = icp_result_error(r, i), *ev = icp_result_evidence(r, i);
    if(i)
      TRY(icp_buf_addc(b, ','));
    TRY(icp_buf_addc(b, '{'));
    TRY(key(b, "rule", 1));
    TRY(str_or_null(b, rule->name));
    TRY(key(b, "dimension", 0));
    TRY(str_or_null(b, p->dims[rule->dim].name));
    TRY(key(b, "outcome", 0));
    TRY(str_or_null(b, outcome_names[r->outcome[i]]));
    TRY(key(b, "points", 0));
    TRY(icp_buf_json_fixed(b, rule->points));
    TRY(key(b, "earned", 0));
    TRY(icp_buf_json_fixed(b, r->earned[i]));
    if(rule->decay_field >= 0) {
      TRY(key(b, "decay", 0));
      TRY(icp_buf_json_fixed(b, r->decay[i]));
    }
    if(rule->kind == ICP_RULE_BANDS && r->band[i] >= 0) {
      TRY(key(b, "band", 0));
      TRY(icp_buf_json_fixed(b, r->band[i] + 1));
    }
    if(rule->nreads)
      TRY(reads_json(b, p, a, rule->reads, rule->nreads));
    else
      TRY(reads_json(b, p, a, r->reads + r->read_off[i], r->read_n[i]));
    if(ev) {
      TRY(key(b, "evidence", 0));
      TRY(str_or_null(b, ev));
    }
    if(e) {
      TRY(key(b, "error", 0));
      TRY(str_or_null(b, e));
    }
    TRY(icp_buf_addc(b, '}'));
  }
  TRY(icp_buf_add(b, "],\"excludes\":[", 14));
  for(i = 0; i < p->nexcl; i++) {
    int k = p->nrules + i;
    const char *e = icp_result_error(r, k);
    if(i)
      TRY(icp_buf_addc(b, ','));
    TRY(icp_buf_addc(b, '{'));
    TRY(key(b, "exclude", 1));
    TRY(str_or_null(b, p->excl[i].name));
    TRY(key(b, "outcome", 0));
    TRY(str_or_null(b, outcome_names[r->xoutcome[i]]));
    if(p->excl[i].nreads)
      TRY(reads_json(b, p, a, p->excl[i].reads, p->excl[i].nreads));
    else
      TRY(reads_json(b, p, a, r->reads + r->read_off[k], r->read_n[k]));
    if(e) {
      TRY(key(b, "error", 0));
      TRY(str_or_null(b, e));
    }
    TRY(icp_buf_addc(b, '}'));
  }
  return icp_buf_add(b, "]}", 2);
}

/* The decimal digits of a source line (0 for a negative one), without
 * printf (it runs once per output row): they end at num + 24; their
 * count. */
#define LINE_DIGITS 24
static size_t line_text(long line, char num[LINE_DIGITS])
{
  int k = LINE_DIGITS;
  if(line < 0)
    line = 0;
  do {
    num[--k] = (char)('0' + line % 10);
    line /= 10;
  } while(line && k > 0);
  return (size_t)(LINE_DIGITS - k);
}

/* "file:line" is written when the file's name is at most this long, the
 * name alone when it is longer (both outputs alike). */
#define SOURCE_CAP 600
static int source_fits(size_t fl)
{
  return fl + 1 + LINE_DIGITS <= SOURCE_CAP;
}

/* The names[i] whose outcome[i] is want, each less its last drop bytes,
 * sep between them, at o: the lists of unknown and excluding rules. */
static char *put_picked(char *o, const struct icp_str *names,
                        const uint8_t *outcome, int n, uint8_t want,
                        char sep, uint32_t drop)
{
  int i, first = 1;
  for(i = 0; i < n; i++)
    if(outcome[i] == want) {
      if(!first)
        *o++ = sep;
      o = icp_put(o, names[i].p, names[i].n - drop);
      first = 0;
    }
  return o;
}

/* json_str of s, or null: at most 6 * strlen + 2 bytes at o */
static char *put_str_or_null(char *o, const char *s, size_t n)
{
  return s ? icp_put_json_str(o, s, n) : icp_put(o, "null", 4);
}

#define PUT(o, s) icp_put((o), (s), sizeof(s) - 1)

/* The bytes that may be written for a string of n bytes, or for null. */
static size_t str_room(size_t n)
{
  return 6 * n + 2 + 4;
}

enum icp_status icp_emit_jsonl(struct icp_buf *b, const struct icp_pack *p,
                               const struct icp_account *a,
                               const struct icp_result *r, int explain,
                               const char *extra)
{
  const char *dom = icp_account_domain(a), *tier = r->tier_name;
  const char *grade = p->grade.line ? r->grade : NULL, *route = r->route;
  const char *f = a->file ? a->file : "-";
  size_t dl = dom ? strlen(dom) : 0, tl = tier ? strlen(tier) : 0;
  size_t gl = grade ? strlen(grade) : 0, rl = route ? strlen(route) : 0;
  size_t fl = strlen(f), xl = extra ? strlen(extra) : 0;
  char *o;
  int i, first;

  /* everything up to the source is written into room made once: the
   * literal text (under 256 bytes), the numbers, the pack's names and
   * the strings escaped (at most six bytes each) */
  TRY(icp_buf_room(b, 256 + ICP_FIXED_MAX * (size_t)(4 + p->ndims +
                                                     p->nrules) +
                      p->jn.names + (size_t)(p->ndims + p->nrules + p->nexcl) +
                      str_room(dl) + str_room(tl) + str_room(gl) +
                      str_room(rl) + str_room(fl) + 24 + xl));
  o = b->p + b->len;
  o = PUT(o, "{\"domain\":");
  o = put_str_or_null(o, dom, dl);
  o = PUT(o, ",\"score\":");
  o = icp_put_fixed(o, r->score);
  o = PUT(o, ",\"tier\":");
  o = put_str_or_null(o, tier, tl);
  if(p->grade.line) {
    o = PUT(o, ",\"grade\":");
    o = put_str_or_null(o, grade, gl);
  }
  o = PUT(o, ",\"dimensions\":{");
  for(i = 0; i < p->ndims; i++) {
    if(i)
      *o++ = ',';
    o = icp_put(o, p->jn.dim[i].p, p->jn.dim[i].n);
    o = icp_put_fixed(o, r->dim[i]);
  }
  o = PUT(o, "},\"coverage\":");
  o = icp_put_fixed(o, r->coverage);
  o = PUT(o, ",\"fired\":{");
  for(i = 0, first = 1; i < p->nrules; i++)
    if(r->outcome[i] == ICP_TRUE) {
      if(!first)
        *o++ = ',';
      o = icp_put(o, p->jn.rule[i].p, p->jn.rule[i].n);
      o = icp_put_fixed(o, r->earned[i]);
      first = 0;
    }
  /* the names without the ':' that follows each as a key */
  o = PUT(o, "},\"unknown\":[");
  o = put_picked(o, p->jn.rule, r->outcome, p->nrules, ICP_UNKNOWN, ',', 1);
  o = PUT(o, "],\"excluded_by\":[");
  o = put_picked(o, p->jn.excl, r->xoutcome, p->nexcl, ICP_TRUE, ',', 1);
  o = PUT(o, "],\"route\":");
  o = put_str_or_null(o, route, rl);
  if(r->route_def && r->route_def->has_sla) {
    o = PUT(o, ",\"sla_hours\":");
    o = icp_put_fixed(o, r->route_def->sla_hours);
  }
  *o++ = ',';
  o = icp_put(o, p->jn.pack.p, p->jn.pack.n);
  if(xl) {
    *o++ = ',';
    o = icp_put(o, extra, xl);
  }
  o = PUT(o, ",\"source\":");
  if(a->file && a->line == 0) /* a lone object of a request body */
    o = icp_put_json_str(o, f, fl);
  else if(source_fits(fl)) {
    /* "file:line": the line's digits and ':' need no escaping */
    char num[LINE_DIGITS];
    size_t nn = line_text(a->line, num);
    o = icp_put_json_str(o, f, fl) - 1;
    *o++ = ':';
    o = icp_put(o, num + LINE_DIGITS - nn, nn);
    *o++ = '"';
  }
  else
    o = icp_put_json_str(o, f, fl);
  icp_buf_put_end(b, o);
  TRY(kept_json(b, p, a));
  if(r->nerrors) {
    TRY(LIT(b, ",\"errors\":"));
    TRY(icp_buf_addc(b, '{'));
    for(i = 0, first = 1; i < p->nrules + p->nexcl; i++) {
      const char *e = icp_result_error(r, i);
      if(!e)
        continue;
      TRY(key(b, i < p->nrules ? p->rules[i].name :
              p->excl[i - p->nrules].name, first));
      TRY(str_or_null(b, e));
      first = 0;
    }
    TRY(icp_buf_addc(b, '}'));
  }
  for(i = 0, first = 1; i < p->nrules; i++) {
    const char *ev = icp_result_evidence(r, i);
    if(!ev)
      continue;
    if(first)
      TRY(LIT(b, ",\"evidence\":"));
    TRY(first ? icp_buf_addc(b, '{') : ICP_OK);
    TRY(key(b, p->rules[i].name, first));
    TRY(str_or_null(b, ev));
    first = 0;
  }
  if(!first)
    TRY(icp_buf_addc(b, '}'));
  if(explain)
    TRY(explain_json(b, p, a, r));
  return icp_buf_add(b, "}\n", 2);
}

enum icp_status icp_emit_csv_header(struct icp_buf *b,
                                    const struct icp_pack *p,
                                    const char *extra_col)
{
  int i;
  TRY(icp_buf_adds(b, "domain,score,tier"));
  if(p->grade.line)
    TRY(icp_buf_adds(b, ",grade"));
  for(i = 0; i < p->ndims; i++) {
    TRY(icp_buf_addc(b, ','));
    TRY(icp_csv_cell(b, p->dims[i].name, strlen(p->dims[i].name), 1));
  }
  TRY(icp_buf_adds(b, ",coverage,route,top_reasons,excluded_by,unknown,"
                   "pack,source,sla_hours,as_of"));
  for(i = 0; i < icp_schema_nkept(p->schema); i++) {
    const char *k = icp_schema_kept_name(p->schema, i);
    TRY(icp_buf_addc(b, ','));
    TRY(icp_csv_cell(b, k, strlen(k), 1));
  }
  if(extra_col) {
    TRY(icp_buf_addc(b, ','));
    TRY(icp_csv_cell(b, extra_col, strlen(extra_col), 1));
  }
  return icp_buf_add(b, "\r\n", 2);
}

struct reason {
  int rule;
  double earned;
};

/* The points of a reason rounded to tenths, as icp_fmt_num writes them
 * ("15", "7.5", "-0.5"), without printf: it runs for every reason. */
static size_t tenths(char *out, size_t cap, double earned)
{
  long long k = (long long)(earned * 10 + (earned >= 0 ? 0.5 : -0.5));
  unsigned long long u;
  char t[24];
  size_t j = sizeof(t);
  if(k <= -100000000000000LL || k >= 100000000000000LL || cap < sizeof(t)) {
    return (size_t)icp_fmt_num(out, cap, (double)k / 10);
  }
  u = k < 0 ? 0ULL - (unsigned long long)k : (unsigned long long)k;
  if(u % 10) {
    t[--j] = (char)('0' + u % 10);
    t[--j] = '.';
  }
  u /= 10;
  do {
    t[--j] = (char)('0' + u % 10);
    u /= 10;
  } while(u);
  if(k < 0)
    t[--j] = '-';
  memcpy(out, t + j, sizeof(t) - j);
  out[sizeof(t) - j] = 0;
  return sizeof(t) - j;
}

static int reason_cmp(const void *x, const void *y)
{
  const struct reason *a = x, *b = y;
  if(a->earned != b->earned)
    return a->earned > b->earned ? -1 : 1;
  return a->rule - b->rule;
}

enum icp_status icp_emit_reasons(struct icp_buf *b, const struct icp_pack *p,
                                 const struct icp_result *r, int max)
{
  struct reason stack[64], *rs = stack;
  int i, n = 0, shown = 0;
  char num[40];
  if(r->nexcluded) {
    for(i = 0; i < p->nexcl; i++)
      if(r->xoutcome[i] == ICP_TRUE) {
        const char *why = p->excl[i].reason ? p->excl[i].reason :
                          p->excl[i].name;
        if(shown++)
          TRY(icp_buf_adds(b, "; "));
        TRY(icp_buf_adds(b, "excluded: "));
        TRY(icp_buf_adds(b, why));
      }
    return ICP_OK;
  }
  if(p->nrules > 64) {
    rs = malloc((size_t)p->nrules * sizeof(*rs));
    if(!rs)
      return ICP_ENOMEM;
  }
  for(i = 0; i < p->nrules; i++)
    if(r->outcome[i] == ICP_TRUE && r->earned[i] != 0) {
      rs[n].rule = i;
      rs[n].earned = r->earned[i];
      n++;
    }
  if(n > 32)
    qsort(rs, (size_t)n, sizeof(*rs), reason_cmp);
  else /* the usual few: no call per comparison */
    for(i = 1; i < n; i++) {
      struct reason t = rs[i];
      int j = i;
      for(; j > 0 && reason_cmp(&t, &rs[j - 1]) < 0; j--)
        rs[j] = rs[j - 1];
      rs[j] = t;
    }
  {
    /* "name +20 (evidence)" for each shown, in room made once */
    size_t need = 0;
    enum icp_status st;
    if(n > max)
      n = max;
    for(i = 0; i < n; i++) {
      const char *ev = icp_result_evidence(r, rs[i].rule);
      need += p->jn.rname[rs[i].rule].n + (ev ? strlen(ev) : 0) + 8 +
              sizeof(num);
    }
    st = icp_buf_room(b, need);
    if(!st) {
      char *o = b->p + b->len;
      for(i = 0; i < n; i++) {
        const struct icp_str *name = &p->jn.rname[rs[i].rule];
        const char *ev = icp_result_evidence(r, rs[i].rule);
        if(i)
          o = icp_put(o, "; ", 2);
        o = icp_put(o, name->p, name->n);
        *o++ = ' ';
        if(rs[i].earned >= 0)
          *o++ = '+';
        o = icp_put(o, num, tenths(num, sizeof(num), rs[i].earned));
        if(ev) {
          o = icp_put(o, " (", 2);
          o = icp_put(o, ev, strlen(ev));
          *o++ = ')';
        }
      }
      icp_buf_put_end(b, o);
    }
    if(rs != stack)
      free(rs);
    return st;
  }
}

/* The bytes a CSV cell of n bytes may take. */
static size_t cell_room(size_t n)
{
  return 2 * n + 3;
}

enum icp_status icp_emit_csv_row(struct icp_buf *b, const struct icp_pack *p,
                                 const struct icp_account *a,
                                 const struct icp_result *r,
                                 const char *extra_val)
{
  const char *dom = icp_account_domain(a), *tier = r->tier_name;
  const char *grade = p->grade.line ? r->grade : NULL, *route = r->route;
  const char *f = a->file ? a->file : "-";
  size_t dl = dom ? strlen(dom) : 0, tl = strlen(tier);
  size_t gl = grade ? strlen(grade) : 0, rl = route ? strlen(route) : 0;
  size_t fl = strlen(f);
  char *o, *from;
  int i, plain = p->jn.csv_plain;

  /* the cells before the reasons, in room made once (see emit_jsonl) */
  TRY(icp_buf_room(b, 16 + ICP_FIXED_MAX * (size_t)(2 + p->ndims) +
                      cell_room(dl) + cell_room(tl) + cell_room(gl) +
                      cell_room(rl)));
  o = b->p + b->len;
  if(dom)
    o = icp_put_csv_cell(o, dom, dl, 1);
  *o++ = ',';
  /* a CRM view sorted by score shows excluded accounts last: their score
   * cell is 0 (the JSONL keeps the composite beside tier "excluded") */
  o = icp_put_fixed(o, r->nexcluded ? 0 : r->score);
  *o++ = ',';
  /* the pack's names are known to need no quoting, or are checked */
  o = plain ? icp_put(o, tier, tl) : icp_put_csv_cell(o, tier, tl, 1);
  if(p->grade.line) {
    *o++ = ',';
    if(grade)
      o = icp_put_csv_cell(o, grade, gl, 1);
  }
  for(i = 0; i < p->ndims; i++) {
    *o++ = ',';
    o = icp_put_fixed(o, r->dim[i]);
  }
  *o++ = ',';
  o = icp_put_fixed(o, r->coverage);
  *o++ = ',';
  if(route)
    o = plain ? icp_put(o, route, rl) : icp_put_csv_cell(o, route, rl, 1);
  *o++ = ',';
  icp_buf_put_end(b, o);
  /* the reasons (with evidence of any length) through the checked
   * appends, written in place, then quoted if they must be */
  {
    size_t at = b->len;
    TRY(icp_emit_reasons(b, p, r, 3));
    if(!plain || r->text.len) /* evidence is any text */
      TRY(icp_csv_cell_since(b, at, 1));
  }
  /* the rest but kept columns: rule names (jn.names is more than their
   * raw length), the pack, the source and two short cells */
  TRY(icp_buf_room(b, 48 + ICP_FIXED_MAX + cell_room(p->jn.names) +
                      (size_t)(p->nrules + p->nexcl) + p->jn.csv_pack.n +
                      cell_room(fl + 1 + LINE_DIGITS)));
  o = b->p + b->len;
  *o++ = ',';
  from = o;
  o = put_picked(o, p->jn.xname, r->xoutcome, p->nexcl, ICP_TRUE, ';', 0);
  o = plain ? o : icp_put_csv_since(from, o, 1);
  *o++ = ',';
  from = o;
  o = put_picked(o, p->jn.rname, r->outcome, p->nrules, ICP_UNKNOWN, ';', 0);
  o = plain ? o : icp_put_csv_since(from, o, 1);
  *o++ = ',';
  o = icp_put(o, p->jn.csv_pack.p, p->jn.csv_pack.n);
  *o++ = ',';
  from = o;
  o = icp_put(o, f, fl);
  if(source_fits(fl)) {
    char num[LINE_DIGITS];
    size_t nn = line_text(a->line, num);
    *o++ = ':';
    o = icp_put(o, num + LINE_DIGITS - nn, nn);
  }
  o = icp_put_csv_since(from, o, 1);
  *o++ = ',';
  if(r->route_def && r->route_def->has_sla)
    o = icp_put_fixed(o, r->route_def->sla_hours);
  *o++ = ',';
  {
    /* the same date on every row: formatted again only when it changes
     * (per thread: workers emit side by side) */
    static _Thread_local int32_t day = INT32_MIN;
    static _Thread_local char date[11];
    if(day != p->as_of) {
      icp_format_date(p->as_of, date);
      day = p->as_of;
    }
    o = icp_put(o, date, 10);
  }
  icp_buf_put_end(b, o);
  for(i = 0; i < icp_schema_nkept(p->schema); i++) {
    TRY(icp_buf_addc(b, ','));
    TRY(value_cell(b, icp_account_get(a, icp_schema_kept_id(p->schema,
                                                            i))));
  }
  if(extra_val) {
    TRY(icp_buf_addc(b, ','));
    TRY(icp_csv_cell(b, extra_val, strlen(extra_val), 1));
  }
  return icp_buf_add(b, "\r\n", 2);
}
