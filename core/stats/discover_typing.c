/*
 * discover_typing.c -- the kind of each column of a discovery, by the one
 * typing policy of core/data/typing.c: canonical fields keep their type,
 * other columns take the type most of their cells infer.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/typing.h"
#include "data/value.h"
#include "stats/discover.h"
#include "stats/discover_impl.h"

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

/* The type a level's text infers (typing.h). */
static enum icp_type level_type(const struct icp_disc_col *c, uint32_t code)
{
  size_t len;
  const char *t = icp_disc_level_text(c, code, &len);
  struct icp_value v;
  return icp_type_infer(t, len, &v);
}

void icp_disc_type_column(struct icp_disc *d, struct icp_disc_col *c)
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
  else {
    struct icp_type_counts k;
    k.cells = c->n_cells;
    k.num = c->n_num;
    k.bool_ = c->n_bool;
    k.date = c->n_date;
    k.list = c->n_list;
    switch(icp_type_column(&k)) {
    case ICP_T_LIST: c->kind = ICP_DK_LIST; break;
    case ICP_T_NUMBER: c->kind = ICP_DK_NUM; break;
    case ICP_T_BOOL: c->kind = ICP_DK_BOOL; break;
    case ICP_T_DATE: c->kind = ICP_DK_DATE; break;
    default: c->kind = ICP_DK_CAT; break;
    }
  }

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
          if(level_type(c, c->code[i]) != ICP_T_NUMBER)
            c->num[i] = NAN;
        }
    break;
  case ICP_DK_DATE:
    c->n_misfit = c->n_cells - c->n_date;
    for(i = 0; i < d->nacct; i++)
      if(!isnan(c->num[i])) {
        if(!c->canonical && c->code && c->code[i] != ICP_DISC_NONE) {
          if(level_type(c, c->code[i]) != ICP_T_DATE) {
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
      /* a level that is no bool counts as a misfit: the draft declares
       * bool */
      size_t len;
      const char *t = icp_disc_level_text(c, l, &len);
      struct icp_value v;
      c->lvbool[l] = (int8_t)(icp_type_infer(t, len, &v) == ICP_T_BOOL ?
                              v.u.b : -1);
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
  /* the codes of a number or date column stay for a draft: its scoring
   * pass writes each cell back as it was read (discover_cases.c) */
  if(d->o.no_draft && (c->kind == ICP_DK_NUM || c->kind == ICP_DK_DATE)) {
    free(c->code);
    c->code = NULL;
  }
}
