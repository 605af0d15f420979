/*
 * discover_data.c -- the data of a discovery: read the accounts into the
 * column store (discover_cols.c), the key and the outcome of each, type
 * the columns (discover_typing.c), join a deals table (discover_deals.c)
 * and split the rows into best, worst and neither (discover_rows.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "data/account.h"
#include "data/value.h"
#include "io/reader.h"
#include "score/run.h"
#include "stats/discover.h"
#include "stats/discover_impl.h"


/* ==================================================================== */
/* Cell text and outcome words                                          */
/* ==================================================================== */

/* 1 won, 0 lost, -1 anything else. */
int icp_disc_outcome_word(const char *s, size_t n)
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
void icp_disc_example(char *dst, size_t cap, const char *s, size_t n)
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

void icp_disc_bad(struct icp_disc *d, const char *msg)
{
  FILE *fp = d->o.diag ? d->o.diag : stderr;
  if(d->shown_bad < ICP_RUN_MAX_MESSAGES)
    fprintf(fp, "%s\n", msg);
  else if(d->shown_bad == ICP_RUN_MAX_MESSAGES)
    fprintf(fp, "... more bad records not shown (they are counted)\n");
  d->shown_bad++;
}

/* ==================================================================== */
/* Reading accounts                                                     */
/* ==================================================================== */

struct rd {
  struct icp_disc *d;
  int key_id, label_id, value_id;
  long key_cells, label_cells, value_cells;
  int *colmap;       /* schema id -> column index, -1 */
};

/* A cell that did not fit its type: the first few on the diagnostic
 * stream, as `icp score` shows them; the rest are counted. */
static void cell_warning(void *ud, const char *msg)
{
  struct icp_disc *d = ud;
  if(d->cell_warnings++ < ICP_RUN_MAX_CELL_MESSAGES)
    fprintf(d->o.diag ? d->o.diag : stderr, "%s\n", msg);
}

static int new_col(struct icp_disc *d, struct rd *rd, int id)
{
  struct icp_disc_col *c;
  if(icp_grow(d->cols, d->capcols, (size_t)d->ncols + 1))
    return -1;
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

static int keep_key(struct icp_disc *d, const char *s, size_t n)
{
  size_t i = d->nacct - 1;
  if(!n)
    return 0;
  if(icp_grow(d->keytext, d->capkeytext, d->nkeytext + n + 1))
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
      n = icp_disc_value_text(v, buf, sizeof(buf), &s);
      if((d->o.deals || !d->o.no_draft) && keep_key(d, s, n))
        return -1;
      continue;
    }
    if(id == rd->label_id) {
      int w;
      rd->label_cells++;
      n = icp_disc_value_text(v, buf, sizeof(buf), &s);
      w = icp_disc_outcome_word(s, n);
      if(w < 0) {
        d->label_bad++;
        icp_disc_example(d->label_examples, sizeof(d->label_examples), s, n);
      }
      else
        d->acct_label[i] = (int8_t)(d->o.outcome == ICP_DISC_CHURN ? !w : w);
      continue;
    }
    if(id == rd->value_id) {
      double x;
      rd->value_cells++;
      n = icp_disc_value_text(v, buf, sizeof(buf), &s);
      if(v->type == ICP_T_NUMBER)
        d->acct_value[i] = v->u.num;
      else if(n && icp_parse_number(s, n, &x))
        d->acct_value[i] = x;
      else {
        d->value_bad++;
        icp_disc_example(d->label_examples, sizeof(d->label_examples), s, n);
      }
      continue;
    }
    if(id >= ICP_SCHEMA_MAX)
      continue;
    if(rd->colmap[id] < 0 && new_col(d, rd, id))
      return -1;
    if(icp_disc_col_set(d, &d->cols[rd->colmap[id]], v))
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
    icp_reader_set_warn(r, cell_warning, d);
    for(;;) {
      s = icp_reader_next(r, a, err);
      if(s == ICP_EOF) {
        s = ICP_OK;
        break;
      }
      if(s == ICP_ESKIP) {
        d->skipped++;
        icp_disc_bad(d, err->msg);
        if(d->skipped <= 5)
          icp_disc_note(d, "%s (skipped)", err->msg);
        s = ICP_OK;
        continue;
      }
      if(s)
        break;
      d->read++;
      if(icp_disc_add_account(d)) {
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
  if(d->cell_warnings > ICP_RUN_MAX_CELL_MESSAGES)
    fprintf(d->o.diag ? d->o.diag : stderr, "... %ld more cells that did "
            "not fit their type not shown\n",
            d->cell_warnings - ICP_RUN_MAX_CELL_MESSAGES);
  return s;
}

/* ==================================================================== */
/* Entry point                                                          */
/* ==================================================================== */

/* The column read that a name given probably meant, or NULL. */
static const char *column_hint(const struct icp_disc *d, const char *name)
{
  const char *names[512];
  int k, n = 0;
  for(k = 0; k < d->ncols && n < 512; k++)
    names[n++] = d->cols[k].name;
  return icp_disc_case_hint(name, names, n);
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
    icp_disc_type_column(d, &d->cols[k]);

  if(d->o.deals) {
    if(!deal_label) {
      deal_label = icp_disc_deal_label(d->o.deals, d->o.format, err);
      if(!deal_label)
        return icp_err_set(err, ICP_EINVAL, "%s: which column says won or "
                           "lost? give --label COLUMN", d->o.deals);
      icp_disc_note(d, "deals: the outcome is column '%s' (--label to "
                    "choose another)", deal_label);
    }
    s = icp_disc_read_deals(d, deal_label, &rowcap, err);
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
      if(icp_disc_add_row(d, &rowcap, (uint32_t)i, y, v))
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
    s = icp_disc_cut_ltv(d, err);
    if(s)
      return s;
  }
  icp_disc_split_holdout(d);
  if(!d->n_best || !d->n_worst)
    return icp_err_set(err, ICP_EINVAL, "the %s group is empty: nothing to "
                       "compare (%ld best, %ld worst rows)",
                       d->n_best ? "worst" : "best", d->n_best, d->n_worst);
  return ICP_OK;
}
