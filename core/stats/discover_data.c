/*
 * discover_data.c -- the rows of a discovery: read the accounts into
 * compact per-column codes, type the columns (DESIGN §3), join a deals
 * table and split the rows into best, worst and neither.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "data/account.h"
#include "data/value.h"
#include "io/reader.h"
#include "stats/discover.h"

#define LEVELS_MAX 65536u    /* distinct values interned per column */
#define TYPE_SHARE 0.98      /* share of cells that decides a column type */

/* ==================================================================== */
/* Growth helpers                                                        */
/* ==================================================================== */

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
  size_t n = *cap ? *cap : 64;
  void *q;
  if(need <= *cap)
    return 0;
  while(n < need)
    n *= 2;
  q = realloc(*p, n * size);
  if(!q)
    return -1;
  *p = q;
  *cap = n;
  return 0;
}

static uint64_t hash_fold(const char *s, size_t n)
{
  uint64_t h = 1469598103934665603ull;
  size_t i;
  for(i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if(c >= 'A' && c <= 'Z')
      c = (unsigned char)(c - 'A' + 'a');
    h = (h ^ c) * 1099511628211ull;
  }
  return h;
}

/* ==================================================================== */
/* Interning levels                                                      */
/* ==================================================================== */

const char *icp_disc_level_text(const struct icp_disc_col *c, uint32_t code,
                                size_t *len)
{
  if(code >= c->nlv) {
    *len = 5;
    return "other";
  }
  *len = c->lv[code].len;
  return c->text + c->lv[code].off;
}

static int ht_rehash(struct icp_disc_col *c)
{
  uint32_t ncap = c->htcap ? c->htcap * 2 : 64, i;
  uint32_t *nt = calloc(ncap, sizeof(*nt));
  if(!nt)
    return -1;
  for(i = 0; i < c->nlv; i++) {
    uint64_t h = hash_fold(c->text + c->lv[i].off, c->lv[i].len);
    uint32_t k = (uint32_t)h & (ncap - 1);
    while(nt[k])
      k = (k + 1) & (ncap - 1);
    nt[k] = i + 1;
  }
  free(c->ht);
  c->ht = nt;
  c->htcap = ncap;
  return 0;
}

/* Code of s (case-insensitive), interning it when new; ICP_DISC_RARE when
 * the column already holds LEVELS_MAX values; ICP_DISC_NONE when out of
 * memory. */
static uint32_t intern(struct icp_disc_col *c, const char *s, size_t n)
{
  uint64_t h;
  uint32_t k;
  if(c->nlv * 2 + 2 > c->htcap && ht_rehash(c))
    return ICP_DISC_NONE;
  h = hash_fold(s, n);
  k = (uint32_t)h & (c->htcap - 1);
  while(c->ht[k]) {
    const struct icp_disc_level *l = &c->lv[c->ht[k] - 1];
    if(icp_str_ieq(c->text + l->off, l->len, s, n))
      return c->ht[k] - 1;
    k = (k + 1) & (c->htcap - 1);
  }
  if(c->nlv >= LEVELS_MAX)
    return ICP_DISC_RARE;
  {
    size_t cap = c->caplv;
    if(grow((void **)&c->lv, &cap, c->nlv + 1, sizeof(*c->lv)))
      return ICP_DISC_NONE;
    c->caplv = (uint32_t)cap;
  }
  if(grow((void **)&c->text, &c->captext, c->ntext + n + 1, 1))
    return ICP_DISC_NONE;
  memcpy(c->text + c->ntext, s, n);
  c->text[c->ntext + n] = 0;
  c->lv[c->nlv].off = (uint32_t)c->ntext;
  c->lv[c->nlv].len = (uint32_t)n;
  c->ntext += n + 1;
  c->ht[k] = c->nlv + 1;
  return c->nlv++;
}

/* ==================================================================== */
/* Columns                                                               */
/* ==================================================================== */

/* Makes sure the column's arrays hold capacct entries. */
static int col_fit(struct icp_disc *d, struct icp_disc_col *c)
{
  size_t cap = d->capacct;
  if(c->code) {
    uint32_t *p = realloc(c->code, cap * sizeof(*p));
    if(!p)
      return -1;
    c->code = p;
  }
  if(c->num) {
    double *p = realloc(c->num, cap * sizeof(*p));
    if(!p)
      return -1;
    c->num = p;
  }
  if(c->loff) {
    uint32_t *p = realloc(c->loff, (cap + 1) * sizeof(*p));
    if(!p)
      return -1;
    c->loff = p;
  }
  return 0;
}

static int need_code(struct icp_disc *d, struct icp_disc_col *c)
{
  size_t i;
  if(c->code)
    return 0;
  c->code = malloc(d->capacct * sizeof(*c->code));
  if(!c->code)
    return -1;
  for(i = 0; i <= d->nacct - 1; i++)
    c->code[i] = ICP_DISC_NONE;
  return 0;
}

static int need_num(struct icp_disc *d, struct icp_disc_col *c)
{
  size_t i;
  if(c->num)
    return 0;
  c->num = malloc(d->capacct * sizeof(*c->num));
  if(!c->num)
    return -1;
  for(i = 0; i <= d->nacct - 1; i++)
    c->num[i] = NAN;
  return 0;
}

static int need_list(struct icp_disc *d, struct icp_disc_col *c)
{
  size_t i;
  if(c->loff)
    return 0;
  c->loff = malloc((d->capacct + 1) * sizeof(*c->loff));
  if(!c->loff)
    return -1;
  for(i = 0; i <= d->nacct; i++)
    c->loff[i] = 0;
  return 0;
}

/* ==================================================================== */
/* Cell text and outcome words                                           */
/* ==================================================================== */

/* Text of a scalar value into buf (or borrowed); 0 when missing/list. */
static size_t value_text(const struct icp_value *v, char *buf, size_t cap,
                         const char **out)
{
  switch(v->type) {
  case ICP_T_STRING:
    *out = v->u.str;
    return v->n;
  case ICP_T_NUMBER:
    *out = buf;
    return (size_t)icp_fmt_num(buf, cap, v->u.num);
  case ICP_T_BOOL:
    *out = v->u.b ? "true" : "false";
    return strlen(*out);
  case ICP_T_DATE:
    icp_format_date(v->u.day, buf);
    *out = buf;
    return 10;
  default:
    return 0;
  }
}

/* 1 won, 0 lost, -1 anything else. */
static int outcome_word(const char *s, size_t n)
{
  static const char *const won[] = { "won", "1", "true", "yes",
                                     "closed won", "closed_won",
                                     "closed-won", "win", "y" };
  static const char *const lost[] = { "lost", "0", "false", "no",
                                      "closed lost", "closed_lost",
                                      "closed-lost", "loss", "n" };
  size_t i;
  while(n && (*s == ' ' || *s == '\t')) {
    s++;
    n--;
  }
  while(n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  for(i = 0; i < sizeof(won) / sizeof(won[0]); i++) {
    if(icp_str_ieq(s, n, won[i], strlen(won[i])))
      return 1;
    if(icp_str_ieq(s, n, lost[i], strlen(lost[i])))
      return 0;
  }
  return -1;
}

/* Remembers a few distinct examples of unexpected values ("x (3)"). */
static void example(char *dst, size_t cap, const char *s, size_t n)
{
  size_t len = strlen(dst);
  char q[48];
  int k;
  if(n > 24)
    n = 24;
  k = snprintf(q, sizeof(q), "'%.*s'", (int)n, s);
  if(k <= 0 || strstr(dst, q))
    return;
  if(len + (size_t)k + 3 >= cap)
    return;
  snprintf(dst + len, cap - len, "%s%s", len ? ", " : "", q);
}

/* ==================================================================== */
/* Reading accounts                                                      */
/* ==================================================================== */

struct rd {
  struct icp_disc *d;
  int key_id, label_id, value_id;
  long key_cells, label_cells, value_cells;
  int *colmap;       /* schema id -> column index, -1 */
};

static void count_warning(void *ud, const char *msg)
{
  struct icp_disc *d = ud;
  (void)msg;
  d->cell_warnings++;
}

static int add_account(struct icp_disc *d)
{
  int i;
  size_t cap = d->capacct;
  if(d->nacct + 1 > cap) {
    size_t ncap = cap ? cap * 2 : 1024;
    void *p;
    if(ncap > UINT32_MAX - 2)
      return -1;
#define RE(ptr)                                             \
    p = realloc(ptr, ncap * sizeof(*ptr));                  \
    if(!p)                                                  \
      return -1;                                            \
    ptr = p;
    RE(d->acct_line);
    RE(d->acct_file);
    RE(d->acct_value);
    RE(d->acct_label);
    RE(d->keyoff);
#undef RE
    d->capacct = ncap;
    for(i = 0; i < d->ncols; i++)
      if(col_fit(d, &d->cols[i]))
        return -1;
  }
  d->acct_value[d->nacct] = NAN;
  d->acct_label[d->nacct] = -1;
  d->keyoff[d->nacct] = SIZE_MAX;
  for(i = 0; i < d->ncols; i++) {
    struct icp_disc_col *c = &d->cols[i];
    if(c->code)
      c->code[d->nacct] = ICP_DISC_NONE;
    if(c->num)
      c->num[d->nacct] = NAN;
    if(c->loff)
      c->loff[d->nacct + 1] = c->loff[d->nacct];
  }
  d->nacct++;
  return 0;
}

static int new_col(struct icp_disc *d, struct rd *rd, int id)
{
  struct icp_disc_col *c;
  void *p = realloc(d->cols, (size_t)(d->ncols + 1) * sizeof(*d->cols));
  if(!p)
    return -1;
  d->cols = p;
  c = &d->cols[d->ncols];
  memset(c, 0, sizeof(*c));
  c->name = strdup(icp_schema_name(d->schema, id));
  if(!c->name)
    return -1;
  c->field = id;
  c->canonical = icp_schema_origin(d->schema, id) == ICP_ORIGIN_CANONICAL;
  rd->colmap[id] = d->ncols++;
  return 0;
}

static int set_cell(struct icp_disc *d, struct icp_disc_col *c,
                    const struct icp_value *v)
{
  size_t i = d->nacct - 1;
  char buf[48];
  const char *s;
  size_t n;
  double x;
  int32_t day;
  int b;

  c->n_cells++;
  if(v->type == ICP_T_LIST) {
    uint32_t k;
    c->n_list++;
    if(need_list(d, c))
      return -1;
    for(k = 0; k < v->n; k++) {
      uint32_t code = intern(c, v->u.list[k].p, v->u.list[k].n);
      if(code == ICP_DISC_NONE)
        return -1;
      if(grow((void **)&c->items, &c->capitems, c->nitems + 1,
              sizeof(*c->items)))
        return -1;
      c->items[c->nitems++] = code;
    }
    if(c->nitems > UINT32_MAX - 1)
      return -1;
    c->loff[i + 1] = (uint32_t)c->nitems;
    return 0;
  }
  if(v->type == ICP_T_NUMBER || v->type == ICP_T_DATE) {
    if(need_num(d, c))
      return -1;
    c->num[i] = v->type == ICP_T_NUMBER ? v->u.num : (double)v->u.day;
    if(v->type == ICP_T_NUMBER)
      c->n_num++;
    else
      c->n_date++;
    if(c->canonical)
      return 0;
  }
  n = value_text(v, buf, sizeof(buf), &s);
  if(v->type == ICP_T_BOOL)
    c->n_bool++;
  if(v->type == ICP_T_STRING && !c->canonical) {
    /* a column declared string for reading: infer as §3 does */
    if(icp_parse_number(s, n, &x)) {
      if(need_num(d, c))
        return -1;
      c->num[i] = x;
      c->n_num++;
      /* a high-cardinality numeric column is a number: stop interning */
      if(c->nlv > 4096 && c->n_num * 10 > c->n_cells * 9)
        return 0;
    }
    else if(icp_parse_bool(s, n, &b))
      c->n_bool++;
    else if(icp_parse_date(s, n, &day)) {
      if(need_num(d, c))
        return -1;
      c->num[i] = day;
      c->n_date++;
    }
  }
  if(need_code(d, c))
    return -1;
  c->code[i] = intern(c, s, n);
  return c->code[i] == ICP_DISC_NONE ? -1 : 0;
}

static int keep_key(struct icp_disc *d, const char *s, size_t n)
{
  size_t i = d->nacct - 1;
  if(!n)
    return 0;
  if(grow((void **)&d->keytext, &d->capkeytext, d->nkeytext + n + 1, 1))
    return -1;
  memcpy(d->keytext + d->nkeytext, s, n);
  d->keytext[d->nkeytext + n] = 0;
  d->keyoff[i] = d->nkeytext;
  d->nkeytext += n + 1;
  return 0;
}

static int take_record(struct icp_disc *d, struct rd *rd,
                       const struct icp_account *a)
{
  size_t i = d->nacct - 1;
  int k;
  for(k = 0; k < a->norder; k++) {
    int id = a->order[k];
    const struct icp_value *v = icp_account_get(a, id);
    char buf[48];
    const char *s;
    size_t n;
    if(v->type == ICP_T_MISSING)
      continue;
    if(id == rd->key_id) {
      rd->key_cells++;
      n = value_text(v, buf, sizeof(buf), &s);
      if(d->o.deals && keep_key(d, s, n))
        return -1;
      continue;
    }
    if(id == rd->label_id) {
      int w;
      rd->label_cells++;
      n = value_text(v, buf, sizeof(buf), &s);
      w = outcome_word(s, n);
      if(w < 0) {
        d->label_bad++;
        example(d->label_examples, sizeof(d->label_examples), s, n);
      }
      else
        d->acct_label[i] = (int8_t)(d->o.outcome == ICP_DISC_CHURN ? !w : w);
      continue;
    }
    if(id == rd->value_id) {
      double x;
      rd->value_cells++;
      n = value_text(v, buf, sizeof(buf), &s);
      if(v->type == ICP_T_NUMBER)
        d->acct_value[i] = v->u.num;
      else if(n && icp_parse_number(s, n, &x))
        d->acct_value[i] = x;
      else {
        d->value_bad++;
        example(d->label_examples, sizeof(d->label_examples), s, n);
      }
      continue;
    }
    if(id >= ICP_SCHEMA_MAX)
      continue;
    if(rd->colmap[id] < 0 && new_col(d, rd, id))
      return -1;
    if(set_cell(d, &d->cols[rd->colmap[id]], v))
      return -1;
  }
  return 0;
}

/* Declares every column of the header that has no type as string, so that
 * discovery sees the text and types each column as a whole. */
static void declare_strings(struct icp_disc *d)
{
  int id, n = icp_schema_count(d->schema);
  for(id = 0; id < n; id++)
    if(icp_schema_origin(d->schema, id) == ICP_ORIGIN_SEEN &&
       icp_schema_type(d->schema, id) == ICP_T_ANY)
      icp_schema_declare(d->schema, icp_schema_name(d->schema, id),
                         ICP_T_STRING, NULL);
}

static int special_id(struct icp_disc *d, const char *name)
{
  return name ? icp_schema_intern(d->schema, name, strlen(name)) : -2;
}

static enum icp_status read_accounts(struct icp_disc *d, struct rd *rd,
                                     const char *const *inputs, int ninputs,
                                     struct icp_err *err)
{
  struct icp_account *a = icp_account_new(d->schema);
  enum icp_status s = ICP_OK;
  int f;
  if(!a)
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  for(f = 0; f < ninputs && !s; f++) {
    struct icp_reader *r;
    s = icp_reader_open(&r, inputs[f], d->o.format, d->schema, err);
    if(s)
      break;
    declare_strings(d);
    icp_reader_set_warn(r, count_warning, d);
    for(;;) {
      s = icp_reader_next(r, a, err);
      if(s == ICP_EOF) {
        s = ICP_OK;
        break;
      }
      if(s == ICP_ESKIP) {
        d->skipped++;
        if(d->skipped <= 5)
          icp_disc_note(d, "%s (skipped)", err->msg);
        s = ICP_OK;
        continue;
      }
      if(s)
        break;
      d->read++;
      if(add_account(d)) {
        s = icp_err_set(err, ICP_ENOMEM, "out of memory at record %ld",
                        d->read);
        break;
      }
      d->acct_line[d->nacct - 1] = a->line > UINT32_MAX ? UINT32_MAX :
                                   (uint32_t)a->line;
      d->acct_file[d->nacct - 1] = (uint16_t)f;
      if(take_record(d, rd, a)) {
        s = icp_err_set(err, ICP_ENOMEM, "out of memory at record %ld",
                        d->read);
        break;
      }
    }
    icp_reader_close(r);
  }
  icp_account_free(a);
  return s;
}

/* ==================================================================== */
/* Typing the columns                                                    */
/* ==================================================================== */

static int ignored(const char *list, const char *name)
{
  size_t n = strlen(name);
  const char *p = list;
  while(p && *p) {
    const char *e = strchr(p, ',');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if(len == n && !memcmp(p, name, n))
      return 1;
    p = e ? e + 1 : NULL;
  }
  return 0;
}

static void type_column(struct icp_disc *d, struct icp_disc_col *c)
{
  double nn = (double)c->n_cells;
  size_t i;
  if(ignored(d->o.ignore, c->name)) {
    c->kind = ICP_DK_SKIP;
    c->why_skipped = "--ignore";
    free(c->code);
    free(c->num);
    c->code = NULL;
    c->num = NULL;
    return;
  }
  if(!c->n_cells) {
    c->kind = ICP_DK_SKIP;
    c->why_skipped = "always empty";
    return;
  }
  if(c->canonical) {
    switch(icp_schema_type(d->schema, c->field)) {
    case ICP_T_NUMBER: c->kind = ICP_DK_NUM; break;
    case ICP_T_DATE: c->kind = ICP_DK_DATE; break;
    case ICP_T_LIST: c->kind = ICP_DK_LIST; break;
    case ICP_T_BOOL: c->kind = ICP_DK_BOOL; break;
    default: c->kind = ICP_DK_CAT; break;
    }
  }
  else if(c->n_list >= TYPE_SHARE * nn)
    c->kind = ICP_DK_LIST;
  else if(c->n_num >= TYPE_SHARE * nn)
    c->kind = ICP_DK_NUM;
  else if(c->n_bool >= TYPE_SHARE * nn)
    c->kind = ICP_DK_BOOL;
  else if(c->n_date >= TYPE_SHARE * nn)
    c->kind = ICP_DK_DATE;
  else
    c->kind = ICP_DK_CAT;

  if((c->kind == ICP_DK_NUM || c->kind == ICP_DK_DATE) && !c->num) {
    c->kind = ICP_DK_SKIP;
    c->why_skipped = "no value fits its type";
    return;
  }
  if(c->kind == ICP_DK_LIST && !c->loff) {
    c->kind = ICP_DK_SKIP;
    c->why_skipped = "no list values";
    return;
  }
  if((c->kind == ICP_DK_CAT || c->kind == ICP_DK_BOOL) && !c->code) {
    c->kind = ICP_DK_SKIP;
    c->why_skipped = "no values";
    return;
  }
  switch(c->kind) {
  case ICP_DK_NUM:
    c->n_misfit = c->n_cells - c->n_num;
    if(c->n_date && !c->canonical)
      for(i = 0; i < d->nacct; i++)   /* dates in a number column */
        if(c->code && c->code[i] != ICP_DISC_NONE && !isnan(c->num[i])) {
          size_t len;
          const char *t = icp_disc_level_text(c, c->code[i], &len);
          double x;
          if(!icp_parse_number(t, len, &x))
            c->num[i] = NAN;
        }
    break;
  case ICP_DK_DATE:
    c->n_misfit = c->n_cells - c->n_date;
    for(i = 0; i < d->nacct; i++)
      if(!isnan(c->num[i])) {
        if(!c->canonical && c->code && c->code[i] != ICP_DISC_NONE) {
          size_t len;
          const char *t = icp_disc_level_text(c, c->code[i], &len);
          int32_t day;
          if(!icp_parse_date(t, len, &day)) {
            c->num[i] = NAN;
            continue;
          }
        }
        c->num[i] = (double)d->o.as_of - c->num[i];
      }
    break;
  case ICP_DK_BOOL: {
    uint32_t l;
    c->lvbool = malloc(c->nlv ? c->nlv : 1);
    if(!c->lvbool) {
      c->kind = ICP_DK_SKIP;
      c->why_skipped = "out of memory";
      return;
    }
    for(l = 0; l < c->nlv; l++) {
      int b;
      size_t len;
      const char *t = icp_disc_level_text(c, l, &len);
      c->lvbool[l] = (int8_t)(icp_parse_bool(t, len, &b) ? b : -1);
      if(c->lvbool[l] < 0) {
        /* counted as a misfit: the draft declares bool */
      }
    }
    c->n_misfit = c->n_cells - c->n_bool;
    break;
  }
  case ICP_DK_CAT:
    if(c->n_cells >= 20 && (double)c->nlv > 0.5 * nn) {
      c->kind = ICP_DK_SKIP;
      c->why_skipped = "identifier-like (most values unique)";
    }
    break;
  default:
    break;
  }
  if(c->n_misfit)
    icp_disc_note(d, "column '%s': %ld of %ld cells are not %s; they count "
                  "as missing", c->name, c->n_misfit, c->n_cells,
                  c->kind == ICP_DK_NUM ? "numbers" :
                  c->kind == ICP_DK_DATE ? "YYYY-MM-DD dates" :
                  c->kind == ICP_DK_BOOL ? "true/false/yes/no" : "lists");
  /* drop what the kind does not use */
  if(c->kind != ICP_DK_NUM && c->kind != ICP_DK_DATE) {
    free(c->num);
    c->num = NULL;
  }
  if(c->kind == ICP_DK_NUM || c->kind == ICP_DK_DATE ||
     c->kind == ICP_DK_SKIP) {
    if(c->kind != ICP_DK_SKIP || !c->code) {
      free(c->code);
      c->code = NULL;
    }
  }
}

/* ==================================================================== */
/* Deals                                                                 */
/* ==================================================================== */

struct keymap {
  uint32_t *slot;   /* account index + 1, 0 = empty */
  size_t cap;
};

static int keymap_build(struct icp_disc *d, struct keymap *m)
{
  size_t i, dups = 0;
  m->cap = 64;
  while(m->cap < d->nacct * 2 + 2)
    m->cap *= 2;
  m->slot = calloc(m->cap, sizeof(*m->slot));
  if(!m->slot)
    return -1;
  for(i = 0; i < d->nacct; i++) {
    const char *k;
    size_t len, h;
    if(d->keyoff[i] == SIZE_MAX)
      continue;
    k = d->keytext + d->keyoff[i];
    len = strlen(k);
    h = (size_t)hash_fold(k, len) & (m->cap - 1);
    while(m->slot[h]) {
      if(!strcmp(d->keytext + d->keyoff[m->slot[h] - 1], k))
        break;
      h = (h + 1) & (m->cap - 1);
    }
    if(m->slot[h])
      dups++;
    else
      m->slot[h] = (uint32_t)i + 1;
  }
  if(dups)
    icp_disc_note(d, "%zu accounts repeat a key already seen; their deals "
                  "join the first", dups);
  return 0;
}

static long keymap_find(const struct icp_disc *d, const struct keymap *m,
                        const char *s, size_t n)
{
  size_t h = (size_t)hash_fold(s, n) & (m->cap - 1);
  while(m->slot[h]) {
    const char *k = d->keytext + d->keyoff[m->slot[h] - 1];
    if(strlen(k) == n && !memcmp(k, s, n))
      return (long)m->slot[h] - 1;
    h = (h + 1) & (m->cap - 1);
  }
  return -1;
}

static int add_row(struct icp_disc *d, size_t *cap, uint32_t acct, int y,
                   double value)
{
  if(d->nrows + 1 > *cap) {
    size_t ncap = *cap ? *cap * 2 : 1024;
    void *p;
#define RE(ptr)                                             \
    p = realloc(ptr, ncap * sizeof(*ptr));                  \
    if(!p)                                                  \
      return -1;                                            \
    ptr = p;
    RE(d->row_acct);
    RE(d->row_y);
    RE(d->row_value);
    RE(d->row_train);
#undef RE
    *cap = ncap;
  }
  d->row_acct[d->nrows] = acct;
  d->row_y[d->nrows] = (int8_t)y;
  d->row_value[d->nrows] = value;
  d->nrows++;
  return 0;
}

/* Of names[0..n), the one equal to name but for ASCII case ("churn" ->
 * "Churn"), or NULL. */
static const char *case_hint(const char *name, const char *const *names,
                             int n)
{
  size_t len = strlen(name);
  int k;
  for(k = 0; k < n; k++)
    if(names[k] && strcmp(names[k], name) &&
       icp_str_ieq(names[k], strlen(names[k]), name, len))
      return names[k];
  return NULL;
}

/* Reads the deals table: only the key, the outcome and the value. */
static enum icp_status read_deals(struct icp_disc *d, const char *label,
                                  size_t *rowcap, struct icp_err *err)
{
  struct icp_schema *sc = icp_schema_new();
  struct icp_account *a = sc ? icp_account_new(sc) : NULL;
  struct icp_reader *r = NULL;
  struct keymap m = { NULL, 0 };
  enum icp_status s;
  int key_id, label_id, value_id = -1;
  uint8_t *closed = calloc(d->nacct ? d->nacct : 1, 1);
  uint8_t *won = calloc(d->nacct ? d->nacct : 1, 1);
  double *sum = calloc(d->nacct ? d->nacct : 1, sizeof(double));
  size_t i;

  if(!a || !closed || !won || !sum || keymap_build(d, &m)) {
    s = icp_err_set(err, ICP_ENOMEM, "out of memory");
    goto out;
  }
  icp_schema_set_raw_headers(sc, 1); /* a deals table */
  s = icp_reader_open(&r, d->o.deals, d->o.format, sc, err);
  if(s)
    goto out;
  key_id = icp_schema_find(sc, d->o.key, strlen(d->o.key));
  label_id = icp_schema_find(sc, label, strlen(label));
  if(d->o.value)
    value_id = icp_schema_find(sc, d->o.value, strlen(d->o.value));
  if(key_id < 0 || label_id < 0 || (d->o.value && value_id < 0)) {
    const char *miss = key_id < 0 ? d->o.key : label_id < 0 ? label :
                       d->o.value;
    const char *names[512], *hint;
    int k, n = 0;
    for(k = 0; k < icp_schema_count(sc) && n < 512; k++)
      names[n++] = icp_schema_name(sc, k);
    hint = case_hint(miss, names, n);
    s = icp_err_set(err, ICP_EINVAL, "%s: no column '%s' in the deals "
                    "table%s%s%s", d->o.deals, miss,
                    hint ? "; did you mean '" : "", hint ? hint : "",
                    hint ? "'?" : "");
    goto out;
  }
  icp_schema_declare(sc, d->o.key, ICP_T_STRING, NULL);
  icp_schema_declare(sc, label, ICP_T_STRING, NULL);
  if(value_id >= 0)
    icp_schema_declare(sc, d->o.value, ICP_T_STRING, NULL);
  for(;;) {
    const struct icp_value *kv, *lv, *vv;
    char b1[48], b2[48], b3[48];
    const char *ks, *ls, *vs;
    size_t kn, ln, vn;
    long acct;
    int w;
    double x = NAN;
    s = icp_reader_next(r, a, err);
    if(s == ICP_EOF) {
      s = ICP_OK;
      break;
    }
    if(s == ICP_ESKIP) {
      d->deals_bad++;
      continue;
    }
    if(s)
      goto out;
    d->deals_read++;
    kv = icp_account_get(a, key_id);
    lv = icp_account_get(a, label_id);
    kn = value_text(kv, b1, sizeof(b1), &ks);
    ln = value_text(lv, b2, sizeof(b2), &ls);
    w = outcome_word(ls, ln);
    if(w < 0) {
      d->deals_open++;
      example(d->open_examples, sizeof(d->open_examples), ls, ln);
      continue;
    }
    if(!kn) {
      d->deals_nokey++;
      continue;
    }
    acct = keymap_find(d, &m, ks, kn);
    if(acct < 0) {
      d->deals_unmatched++;
      continue;
    }
    if(value_id >= 0) {
      vv = icp_account_get(a, value_id);
      vn = value_text(vv, b3, sizeof(b3), &vs);
      if(!vn || !icp_parse_number(vs, vn, &x)) {
        x = NAN;
        if(w)
          d->deals_bad++;
      }
    }
    closed[acct] = 1;
    if(w) {
      won[acct] = 1;
      if(!isnan(x))
        sum[acct] += x;
    }
    if(d->o.per_deal && add_row(d, rowcap, (uint32_t)acct, w, x)) {
      s = icp_err_set(err, ICP_ENOMEM, "out of memory");
      goto out;
    }
  }
  if(!d->o.per_deal)
    for(i = 0; i < d->nacct; i++) {
      if(!closed[i]) {
        d->accounts_without_deals++;
        continue;
      }
      if(d->o.outcome == ICP_DISC_LTV) {
        if(add_row(d, rowcap, (uint32_t)i, -1, sum[i]))
          s = icp_err_set(err, ICP_ENOMEM, "out of memory");
      }
      else if(add_row(d, rowcap, (uint32_t)i, won[i], NAN))
        s = icp_err_set(err, ICP_ENOMEM, "out of memory");
      if(s)
        break;
    }
  else
    for(i = 0; i < d->nacct; i++)
      if(!closed[i])
        d->accounts_without_deals++;
out:
  icp_reader_close(r);
  icp_account_free(a);
  icp_schema_free(sc);
  free(m.slot);
  free(closed);
  free(won);
  free(sum);
  return s;
}

/* ==================================================================== */
/* Outcome: best, worst, neither; the holdout                            */
/* ==================================================================== */

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Number of sorted values <= x (upper) or < x (lower). */
static size_t count_le(const double *v, size_t n, double x, int strict)
{
  size_t lo = 0, hi = n;
  while(lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if(strict ? v[mid] < x : v[mid] <= x)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Cuts LTV rows into the top and bottom 20%, ties kept together: each cut
 * goes on the side of a tied block that lands closer to 20%. */
static enum icp_status cut_ltv(struct icp_disc *d, struct icp_err *err)
{
  size_t i, n = 0, k, le, lt;
  double *v = malloc((d->nrows ? d->nrows : 1) * sizeof(*v));
  double target, x;
  if(!v)
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  for(i = 0; i < d->nrows; i++)
    if(!isnan(d->row_value[i]))
      v[n++] = d->row_value[i];
  if(n < 5) {
    free(v);
    return icp_err_set(err, ICP_EINVAL, "only %zu rows have a value; "
                       "nothing to compare", n);
  }
  qsort(v, n, sizeof(*v), cmp_double);
  target = 0.2 * (double)n;
  k = (size_t)llround(target);
  if(k < 1)
    k = 1;
  /* bottom: values <= cut_lo */
  x = v[k - 1];
  le = count_le(v, n, x, 0);
  lt = count_le(v, n, x, 1);
  if(lt && fabs((double)lt - target) < fabs((double)le - target))
    d->cut_lo = v[lt - 1];
  else
    d->cut_lo = x;
  /* top: values >= cut_hi */
  x = v[n - k];
  le = n - count_le(v, n, x, 1);   /* >= x */
  lt = n - count_le(v, n, x, 0);   /* > x */
  if(lt && fabs((double)lt - target) < fabs((double)le - target))
    d->cut_hi = v[n - lt];
  else
    d->cut_hi = x;
  free(v);
  if(!(d->cut_lo < d->cut_hi))
    return icp_err_set(err, ICP_EINVAL, "the value has too many ties to "
                       "cut a top and a bottom 20%%");
  for(i = 0; i < d->nrows; i++) {
    double y = d->row_value[i];
    d->row_y[i] = (int8_t)(isnan(y) ? -1 : y >= d->cut_hi ? 1 :
                           y <= d->cut_lo ? 0 : -1);
  }
  return ICP_OK;
}

static uint64_t mix64(uint64_t z)
{
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static void split_holdout(struct icp_disc *d)
{
  size_t i;
  d->n_best = d->n_worst = 0;
  for(i = 0; i < d->nrows; i++) {
    uint64_t h = mix64(d->o.seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull
                       + d->row_acct[i] * 0xD1B54A32D192ED03ull);
    double u = (double)(h >> 11) * 0x1.0p-53;
    d->row_train[i] = (uint8_t)!(u < d->o.holdout);
    if(!d->row_train[i])
      continue;
    if(d->row_y[i] == 1)
      d->n_best++;
    else if(d->row_y[i] == 0)
      d->n_worst++;
  }
}

/* ==================================================================== */
/* Entry point                                                           */
/* ==================================================================== */

static const char *deal_label_guess(const char *path, const char *format,
                                    struct icp_err *err)
{
  static const char *const names[] = { "deal_stage", "stage", "status",
                                       "outcome", "won", "is_won",
                                       "result" };
  struct icp_schema *sc = icp_schema_new();
  struct icp_reader *r = NULL;
  const char *found = NULL;
  size_t i;
  if(!sc)
    return NULL;
  icp_schema_set_raw_headers(sc, 1); /* a deals table */
  if(!icp_reader_open(&r, path, format, sc, err))
    for(i = 0; i < sizeof(names) / sizeof(names[0]) && !found; i++)
      if(icp_schema_find(sc, names[i], strlen(names[i])) >= 0 &&
         icp_schema_origin(sc, icp_schema_find(sc, names[i],
                                               strlen(names[i]))) ==
         ICP_ORIGIN_SEEN)
        found = names[i];
  icp_reader_close(r);
  icp_schema_free(sc);
  return found;
}

/* The column read that a name given probably meant, or NULL. */
static const char *column_hint(const struct icp_disc *d, const char *name)
{
  const char *names[512];
  int k, n = 0;
  for(k = 0; k < d->ncols && n < 512; k++)
    names[n++] = d->cols[k].name;
  return case_hint(name, names, n);
}

enum icp_status icp_disc_read(struct icp_disc *d, const char *const *inputs,
                              int ninputs, struct icp_err *err)
{
  struct rd rd;
  enum icp_status s;
  size_t i, rowcap = 0;
  int k;
  const char *deal_label = d->o.label;

  memset(&rd, 0, sizeof(rd));
  rd.d = d;
  rd.colmap = malloc(ICP_SCHEMA_MAX * sizeof(int));
  if(!rd.colmap)
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  for(k = 0; k < ICP_SCHEMA_MAX; k++)
    rd.colmap[k] = -1;
  if(!d->o.key && icp_schema_find(d->schema, "domain", 6) >= 0)
    rd.key_id = ICP_F_DOMAIN;
  else
    rd.key_id = special_id(d, d->o.key);
  /* with deals, the outcome columns live in the deals table */
  rd.label_id = d->o.deals ? -2 : special_id(d, d->o.label);
  rd.value_id = d->o.deals ? -2 : special_id(d, d->o.value);

  s = read_accounts(d, &rd, inputs, ninputs, err);
  free(rd.colmap);
  if(s)
    return s;
  if(!d->nacct)
    return icp_err_set(err, ICP_EINVAL, "no accounts read");
  /* named columns must exist and hold something */
  {
    const char *need[3] = { d->o.key, d->o.deals ? NULL : d->o.label,
                            d->o.deals ? NULL : d->o.value };
    long got[3] = { rd.key_cells, rd.label_cells, rd.value_cells };
    for(k = 0; k < 3; k++)
      if(need[k] && !got[k]) {
        const char *hint = column_hint(d, need[k]);
        return icp_err_set(err, ICP_EINVAL, "no column '%s' in %s (or it "
                           "is always empty)%s%s%s", need[k], inputs[0],
                           hint ? "; did you mean '" : "",
                           hint ? hint : "", hint ? "'?" : "");
      }
  }
  for(k = 0; k < d->ncols; k++)
    type_column(d, &d->cols[k]);

  if(d->o.deals) {
    if(!deal_label) {
      deal_label = deal_label_guess(d->o.deals, d->o.format, err);
      if(!deal_label)
        return icp_err_set(err, ICP_EINVAL, "%s: which column says won or "
                           "lost? give --label COLUMN", d->o.deals);
      icp_disc_note(d, "deals: the outcome is column '%s' (--label to "
                    "choose another)", deal_label);
    }
    s = read_deals(d, deal_label, &rowcap, err);
    if(s)
      return s;
  }
  else
    for(i = 0; i < d->nacct; i++) {
      int y = d->o.outcome == ICP_DISC_LTV ? -1 : d->acct_label[i];
      double v = d->o.outcome == ICP_DISC_LTV ? d->acct_value[i] : NAN;
      if(d->o.outcome != ICP_DISC_LTV && y < 0)
        continue;
      if(d->o.outcome == ICP_DISC_LTV && isnan(v))
        continue;
      if(add_row(d, &rowcap, (uint32_t)i, y, v))
        return icp_err_set(err, ICP_ENOMEM, "out of memory");
    }
  if(!d->nrows && d->o.deals)
    return icp_err_set(err, ICP_EINVAL, "no deal has a usable outcome: "
                       "column '%s' of %s holds %s (expected won/lost, "
                       "yes/no, true/false or 1/0)", deal_label, d->o.deals,
                       *d->open_examples ? d->open_examples : "nothing");
  if(!d->nrows)
    return icp_err_set(err, ICP_EINVAL, "no row has a usable outcome: "
                       "column '%s' holds %s (expected %s)",
                       d->o.outcome == ICP_DISC_LTV ? d->o.value :
                       d->o.label, *d->label_examples ? d->label_examples :
                       "nothing", d->o.outcome == ICP_DISC_LTV ? "numbers" :
                       "won/lost, yes/no, true/false or 1/0");
  if(d->o.outcome == ICP_DISC_LTV) {
    s = cut_ltv(d, err);
    if(s)
      return s;
  }
  split_holdout(d);
  if(!d->n_best || !d->n_worst)
    return icp_err_set(err, ICP_EINVAL, "the %s group is empty: nothing to "
                       "compare (%ld best, %ld worst rows)",
                       d->n_best ? "worst" : "best", d->n_best, d->n_worst);
  return ICP_OK;
}
