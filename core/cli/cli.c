/* cli.c -- option parsing, progress and usage errors. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "data/value.h"

int icp_cli_value(int argc, char **argv, int *i, const char *name,
                  const char *alias, const char **val)
{
  const char *a = argv[*i];
  size_t n = strlen(name);
  if(!strncmp(a, name, n) && a[n] == '=') {
    *val = a + n + 1;
    return 1;
  }
  if(strcmp(a, name) && !(alias && !strcmp(a, alias)))
    return 0;
  if(*i + 1 >= argc) {
    fprintf(stderr, "icp: %s needs a value\n", name);
    return -1;
  }
  *val = argv[++*i];
  return 1;
}

int icp_cli_flag(char **argv, int i, const char *name)
{
  return !strcmp(argv[i], name);
}

int icp_cli_date(const char *opt, const char *s, int32_t *day)
{
  if(!icp_parse_date(s, strlen(s), day)) {
    fprintf(stderr, "icp: %s '%s' is not a YYYY-MM-DD date\n", opt, s);
    return 0;
  }
  return 1;
}

int icp_cli_usage_error(const char *cmd, const char *fmt, ...)
{
  va_list ap;
  fprintf(stderr, "icp %s: ", cmd);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n(see icp %s --help)\n", cmd);
  return ICP_EXIT_USAGE;
}

int icp_cli_nomem(const char *cmd)
{
  fprintf(stderr, "icp %s: out of memory\n", cmd);
  return ICP_EXIT_NOTHING;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void icp_cli_twice(const char *cmd, const char *const *inputs, int n)
{
  const char **s;
  int i, k;
  if(n < 2)
    return;
  if(!(s = malloc((size_t)n * sizeof(*s))))
    return; /* only a warning lost: the run reports the duplicates */
  memcpy(s, inputs, (size_t)n * sizeof(*s));
  qsort(s, (size_t)n, sizeof(*s), cmp_str);
  for(i = 0; i < n; i = k) {
    for(k = i + 1; k < n && !strcmp(s[k], s[i]); k++)
      ;
    if(k - i > 1)
      fprintf(stderr, "icp %s: %s is given %d times: its accounts are read "
              "%d times\n", cmd, s[i], k - i, k - i);
  }
  free(s);
}

double icp_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void icp_progress_init(struct icp_progress *p, const char *verb)
{
  p->tty = isatty(STDERR_FILENO);
  p->t0 = p->last = icp_now();
  p->verb = verb;
}

void icp_progress_cb(void *ud, const struct icp_run_stats *s, int final)
{
  struct icp_progress *p = ud;
  double now;
  if(!p->tty)
    return;
  now = icp_now();
  if(!final && now - p->last < 0.25)
    return;
  p->last = now;
  fprintf(stderr, "\r  %s %ld accounts  %.0f/s  skipped %ld%s",
          p->verb, s->scored, s->scored / (now - p->t0 + 1e-9), s->skipped,
          final ? "\n" : "  ");
  fflush(stderr);
}

void icp_run_summary(const struct icp_run_stats *st)
{
  fprintf(stderr, "scored %ld accounts", st->scored);
  if(st->skipped)
    fprintf(stderr, ", skipped %ld bad records", st->skipped);
  if(st->warnings)
    fprintf(stderr, ", %ld cells did not fit their type", st->warnings);
  if(st->rule_errors)
    fprintf(stderr, ", %ld accounts with custom rule errors",
            st->rule_errors);
  if(st->duplicates)
    fprintf(stderr, ", %ld duplicate domains", st->duplicates);
  fprintf(stderr, "\n");
}
