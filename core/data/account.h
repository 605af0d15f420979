/*
 * account.h -- one record: typed values by field id, with their sources.
 *
 * An account belongs to one schema (borrowed, must outlive it). Values set
 * on it are copied into its arena and live until icp_account_clear; a
 * reader refills the same account for every record, so scoring a file
 * allocates nothing per record in the steady state. Per-record memory is
 * capped (ICP_ACCOUNT_MEM_MAX).
 */
#ifndef ICP_ACCOUNT_H
#define ICP_ACCOUNT_H

#include <stddef.h>
#include <stdint.h>

#include "icp.h"
#include "base/arena.h"
#include "data/schema.h"

#define ICP_ACCOUNT_MEM_MAX (64u << 20)
#define ICP_LIST_MAX 10000

struct icp_account {
  struct icp_schema *schema;  /* borrowed */
  struct icp_value *v;        /* by field id; vcap entries */
  uint16_t *src;              /* source id per field */
  int vcap;
  int *order;                 /* ids set, in the order they were set */
  int norder;
  struct icp_arena arena;
  int utf8_fixed;             /* icp_account_set_text replaced invalid
                                 UTF-8 (the reader reports it, clears it) */
  int ascii;                  /* set by a reader around its stores: the
                                 texts it stores are ASCII without NUL
                                 (checked for the record at once), so
                                 each needs no UTF-8 check */
  const char *file;           /* borrowed from the reader */
  long line;                  /* physical line where the record starts */
};

struct icp_account *icp_account_new(struct icp_schema *schema);
void icp_account_free(struct icp_account *a);
void icp_account_clear(struct icp_account *a);

/* The value of field id; a missing value when unset or out of range.
 * Borrowed: valid until the account is cleared or the field set again. */
const struct icp_value *icp_account_get(const struct icp_account *a, int id);
int icp_account_source(const struct icp_account *a, int id);

/* Sets field id to a copy of v (strings and list items are copied into the
 * account's arena). Setting ICP_T_MISSING unsets the field. */
enum icp_status icp_account_set(struct icp_account *a, int id,
                                const struct icp_value *v, int source);
/* The same without asking whether the run needs the field (the caller
 * did). */
enum icp_status icp_account_put(struct icp_account *a, int id,
                                const struct icp_value *v, int source);
enum icp_status icp_account_set_str(struct icp_account *a, int id,
                                    const char *s, size_t n, int source);
enum icp_status icp_account_set_num(struct icp_account *a, int id,
                                    double num, int source);
/* Splits s on ';' into a list (items trimmed, empty items dropped). */
enum icp_status icp_account_set_list_text(struct icp_account *a, int id,
                                          const char *s, size_t n,
                                          int source);
/* A list built in place: room in a's arena for cnt items and, in *text,
 * bytes bytes of their texts; then icp_account_put_list sets field id to
 * the first n items made there (not copied; texts NUL-terminated). NULL
 * when the record would be over its cap. */
struct icp_str *icp_account_list_room(struct icp_account *a, size_t cnt,
                                      size_t bytes, char **text);
enum icp_status icp_account_put_list(struct icp_account *a, int id,
                                     const struct icp_str *items, size_t n,
                                     int source);
/* Copies src's fields into a (same schema); a's own values win unless
 * overwrite is set. */
enum icp_status icp_account_merge(struct icp_account *a,
                                  const struct icp_account *src,
                                  int overwrite);

/* Makes a a copy of src, which may belong to another schema: fields and
 * sources are matched by name (interned into a's schema). file and line
 * are copied too. */
enum icp_status icp_account_copy_named(struct icp_account *a,
                                       const struct icp_account *src);

/* The domain as a C string, or NULL when missing. */
const char *icp_account_domain(const struct icp_account *a);

#endif
