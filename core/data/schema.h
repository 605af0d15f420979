/*
 * schema.h -- the field registry of a run (DESIGN §3).
 *
 * Every field name seen in a pack or an input gets a small integer id, so
 * that compiled predicates and accounts index values by id instead of by
 * name. Canonical fields are registered first with their schema types and
 * fixed ids; packs declare the types of other columns; anything else is
 * inferred per value (ICP_T_ANY). One schema is shared by the readers and
 * every pack of a run. The number of fields is capped (ICP_SCHEMA_MAX) so a
 * hostile input cannot grow it without bound.
 */
#ifndef ICP_SCHEMA_H
#define ICP_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "icp.h"
#include "base/err.h"  /* icp_err_set */

#define ICP_SCHEMA_MAX 4096
#define ICP_SOURCES_MAX 256

enum icp_canonical {
  ICP_F_DOMAIN = 0, ICP_F_NAME, ICP_F_INDUSTRY, ICP_F_SUB_INDUSTRY,
  ICP_F_EMPLOYEES, ICP_F_EMPLOYEES_RANGE, ICP_F_REVENUE_USD,
  ICP_F_REVENUE_RANGE, ICP_F_COUNTRY, ICP_F_REGION, ICP_F_CITY,
  ICP_F_FOUNDED_YEAR, ICP_F_OWNERSHIP, ICP_F_FUNDING_TOTAL_USD,
  ICP_F_FUNDING_STAGE, ICP_F_LAST_FUNDING_DATE, ICP_F_TECH,
  ICP_F_TECH_CATEGORIES, ICP_F_OPEN_JOBS, ICP_F_UPDATED_AT,
  ICP_F_CANONICAL_COUNT
};

enum icp_field_origin {
  ICP_ORIGIN_CANONICAL = 1,  /* DESIGN §3 */
  ICP_ORIGIN_DECLARED,       /* a pack's fields { } */
  ICP_ORIGIN_SEEN            /* a column or key of an input */
};

struct icp_schema *icp_schema_new(void);
void icp_schema_free(struct icp_schema *s);

/* Id of the field, or -1 when it is not registered. */
int icp_schema_find(const struct icp_schema *s, const char *name, size_t n);
/* Id of the field, registering it (type ICP_T_ANY) when new; -1 when the
 * schema is full or out of memory. */
int icp_schema_intern(struct icp_schema *s, const char *name, size_t n);
/* Declares the type of a field. Fails when it contradicts a canonical type
 * or an earlier declaration (message names both). */
enum icp_status icp_schema_declare(struct icp_schema *s, const char *name,
                                   enum icp_type type, struct icp_err *err);
enum icp_type icp_schema_type(const struct icp_schema *s, int id);
/* A type's name as messages say it ("number"; "?" for none). */
const char *icp_type_name(enum icp_type t);
int icp_schema_origin(const struct icp_schema *s, int id);
/* The name of field id (NUL-terminated, owned by the schema). */
const char *icp_schema_name(const struct icp_schema *s, int id);
size_t icp_schema_name_len(const struct icp_schema *s, int id);
int icp_schema_count(const struct icp_schema *s);

/* Which fields a run needs. Packs whose rules are all declarative mark
 * the fields they read, or say they may read any (a function(a) rule).
 * A command that only scores (score, diff, golden) then restricts the
 * schema, and readers skip the other columns: they are neither typed nor
 * stored. Unrestricted, or when some pack needs every field, or when
 * nothing marked anything, every field is kept. */
void icp_schema_need(struct icp_schema *s, int id);
void icp_schema_need_all(struct icp_schema *s);
void icp_schema_restrict(struct icp_schema *s, int on);
int icp_schema_needed(const struct icp_schema *s, int id);

/* The explicit column mapping of the run (--columns FILE), borrowed: it
 * must outlive the schema's readers. NULL (the default) for none. */
struct icp_columns;
void icp_schema_set_columns(struct icp_schema *s,
                            const struct icp_columns *c);
const struct icp_columns *icp_schema_columns(const struct icp_schema *s);

/* Raw headers: readers take header names as they are (plus an explicit
 * mapping), without folding or synonyms. For tables that are not accounts
 * (a deals table) and for commands that name columns on the command line
 * (discover --label/--value/--key). Off by default. */
void icp_schema_set_raw_headers(struct icp_schema *s, int on);
int icp_schema_raw_headers(const struct icp_schema *s);

/* Input columns carried through to the output (--keep). spec is "all" or
 * comma-separated names, each a header as the input spells it (case
 * ignored) or the field a header maps to. */
enum icp_status icp_schema_set_keep(struct icp_schema *s, const char *spec,
                                    struct icp_err *err);
/* 1 when the run keeps input columns; 2 when it keeps all of them. */
int icp_schema_keeps(const struct icp_schema *s);
/* Called by a reader for each column (header name, field id) of its
 * input: 1 when the column is kept (its field is then stored even if no
 * rule reads it). The first input fixes the kept columns and their
 * order; kept names that no column of it matched are returned by
 * icp_schema_keep_missing. */
int icp_schema_keep_column(struct icp_schema *s, const char *header,
                           size_t n, int id);
void icp_schema_keep_done(struct icp_schema *s);
/* 1 once icp_schema_keep_done was called (a CSV header, a first JSONL
 * record). */
int icp_schema_keep_fixed(const struct icp_schema *s);
/* The i-th name of the spec that matched no column, or NULL. */
const char *icp_schema_keep_missing(const struct icp_schema *s, int i);
int icp_schema_nkept(const struct icp_schema *s);
/* Output name (the header, or the spec's name) and field of kept i. */
const char *icp_schema_kept_name(const struct icp_schema *s, int i);
int icp_schema_kept_id(const struct icp_schema *s, int i);

/* Source names ("input", a provider, "cache:<provider>") by small id;
 * id 0 is "input". Returns -1 when full. */
int icp_schema_source(struct icp_schema *s, const char *name);
const char *icp_schema_source_name(const struct icp_schema *s, int id);

#endif
