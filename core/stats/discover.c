/* discover.c -- the life cycle of a discovery run (see discover.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "data/value.h"
#include "stats/discover.h"

void icp_disc_opts_init(struct icp_disc_opts *o)
{
  memset(o, 0, sizeof(*o));
  o->bins = 5;
  o->min_support = 10;
  o->q = 0.05;
  o->as_of = icp_today();
  o->holdout = 0;
  o->seed = 1;
  o->max_rules = 40;
}

struct icp_disc *icp_disc_new(const struct icp_disc_opts *o)
{
  struct icp_disc *d = calloc(1, sizeof(*d));
  if(!d)
    return NULL;
  d->o = *o;
  d->schema = icp_schema_new();
  if(!d->schema) {
    free(d);
    return NULL;
  }
  /* --label/--value/--key name columns as the input writes them */
  icp_schema_set_raw_headers(d->schema, 1);
  icp_schema_set_columns(d->schema, o->columns);
  return d;
}

static void col_free(struct icp_disc_col *c)
{
  free(c->name);
  free(c->code);
  free(c->num);
  free(c->loff);
  free(c->items);
  free(c->lv);
  free(c->ht);
  free(c->text);
  free(c->lvbool);
}

void icp_disc_free(struct icp_disc *d)
{
  int i;
  if(!d)
    return;
  for(i = 0; i < d->ncols; i++)
    col_free(&d->cols[i]);
  free(d->cols);
  free(d->acct_line);
  free(d->acct_file);
  free(d->acct_value);
  free(d->acct_label);
  free(d->keytext);
  free(d->keyoff);
  free(d->row_acct);
  free(d->row_y);
  free(d->row_value);
  free(d->row_train);
  free(d->tests);
  free(d->mwu);
  free(d->model.feat_test);
  free(d->model.coef);
  free(d->model.points);
  free(d->notes);
  icp_schema_free(d->schema);
  free(d);
}

void icp_disc_note(struct icp_disc *d, const char *fmt, ...)
{
  char m[512];
  va_list ap;
  size_t n;
  int k;
  va_start(ap, fmt);
  k = vsnprintf(m, sizeof(m), fmt, ap);
  va_end(ap);
  if(k < 0)
    return;
  n = strlen(m);
  if(icp_grow(d->notes, d->capnotes, d->nnotes + n + 1)) {
    /* never lost: said now, where the user sees it */
    fprintf(stderr, "icp discover: note (out of memory to keep it for the "
            "report): %s\n", m);
    return;
  }
  memcpy(d->notes + d->nnotes, m, n + 1);
  d->nnotes += n + 1;
}
