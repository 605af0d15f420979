/*
 * discover_deals.c -- a deals table joined to the accounts of a discovery
 * on a key: each closed deal counts for its account (or is a row of its
 * own with --per-deal).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/account.h"
#include "data/value.h"
#include "io/reader.h"
#include "stats/discover.h"
#include "stats/discover_impl.h"

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
    h = (size_t)icp_disc_hash(k, len) & (m->cap - 1);
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
  size_t h = (size_t)icp_disc_hash(s, n) & (m->cap - 1);
  while(m->slot[h]) {
    const char *k = d->keytext + d->keyoff[m->slot[h] - 1];
    if(strlen(k) == n && !memcmp(k, s, n))
      return (long)m->slot[h] - 1;
    h = (h + 1) & (m->cap - 1);
  }
  return -1;
}

/* Of names[0..n), the one equal to name but for ASCII case ("churn" ->
 * "Churn"), or NULL. */
const char *icp_disc_case_hint(const char *name, const char *const *names,
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
enum icp_status icp_disc_read_deals(struct icp_disc *d, const char *label,
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
    hint = icp_disc_case_hint(miss, names, n);
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
      icp_disc_bad(d, err->msg);
      continue;
    }
    if(s)
      goto out;
    d->deals_read++;
    kv = icp_account_get(a, key_id);
    lv = icp_account_get(a, label_id);
    kn = icp_disc_value_text(kv, b1, sizeof(b1), &ks);
    ln = icp_disc_value_text(lv, b2, sizeof(b2), &ls);
    w = icp_disc_outcome_word(ls, ln);
    if(w < 0) {
      d->deals_open++;
      icp_disc_example(d->open_examples, sizeof(d->open_examples), ls, ln);
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
      vn = icp_disc_value_text(vv, b3, sizeof(b3), &vs);
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
    if(d->o.per_deal && icp_disc_add_row(d, rowcap, (uint32_t)acct, w, x)) {
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
        if(icp_disc_add_row(d, rowcap, (uint32_t)i, -1, sum[i]))
          s = icp_err_set(err, ICP_ENOMEM, "out of memory");
      }
      else if(icp_disc_add_row(d, rowcap, (uint32_t)i, won[i], NAN))
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

const char *icp_disc_deal_label(const char *path, const char *format,
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
