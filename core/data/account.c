/* account.c -- one record: typed values by field id, with their sources. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/bytes.h"
#include "data/account.h"

static const struct icp_value missing = { ICP_T_MISSING, 0, { 0 } };

struct icp_account *icp_account_new(struct icp_schema *schema)
{
  struct icp_account *a = calloc(1, sizeof(*a));
  if(!a)
    return NULL;
  a->schema = schema;
  icp_arena_init(&a->arena, ICP_ACCOUNT_MEM_MAX);
  return a;
}

void icp_account_free(struct icp_account *a)
{
  if(!a)
    return;
  icp_arena_free(&a->arena);
  free(a->v);
  free(a->src);
  free(a->order);
  free(a);
}

void icp_account_clear(struct icp_account *a)
{
  int i;
  for(i = 0; i < a->norder; i++)
    a->v[a->order[i]].type = ICP_T_MISSING;
  a->norder = 0;
  icp_arena_reset(&a->arena);
  a->line = 0;
  a->utf8_fixed = 0;
  a->ascii = 0;
}

const struct icp_value *icp_account_get(const struct icp_account *a, int id)
{
  if(id < 0 || id >= a->vcap)
    return &missing;
  return &a->v[id];
}

int icp_account_source(const struct icp_account *a, int id)
{
  if(id < 0 || id >= a->vcap || a->v[id].type == ICP_T_MISSING)
    return -1;
  return a->src[id];
}

static enum icp_status grow_slots(struct icp_account *a, int id);

static inline enum icp_status reserve(struct icp_account *a, int id)
{
  return id < a->vcap ? ICP_OK : grow_slots(a, id);
}

static enum icp_status grow_slots(struct icp_account *a, int id)
{
  /* v, src and order share vcap: each grows from the same capacity to
   * the same one (a failure leaves vcap as it was) */
  size_t cv = (size_t)a->vcap, cs = cv, co = cv;
  size_t need = id < 64 ? 64 : (size_t)id + 1; /* most accounts: once */
  int i;
  if(id < a->vcap)
    return ICP_OK;
  if(id >= INT_MAX / 2)
    return ICP_ENOMEM;
  if(icp_grow(a->v, cv, need) || icp_grow(a->src, cs, need) ||
     icp_grow(a->order, co, need))
    return ICP_ENOMEM;
  for(i = a->vcap; i < (int)cv; i++)
    a->v[i] = missing;
  a->vcap = (int)cv;
  return ICP_OK;
}

static void unset(struct icp_account *a, int id)
{
  int i;
  if(id >= a->vcap || a->v[id].type == ICP_T_MISSING)
    return;
  a->v[id].type = ICP_T_MISSING;
  for(i = 0; i < a->norder; i++)
    if(a->order[i] == id) {
      memmove(a->order + i, a->order + i + 1,
              (size_t)(a->norder - i - 1) * sizeof(int));
      a->norder--;
      break;
    }
}

enum icp_status icp_account_set(struct icp_account *a, int id,
                                const struct icp_value *v, int source)
{
  if(v->type != ICP_T_MISSING && !icp_schema_needed(a->schema, id))
    return ICP_OK; /* a column no rule of the run reads */
  return icp_account_put(a, id, v, source);
}

enum icp_status icp_account_put(struct icp_account *a, int id,
                                const struct icp_value *v, int source)
{
  struct icp_value copy = *v;
  enum icp_status st;
  if(id < 0)
    return ICP_EINVAL;
  if(v->type == ICP_T_MISSING) {
    unset(a, id);
    return ICP_OK;
  }
  st = reserve(a, id);
  if(st)
    return st;
  if(v->type == ICP_T_STRING) {
    copy.u.str = icp_arena_strdup(&a->arena, v->u.str, v->n);
    if(!copy.u.str)
      return ICP_ELIMIT;
  }
  else if(v->type == ICP_T_LIST) {
    struct icp_str *items;
    uint32_t i;
    if(v->n > ICP_LIST_MAX)
      return ICP_ELIMIT;
    items = icp_arena_alloc(&a->arena, (v->n ? v->n : 1) * sizeof(*items));
    if(!items)
      return ICP_ELIMIT;
    for(i = 0; i < v->n; i++) {
      items[i].n = v->u.list[i].n;
      items[i].p = icp_arena_strdup(&a->arena, v->u.list[i].p,
                                    v->u.list[i].n);
      if(!items[i].p)
        return ICP_ELIMIT;
    }
    copy.u.list = items;
  }
  if(a->v[id].type == ICP_T_MISSING)
    a->order[a->norder++] = id;
  a->v[id] = copy;
  a->src[id] = (uint16_t)source;
  return ICP_OK;
}

enum icp_status icp_account_set_str(struct icp_account *a, int id,
                                    const char *s, size_t n, int source)
{
  struct icp_value v;
  v.type = ICP_T_STRING;
  v.n = (uint32_t)n;
  v.u.str = s;
  return icp_account_set(a, id, &v, source);
}

enum icp_status icp_account_set_num(struct icp_account *a, int id,
                                    double num, int source)
{
  struct icp_value v;
  v.type = ICP_T_NUMBER;
  v.n = 0;
  v.u.num = num;
  return icp_account_set(a, id, &v, source);
}

/* Stores v as is: its strings must already live in a's arena. */
static enum icp_status set_owned(struct icp_account *a, int id,
                                 const struct icp_value *v, int source)
{
  enum icp_status st = reserve(a, id);
  if(st)
    return st;
  if(a->v[id].type == ICP_T_MISSING)
    a->order[a->norder++] = id;
  a->v[id] = *v;
  a->src[id] = (uint16_t)source;
  return ICP_OK;
}

struct icp_str *icp_account_list_room(struct icp_account *a, size_t cnt,
                                      size_t bytes, char **text)
{
  struct icp_str *items;
  if(cnt > ICP_LIST_MAX)
    return NULL;
  items = icp_arena_alloc(&a->arena, (cnt ? cnt : 1) * sizeof(*items));
  *text = icp_arena_alloc(&a->arena, bytes ? bytes : 1);
  return *text ? items : NULL;
}

enum icp_status icp_account_put_list(struct icp_account *a, int id,
                                     const struct icp_str *items, size_t n,
                                     int source)
{
  struct icp_value v;
  if(id < 0)
    return ICP_EINVAL;
  if(n > ICP_LIST_MAX)
    return ICP_ELIMIT;
  v.type = ICP_T_LIST;
  v.n = (uint32_t)n;
  v.u.list = items;
  return set_owned(a, id, &v, source);
}

enum icp_status icp_account_set_list_text(struct icp_account *a, int id,
                                          const char *s, size_t n,
                                          int source)
{
  struct icp_value v;
  struct icp_str *items;
  char *copy, *p, *end;
  size_t cnt = 1, k = 0;
  if(id < 0)
    return ICP_EINVAL;
  cnt += (size_t)icp_bytes_count(s, s + n, ';');
  if(cnt > ICP_LIST_MAX)
    return ICP_ELIMIT;
  /* one copy of the text, split in place; items point into it */
  copy = icp_arena_strdup(&a->arena, s, n);
  items = icp_arena_alloc(&a->arena, cnt * sizeof(*items));
  if(!copy || !items)
    return ICP_ELIMIT;
  p = copy;
  end = copy + n;
  for(;;) {
    char *semi = memchr(p, ';', (size_t)(end - p));
    char *b = p, *e = semi ? semi : end;
    while(b < e && (*b == ' ' || *b == '\t'))
      b++;
    while(e > b && (e[-1] == ' ' || e[-1] == '\t'))
      e--;
    if(e > b) {
      *e = 0; /* each item NUL-terminated, like copied strings */
      items[k].p = b;
      items[k].n = (uint32_t)(e - b);
      k++;
    }
    if(!semi)
      break;
    p = semi + 1;
  }
  v.type = ICP_T_LIST;
  v.n = (uint32_t)k;
  v.u.list = items;
  return set_owned(a, id, &v, source);
}

enum icp_status icp_account_merge(struct icp_account *a,
                                  const struct icp_account *src,
                                  int overwrite)
{
  int i;
  for(i = 0; i < src->norder; i++) {
    int id = src->order[i];
    enum icp_status st;
    if(!overwrite && icp_account_get(a, id)->type != ICP_T_MISSING)
      continue;
    st = icp_account_set(a, id, &src->v[id], src->src[id]);
    if(st)
      return st;
  }
  return ICP_OK;
}

enum icp_status icp_account_copy_named(struct icp_account *a,
                                       const struct icp_account *src)
{
  int i;
  icp_account_clear(a);
  a->file = src->file;
  a->line = src->line;
  for(i = 0; i < src->norder; i++) {
    int id = src->order[i], to, sid;
    const char *sname = icp_schema_source_name(src->schema, src->src[id]);
    enum icp_status st;
    to = icp_schema_intern(a->schema, icp_schema_name(src->schema, id),
                           icp_schema_name_len(src->schema, id));
    sid = icp_schema_source(a->schema, sname ? sname : "input");
    if(to < 0 || sid < 0)
      return ICP_ELIMIT;
    st = icp_account_set(a, to, &src->v[id], sid);
    if(st)
      return st;
  }
  return ICP_OK;
}

const char *icp_account_domain(const struct icp_account *a)
{
  const struct icp_value *v = icp_account_get(a, ICP_F_DOMAIN);
  return v->type == ICP_T_STRING ? v->u.str : NULL;
}
