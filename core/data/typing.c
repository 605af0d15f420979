/* typing.c -- input text to typed values. */
#include <string.h>

#include "data/domain.h"
#include "data/typing.h"
#include "data/value.h"

static enum icp_status bad(struct icp_account *a, int id, const char *s,
                           size_t n, const char *what, struct icp_err *err)
{
  int shown = n > 40 ? 40 : (int)n;
  return icp_err_set(err, ICP_EINVAL, "column '%s': '%.*s%s' is not %s",
                     icp_schema_name(a->schema, id), shown, s,
                     n > 40 ? "..." : "", what);
}

enum icp_status icp_account_set_text(struct icp_account *a, int id,
                                     const char *s, size_t n, int source,
                                     struct icp_err *err)
{
  struct icp_value v;
  enum icp_type t;
  if(!n || !icp_schema_needed(a->schema, id))
    return ICP_OK; /* empty, or a column no rule of the run reads */
  t = icp_schema_type(a->schema, id);
  v.n = 0;
  if(id == ICP_F_DOMAIN) {
    char dom[ICP_DOMAIN_MAX + 1];
    size_t len = icp_domain_normalize(s, n, dom, sizeof(dom));
    if(!len)
      return bad(a, id, s, n, "a domain", err);
    v.type = ICP_T_STRING;
    v.n = (uint32_t)len;
    v.u.str = dom;
    return icp_account_put(a, id, &v, source);
  }
  switch(t) {
  case ICP_T_NUMBER:
    if(!icp_parse_number(s, n, &v.u.num))
      return bad(a, id, s, n, "a number", err);
    v.type = ICP_T_NUMBER;
    break;
  case ICP_T_BOOL:
    if(!icp_parse_bool_loose(s, n, &v.u.b))
      return bad(a, id, s, n, "a bool", err);
    v.type = ICP_T_BOOL;
    break;
  case ICP_T_DATE:
    if(!icp_parse_date(s, n, &v.u.day))
      return bad(a, id, s, n, "a YYYY-MM-DD date", err);
    v.type = ICP_T_DATE;
    break;
  case ICP_T_LIST:
    return icp_account_set_list_text(a, id, s, n, source);
  case ICP_T_STRING:
    v.type = ICP_T_STRING;
    v.n = (uint32_t)n;
    v.u.str = s;
    break;
  default:
    if(icp_parse_number(s, n, &v.u.num))
      v.type = ICP_T_NUMBER;
    else if(icp_parse_bool(s, n, &v.u.b))
      v.type = ICP_T_BOOL;
    else if(icp_parse_date(s, n, &v.u.day))
      v.type = ICP_T_DATE;
    else {
      v.type = ICP_T_STRING;
      v.n = (uint32_t)n;
      v.u.str = s;
    }
  }
  return icp_account_put(a, id, &v, source);
}
