/* fields_check.c -- fields a pack reads that nothing provides. */
#include <stdio.h>
#include <stdlib.h>

#include "base/suggest.h"
#include "data/schema.h"
#include "rules/fields_check.h"

struct ctx {
  const struct icp_pack *p;
  int (*is_column)(void *ud, int id);
  void *col_ud;
  void (*fn)(void *ud, const char *msg);
  void *ud;
  unsigned char *told;       /* per field id */
  const char **names;        /* did-you-mean candidates */
  size_t nnames;
  int count;
};

static void one(struct ctx *c, int id, const char *what, const char *name,
                int line)
{
  const struct icp_schema *s = c->p->schema;
  char msg[ICP_ERR_MAX + 256];
  const char *hint;
  int o = icp_schema_origin(s, id);
  if(id < 0 || id >= icp_schema_count(s) || c->told[id] ||
     o == ICP_ORIGIN_CANONICAL || o == ICP_ORIGIN_DECLARED)
    return;
  if(c->is_column && c->is_column(c->col_ud, id))
    return;
  c->told[id] = 1;
  hint = icp_suggest(icp_schema_name(s, id), c->names, c->nnames);
  snprintf(msg, sizeof(msg), "%s:%d: %s '%s' reads field '%s', which is "
           "neither canonical nor declared in fields { }%s%s%s%s",
           c->p->path ? c->p->path : "pack", line, what, name,
           icp_schema_name(s, id), c->is_column ? " nor a column of the "
           "input" : "", hint ? " (did you mean '" : "", hint ? hint : "",
           hint ? "'?)" : "");
  c->fn(c->ud, msg);
  c->count++;
}

int icp_pack_check_fields(const struct icp_pack *p,
                          int (*is_column)(void *ud, int id), void *col_ud,
                          void (*fn)(void *ud, const char *msg), void *ud)
{
  const struct icp_schema *s = p->schema;
  struct ctx c;
  int i, k, n = icp_schema_count(s);
  c.p = p;
  c.is_column = is_column;
  c.col_ud = col_ud;
  c.fn = fn;
  c.ud = ud;
  c.count = 0;
  c.nnames = 0;
  c.told = calloc((size_t)n + 1, 1);
  c.names = malloc(((size_t)n + 1) * sizeof(*c.names));
  if(!c.told || !c.names) { /* a check not made is said, never a pass */
    free(c.told);
    free(c.names);
    fn(ud, "the fields the pack reads were not checked: out of memory");
    return -1;
  }
  for(i = 0; i < n; i++) {
    int o = icp_schema_origin(s, i);
    if(o == ICP_ORIGIN_CANONICAL || o == ICP_ORIGIN_DECLARED ||
       (is_column && is_column(col_ud, i)))
      c.names[c.nnames++] = icp_schema_name(s, i);
  }
  for(i = 0; i < p->nrules; i++) {
    const struct icp_rule *r = &p->rules[i];
    for(k = 0; k < r->nreads; k++)
      one(&c, r->reads[k], "rule", r->name, r->line);
    if(r->kind == ICP_RULE_BANDS)
      one(&c, r->field, "rule", r->name, r->line);
    if(r->decay_field >= 0)
      one(&c, r->decay_field, "rule", r->name, r->line);
  }
  for(i = 0; i < p->nexcl; i++)
    for(k = 0; k < p->excl[i].nreads; k++)
      one(&c, p->excl[i].reads[k], "exclude", p->excl[i].name,
          p->excl[i].line);
  free(c.told);
  free(c.names);
  return c.count;
}
