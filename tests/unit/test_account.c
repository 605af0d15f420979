/* test_account.c -- one record's values (core/data/account.c). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "data/account.h"
#include "data/schema.h"

/* "a;a;...;a": n items. */
static char *items_text(size_t n)
{
  char *s = malloc(2 * n);
  size_t i;
  cr_assert(s);
  for(i = 0; i < n; i++) {
    s[2 * i] = 'a';
    s[2 * i + 1] = ';';
  }
  s[2 * n - 1] = 0;
  return s;
}

/* An account of a new schema with a "tech" field (*id). */
static struct icp_account *account_with_tech(int *id)
{
  struct icp_schema *sc = icp_schema_new();
  struct icp_account *a = sc ? icp_account_new(sc) : NULL;
  cr_assert(sc && a);
  *id = icp_schema_intern(sc, "tech", 4);
  cr_assert_geq(*id, 0);
  return a;
}

static void account_done(struct icp_account *a)
{
  struct icp_schema *sc = a->schema;
  icp_account_free(a);
  icp_schema_free(sc);
}

Test(account, a_list_cell_is_split_on_semicolons_and_trimmed)
{
  const char *cell = " HubSpot ;\tSalesforce;; ;Snowflake\t";
  const struct icp_value *v;
  int id;
  struct icp_account *a = account_with_tech(&id);
  cr_assert_eq(icp_account_set_list_text(a, id, cell, strlen(cell), 0),
               ICP_OK);
  v = icp_account_get(a, id);
  cr_assert_eq(v->type, ICP_T_LIST);
  cr_assert_eq(v->n, 3);
  cr_assert_str_eq(v->u.list[0].p, "HubSpot");
  cr_assert_eq(v->u.list[0].n, 7);
  cr_assert_str_eq(v->u.list[1].p, "Salesforce");
  cr_assert_str_eq(v->u.list[2].p, "Snowflake");
  account_done(a);
}

Test(account, a_list_cell_of_more_than_10000_items_is_refused)
{
  char *most = items_text(ICP_LIST_MAX);
  char *over = items_text(ICP_LIST_MAX + 1);
  int id;
  struct icp_account *a = account_with_tech(&id);
  cr_assert_eq(icp_account_set_list_text(a, id, most, strlen(most), 0),
               ICP_OK);
  cr_assert_eq(icp_account_get(a, id)->n, ICP_LIST_MAX);
  icp_account_clear(a);
  cr_assert_eq(icp_account_set_list_text(a, id, over, strlen(over), 0),
               ICP_ELIMIT);
  free(most);
  free(over);
  account_done(a);
}
