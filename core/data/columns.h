/*
 * columns.h -- which input column feeds which field (DESIGN §3 "Real
 * exports").
 *
 * A header names a field when, in this order of precedence:
 *  1. an explicit mapping (--columns FILE: columns { domain = "Website" })
 *     names it;
 *  2. it is exactly the name of a known field (canonical, declared in a
 *     pack's fields { }, or read by a pack's rules);
 *  3. it equals a known field's name once both are folded: case, spaces,
 *     '_', '-', '/' and '.' ignored, and a Salesforce custom-field suffix
 *     "__c" dropped ("Demo Attended", "DemoAttended", "Demo_Attended__c"
 *     are all demo_attended);
 *  4. the synonym table (icp_columns_synonyms) names its canonical field
 *     ("Company Domain Name", "Website", "NumberOfEmployees", ...).
 * A CRM record id ("Record ID", "Id", "Account ID") keeps its name and is
 * read as text, so that --keep carries it back verbatim.
 * A schema with raw headers (icp_schema_set_raw_headers) takes only 1 and 2.
 * Two columns for one field: the better rank wins, then the first column;
 * the other keeps its own name (a pass-through column) and the mapping
 * reports it once. Any other header is a field of its own name.
 */
#ifndef ICP_COLUMNS_H
#define ICP_COLUMNS_H

#include <stddef.h>
#include <stdio.h>

#include "icp.h"
#include "base/buf.h"
#include "data/schema.h"

/* An explicit mapping: field <- header (times scale for numbers). */
struct icp_columns;

struct icp_columns *icp_columns_new(void);
void icp_columns_free(struct icp_columns *c);
/* Names the file the mappings came from, for messages (copied). */
enum icp_status icp_columns_set_path(struct icp_columns *c, const char *path);
/* Adds field <- from. A field mapped twice fails with a message naming
 * both lines. */
enum icp_status icp_columns_add(struct icp_columns *c, const char *field,
                                const char *from, double scale, int line,
                                struct icp_err *err);
int icp_columns_count(const struct icp_columns *c);

/* Folds a header (see the top of this file) into out; the length, 0 when
 * nothing is left or it does not fit. */
size_t icp_columns_fold(const char *s, size_t n, char *out, size_t cap);

/* The synonym table: canonical (or record_id) field name for a folded
 * header, NULL when none. */
const char *icp_columns_synonym(const char *folded);
/* Every canonical field name, for did-you-mean. */
const char *const *icp_columns_targets(size_t *n);

/* A column of an input that no pack knew became field id: a CRM record
 * id ("Record ID", "Id", ...) is declared text. */
void icp_columns_new_field(struct icp_schema *s, int id);

/* How the columns of one input map to fields. */
struct icp_colmap {
  int *ids;          /* field id per column */
  double *scale;     /* per column, 1 unless --columns gave one */
  int key;           /* column of the domain, -1 when none */
};

/* "Did you mean": the header name of names[0..n) (lens bytes each)
 * closest to s (icp_suggest), copied into hint (cap bytes), or "" when
 * none is close enough. ICP_OK or ICP_ENOMEM. */
enum icp_status icp_columns_hint(const char *s, const char *const *names,
                                 const size_t *lens, int n, char *hint,
                                 size_t cap);

/* Maps the header names[0..n) of file (for messages) into m (arrays
 * allocated here; icp_colmap_free), interning fields in schema, using the
 * explicit mapping the schema carries (icp_schema_set_columns) if any.
 * notes receives one line per finding: the mapped synonyms ("FILE: columns
 * mapped: 'Website' -> domain, ...") and each field fed by two columns.
 * Kept columns (--keep) are registered with the schema; a CSV reader then
 * calls icp_schema_keep_done. Fails on a duplicate header, a full schema
 * or out of memory. */
/* Notes (one line each, in notes) every explicit mapping whose column
 * is none of the n headers, with a did-you-mean: a typo in a --columns
 * file is said, not silently unused; *count gets how many. ICP_ENOMEM
 * when a note was lost. */
/* For inputs without a header (JSONL, request bodies): notes every
 * explicit mapping that no key read so far matched ("no WHAT has a value
 * under that key"), with a did-you-mean among the schema's names; with
 * typos_only, only those whose did-you-mean is a key an input brought
 * (a mapping of a key that is simply absent so far is not noted). *count
 * gets how many. ICP_ENOMEM when a note was lost. */
enum icp_status icp_columns_unused(const struct icp_columns *c,
                                   const struct icp_schema *s,
                                   const char *what, int typos_only,
                                   struct icp_buf *notes, int *count);
/* At the end of a run that read an input without a header: says on diag
 * each mapping no record's key matched (icp_columns_unused); how many
 * (at least 1 when the check itself ran out of memory), for the exit
 * status. */
int icp_columns_say_unused(const struct icp_columns *c,
                           const struct icp_schema *s, FILE *diag);
enum icp_status icp_columns_unmatched(const struct icp_columns *c,
                                      const char *file,
                                      const char *const *names,
                                      const size_t *lens, int n,
                                      struct icp_buf *notes, int *count);

enum icp_status icp_colmap_build(struct icp_colmap *m,
                                 struct icp_schema *schema, const char *file,
                                 const char *const *names,
                                 const size_t *lens, int n,
                                 struct icp_buf *notes, struct icp_err *err);
void icp_colmap_free(struct icp_colmap *m);

#endif
