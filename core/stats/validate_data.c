/*
 * validate_data.c -- the account table and the deals joined to it.
 *
 * Accounts are kept by normalized key in an open-addressing hash table;
 * deals are read with the streaming reader (CSV or JSONL) and stored
 * compactly (40 bytes each) with the index of their account.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/account.h"
#include "data/schema.h"
#include "data/typing.h"
#include "data/value.h"
#include "io/reader.h"
#include "stats/validate.h"

#define KEY_MAX 512
#define WARN_MAX 20

/* ==================================================================== */
/* The table                                                             */
/* ==================================================================== */

struct icp_val_data *icp_val_data_new(int npacks)
{
  struct icp_val_data *d;
  if(npacks < 1 || npacks > ICP_VAL_PACKS)
    return NULL;
  d = calloc(1, sizeof(*d));
  if(!d)
    return NULL;
  d->npacks = npacks;
  icp_buf_init(&d->keys, (size_t)1 << 32);
  return d;
}

void icp_val_data_free(struct icp_val_data *d)
{
  int k, t;
  if(!d)
    return;
  for(k = 0; k < ICP_VAL_PACKS; k++)
    for(t = 0; t < ICP_VAL_TIERS_MAX; t++)
      free(d->tier_names[k][t]);
  free(d->acct);
  free(d->slots);
  free(d->key_off);
  free(d->deal);
  icp_buf_free(&d->keys);
  free(d);
}

enum icp_status icp_val_set_tier_name(struct icp_val_data *d, int k, int t,
                                      const char *name)
{
  char *copy;
  size_t n;
  if(k < 0 || k >= ICP_VAL_PACKS || t < 0 || t >= ICP_VAL_TIERS_MAX)
    return ICP_EINVAL;
  n = strlen(name);
  copy = malloc(n + 1);
  if(!copy)
    return ICP_ENOMEM;
  memcpy(copy, name, n + 1);
  free(d->tier_names[k][t]);
  d->tier_names[k][t] = copy;
  if(d->ntiers[k] < t + 1)
    d->ntiers[k] = t + 1;
  return ICP_OK;
}

static int is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int has_prefix(const char *s, size_t n, const char *pre)
{
  size_t m = strlen(pre);
  return n >= m && icp_str_ieq(s, m, pre, m);
}

size_t icp_val_key_normalize(const char *s, size_t n, char *out,
                             size_t cap)
{
  size_t i, o = 0;
  while(n && is_space(*s)) {
    s++;
    n--;
  }
  while(n && is_space(s[n - 1]))
    n--;
  if(has_prefix(s, n, "https://")) {
    s += 8;
    n -= 8;
  }
  else if(has_prefix(s, n, "http://")) {
    s += 7;
    n -= 7;
  }
  if(has_prefix(s, n, "www.") && n > 4) {
    s += 4;
    n -= 4;
  }
  if(!cap)
    return 0;
  for(i = 0; i < n && o + 1 < cap; i++) {
    char c = s[i];
    out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  out[o] = 0;
  return o;
}

static uint64_t hash(const char *s, size_t n)
{
  uint64_t h = 1469598103934665603ULL;
  size_t i;
  for(i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ULL;
  }
  return h ^ (h >> 29);
}

const char *icp_val_acct_key(const struct icp_val_data *d, size_t i)
{
  return i < d->nacct ? d->keys.p + d->key_off[i] : NULL;
}

/* Slot of key (normalized, length n): its account's slot or a free one. */
static size_t probe(const struct icp_val_data *d, const char *key, size_t n)
{
  size_t mask = d->nslots - 1, i = (size_t)hash(key, n) & mask;
  for(;;) {
    uint32_t v = d->slots[i];
    if(!v)
      return i;
    {
      const char *k = d->keys.p + d->key_off[v - 1];
      if(!strncmp(k, key, n) && !k[n])
        return i;
    }
    i = (i + 1) & mask;
  }
}

static enum icp_status grow_slots(struct icp_val_data *d)
{
  size_t n = d->nslots ? d->nslots * 2 : 1024, i;
  uint32_t *old = d->slots;
  size_t oldn = d->nslots;
  d->slots = calloc(n, sizeof(*d->slots));
  if(!d->slots) {
    d->slots = old;
    return ICP_ENOMEM;
  }
  d->nslots = n;
  for(i = 0; i < oldn; i++)
    if(old[i]) {
      const char *k = d->keys.p + d->key_off[old[i] - 1];
      d->slots[probe(d, k, strlen(k))] = old[i];
    }
  free(old);
  return ICP_OK;
}

long icp_val_acct_find(const struct icp_val_data *d, const char *key,
                       size_t n)
{
  char norm[KEY_MAX];
  size_t m = icp_val_key_normalize(key, n, norm, sizeof(norm));
  uint32_t v;
  if(!m || !d->nslots)
    return -1;
  v = d->slots[probe(d, norm, m)];
  return v ? (long)v - 1 : -1;
}

long icp_val_acct_intern(struct icp_val_data *d, const char *key, size_t n,
                         int *added)
{
  char norm[KEY_MAX];
  size_t m = icp_val_key_normalize(key, n, norm, sizeof(norm)), slot;
  struct icp_val_acct *a;
  int k;
  *added = 0;
  if(!m)
    return -1;
  if((d->nacct + 1) * 2 > d->nslots && grow_slots(d))
    return -1;
  slot = probe(d, norm, m);
  if(d->slots[slot])
    return (long)d->slots[slot] - 1;
  if(d->nacct == d->capacct) {
    /* acct and key_off share capacct (a failure leaves it as it was) */
    size_t ca = d->capacct, ck = d->capacct;
    if(icp_grow(d->acct, ca, d->nacct + 1) ||
       icp_grow(d->key_off, ck, d->nacct + 1))
      return -1;
    d->capacct = ca;
  }
  if(d->nacct >= UINT32_MAX - 1)
    return -1;
  d->key_off[d->nacct] = d->keys.len;
  if(icp_buf_add(&d->keys, norm, m + 1))
    return -1;
  a = &d->acct[d->nacct];
  memset(a, 0, sizeof(*a));
  for(k = 0; k < ICP_VAL_PACKS; k++)
    a->tier[k] = -3;
  a->arm = -1;
  d->slots[slot] = (uint32_t)(d->nacct + 1);
  *added = 1;
  return (long)d->nacct++;
}

enum icp_status icp_val_deal_add(struct icp_val_data *d,
                                 const struct icp_val_deal *deal)
{
  if(icp_grow(d->deal, d->capdeal, d->ndeal + 1))
    return ICP_ENOMEM;
  d->deal[d->ndeal++] = *deal;
  return ICP_OK;
}

/* ==================================================================== */
/* Columns and cells                                                     */
/* ==================================================================== */

static const char *const cand_key[] = {
  "account", "account_id", "account_name", "domain", "company_domain",
  "website", "company", "company_id", "company_name", "customer",
  "customer_id", "accountid", NULL };
static const char *const cand_created[] = {
  "created", "created_at", "created_date", "create_date", "createddate",
  "engage_date", "engaged_date", "opened", "opened_at", "open_date",
  "start_date", "date_created", NULL };
static const char *const cand_closed[] = {
  "closed", "closed_at", "close_date", "closed_date", "closedate",
  "close_at", "date_closed", "won_date", "end_date", NULL };
static const char *const cand_stage[] = {
  "stage", "deal_stage", "dealstage", "stagename", "stage_name", "status",
  "outcome", "result", "won", "is_won", "iswon", NULL };
static const char *const cand_amount[] = {
  "amount", "close_value", "value", "deal_value", "deal_size",
  "deal_amount", "acv", "arr", "revenue", "price", NULL };
static const char *const cand_support[] = {
  "support", "support_tickets", "tickets", "ticket_count",
  "support_cases", "cases", "support_hours", NULL };
static const char *const cand_churn[] = {
  "churn", "churned", "is_churned", "renewal", "renewed", "renews",
  NULL };

const char *const *icp_val_column_candidates(const char *what)
{
  static const struct {
    const char *what;
    const char *const *c;
  } t[] = { { "key", cand_key }, { "created", cand_created },
            { "closed", cand_closed }, { "stage", cand_stage },
            { "amount", cand_amount }, { "support", cand_support },
            { "churn", cand_churn } };
  size_t i;
  for(i = 0; i < sizeof(t) / sizeof(t[0]); i++)
    if(!strcmp(what, t[i].what))
      return t[i].c;
  return NULL;
}

/* Lowercase letters and digits of s only ("Closed Won" -> "closedwon"). */
static size_t squash(const char *s, size_t n, char *out, size_t cap)
{
  size_t i, o = 0;
  for(i = 0; i < n && o + 1 < cap; i++) {
    char c = s[i];
    if(c >= 'A' && c <= 'Z')
      out[o++] = (char)(c + 32);
    else if((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      out[o++] = c;
  }
  out[o] = 0;
  return o;
}

int icp_val_stage_parse(const char *s, size_t n)
{
  static const char *const won[] = { "won", "closedwon", "win", "yes",
                                     "true", "1", "wonclosed", NULL };
  static const char *const lost[] = { "lost", "closedlost", "loss", "no",
                                      "false", "0", "lostclosed",
                                      "closedlose", NULL };
  char q[32];
  int i;
  squash(s, n, q, sizeof(q));
  for(i = 0; won[i]; i++)
    if(!strcmp(q, won[i]))
      return ICP_VAL_WON;
  for(i = 0; lost[i]; i++)
    if(!strcmp(q, lost[i]))
      return ICP_VAL_LOST;
  return ICP_VAL_OPEN;
}

enum { C_KEY, C_CREATED, C_CLOSED, C_STAGE, C_AMOUNT, C_SUPPORT, C_CHURN,
       C_N };
static const char *const col_what[C_N] = { "key", "created", "closed",
                                           "stage", "amount", "support",
                                           "churn" };

struct cols {
  int id[C_N];
  const char *want[C_N];   /* names asked for, or NULL */
  int churn_inverted;      /* a renewal column: true means kept */
};

int icp_val_find_column(struct icp_schema *s, const struct icp_account *a,
                        const char *want, const char *const *cand)
{
  int i, n = icp_schema_count(s), j;
  char q[64], f[64];
  if(want)
    return icp_schema_find(s, want, strlen(want));
  for(j = 0; cand[j]; j++) {
    squash(cand[j], strlen(cand[j]), q, sizeof(q));
    for(i = 0; i < n; i++) {
      const char *name = icp_schema_name(s, i);
      squash(name, icp_schema_name_len(s, i), f, sizeof(f));
      if(strcmp(q, f))
        continue;
      if(icp_schema_origin(s, i) == ICP_ORIGIN_CANONICAL &&
         (!a || icp_account_get(a, i)->type == ICP_T_MISSING))
        continue;
      return i;
    }
  }
  return -1;
}

static void resolve(struct cols *c, struct icp_schema *s,
                    const struct icp_account *a)
{
  int k;
  for(k = 0; k < C_N; k++)
    if(c->id[k] < 0)
      c->id[k] = icp_val_find_column(s, a, c->want[k],
                          icp_val_column_candidates(col_what[k]));
}

static void copy_name(char *dst, size_t cap, struct icp_schema *s, int id)
{
  const char *n = id >= 0 ? icp_schema_name(s, id) : "";
  size_t len = strlen(n);
  if(len >= cap)
    len = cap - 1;
  memcpy(dst, n, len);
  dst[len] = 0;
}

/* The cell as a day or a number, by the one typing policy (typing.h);
 * a cell that is neither missing nor fits is counted in bad. */
static int32_t get_day(const struct icp_value *v, long *bad)
{
  int32_t day;
  if(v->type == ICP_T_MISSING)
    return ICP_VAL_NODAY;
  if(icp_value_day(v, &day))
    return day;
  (*bad)++;
  return ICP_VAL_NODAY;
}

static double get_num(const struct icp_value *v, long *bad)
{
  double x;
  if(v->type == ICP_T_MISSING)
    return NAN;
  if(icp_value_number(v, &x))
    return x;
  (*bad)++;
  return NAN;
}

static int get_stage(const struct icp_value *v)
{
  if(v->type == ICP_T_STRING)
    return icp_val_stage_parse(v->u.str, v->n);
  if(v->type == ICP_T_BOOL)
    return v->u.b ? ICP_VAL_WON : ICP_VAL_LOST;
  if(v->type == ICP_T_NUMBER)
    return v->u.num == 1 ? ICP_VAL_WON : v->u.num == 0 ? ICP_VAL_LOST :
           ICP_VAL_OPEN;
  return ICP_VAL_OPEN;
}

static int get_churn(const struct icp_value *v, int inverted)
{
  static const char *const yes[] = { "churned", "churn", "yes", "true",
                                     "1", "lost", "cancelled", "canceled",
                                     "y", NULL };
  static const char *const no[] = { "renewed", "renewal", "retained",
                                    "active", "no", "false", "0", "kept",
                                    "n", NULL };
  char q[32];
  int r = -1, i;
  if(v->type == ICP_T_BOOL)
    r = v->u.b ? 1 : 0;
  else if(v->type == ICP_T_NUMBER)
    r = v->u.num != 0;
  else if(v->type == ICP_T_STRING) {
    squash(v->u.str, v->n, q, sizeof(q));
    for(i = 0; yes[i]; i++)
      if(!strcmp(q, yes[i]))
        r = 1;
    for(i = 0; no[i]; i++)
      if(!strcmp(q, no[i]))
        r = 0;
    /* words that already say which way, whatever the column's name */
    if(!strcmp(q, "churned") || !strcmp(q, "cancelled") ||
       !strcmp(q, "canceled"))
      return 1;
    if(!strcmp(q, "renewed") || !strcmp(q, "retained"))
      return 0;
  }
  if(r >= 0 && inverted)
    r = !r;
  return r;
}

/* The key as text: strings as they are, numbers formatted. */
static size_t key_text(const struct icp_value *v, char *buf, size_t cap,
                       const char **out)
{
  if(v->type == ICP_T_STRING) {
    *out = v->u.str;
    return v->n;
  }
  if(v->type == ICP_T_NUMBER) {
    int n = icp_fmt_num(buf, cap, v->u.num);
    *out = buf;
    return n > 0 ? (size_t)n : 0;
  }
  *out = "";
  return 0;
}

static enum icp_status add_deal(struct icp_val_data *d, const struct cols *c,
                                const struct icp_account *a)
{
  struct icp_val_deal deal;
  const struct icp_value *v;
  const char *key;
  char num[40];
  size_t n;
  v = icp_account_get(a, c->id[C_KEY]);
  n = key_text(v, num, sizeof(num), &key);
  deal.acct = -1;
  if(!n)
    d->blank_account++;
  else {
    long i = icp_val_acct_find(d, key, n);
    if(i < 0)
      d->unknown_account++;
    deal.acct = (int32_t)i;
  }
  deal.created = c->id[C_CREATED] < 0 ? ICP_VAL_NODAY :
                 get_day(icp_account_get(a, c->id[C_CREATED]), &d->bad_cells);
  deal.closed = get_day(icp_account_get(a, c->id[C_CLOSED]), &d->bad_cells);
  deal.stage = (uint8_t)get_stage(icp_account_get(a, c->id[C_STAGE]));
  deal.amount = c->id[C_AMOUNT] < 0 ? NAN :
                get_num(icp_account_get(a, c->id[C_AMOUNT]), &d->bad_cells);
  deal.support = c->id[C_SUPPORT] < 0 ? NAN :
                 get_num(icp_account_get(a, c->id[C_SUPPORT]),
                         &d->bad_cells);
  deal.churn = (int8_t)(c->id[C_CHURN] < 0 ? -1 :
                        get_churn(icp_account_get(a, c->id[C_CHURN]),
                                  c->churn_inverted));
  if(!isnan(deal.support))
    d->has_support = 1;
  if(deal.churn >= 0)
    d->has_churn = 1;
  return icp_val_deal_add(d, &deal);
}

struct warn_ctx {
  void (*fn)(void *ud, const char *msg);
  void *ud;
  long shown;
};

static void warn_cb(void *ud, const char *msg)
{
  struct warn_ctx *w = ud;
  if(w->fn && w->shown++ < WARN_MAX)
    w->fn(w->ud, msg);
}

static enum icp_status check_required(struct icp_val_data *d,
                                      struct cols *c, const char *path,
                                      struct icp_schema *s,
                                      struct icp_err *err)
{
  static const int req[] = { C_KEY, C_CLOSED, C_STAGE };
  size_t i;
  for(i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
    int k = req[i];
    if(c->id[k] >= 0)
      continue;
    if(c->want[k])
      return icp_err_set(err, ICP_EINVAL, "%s: no column '%s' (--%s)",
                         path, c->want[k], col_what[k]);
    return icp_err_set(err, ICP_EINVAL, "%s: no %s column (looked for %s, "
                       "%s, %s, ...; name it with --%s)", path,
                       col_what[k], icp_val_column_candidates(col_what[k])[0],
                       icp_val_column_candidates(col_what[k])[1],
                       icp_val_column_candidates(col_what[k])[2],
                       col_what[k]);
  }
  copy_name(d->col_key, sizeof(d->col_key), s, c->id[C_KEY]);
  copy_name(d->col_created, sizeof(d->col_created), s, c->id[C_CREATED]);
  copy_name(d->col_closed, sizeof(d->col_closed), s, c->id[C_CLOSED]);
  copy_name(d->col_stage, sizeof(d->col_stage), s, c->id[C_STAGE]);
  copy_name(d->col_amount, sizeof(d->col_amount), s, c->id[C_AMOUNT]);
  copy_name(d->col_support, sizeof(d->col_support), s, c->id[C_SUPPORT]);
  copy_name(d->col_churn, sizeof(d->col_churn), s, c->id[C_CHURN]);
  {
    char q[64];
    squash(d->col_churn, strlen(d->col_churn), q, sizeof(q));
    c->churn_inverted = strstr(q, "renew") != NULL;
  }
  return ICP_OK;
}

enum icp_status icp_val_read_deals(struct icp_val_data *d, const char *path,
                                   const char *format,
                                   const struct icp_val_columns *cols,
                                   void (*warn)(void *ud, const char *msg),
                                   void *ud, struct icp_err *err)
{
  struct icp_schema *s = icp_schema_new();
  struct icp_account *a = NULL;
  struct icp_reader *r = NULL;
  struct warn_ctx w;
  struct cols c;
  enum icp_status st;
  long nrec = 0;
  int k;

  memset(&c, 0, sizeof(c));
  for(k = 0; k < C_N; k++)
    c.id[k] = -1;
  if(cols) {
    c.want[C_KEY] = cols->key;
    c.want[C_CREATED] = cols->created;
    c.want[C_CLOSED] = cols->closed;
    c.want[C_STAGE] = cols->stage;
    c.want[C_AMOUNT] = cols->amount;
    c.want[C_SUPPORT] = cols->support;
    c.want[C_CHURN] = cols->churn;
  }
  w.fn = warn;
  w.ud = ud;
  w.shown = 0;
  if(!s) {
    st = icp_err_set(err, ICP_ENOMEM, "out of memory");
    goto done;
  }
  icp_schema_set_raw_headers(s, 1); /* a deals table: headers as written */
  st = icp_reader_open(&r, path, format, s, err);
  if(st)
    goto done;
  icp_reader_set_warn(r, warn_cb, &w);
  a = icp_account_new(s);
  if(!a) {
    st = icp_err_set(err, ICP_ENOMEM, "out of memory");
    goto done;
  }
  resolve(&c, s, NULL);
  for(;;) {
    struct icp_err rerr;
    st = icp_reader_next(r, a, &rerr);
    if(st == ICP_EOF) {
      st = ICP_OK;
      break;
    }
    if(st == ICP_ESKIP) {
      d->bad_rows++;
      warn_cb(&w, rerr.msg);
      continue;
    }
    if(st) {
      icp_err_set(err, st, "%s", rerr.msg);
      goto done;
    }
    if(!nrec++) {
      resolve(&c, s, a);
      st = check_required(d, &c, path, s, err);
      if(st)
        goto done;
    }
    st = add_deal(d, &c, a);
    if(st) {
      icp_err_set(err, st, "%s: out of memory", path);
      goto done;
    }
  }
  if(!nrec) {
    resolve(&c, s, NULL);
    st = check_required(d, &c, path, s, err);
  }
done:
  icp_reader_close(r);
  icp_account_free(a);
  icp_schema_free(s);
  return st;
}
