/* test_provenance.c -- sources written by `icp enrich` (_sources) read
 * back from a file (issue 11): CSV cells and flattened JSONL keys. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "data/account.h"
#include "data/provenance.h"
#include "data/schema.h"

static int id_of(struct icp_schema *s, const char *n)
{
  int id = icp_schema_intern(s, n, strlen(n));
  cr_assert(id >= 0);
  return id;
}

static const char *source_of(struct icp_account *a, const char *n)
{
  int id = icp_schema_find(a->schema, n, strlen(n));
  return icp_schema_source_name(a->schema, icp_account_source(a, id));
}

Test(provenance, a_csv_sources_cell_gives_each_field_its_source)
{
  struct icp_schema *s = icp_schema_new();
  struct icp_account *a = icp_account_new(s);
  struct icp_provenance *p = icp_provenance_new(s, 0);
  const char *cell = "name=clearbit;employees=cache:pdl;city=bad source!;"
                     "nosuch=x;garbage";
  cr_assert_eq(icp_provenance_need(p), 0);
  cr_assert_eq(icp_account_set_str(a, id_of(s, "name"), "Acme", 4, 0),
               ICP_OK);
  cr_assert_eq(icp_account_set_num(a, id_of(s, "employees"), 250, 0),
               ICP_OK);
  cr_assert_eq(icp_account_set_str(a, id_of(s, "city"), "Oslo", 4, 0),
               ICP_OK);
  cr_assert_eq(icp_account_set_str(a, id_of(s, "_sources"), cell,
                                   strlen(cell), 0), ICP_OK);
  cr_assert_eq(icp_provenance_apply(p, a), 2);
  cr_assert_str_eq(source_of(a, "name"), "clearbit");
  cr_assert_str_eq(source_of(a, "employees"), "cache:pdl");
  cr_assert_str_eq(source_of(a, "city"), "input"); /* not a source name */
  cr_assert_eq(icp_account_get(a, id_of(s, "_sources"))->type,
               ICP_T_MISSING, "the cell is dropped");
  cr_assert(icp_provenance_is_cell(s, id_of(s, "_sources")));
  cr_assert(!icp_provenance_is_cell(s, id_of(s, "_sourcesx")));
  icp_provenance_free(p);
  icp_account_free(a);
  icp_schema_free(s);
}

Test(provenance, flattened_jsonl_keys_give_sources_and_are_dropped)
{
  struct icp_schema *s = icp_schema_new();
  struct icp_account *a = icp_account_new(s);
  struct icp_provenance *p = icp_provenance_new(s, 0);
  int cell;
  cr_assert_eq(icp_provenance_need(p), 0);
  cell = id_of(s, "_sources.industry");
  cr_assert_eq(icp_account_set_str(a, id_of(s, "industry"), "Software", 8,
                                   0), ICP_OK);
  cr_assert_eq(icp_account_set_str(a, cell, "builtwith", 9, 0), ICP_OK);
  cr_assert_eq(icp_provenance_apply(p, a), 1);
  cr_assert_str_eq(source_of(a, "industry"), "builtwith");
  cr_assert_eq(icp_account_get(a, cell)->type, ICP_T_MISSING);
  /* an account without _sources keeps "input" */
  icp_account_clear(a);
  cr_assert_eq(icp_account_set_str(a, id_of(s, "industry"), "Retail", 6,
                                   0), ICP_OK);
  cr_assert_eq(icp_provenance_apply(p, a), 0);
  cr_assert_str_eq(source_of(a, "industry"), "input");
  icp_provenance_free(p);
  icp_account_free(a);
  icp_schema_free(s);
}

Test(provenance, a_restricted_run_keeps_the_sources_of_needed_fields)
{
  struct icp_schema *s = icp_schema_new();
  struct icp_provenance *p = icp_provenance_new(s, 0);
  int emp = id_of(s, "employees"), cell;
  icp_schema_need(s, emp);
  icp_schema_restrict(s, 1);
  cr_assert_eq(icp_provenance_need(p), 0);
  cell = icp_schema_find(s, "_sources.employees", 18);
  cr_assert(cell >= 0 && icp_schema_needed(s, cell));
  cr_assert(icp_schema_needed(s, icp_schema_find(s, "_sources", 8)));
  cr_assert_lt(icp_schema_find(s, "_sources.city", 13), 0,
               "a field the run does not read gets no cell");
  icp_provenance_free(p);
  icp_schema_free(s);
}

Test(provenance, every_cell_of_an_account_is_applied_and_dropped_in_any_order)
{
  /* cells set before and after their fields and between other fields,
   * one of them not text: each gives its own field's source (or none)
   * and is dropped; the fields without a cell keep "input" */
  static const char *const fields[] = { "a", "b", "c", "d", "e", "f" };
  struct icp_schema *s = icp_schema_new();
  struct icp_account *a = icp_account_new(s);
  struct icp_provenance *p = icp_provenance_new(s, 1);
  size_t i;
  for(i = 0; i < 6; i++)
    id_of(s, fields[i]);
  cr_assert_eq(icp_provenance_need(p), 0);
  cr_assert_eq(icp_account_set_str(a, id_of(s, "_sources.e"), "pdl", 3, 0),
               ICP_OK);
  for(i = 0; i < 6; i++) {
    cr_assert_eq(icp_account_set_str(a, id_of(s, fields[i]), "v", 1, 0),
                 ICP_OK);
    if(i == 1) { /* two cells side by side */
      cr_assert_eq(icp_account_set_str(a, id_of(s, "_sources.a"),
                                       "clearbit", 8, 0), ICP_OK);
      cr_assert_eq(icp_account_set_str(a, id_of(s, "_sources.b"),
                                       "hubspot", 7, 0), ICP_OK);
    }
    if(i == 3)
      cr_assert_eq(icp_account_set_num(a, id_of(s, "_sources.c"), 7, 0),
                   ICP_OK);
  }
  cr_assert_eq(icp_account_set_str(a, id_of(s, "_sources.f"), "cache:pdl",
                                   9, 0), ICP_OK);
  cr_assert_eq(icp_provenance_apply(p, a), 4);
  cr_assert_str_eq(source_of(a, "a"), "clearbit");
  cr_assert_str_eq(source_of(a, "b"), "hubspot");
  cr_assert_str_eq(source_of(a, "e"), "pdl");
  cr_assert_str_eq(source_of(a, "f"), "cache:pdl");
  cr_assert_str_eq(source_of(a, "c"), "input"); /* its cell was a number */
  cr_assert_str_eq(source_of(a, "d"), "input");
  for(i = 0; i < 6; i++) {
    char cell[16];
    snprintf(cell, sizeof(cell), "_sources.%s", fields[i]);
    cr_assert_eq(icp_account_get(a, id_of(s, cell))->type, ICP_T_MISSING,
                 "%s is dropped", cell);
    cr_assert_eq(icp_account_get(a, id_of(s, fields[i]))->type,
                 ICP_T_STRING, "%s is kept", fields[i]);
  }
  cr_assert_eq(a->norder, 6);
  icp_provenance_free(p);
  icp_account_free(a);
  icp_schema_free(s);
}
