/* cmd_explain.c -- icp explain: one account's score, rule by rule, for a
 * person (DESIGN §7). */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "data/domain.h"
#include "rules/rules.h"
#include "score/explain.h"

static const char usage[] =
  "usage: icp explain --rules PACK [--as-of DATE] (--domain D | --line N)\n"
  "                   [--columns FILE] [--format csv|jsonl] INPUT\n"
  "\n"
  "Scores INPUT with the pack and prints, for the account with domain D\n"
  "(every one, if the domain is in the file more than once) or the record\n"
  "that starts on line N, its tier and score and then each rule and\n"
  "exclude: its outcome, the points it earned and the values it read,\n"
  "with where each came from (input, a provider, the cache).\n"
  "\n"
  "exit status: 0 ok, 1 usage or load error, 3 no such account.\n";

struct want {
  char domain[ICP_DOMAIN_MAX + 1];
  long line;
  int found;
};

static enum icp_status on_account(void *ud, const struct icp_account *a,
                                  struct icp_result *const *res, int n,
                                  struct icp_err *err)
{
  struct want *w = ud;
  const struct icp_result *r = res[0];
  const struct icp_pack *p = r->pack;
  const char *d = icp_account_domain(a);
  int i;
  (void)n;
  (void)err;
  if(w->line ? a->line != w->line : (!d || strcmp(d, w->domain)))
    return ICP_OK;
  w->found++;
  printf("%s (%s:%ld), pack %s %s\n", d ? d : "(no domain)", a->file,
         a->line, p->name ? p->name : "", p->version ? p->version : "");
  icp_explain_actual(stdout, p, r);
  for(i = 0; i < p->nrules + p->nexcl; i++)
    icp_explain_rule(stdout, p, a, r, i, 1);
  return ICP_OK;
}

int icp_cmd_explain(int argc, char **argv)
{
  const char *rules = NULL, *as_of = NULL, *domain = NULL, *line = NULL;
  const char *format = NULL, *input = NULL;
  struct icp_cli_input in = { NULL, NULL, NULL };
  struct icp_schema *schema = NULL;
  struct icp_pack *pack = NULL;
  struct icp_run_opts ro;
  struct icp_run_stats st;
  struct icp_err err;
  struct want w;
  int32_t day = 0;
  int i, rc = ICP_EXIT_OK;

  memset(&w, 0, sizeof(w));
  for(i = 1; i < argc; i++) {
    const char *v;
    int m;
    if(!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      fputs(usage, stdout);
      return ICP_EXIT_OK;
    }
#define VAL(name, var) ICP_CLI_VAL(name, NULL, var, ICP_CLI_USAGE_RETURN)
    VAL("--rules", rules);
    VAL("--as-of", as_of);
    VAL("--domain", domain);
    VAL("--line", line);
    VAL("--format", format);
#undef VAL
    ICP_CLI_STEP(icp_cli_input_opt(argc, argv, &i, &in), ICP_CLI_USAGE_RETURN);
    if(argv[i][0] == '-' && argv[i][1])
      return icp_cli_usage_error("explain", "unknown option %s", argv[i]);
    if(input)
      return icp_cli_usage_error("explain", "one INPUT only");
    input = argv[i];
  }
  if(!rules || !input)
    return icp_cli_usage_error("explain", "--rules PACK and INPUT are "
                               "required");
  if(!domain == !line)
    return icp_cli_usage_error("explain", "give --domain D or --line N");
  if(line) {
    char *end;
    w.line = strtol(line, &end, 10);
    if(*end || w.line < 2)
      return icp_cli_usage_error("explain", "--line takes a line number "
                                 "(2 or more)");
  }
  else if(!icp_domain_normalize(domain, strlen(domain), w.domain,
                                sizeof(w.domain)))
    return icp_cli_usage_error("explain", "--domain '%s' is not a domain",
                               domain);
  if(as_of && !icp_cli_date("--as-of", as_of, &day))
    return ICP_EXIT_USAGE;
  schema = icp_schema_new();
  pack = schema ? icp_pack_new(schema, NULL) : NULL;
  if(!pack) {
    rc = ICP_EXIT_NOTHING;
    goto out;
  }
  if(icp_pack_load_file(pack, rules, &err)) {
    for(i = 0; i < icp_pack_ndiags(pack); i++)
      fprintf(stderr, "%s\n", icp_pack_diag(pack, i));
    if(!icp_pack_ndiags(pack))
      fprintf(stderr, "icp explain: %s\n", err.msg);
    rc = ICP_EXIT_USAGE;
    goto out;
  }
  if(as_of)
    icp_pack_set_as_of(pack, day);
  if((rc = icp_cli_input_setup("explain", &in, schema)))
    goto out;
  memset(&ro, 0, sizeof(ro));
  ro.format = format;
  ro.explain = 1;
  if(icp_run(&input, 1, &pack, 1, schema, &ro, on_account, &w, &st, &err)) {
    fprintf(stderr, "icp explain: %s\n", err.msg);
    rc = ICP_EXIT_NOTHING;
  }
  else if(!w.found) {
    if(w.line)
      fprintf(stderr, "icp explain: no record starts on line %ld of %s\n",
              w.line, input);
    else
      fprintf(stderr, "icp explain: no account with domain %s in %s\n",
              w.domain, input);
    rc = ICP_EXIT_NOTHING;
  }
out:
  icp_pack_free(pack);
  icp_cli_input_free(&in);
  icp_schema_free(schema);
  return rc;
}
