/* cmd_check.c -- icp check: lint rule packs without data. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
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
  "errors (fields neither canonical nor declared, with a did-you-mean;\n"
  "unused routes) are printed as warnings. Errors and warnings come\n"
  "together in the order of the file, also when the pack has errors.\n"
  "\n"
  "exit status: 0 every pack is fine, 1 a pack has a problem.\n";

/* One problem of a pack: an error (a load diagnostic) or a warning. */
struct note {
  long line;
  int warning;
  char *msg;
};

struct notes {
  const char *path;
  struct note *v;
  int n;
  size_t cap;
  int nomem;
};

/* The line of a "PATH:LINE: ..." message (0 when it names no line, so
 * that file-level notes come first). */
static long note_line(const char *path, const char *msg)
{
  size_t n = strlen(path);
  if(strncmp(msg, path, n) || msg[n] != ':')
    return 0;
  return strtol(msg + n + 1, NULL, 10);
}

static void note_add(struct notes *ns, int warning, const char *msg)
{
  struct note *v;
  size_t len = strlen(msg);
  if(icp_grow(ns->v, ns->cap, (size_t)ns->n + 1)) {
    ns->nomem = 1;
    return;
  }
  v = ns->v;
  v[ns->n].msg = malloc(len + 1);
  if(!v[ns->n].msg) {
    ns->nomem = 1;
    return;
  }
  memcpy(v[ns->n].msg, msg, len + 1);
  v[ns->n].line = note_line(ns->path, msg);
  v[ns->n].warning = warning;
  ns->n++;
}

static void field_warning(void *ud, const char *msg)
{
  note_add(ud, 1, msg);
}

static int by_line(const void *a, const void *b)
{
  const struct note *x = a, *y = b;
  return (x->line > y->line) - (x->line < y->line);
}

/* Every problem of a loaded (or failed) pack, errors and warnings
 * together, in the order of the file. A pack whose chunk ran has its
 * rules even when they have errors, so the fields they read are checked
 * as well: one `icp check` run shows everything to fix. Returns -1 when
 * the list could not be made (out of memory), said on stderr. */
static int print_notes(const struct icp_pack *pack, const char *path)
{
  struct notes ns = { path, NULL, 0, 0, 0 };
  int k, rc = 0;
  for(k = 0; k < icp_pack_ndiags(pack); k++)
    note_add(&ns, 0, icp_pack_diag(pack, k));
  for(k = 0; k < icp_pack_nwarnings(pack); k++)
    note_add(&ns, 1, icp_pack_warning(pack, k));
  if(icp_pack_check_fields(pack, NULL, NULL, field_warning, &ns) < 0)
    ns.nomem = 1;
  if(ns.nomem)
    rc = -1;
  else {
    /* stable: equal lines keep the order they were found in */
    for(k = 0; k < ns.n; k++)
      ns.v[k].line = ns.v[k].line * (ns.n + 1L) + k;
    if(ns.n)
      qsort(ns.v, (size_t)ns.n, sizeof(*ns.v), by_line);
    for(k = 0; k < ns.n; k++)
      printf("%s%s\n", ns.v[k].warning ? "warning: " : "", ns.v[k].msg);
  }
  for(k = 0; k < ns.n; k++)
    free(ns.v[k].msg);
  free(ns.v);
  return rc;
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
    npacks++;
    if(!pack) {
      icp_schema_free(schema);
      return icp_cli_nomem("check");
    }
    st = icp_pack_load_file(pack, argv[i], &err);
    if(print_notes(pack, argv[i]))
      rc = icp_cli_nomem("check"); /* a check not made is never "ok" */
    else if(st) {
      if(!icp_pack_ndiags(pack))
        printf("%s\n", err.msg);
      if(rc == ICP_EXIT_OK)
        rc = ICP_EXIT_USAGE;
    }
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
