/*
 * embed.c -- scoring accounts from a C program with the installed libicp.
 *
 *   cc examples/embed.c $(pkg-config --cflags --libs icp) -o embed
 *   ./embed rules/b2b_saas.lua domain=acme.io employees=250 \
 *           industry=Software "tech=Amazon Web Services"
 *
 * Loads the pack once, sets the account's fields from the arguments
 * (NAME=VALUE, typed like input cells), scores it, and prints the tier,
 * score, dimensions, route and the JSONL line `icp score` would write.
 * Uses only <icp.h>: the public API of the installed library.
 */
#include <icp.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
  struct icp_err err;
  struct icp_engine *e;
  int i, rc = 0;

  if(argc < 2) {
    fprintf(stderr, "usage: embed PACK [FIELD=VALUE]...\n");
    return 1;
  }
  e = icp_engine_open(argv[1], "2026-11-01", &err);
  if(!e) {
    fprintf(stderr, "embed: %s\n", err.msg);
    return 1;
  }
  for(i = 2; i < argc; i++) {
    char field[128];
    const char *eq = strchr(argv[i], '=');
    size_t n = eq ? (size_t)(eq - argv[i]) : 0;
    if(!eq || n == 0 || n >= sizeof(field)) {
      fprintf(stderr, "embed: '%s' is not FIELD=VALUE\n", argv[i]);
      rc = 1;
      goto done;
    }
    memcpy(field, argv[i], n);
    field[n] = 0;
    if(icp_engine_set(e, field, eq + 1, &err) != ICP_OK) {
      fprintf(stderr, "embed: %s\n", err.msg); /* a bad cell: go on */
      rc = 2;
    }
  }
  if(icp_engine_score(e, 0, &err) != ICP_OK) {
    fprintf(stderr, "embed: %s\n", err.msg);
    rc = 1;
    goto done;
  }
  printf("pack %s %s\n", icp_engine_pack_name(e),
         icp_engine_pack_version(e));
  printf("tier %s score %g coverage %g route %s\n", icp_engine_tier(e),
         icp_engine_composite(e), icp_engine_coverage(e),
         icp_engine_route(e) ? icp_engine_route(e) : "-");
  for(i = 0; i < icp_engine_ndims(e); i++)
    printf("  %s %g\n", icp_engine_dim_name(e, i),
           icp_engine_dim_score(e, i));
  printf("%s\n", icp_engine_json(e, NULL));
done:
  icp_engine_close(e);
  return rc;
}
