/*
 * failalloc.c -- allocation-failure injection for tests, linked in with
 *   -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup
 * so that every allocation our objects make (the Lua states' allocator
 * included) goes through here; allocations inside shared libraries
 * (libcurl, SQLite, cJSON, libc) are not counted.
 *
 * ICP_FAIL_ALLOC=N fails the Nth allocation (1-based) once and lets the
 * others through; unset or 0 fails none. A shrinking realloc is never
 * counted nor failed (Lua and the buffers may rely on it), nor a
 * realloc to 0 (a free). With
 * ICP_ALLOC_COUNT set, the number of allocations counted is written to
 * stderr at exit as "icp-alloc-count N" (the sweep's upper bound).
 * ICP_FAIL_ALLOC_TRACE= (empty) prints the failed allocation's stack on
 * stderr, ICP_FAIL_ALLOC_TRACE=FILE writes its raw frames to FILE. Tests linked
 * with it may also call icp_failalloc_arm directly.
 */
#include <execinfo.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
void icp_failalloc_arm(long n);
long icp_failalloc_count(void);

static long seen, fail_at = -1;

static void init(void)
{
  const char *e;
  if(fail_at >= 0)
    return;
  e = getenv("ICP_FAIL_ALLOC");
  fail_at = e ? strtol(e, NULL, 10) : 0;
}

void __sanitizer_print_stack_trace(void);

/* 1 when this allocation is the one to fail (with ICP_FAIL_ALLOC_TRACE
 * set, its stack goes to stderr: where to look when a run goes wrong) */
static int hit(void)
{
  const char *trace;
  init();
  seen++;
  if(fail_at <= 0 || seen != fail_at)
    return 0;
  trace = getenv("ICP_FAIL_ALLOC_TRACE");
  if(trace && !*trace)
    __sanitizer_print_stack_trace();
  else if(trace) { /* raw frames to a file: addr2line -e BIN +OFFSET */
    void *frames[24];
    int fd = open(trace, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if(fd >= 0) {
      backtrace_symbols_fd(frames, backtrace(frames, 24), fd);
      close(fd);
    }
  }
  return 1;
}

/* Fails the nth allocation from now (0: none), and restarts the count. */
void icp_failalloc_arm(long n)
{
  seen = 0;
  fail_at = n > 0 ? n : 0;
}

long icp_failalloc_count(void)
{
  return seen;
}

void *__wrap_malloc(size_t n)
{
  return hit() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t k, size_t n)
{
  return hit() ? NULL : __real_calloc(k, n);
}

void *__wrap_realloc(void *p, size_t n)
{
  if(p && (!n || n <= malloc_usable_size(p)))
    return __real_realloc(p, n);
  return hit() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
  size_t n = strlen(s) + 1;
  char *c = __wrap_malloc(n);
  if(c)
    memcpy(c, s, n);
  return c;
}

__attribute__((destructor)) static void report(void)
{
  char line[64];
  int n;
  if(!getenv("ICP_ALLOC_COUNT"))
    return;
  n = snprintf(line, sizeof(line), "icp-alloc-count %ld\n", seen);
  if(write(2, line, (size_t)n) < 0)
    return;
}
