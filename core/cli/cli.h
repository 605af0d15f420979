/*
 * cli.h -- what every icp subcommand shares: option parsing, exit codes,
 * progress on a terminal, and the subcommand entry points.
 */
#ifndef ICP_CLI_H
#define ICP_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "io/out.h"
#include "score/run.h"

struct icp_columns;
struct icp_schema;

enum icp_exit {
  ICP_EXIT_OK = 0,
  ICP_EXIT_USAGE = 1,    /* usage or load error */
  ICP_EXIT_PARTIAL = 2,  /* some rows skipped or some providers failed */
  ICP_EXIT_NOTHING = 3,  /* nothing could be done */
  ICP_EXIT_REVIEW = 4    /* validate: a review is due */
};

/* Matches argv[*i] against --name VALUE or --name=VALUE (or a short
 * alias like -o). Returns 1 and sets *val (advancing *i past a separate
 * value), 0 when it is another option, -1 when the value is missing (after
 * printing why). */
int icp_cli_value(int argc, char **argv, int *i, const char *name,
                  const char *alias, const char **val);
/* Steps of an option loop `for(i = 1; i < argc; i++) { const char *v;
 * int m; ... }`. ICP_CLI_STEP runs call, an option reader that returns 1
 * when it took argv[i] (and its value, advancing i), 0 when argv[i] is
 * not its option and -1 when it said why the option is wrong: taken, the
 * loop continues; wrong, fail runs (ICP_CLI_USAGE_OUT: rc becomes
 * ICP_EXIT_USAGE and the command goes to its `out:`; or
 * ICP_CLI_USAGE_RETURN). ICP_CLI_THEN runs the statement then before it
 * continues; ICP_CLI_VAL keeps the value of option name (or alias) in
 * var. */
#define ICP_CLI_THEN(call, fail, then) \
  if((m = (call))) {                   \
    if(m < 0) {                        \
      fail;                            \
    }                                  \
    then;                              \
    continue;                          \
  }
#define ICP_CLI_STEP(call, fail) ICP_CLI_THEN(call, fail, (void)0)
#define ICP_CLI_VAL(name, alias, var, fail)                              \
  ICP_CLI_THEN(icp_cli_value(argc, argv, &i, (name), (alias), &v), fail, \
               (var) = v)
#define ICP_CLI_USAGE_OUT \
  rc = ICP_EXIT_USAGE;    \
  goto out
#define ICP_CLI_USAGE_RETURN return ICP_EXIT_USAGE

/* Matches a flag without value. */
int icp_cli_flag(char **argv, int i, const char *name);
/* Parses --as-of; prints the error and returns 0 when invalid. */
int icp_cli_date(const char *opt, const char *s, int32_t *day);
/* Prints "icp CMD: msg" and returns ICP_EXIT_USAGE. */
int icp_cli_usage_error(const char *cmd, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

/* --columns FILE and --keep COLS (input_opts.c). */
struct icp_cli_input {
  const char *columns, *keep;
  struct icp_columns *cols;   /* loaded by icp_cli_input_setup */
};
/* Like icp_cli_value for --columns and --keep. */
int icp_cli_input_opt(int argc, char **argv, int *i,
                      struct icp_cli_input *in);
/* After the packs loaded against schema: loads the mapping, sets the kept
 * columns; prints why and returns an exit code when that fails. */
int icp_cli_input_setup(const char *cmd, struct icp_cli_input *in,
                        struct icp_schema *schema);
void icp_cli_input_free(struct icp_cli_input *in);
/* -o must be .csv or .jsonl; --output-format csv|jsonl chooses for
 * stdout. Prints why and returns ICP_EXIT_USAGE when wrong. */
int icp_cli_output_format(const char *cmd, const char *path,
                          const char *format, enum icp_format *fmt);
/* Prints "icp CMD: out of memory" and returns ICP_EXIT_NOTHING: no exit
 * without a word. */
int icp_cli_nomem(const char *cmd);

/* Says which inputs are given more than once ("icp CMD: in.csv is given 2
 * times: its accounts are read 2 times"): a repeated file is read again,
 * and every domain in it comes back as a duplicate. */
void icp_cli_twice(const char *cmd, const char *const *inputs, int n);

/* Progress on stderr when it is a terminal (nothing when piped). */
struct icp_progress {
  int tty;
  double t0, last;
  const char *verb;
};
void icp_progress_init(struct icp_progress *p, const char *verb);
void icp_progress_cb(void *ud, const struct icp_run_stats *s, int final);
/* "scored N accounts, skipped K bad records, ..." on stderr. */
void icp_run_summary(const struct icp_run_stats *s);
double icp_now(void);

int icp_cmd_score(int argc, char **argv);
int icp_cmd_check(int argc, char **argv);
int icp_cmd_test(int argc, char **argv);
int icp_cmd_diff(int argc, char **argv);
int icp_cmd_enrich(int argc, char **argv);
int icp_cmd_discover(int argc, char **argv);
int icp_cmd_validate(int argc, char **argv);
int icp_cmd_report(int argc, char **argv);
int icp_cmd_serve(int argc, char **argv);
int icp_cmd_explain(int argc, char **argv);

#endif
