/* cmd_check.c -- icp check: lint rule packs without data. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "rules/fields_check.h"
#include "rules/rules.h"

static const char usage[] =
  "usage: icp check PACK...\n"
  "\n"
  "Loads each rule pack and reports every problem: unknown keys or\n"
  "dimensions, duplicate names, tiers not in descending order, dimensions\n"
  "without rules, predicates whose argument does not fit the field's type,\n"
  "Lua errors. Each message names the file and line. Notes that are not\n"
  "errors (undeclared fields, unused routes) are printed as warnings.\n"
  "\n"
  "exit status: 0 every pack is fine, 1 a pack has a problem.\n";

/* The line number of a "PATH:LINE: ..." diagnostic (0 when none). */
static long diag_line(const char *d)
{
  const char *c = strstr(d, ".lua:");
  return c ? strtol(c + 5, NULL, 10) : 0;
}

/* Diagnostics come from loading (in line order) and from checking after
 * it; printed in line order, the order of the file (stable). */
static void print_in_line_order(const struct icp_pack *pack)
{
  int n = icp_pack_ndiags(pack), k, j;
  int *order = malloc((size_t)(n ? n : 1) * sizeof(*order));
  for(k = 0; k < n; k++) {
    if(!order) {
      printf("%s\n", icp_pack_diag(pack, k));
      continue;
    }
    for(j = k; j > 0 && diag_line(icp_pack_diag(pack, order[j - 1])) >
                        diag_line(icp_pack_diag(pack, k)); j--)
      order[j] = order[j - 1];
    order[j] = k;
  }
  for(k = 0; order && k < n; k++)
    printf("%s\n", icp_pack_diag(pack, order[k]));
  free(order);
}

static void print_warning(void *ud, const char *msg)
{
  (void)ud;
  printf("warning: %s\n", msg);
}

int icp_cmd_check(int argc, char **argv)
{
  int i, rc = ICP_EXIT_OK, npacks = 0;
  for(i = 1; i < argc; i++) {
    if(!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      fputs(usage, stdout);
      return ICP_EXIT_OK;
    }
    if(argv[i][0] == '-' && argv[i][1])
      return icp_cli_usage_error("check", "unknown option %s", argv[i]);
  }
  for(i = 1; i < argc; i++) {
    struct icp_schema *schema = icp_schema_new();
    struct icp_pack *pack = schema ? icp_pack_new(schema, NULL) : NULL;
    struct icp_err err;
    enum icp_status st;
    int k;
    npacks++;
    if(!pack) {
      icp_schema_free(schema);
      return icp_cli_nomem("check");
    }
    st = icp_pack_load_file(pack, argv[i], &err);
    print_in_line_order(pack);
    if(st && !icp_pack_ndiags(pack))
      printf("%s\n", err.msg);
    for(k = 0; k < icp_pack_nwarnings(pack); k++)
      printf("warning: %s\n", icp_pack_warning(pack, k));
    if(!st && icp_pack_check_fields(pack, NULL, NULL, print_warning,
                                    NULL) < 0)
      rc = icp_cli_nomem("check"); /* a check not made is never "ok" */
    else if(st)
      rc = ICP_EXIT_USAGE;
    else
      printf("%s: ok (%s %s: %d rules, %d excludes, %d dimensions, %d "
             "tiers, %d routes)\n", argv[i], pack->name,
             pack->version ? pack->version : "", pack->nrules, pack->nexcl,
             pack->ndims, pack->ntiers, pack->nroutes);
    icp_pack_free(pack);
    icp_schema_free(schema);
  }
  if(!npacks)
    return icp_cli_usage_error("check", "no PACK given");
  return rc;
}
