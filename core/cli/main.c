/* main.c -- the icp command: dispatch to a subcommand. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "icp.h"

static const struct {
  const char *name;
  int (*fn)(int, char **);
  const char *what;
} commands[] = {
  { "score", icp_cmd_score, "score accounts with a rule pack" },
  { "explain", icp_cmd_explain, "one account's score, rule by rule" },
  { "check", icp_cmd_check, "lint a rule pack without data" },
  { "test", icp_cmd_test, "run a pack's test cases and golden snapshots" },
  { "diff", icp_cmd_diff, "tier migration between two pack versions" },
  { "enrich", icp_cmd_enrich, "fill in accounts from data providers" },
  { "discover", icp_cmd_discover, "find what separates the best accounts" },
  { "validate", icp_cmd_validate, "check a pack against won/lost deals" },
  { "report", icp_cmd_report, "a self-contained HTML report" },
  { "serve", icp_cmd_serve, "score accounts over HTTP as they arrive" },
};

static void usage(FILE *fp)
{
  size_t i;
  fprintf(fp, "usage: icp COMMAND [OPTIONS] ...\n\n"
          "Scores B2B accounts against an Ideal Customer Profile written "
          "as a Lua rule pack.\n\ncommands:\n");
  for(i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
    fprintf(fp, "  %-9s %s\n", commands[i].name, commands[i].what);
  fprintf(fp, "\n'icp COMMAND --help' describes a command.\n"
          "exit status: 0 ok, 1 usage or load error, 2 some rows skipped or "
          "some providers failed,\n3 nothing could be done, 4 (validate) a "
          "review is due.\n");
}

int main(int argc, char **argv)
{
  size_t i;
  int rc;
  if(argc < 2) {
    usage(stderr);
    return ICP_EXIT_USAGE;
  }
  if(!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
     !strcmp(argv[1], "help")) {
    usage(stdout);
    return ICP_EXIT_OK;
  }
  if(!strcmp(argv[1], "--version")) {
    printf("icp %s\n", ICP_VERSION);
    return ICP_EXIT_OK;
  }
  for(i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
    if(!strcmp(argv[1], commands[i].name)) {
      /* libcurl is opened (and its global state made) by what needs
       * it: net/libs.h */
      rc = commands[i].fn(argc - 1, argv + 1);
      return rc;
    }
  fprintf(stderr, "icp: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return ICP_EXIT_USAGE;
}
