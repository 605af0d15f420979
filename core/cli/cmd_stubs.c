/* cmd_stubs.c -- subcommands not built yet say so (never pretend). */
#include "cli/cli.h"

static int not_yet(const char *cmd)
{
  fprintf(stderr, "icp %s: not available in this version yet\n", cmd);
  return ICP_EXIT_USAGE;
}

__attribute__((weak)) int icp_cmd_test(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  return not_yet("test");
}

__attribute__((weak)) int icp_cmd_diff(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  return not_yet("diff");
}

__attribute__((weak)) int icp_cmd_discover(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  return not_yet("discover");
}

__attribute__((weak)) int icp_cmd_validate(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  return not_yet("validate");
}

__attribute__((weak)) int icp_cmd_report(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  return not_yet("report");
}

/* replaced by cmd_enrich.c when it is built */
__attribute__((weak)) int icp_cmd_enrich(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  return not_yet("enrich");
}
