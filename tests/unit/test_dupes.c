/* test_dupes.c -- duplicate domains with bounded memory (DESIGN §4). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>

#include "base/buf.h"
#include "data/dupes.h"
#include "data/dupes_impl.h"  /* hmask, nhf */

/* Collects every report as its standard message, one per line. */
struct got {
  struct icp_dupes *d;
  struct icp_buf out;
  long calls;
  long max_n;
};

static void collect(void *ud, const char *domain,
                    const struct icp_dupe_at *at, size_t n)
{
  struct got *g = ud;
  cr_assert_eq(icp_dupes_format(&g->out, domain, at, n,
                                icp_dupes_total(g->d)), ICP_OK);
  cr_assert_eq(icp_buf_addc(&g->out, '\n'), ICP_OK);
  g->calls++;
  if((long)n > g->max_n)
    g->max_n = (long)n;
}

static void got_init(struct got *g, struct icp_dupes *d)
{
  memset(g, 0, sizeof(*g));
  g->d = d;
  icp_buf_init(&g->out, 64u << 20);
}

static const char *text(struct got *g)
{
  return g->out.p ? g->out.p : "";
}

Test(dupes, small_case_reports_each_duplicate_once_with_all_lines)
{
  struct icp_dupes *d = icp_dupes_new();
  struct got g;
  cr_assert(d);
  got_init(&g, d);
  cr_assert_eq(icp_dupes_add(d, "beta.io", "a.csv", 2), ICP_OK);
  cr_assert_eq(icp_dupes_add(d, "alpha.io", "a.csv", 3), ICP_OK);
  cr_assert_eq(icp_dupes_add(d, "alpha.io", "a.csv", 4), ICP_OK);
  cr_assert_eq(icp_dupes_add(d, "gamma.io", "a.csv", 5), ICP_OK);
  cr_assert_eq(icp_dupes_add(d, "beta.io", "a.csv", 6), ICP_OK);
  cr_assert_eq(icp_dupes_add(d, "alpha.io", "a.csv", 7), ICP_OK);
  cr_assert_eq(icp_dupes_report(d, collect, &g), 2);
  cr_assert_str_eq(text(&g), "alpha.io: lines 3, 4, 7\n"
                             "beta.io: lines 2, 6\n");
  icp_buf_free(&g.out);
  icp_dupes_free(d);
}

Test(dupes, unique_domains_are_never_reported)
{
  struct icp_dupes *d = icp_dupes_new();
  struct got g;
  char dom[32];
  long i;
  got_init(&g, d);
  for(i = 0; i < 5000; i++) {
    snprintf(dom, sizeof(dom), "d%ld.io", i);
    cr_assert_eq(icp_dupes_add(d, dom, "a.csv", i + 2), ICP_OK);
  }
  /* prefixes of each other are different domains */
  cr_assert_eq(icp_dupes_add(d, "a.io", "a.csv", 1), ICP_OK);
  cr_assert_eq(icp_dupes_add(d, "a.io.uk", "a.csv", 1), ICP_OK);
  cr_assert_eq(icp_dupes_report(d, collect, &g), 0);
  cr_assert_eq(g.calls, 0);
  icp_buf_free(&g.out);
  icp_dupes_free(d);
}

Test(dupes, empty_tracker_reports_nothing)
{
  struct icp_dupes *d = icp_dupes_new();
  struct got g;
  got_init(&g, d);
  cr_assert_eq(icp_dupes_report(d, collect, &g), 0);
  icp_buf_free(&g.out);
  icp_dupes_free(d);
}

Test(dupes, occurrences_from_several_files_name_their_files)
{
  struct icp_dupes *d = icp_dupes_new();
  struct got g;
  got_init(&g, d);
  icp_dupes_add(d, "alpha.io", "a.csv", 2);
  icp_dupes_add(d, "alpha.io", "b.csv", 4);
  cr_assert_eq(icp_dupes_report(d, collect, &g), 1);
  cr_assert_str_eq(text(&g), "alpha.io: a.csv:2, b.csv:4\n");
  icp_buf_free(&g.out);
  icp_dupes_free(d);
}

/* The same input through a tiny budget (hundreds of runs, merged in
 * several passes) and the default one gives the same report. Two files,
 * one after the other (the order icp_dupes_add asks for). */
static void fill(struct icp_dupes *d, long rows)
{
  static const char *const files[] = { "a.csv", "b.jsonl" };
  char dom[32];
  long i;
  for(i = 0; i < rows; i++) {
    long k = (i * 7919) % 3001;   /* every 3001st row repeats a domain */
    if(i % 5 == 0)
      k = i;                      /* plus many unique ones */
    snprintf(dom, sizeof(dom), "dom%ld.example", k);
    cr_assert_eq(icp_dupes_add(d, dom, files[i < rows / 2 ? 0 : 1], i + 2),
                 ICP_OK);
  }
}

Test(dupes, spilling_to_sorted_runs_gives_the_same_report)
{
  struct icp_dupes *small = icp_dupes_new_budget(512);
  struct icp_dupes *big = icp_dupes_new();
  struct got gs, gb;
  long ns, nb;
  got_init(&gs, small);
  got_init(&gb, big);
  fill(small, 20000);
  fill(big, 20000);
  ns = icp_dupes_report(small, collect, &gs);
  nb = icp_dupes_report(big, collect, &gb);
  cr_assert_gt(nb, 2000);
  cr_assert_eq(ns, nb);
  cr_assert_eq(gs.out.len, gb.out.len);
  cr_assert_str_eq(text(&gs), text(&gb));
  icp_buf_free(&gs.out);
  icp_buf_free(&gb.out);
  icp_dupes_free(small);
  icp_dupes_free(big);
}

Test(dupes, lines_stay_in_order_across_spilled_runs)
{
  struct icp_dupes *d = icp_dupes_new_budget(256);
  struct got g;
  char dom[32], want[64];
  long i;
  got_init(&g, d);
  for(i = 0; i < 3000; i++) {
    snprintf(dom, sizeof(dom), "u%ld.io", i);
    icp_dupes_add(d, dom, "a.csv", i + 2);
    if(i == 10 || i == 1500 || i == 2999)
      icp_dupes_add(d, "zz.io", "a.csv", 100000 + i);
  }
  cr_assert_eq(icp_dupes_report(d, collect, &g), 1);
  snprintf(want, sizeof(want), "zz.io: lines 100010, 101500, 102999\n");
  cr_assert_str_eq(text(&g), want);
  icp_buf_free(&g.out);
  icp_dupes_free(d);
}

Test(dupes, a_very_frequent_domain_is_capped_and_says_how_many_more)
{
  struct icp_dupes *d = icp_dupes_new_budget(4096);
  struct got g;
  long i;
  got_init(&g, d);
  for(i = 0; i < ICP_DUPES_AT_MAX + 5; i++)
    icp_dupes_add(d, "same.io", "a.csv", i + 2);
  cr_assert_eq(icp_dupes_report(d, collect, &g), 1);
  cr_assert_eq(g.max_n, ICP_DUPES_AT_MAX);
  cr_assert(strstr(text(&g), "same.io: lines 2, 3, 4, "));
  cr_assert(strstr(text(&g), ", 1001 and 5 more\n"), "%s",
            text(&g) + g.out.len - 40);
  icp_buf_free(&g.out);
  icp_dupes_free(d);
}

Test(dupes, report_empties_the_tracker)
{
  struct icp_dupes *d = icp_dupes_new_budget(256);
  struct got g;
  int i;
  got_init(&g, d);
  for(i = 0; i < 100; i++)
    icp_dupes_add(d, "x.io", "a.csv", i);
  cr_assert_eq(icp_dupes_report(d, collect, &g), 1);
  cr_assert_eq(icp_dupes_report(d, collect, &g), 0);
  icp_dupes_add(d, "y.io", "a.csv", 1);
  icp_dupes_add(d, "y.io", "a.csv", 2);
  cr_assert_eq(icp_dupes_report(d, NULL, NULL), 1);
  icp_buf_free(&g.out);
  icp_dupes_free(d);
}

Test(dupes, overlong_domain_is_refused)
{
  struct icp_dupes *d = icp_dupes_new();
  char dom[ICP_DUPES_DOMAIN_MAX + 2];
  memset(dom, 'a', sizeof(dom) - 1);
  dom[sizeof(dom) - 1] = 0;
  cr_assert_eq(icp_dupes_add(d, dom, "a.csv", 1), ICP_EINVAL);
  icp_dupes_free(d);
}

Test(dupes, format_says_lines_for_one_file)
{
  struct icp_buf b;
  struct icp_dupe_at at[3] = { { "a.csv", 2 }, { "a.csv", 4 },
                               { "a.csv", 5 } };
  icp_buf_init(&b, 1024);
  cr_assert_eq(icp_dupes_format(&b, "alpha.io", at, 3, 3), ICP_OK);
  cr_assert_str_eq(b.p, "alpha.io: lines 2, 4, 5");
  icp_buf_free(&b);
}

static int open_fds(void)
{
  DIR *dir = opendir("/proc/self/fd");
  int n = 0;
  if(!dir)
    return -1;
  while(readdir(dir))
    n++;
  closedir(dir);
  return n;
}

Test(dupes, few_temporary_files_are_open_however_many_runs_spill)
{
  struct icp_dupes *d = icp_dupes_new_budget(256);
  char dom[32];
  int base = open_fds(), most = 0;
  long i;
  if(base < 0) {
    icp_dupes_free(d);
    cr_skip_test("no /proc/self/fd");
  }
  for(i = 0; i < 60000; i++) {
    snprintf(dom, sizeof(dom), "d%ld.io", i % 30000);
    cr_assert_eq(icp_dupes_add(d, dom, "a.csv", i + 2), ICP_OK);
    if(i % 500 == 0 && open_fds() - base > most)
      most = open_fds() - base;
  }
  /* about 10,000 runs: at most 15 per level, 4 levels */
  cr_assert_leq(most, 4 * ICP_DUPES_MERGE_MAX, "%d files open", most);
  cr_assert_eq(icp_dupes_report(d, NULL, NULL), 30000);
  icp_dupes_free(d);
}

/* Domains that share their first 8 or 16 bytes and differ in length,
 * through an in-memory sort and through spilled runs: reported in byte
 * order, each once, with its lines in order, as a brute force finds. */
struct ordered {
  char last[64];
  long calls, bad;
};

static void check_order(void *ud, const char *domain,
                        const struct icp_dupe_at *at, size_t n)
{
  struct ordered *o = ud;
  size_t i;
  if(o->calls && strcmp(o->last, domain) >= 0)
    o->bad++;
  for(i = 1; i < n; i++)
    if(at[i].line <= at[i - 1].line)
      o->bad++;
  snprintf(o->last, sizeof(o->last), "%s", domain);
  o->calls++;
}

static void shared_prefix_domain(long k, char *dom, size_t cap)
{
  static const char *const stem[] = { "sharedpr", "sharedprefix-ab",
                                      "sharedprefix-abcd", "sharedpq" };
  if(k % 7 == 0)
    snprintf(dom, cap, "%s", stem[k % 4]); /* 8, 15, 17 or 8 bytes */
  else
    snprintf(dom, cap, "%s%ld.io", stem[k % 4], k % 97);
}

Test(dupes, domains_sharing_their_first_bytes_sort_in_byte_order)
{
  size_t budgets[2] = { 300, ICP_DUPES_BUDGET };
  int b;
  for(b = 0; b < 2; b++) {
    struct icp_dupes *d = icp_dupes_new_budget(budgets[b]);
    struct ordered o;
    static long seen[4][100];
    long i, want = 0, k, s;
    char dom[64];
    memset(&o, 0, sizeof(o));
    memset(seen, 0, sizeof(seen));
    for(i = 0; i < 5000; i++) {
      k = (i * 31) % 1000;
      shared_prefix_domain(k, dom, sizeof(dom));
      cr_assert_eq(icp_dupes_add(d, dom, "a.csv", i + 2), ICP_OK);
      seen[k % 4][k % 7 == 0 ? 97 : k % 97]++;
    }
    for(s = 0; s < 4; s++)
      for(k = 0; k < 100; k++)
        want += seen[s][k] > 1;
    cr_assert_eq(icp_dupes_report(d, check_order, &o), want);
    cr_assert_eq(o.calls, want);
    cr_assert_eq(o.bad, 0, "budget %zu: %ld out of order", budgets[b],
                 o.bad);
    icp_dupes_free(d);
  }
}

/* A parallel run: each worker notes the domains of its chunks in its own
 * tracker (numbered files, chunks dealt in turn; one keeps them in
 * memory, two spill many runs), and the run's tracker absorbs them all.
 * The report is the one tracker's that saw every record in order, byte
 * for byte, including a file name given twice (stdin read twice: lines
 * start again at 1). */
static void deal(struct icp_dupes **w, int nw, struct icp_dupes *one)
{
  long f, line, rec = 0;
  char dom[32];
  for(f = 0; f < 3; f++)
    for(line = 1; line <= 4000; line++, rec++) {
      long k = (rec * 7919) % 2711;
      if(rec % 3 == 0)
        k = 100000 + rec;  /* unique ones too */
      snprintf(dom, sizeof(dom), "d%ld.example", k);
      cr_assert_eq(icp_dupes_add_in(w[(rec / 37) % nw], dom, (unsigned)f,
                                    line), ICP_OK);
      cr_assert_eq(icp_dupes_add_in(one, dom, (unsigned)f, line), ICP_OK);
    }
}

Test(dupes, trackers_of_workers_absorbed_report_as_one_tracker)
{
  static const char *const files[] = { "a.csv", "<stdin>", "<stdin>" };
  int prune;
  /* absorbed as they are, then pruned on 1 and on 3 threads */
  for(prune = 0; prune <= 3; prune += prune ? 2 : 1) {
    struct icp_dupes *w[3], *one = icp_dupes_new(), *run = icp_dupes_new();
    struct got gw, go;
    int i;
    cr_assert(one && run);
    cr_assert_eq(icp_dupes_set_files(one, files, 3), ICP_OK);
    cr_assert_eq(icp_dupes_set_files(run, files, 3), ICP_OK);
    for(i = 0; i < 3; i++) {
      cr_assert(w[i] = icp_dupes_new_budget(i ? 700 : ICP_DUPES_BUDGET));
      icp_dupes_set_fanin(w[i], 3);
      cr_assert_eq(icp_dupes_set_files(w[i], files, 3), ICP_OK);
    }
    cr_assert_eq(icp_dupes_add_in(one, "x.io", 3, 1), ICP_EINVAL);
    deal(w, 3, one);
    for(i = 0; i < 3; i++)
      cr_assert_eq(icp_dupes_absorb(run, w[i]), ICP_OK);
    if(prune)
      cr_assert_eq(icp_dupes_prune(run, prune), ICP_OK);
    got_init(&gw, run);
    got_init(&go, one);
    cr_assert_gt(icp_dupes_report(run, collect, &gw), 2000);
    cr_assert_eq(icp_dupes_report(one, collect, &go), gw.calls);
    cr_assert_str_eq(text(&gw), text(&go), "pruned on %d threads", prune);
    /* stdin's second reading comes after its first: a later line of the
     * first, then an earlier one ("<stdin>:1469, <stdin>:180") */
    {
      const char *p = text(&go);
      long a, b, back = 0;
      while((p = strstr(p, "<stdin>:")) != NULL) {
        if(sscanf(p, "<stdin>:%ld, <stdin>:%ld", &a, &b) == 2 && b < a)
          back++;
        p++;
      }
      cr_assert_gt(back, 100, "no domain spans both readings of stdin?");
    }
    for(i = 0; i < 3; i++)
      icp_dupes_free(w[i]);
    icp_dupes_free(one);
    icp_dupes_free(run);
    icp_buf_free(&gw.out);
    icp_buf_free(&go.out);
  }
}

/* A prune cuts the domains into parts by their first 16 bytes: domains
 * that share them, a domain seen 2,500 times (more than the report hands
 * over: "and 1500 more"), domains seen once, through many spilled runs
 * and on 1 to 5 threads, report as the tracker left whole. */
static void fill_pruned(struct icp_dupes *d)
{
  char dom[64];
  long i;
  for(i = 0; i < 30000; i++) {
    long k = (i * 7919) % 4001;
    if(i % 12 == 0)
      snprintf(dom, sizeof(dom), "everywhere.example");
    else if(i % 4 == 0)
      snprintf(dom, sizeof(dom), "u%ld.example", i);
    else
      shared_prefix_domain(k, dom, sizeof(dom));
    cr_assert_eq(icp_dupes_add(d, dom, "a.csv", i + 2), ICP_OK);
  }
}

Test(dupes, a_pruned_tracker_reports_as_the_whole)
{
  int t;
  for(t = 1; t <= 5; t++) {
    struct icp_dupes *whole = icp_dupes_new_budget(4000);
    struct icp_dupes *pruned = icp_dupes_new_budget(4000);
    struct got gw, gp;
    cr_assert(whole && pruned);
    fill_pruned(whole);
    fill_pruned(pruned);
    cr_assert_eq(icp_dupes_prune(pruned, t), ICP_OK);
    got_init(&gw, whole);
    got_init(&gp, pruned);
    cr_assert_gt(icp_dupes_report(whole, collect, &gw), 100);
    cr_assert_eq(icp_dupes_report(pruned, collect, &gp), gw.calls);
    cr_assert_str_eq(text(&gp), text(&gw), "%d threads", t);
    cr_assert(strstr(text(&gp), "everywhere.example: lines 2, 14,"));
    cr_assert(strstr(text(&gp), " and 1500 more\n"));
    icp_dupes_free(whole);
    icp_dupes_free(pruned);
    icp_buf_free(&gw.out);
    icp_buf_free(&gp.out);
  }
}

Test(dupes, a_tracker_of_other_files_is_not_absorbed)
{
  static const char *const files[] = { "a.csv", "b.csv" };
  struct icp_dupes *a = icp_dupes_new(), *b = icp_dupes_new();
  cr_assert(a && b);
  cr_assert_eq(icp_dupes_set_files(a, files, 2), ICP_OK);
  cr_assert_eq(icp_dupes_set_files(b, files, 1), ICP_OK);
  cr_assert_eq(icp_dupes_add_in(b, "x.io", 0, 2), ICP_OK);
  cr_assert_eq(icp_dupes_absorb(a, b), ICP_EINVAL);
  cr_assert_eq(icp_dupes_report(a, NULL, NULL), -1);  /* not passed off */
  icp_dupes_free(a);
  icp_dupes_free(b);
}

/* ---- the check by hash, against a brute force --------------------------
 *
 * Occurrences in three files (stdin read twice) dealt to three worker
 * trackers, absorbed into one, then reported as they are or after a prune
 * on three threads; the reference sorts every occurrence and groups them.
 * The hashes are masked (dupes_impl.h) to force what real data rarely
 * shows: different domains of equal hash (the table must compare whole
 * domains), every domain in one bucket too large for memory (checked in
 * slices of the hash's next bits), and every domain of one hash (the
 * slices do not help: the bucket goes through sorted runs). */

struct occ {
  char dom[40];
  unsigned file;
  long line;
};

static int cmp_occ(const void *pa, const void *pb)
{
  const struct occ *a = pa, *b = pb;
  int c = strcmp(a->dom, b->dom);
  if(c)
    return c;
  if(a->file != b->file)
    return a->file < b->file ? -1 : 1;
  return a->line < b->line ? -1 : a->line > b->line;
}

/* The report's text for occ[0..n) by brute force; the number of domains
 * seen twice in *dups. */
static void brute_force(struct occ *occ, size_t n, const char *const *files,
                        struct icp_buf *out, long *dups)
{
  struct icp_dupe_at *at = malloc(ICP_DUPES_AT_MAX * sizeof(*at));
  size_t i = 0, j, k;
  cr_assert(at);
  qsort(occ, n, sizeof(*occ), cmp_occ);
  *dups = 0;
  for(; i < n; i = j) {
    for(j = i + 1; j < n && !strcmp(occ[j].dom, occ[i].dom); j++)
      ;
    if(j - i < 2)
      continue;
    for(k = i; k < j && k - i < ICP_DUPES_AT_MAX; k++) {
      at[k - i].file = files[occ[k].file];
      at[k - i].line = occ[k].line;
    }
    cr_assert_eq(icp_dupes_format(out, occ[i].dom, at, k - i,
                                  (long)(j - i)), ICP_OK);
    cr_assert_eq(icp_buf_addc(out, '\n'), ICP_OK);
    (*dups)++;
  }
  free(at);
}

/* Occurrence r of the stream: mostly domains seen once, some seen a few
 * times, domains that share their first 16 bytes, one seen 1,200 times
 * (more than the report hands over). */
static void occ_domain(long r, char *dom, size_t cap)
{
  if(r % 25 == 0)
    snprintf(dom, cap, "everywhere.example");
  else if(r % 3 == 0)
    snprintf(dom, cap, "sharedprefix-abcd%ld.io", (r * 7919) % 1500);
  else if(r % 5 == 0)
    snprintf(dom, cap, "few%ld.example", (r * 104729) % 3000);
  else
    snprintf(dom, cap, "once%ld.example", r);
}

Test(dupes, the_check_by_hash_agrees_with_a_brute_force)
{
  static const char *const files[] = { "a.csv", "<stdin>", "<stdin>" };
  static const uint64_t masks[] = { ~(uint64_t)0,
                                    0xFF000000000000FFULL,
                                    0x00FFFFFFFFFFFFFFULL, 0 };
  static const size_t budgets[] = { 300, ICP_DUPES_BUDGET };
  const size_t nocc = 30000;
  struct occ *occ = calloc(nocc, sizeof(*occ));
  struct icp_buf want;
  long want_dups;
  size_t m, b, r;
  int prune;
  cr_assert(occ);
  for(r = 0; r < nocc; r++) {
    occ_domain((long)r, occ[r].dom, sizeof(occ[r].dom));
    occ[r].file = (unsigned)(r / 10000);
    occ[r].line = (long)(r % 10000) + 1;
  }
  for(m = 0; m < sizeof(masks) / sizeof(*masks); m++)
    for(b = 0; b < sizeof(budgets) / sizeof(*budgets); b++)
      for(prune = 0; prune <= 3; prune += 3) {
        struct icp_dupes *w[3], *run;
        struct got g;
        int i;
        if(!masks[m] && budgets[b] > 300)
          continue; /* in memory, every record collides: quadratic */
        cr_assert(run = icp_dupes_new_budget(budgets[b]));
        run->hmask = masks[m];
        cr_assert_eq(icp_dupes_set_files(run, files, 3), ICP_OK);
        for(i = 0; i < 3; i++) {
          cr_assert(w[i] = icp_dupes_new_budget(budgets[b]));
          w[i]->hmask = masks[m];
          cr_assert_eq(icp_dupes_set_files(w[i], files, 3), ICP_OK);
        }
        for(r = 0; r < nocc; r++) /* in runs of 37 per worker */
          cr_assert_eq(icp_dupes_add_in(w[(r / 37) % 3], occ[r].dom,
                                        occ[r].file, occ[r].line), ICP_OK);
        for(i = 0; i < 3; i++)
          cr_assert_eq(icp_dupes_absorb(run, w[i]), ICP_OK);
        cr_assert_gt(run->nhf, 0, "nothing spilled to a hashed file");
        if(prune)
          cr_assert_eq(icp_dupes_prune(run, prune), ICP_OK);
        got_init(&g, run);
        if(!m && !b && !prune) { /* the reference, once */
          struct occ *copy = malloc(nocc * sizeof(*copy));
          cr_assert(copy);
          memcpy(copy, occ, nocc * sizeof(*copy));
          icp_buf_init(&want, 64u << 20);
          brute_force(copy, nocc, files, &want, &want_dups);
          free(copy);
          cr_assert_gt(want_dups, 500, "%ld", want_dups);
        }
        cr_assert_eq(icp_dupes_report(run, collect, &g), want_dups,
                     "mask %zu, budget %zu, prune %d", m, budgets[b], prune);
        cr_assert_str_eq(text(&g), want.p, "mask %zu, budget %zu, prune %d",
                         m, budgets[b], prune);
        for(i = 0; i < 3; i++)
          icp_dupes_free(w[i]);
        icp_dupes_free(run);
        icp_buf_free(&g.out);
      }
  cr_assert(strstr(want.p, "everywhere.example: a.csv:1, a.csv:26,"));
  cr_assert(strstr(want.p, " and 200 more\n"));
  icp_buf_free(&want);
  free(occ);
}
