/*
 * provenance.h -- field sources that survive a file (DESIGN §3: each
 * field remembers its source).
 *
 * `icp enrich` writes every field's source beside it: a `_sources` column
 * in CSV ("name=clearbit;employees=cache:pdl") or a `_sources` object in
 * JSONL (read back flattened, as `_sources.name` keys). Reading such a
 * file back, the fields get those sources instead of "input", so that
 * `icp score --explain` of an enriched file says where each value came
 * from. The `_sources` cells themselves are dropped from the account.
 */
#ifndef ICP_PROVENANCE_H
#define ICP_PROVENANCE_H

#include "data/account.h"

struct icp_provenance;

/* A reader of _sources for accounts of schema (borrowed). NULL when out
 * of memory. threaded: icp_provenance_apply is called from several
 * threads at once; the fields are then mapped once, by
 * icp_provenance_need (every field a scoring run reads), and source names
 * are registered under a lock. */
struct icp_provenance *icp_provenance_new(struct icp_schema *schema,
                                          int threaded);
void icp_provenance_free(struct icp_provenance *p);

/* Marks `_sources` and `_sources.<field>` of every field the run needs as
 * needed too, so that a restricted schema (a scoring run) keeps them.
 * Call once the packs are loaded, before reading. -1 when out of memory
 * (the sources could not be read back: the run must not go on). */
int icp_provenance_need(struct icp_provenance *p);

/* Gives a's fields the sources its _sources cells name (source names of
 * 1 to 64 characters of [A-Za-z0-9_:.-]; others are ignored) and removes
 * those cells. Returns the number of fields whose source was set, or -1
 * when out of memory (the account's cells are then left as they are). */
int icp_provenance_apply(struct icp_provenance *p, struct icp_account *a);

/* 1 when field id is a _sources cell (writers skip it). */
int icp_provenance_is_cell(const struct icp_schema *s, int id);

#endif
