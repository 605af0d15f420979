/*
 * jsonl_text.c -- a JSON text in memory (request bodies): one account
 * object or an array of them, each scanned, read and handed over as it
 * comes, with the same scanner and walk as a JSONL line (jsonl_scan.c,
 * jsonl_reader.c).
 */
#include <stdio.h>
#include <string.h>

#include "io/jsonl_impl.h"
#include "io/reader_impl.h"

/* Keeps the first cell-level warning: in a text, it is an error. */
static void first_warning(void *ud, const char *msg)
{
  struct icp_err *e = ud;
  if(!e->msg[0])
    snprintf(e->msg, sizeof(e->msg), "%s", msg);
}

/* One account of a text, the value at s (valid JSON): read, refused on a
 * warning, handed to fn. *next: the end of the value. */
static enum icp_status text_item(struct icp_reader *r, const char *s,
                                 const char *end, const char **next,
                                 long idx, int depth, struct icp_account *a,
                                 icp_reader_item_fn fn, void *ud,
                                 struct icp_err *err)
{
  struct icp_err warned;
  struct scan sc;
  enum icp_status st;
  *next = s;
  icp_account_clear(a);
  a->file = r->name;
  a->line = idx;
  /* the item alone: its keys, without the other items'; depth: the
   * containers around it */
  if(icp_jsonl_scan_begin(&sc, r->jsonl, s, end))
    return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", r->name);
  sc.depth = depth;
  *next = icp_jsonl_scan_value(&sc, s);
  if(sc.nomem)
    return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", r->name);
  if(!*next) /* the caller names where (icp_jsonl_scan_text) */
    return icp_err_set(err, ICP_ESKIP, "%s: invalid JSON", r->name);
  if(*s != '{')
    return idx ? icp_err_set(err, ICP_ESKIP, "%s:%ld: not a JSON object",
                             r->name, idx)
               : icp_err_set(err, ICP_ESKIP, "%s: not a JSON object or "
                             "array of objects", r->name);
  warned.msg[0] = 0;
  r->warn = first_warning;
  r->warn_ud = &warned;
  st = icp_jsonl_read_object(r, a, &sc, idx, err);
  r->warn = NULL;
  if(st)
    return st;
  if(warned.msg[0])
    return icp_err_set(err, ICP_ESKIP, "%s", warned.msg);
  return fn(ud, a, err);
}

/* One pass over the text: each account scanned, read and handed to fn as
 * it comes. ICP_OK when the text is one JSON object, or an array of at
 * most max_items objects, and every account went through; else the
 * status of the first failure, whose err stands only when the whole text
 * is valid JSON within max_items (icp_reader_read_text checks). */
static enum icp_status text_items(struct icp_reader *r, const char *text,
                                  const char *end, size_t max_items,
                                  struct icp_account *a,
                                  icp_reader_item_fn fn, void *ud,
                                  int *is_array, struct icp_err *err)
{
  const char *s = text, *it;
  struct scan sc;
  enum icp_status st;
  size_t count = 0;

  memset(&sc, 0, sizeof(sc));
  sc.end = end;
  if(end - s >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
    s += 3;
  if(!(s = icp_jsonl_ws(&sc, s)))
    return ICP_ESKIP;
  *is_array = *s == '[';
  if(*is_array) {
    if(!(s = icp_jsonl_ws(&sc, s + 1)))
      return ICP_ESKIP;
    while(*s != ']') {
      if(++count > max_items)
        return ICP_ELIMIT;
      st = text_item(r, s, end, &it, (long)count, 1, a, fn, ud, err);
      if(st)
        return st;
      if(!(s = icp_jsonl_ws(&sc, it)) || (*s != ',' && *s != ']'))
        return ICP_ESKIP;
      if(*s == ',' && (!(s = icp_jsonl_ws(&sc, s + 1)) || *s == ']'))
        return ICP_ESKIP;
    }
    it = s + 1;
  }
  else {
    st = text_item(r, s, end, &it, 0, 0, a, fn, ud, err);
    if(st)
      return st;
  }
  s = icp_jsonl_ws(&sc, it);
  return s == end ? ICP_OK : ICP_ESKIP;
}

enum icp_status icp_reader_read_text(struct icp_reader *r, const char *text,
                                     size_t n, size_t max_items,
                                     struct icp_account *a,
                                     icp_reader_item_fn fn, void *ud,
                                     int *is_array, struct icp_err *err)
{
  const char *why, *top = text;
  struct icp_err first;
  struct scan sc;
  enum icp_status st;

  *is_array = 0;
  if(!r->jsonl)
    return icp_err_set(err, ICP_EINVAL, "%s: not a JSON reader", r->name);
  if(text[n])
    return icp_err_set(err, ICP_EINVAL, "%s: text not NUL-terminated",
                       r->name);
  first.msg[0] = 0;
  st = text_items(r, text, text + n, max_items, a, fn, ud, is_array,
                  &first);
  if(!st)
    return ICP_OK;
  /* a failure: the one a pass over the whole text before any account
   * names first (bad JSON anywhere, then too many accounts), else the
   * account's own (the answer so far is the caller's to drop) */
  if(!icp_jsonl_scan_text(&sc, r->jsonl, text, n, 0, &top, &why)) {
    long line = 1, col = 1;
    const char *q;
    if(why == oom)
      return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", r->name);
    if(why)
      return icp_err_set(err, ICP_ESKIP, "%s: %s", r->name, why);
    for(q = text; q < sc.at; q++, col++)
      if(*q == '\n') {
        line++;
        col = 0;
      }
    return icp_err_set(err, ICP_ESKIP, "%s: invalid JSON at line %ld, "
                       "column %ld", r->name, line, col);
  }
  if(*top == '[' && sc.items > max_items)
    return icp_err_set(err, ICP_ELIMIT, "%s: %zu accounts, more than the "
                       "limit of %zu", r->name, sc.items, max_items);
  if(!first.msg[0]) /* cannot happen: the text is valid JSON */
    return icp_err_set(err, ICP_ESKIP, "%s: invalid JSON", r->name);
  *err = first;
  return st;
}
