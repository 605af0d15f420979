/*
 * runstat.c -- run a command, report its wall time and peak memory.
 *
 *   runstat [--stdout FILE] -- CMD ARGS...
 *
 * Runs CMD with its standard output sent to /dev/null (or to FILE), waits
 * for it, and prints one line on standard error:
 *
 *   wall_s=<seconds> maxrss_kb=<peak resident set size of the child>
 *   cpu_s=<user + system CPU seconds of the child>
 *
 * The child's standard error passes through. The exit status is the
 * child's (128 + signal number when it was killed); 127 when it could not
 * be started, 125 on a usage error.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void usage(void)
{
  fputs("usage: runstat [--stdout FILE] -- CMD ARGS...\n", stderr);
}

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
  const char *out_path = "/dev/null";
  int i, status, fd;
  pid_t pid, w;
  double t0, t1;
  struct rusage ru;

  for(i = 1; i < argc; i++) {
    if(!strcmp(argv[i], "--")) {
      i++;
      break;
    }
    if(!strcmp(argv[i], "--stdout") && i + 1 < argc)
      out_path = argv[++i];
    else {
      usage();
      return 125;
    }
  }
  if(i >= argc) {
    usage();
    return 125;
  }

  fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if(fd < 0) {
    fprintf(stderr, "runstat: %s: %s\n", out_path, strerror(errno));
    return 125;
  }
  fflush(NULL);
  t0 = now_s();
  pid = fork();
  if(pid < 0) {
    fprintf(stderr, "runstat: fork: %s\n", strerror(errno));
    return 125;
  }
  if(pid == 0) {
    if(dup2(fd, STDOUT_FILENO) < 0)
      _exit(127);
    close(fd);
    execvp(argv[i], argv + i);
    fprintf(stderr, "runstat: %s: %s\n", argv[i], strerror(errno));
    _exit(127);
  }
  close(fd);
  do
    w = waitpid(pid, &status, 0);
  while(w < 0 && errno == EINTR);
  t1 = now_s();
  if(w < 0) {
    fprintf(stderr, "runstat: waitpid: %s\n", strerror(errno));
    return 125;
  }
  /* Our only child has been waited for, so the children's peak is its. */
  if(getrusage(RUSAGE_CHILDREN, &ru) != 0)
    memset(&ru, 0, sizeof(ru));
  fprintf(stderr, "wall_s=%.3f maxrss_kb=%ld cpu_s=%.3f\n", t1 - t0,
          (long)ru.ru_maxrss,
          (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
          (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
  if(WIFEXITED(status))
    return WEXITSTATUS(status);
  if(WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return 125;
}
