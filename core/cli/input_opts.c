/* input_opts.c -- the options every command that reads accounts shares:
 * --columns FILE (header mapping) and --keep COLS (columns carried to the
 * output), and the checks of -o / --output-format. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "data/columns.h"
#include "rules/columns_file.h"

int icp_cli_input_opt(int argc, char **argv, int *i,
                      struct icp_cli_input *in)
{
  int m = icp_cli_value(argc, argv, i, "--columns", NULL, &in->columns);
  if(m)
    return m;
  return icp_cli_value(argc, argv, i, "--keep", NULL, &in->keep);
}

int icp_cli_input_setup(const char *cmd, struct icp_cli_input *in,
                        struct icp_schema *schema)
{
  struct icp_err err;
  if(in->keep && icp_schema_set_keep(schema, in->keep, &err)) {
    fprintf(stderr, "icp %s: %s\n", cmd, err.msg);
    return ICP_EXIT_USAGE;
  }
  if(!in->columns)
    return ICP_EXIT_OK;
  in->cols = icp_columns_new();
  if(!in->cols) {
    fprintf(stderr, "icp %s: %s: out of memory\n", cmd, in->columns);
    return ICP_EXIT_NOTHING;
  }
  if(icp_columns_load(in->cols, schema, in->columns, &err)) {
    fprintf(stderr, "icp %s: %s\n", cmd, err.msg);
    return ICP_EXIT_USAGE;
  }
  icp_schema_set_columns(schema, in->cols);
  return ICP_EXIT_OK;
}

void icp_cli_input_free(struct icp_cli_input *in)
{
  icp_columns_free(in->cols);
  in->cols = NULL;
}

int icp_cli_output_format(const char *cmd, const char *path,
                          const char *format, enum icp_format *fmt)
{
  *fmt = ICP_FMT_UNKNOWN;
  if(format) {
    if(strcmp(format, "csv") && strcmp(format, "jsonl"))
      return icp_cli_usage_error(cmd, "--output-format is csv or jsonl");
    *fmt = icp_format_from_name(format);
  }
  if(path && strcmp(path, "-")) {
    const char *dot = strrchr(path, '.');
    enum icp_format ext = ICP_FMT_UNKNOWN;
    if(dot && !strchr(dot, '/') && !strcmp(dot, ".csv"))
      ext = ICP_FMT_CSV;
    else if(dot && !strchr(dot, '/') && !strcmp(dot, ".jsonl"))
      ext = ICP_FMT_JSONL;
    if(ext == ICP_FMT_UNKNOWN)
      return icp_cli_usage_error(cmd, "-o %s: the output is a .csv or a "
                                 ".jsonl file", path);
    if(*fmt != ICP_FMT_UNKNOWN && *fmt != ext)
      return icp_cli_usage_error(cmd, "--output-format %s contradicts -o "
                                 "%s", format, path);
    *fmt = ext;
  }
  return ICP_EXIT_OK;
}
