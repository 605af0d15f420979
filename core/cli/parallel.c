/* parallel.c -- --threads, --byte-range and --shard for every command that
 * scores accounts. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/parallel.h"

#define THREADS_MAX 256

const char icp_par_usage[] =
  "  --threads N         parse and score on N threads (default: the cores;\n"
  "                      output identical to --threads 1)\n"
  "  --byte-range S:E    only the records that start at a byte offset in\n"
  "                      [S,E) of each input (an input split; E empty: to\n"
  "                      the end); line numbers stay the file's\n"
  "  --shard K/N         only the accounts in shard K of N (0 <= K < N), by\n"
  "                      a stable hash of the domain (no domain: the line)\n";

int icp_par_option(int argc, char **argv, int *i, struct icp_par *p)
{
  int m;
  if((m = icp_cli_value(argc, argv, i, "--threads", NULL, &p->threads)))
    return m;
  if((m = icp_cli_value(argc, argv, i, "--byte-range", NULL, &p->range)))
    return m;
  return icp_cli_value(argc, argv, i, "--shard", NULL, &p->shard);
}

/* A whole decimal number in [lo, hi] at s, ending at a byte in `stops`. */
static int number(const char *s, const char *stops, long long lo,
                  long long hi, long long *v, const char **end)
{
  char *e;
  if(*s < '0' || *s > '9')
    return 0;
  errno = 0;
  *v = strtoll(s, &e, 10);
  if(errno || *v < lo || *v > hi || !strchr(stops, *e))
    return 0;
  *end = e;
  return 1;
}

int icp_par_apply(const char *cmd, const struct icp_par *p,
                  struct icp_run_opts *ro)
{
  long long a, b;
  const char *e;
  if(p->threads) {
    if(!number(p->threads, "", 1, THREADS_MAX, &a, &e))
      return icp_cli_usage_error(cmd, "--threads takes 1 to %d",
                                 THREADS_MAX);
    ro->threads = (int)a;
  }
  else {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    ro->threads = n < 1 ? 1 : (n > THREADS_MAX ? THREADS_MAX : (int)n);
  }
  if(p->range) {
    int to_end = 0;
    b = 0;
    if(!number(p->range, ":", 0, LLONG_MAX, &a, &e) || *e != ':' ||
       !((to_end = !e[1]) || number(e + 1, "", a, LLONG_MAX, &b, &e)))
      return icp_cli_usage_error(cmd, "--byte-range takes START:END, "
                                 "byte offsets with START <= END (END "
                                 "may be empty: to the end)");
    ro->has_range = 1;
    ro->range_beg = (uint64_t)a;
    ro->range_end = to_end ? UINT64_MAX : (uint64_t)b;
  }
  if(p->shard) {
    if(!number(p->shard, "/", 0, 1 << 20, &a, &e) || *e != '/' ||
       !number(e + 1, "", 1, 1 << 20, &b, &e) || a >= b)
      return icp_cli_usage_error(cmd, "--shard takes K/N with 0 <= K < N");
    ro->shard_k = (int)a;
    ro->shard_n = (int)b;
  }
  return ICP_EXIT_OK;
}
