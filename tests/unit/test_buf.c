/*
 * test_buf.c -- core/base/buf: appends past the cap or out of memory are
 * sticky (the end of a long build cannot report success), and the writers
 * built on it fail closed: a report page that does not fit is an error,
 * never ICP_OK with a truncated page.
 */
#include <criterion/criterion.h>

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "report/report.h"

Test(buf, a_failed_append_is_sticky_until_reset)
{
  struct icp_buf b;
  icp_buf_init(&b, 8);
  cr_assert_eq(icp_buf_adds(&b, "abc"), ICP_OK);
  cr_assert_eq(icp_buf_adds(&b, "defghij"), ICP_ELIMIT);
  cr_assert_eq(icp_buf_status(&b), ICP_ELIMIT);
  /* a later append that would fit still fails and adds nothing */
  cr_assert_eq(icp_buf_addc(&b, 'd'), ICP_ELIMIT);
  cr_assert_eq(icp_buf_add(&b, "x", 1), ICP_ELIMIT);
  cr_assert_eq(icp_buf_printf(&b, "%d", 1), ICP_ELIMIT);
  cr_assert_eq(icp_buf_json_str(&b, "q", 1), ICP_ELIMIT);
  cr_assert_eq(icp_buf_json_num(&b, 1), ICP_ELIMIT);
  cr_assert_eq(icp_buf_json_fixed(&b, 1), ICP_ELIMIT);
  cr_assert_eq(b.len, 3);
  cr_assert_str_eq(b.p, "abc");
  cr_assert_eq(icp_buf_status(&b), ICP_ELIMIT);
  icp_buf_reset(&b);
  cr_assert_eq(icp_buf_status(&b), ICP_OK);
  cr_assert_eq(icp_buf_adds(&b, "12345678"), ICP_OK);
  cr_assert_str_eq(b.p, "12345678");
  icp_buf_free(&b);
}

Test(buf, the_first_error_wins_and_free_clears_it)
{
  struct icp_buf b;
  icp_buf_init(&b, 4);
  cr_assert_eq(icp_buf_printf(&b, "%s", "toolong"), ICP_ELIMIT);
  cr_assert_eq(icp_buf_adds(&b, "a"), ICP_ELIMIT);
  icp_buf_free(&b);
  cr_assert_eq(icp_buf_status(&b), ICP_OK);
  icp_buf_init(&b, 4);
  cr_assert_eq(icp_buf_adds(&b, "a"), ICP_OK);
  icp_buf_free(&b);
}

Test(buf, strdup_copies_and_null_copies_as_empty)
{
  char *a = icp_strdup("acme.io"), *e = icp_strdup(NULL);
  cr_assert_str_eq(a, "acme.io");
  cr_assert_str_eq(e, "");
  free(a);
  free(e);
}

static const char scored[] =
  "{\"domain\":\"a.io\",\"score\":82,\"tier\":\"A\",\"fired\":"
  "{\"<b>x</b>\":20}}\n"
  "{\"domain\":\"b.io\",\"score\":41.5,\"tier\":\"C\",\"fired\":{}}\n";

/* Every cap smaller than the page: never ICP_OK, and every cap at least
 * the page: ICP_OK with the whole page (the issue found 278 caps that gave
 * ICP_OK with a page cut short). */
Test(buf, a_report_that_does_not_fit_is_an_error_at_every_cap)
{
  struct icp_report *r = icp_report_new();
  struct icp_err err;
  struct icp_buf full, b;
  size_t cap, ok = 0, failed = 0;
  cr_assert_eq(icp_report_add_text(r, "s.jsonl", scored, strlen(scored),
                                   &err), ICP_OK, "%s", err.msg);
  icp_buf_init(&full, 1 << 24);
  cr_assert_eq(icp_report_render(r, "t", &full), ICP_OK);
  cr_assert(strstr(full.p, "</html>"));
  for(cap = 1; cap <= full.len + 16; cap++) {
    enum icp_status st;
    icp_buf_init(&b, cap);
    st = icp_report_render(r, "t", &b);
    if(cap < full.len) {
      cr_assert_neq(st, ICP_OK, "cap %zu of %zu gave ICP_OK", cap,
                    full.len);
      failed++;
    }
    else {
      cr_assert_eq(st, ICP_OK, "cap %zu", cap);
      cr_assert_eq(b.len, full.len);
      cr_assert_eq(memcmp(b.p, full.p, full.len), 0);
      ok++;
    }
    icp_buf_free(&b);
  }
  cr_assert_gt(failed, 1000);
  cr_assert_eq(ok, 17);
  icp_buf_free(&full);
  icp_report_free(r);
}

Test(buf, grow_doubles_keeps_the_content_and_refuses_overflow)
{
  int *v = NULL;
  size_t cap = 0, i;

  cr_assert_eq(icp_grow(v, cap, 0), ICP_OK);
  cr_assert_null(v, "nothing asked, nothing allocated");
  for(i = 0; i < 1000; i++) {
    cr_assert_eq(icp_grow(v, cap, i + 1), ICP_OK);
    cr_assert_geq(cap, i + 1);
    v[i] = (int)i;
  }
  cr_assert_eq(cap, 1024, "8 doubled up to 1024, got %zu", cap);
  for(i = 0; i < 1000; i++)
    cr_assert_eq(v[i], (int)i);
  /* a size that overflows leaves the array and its capacity as they were */
  cr_assert_eq(icp_grow(v, cap, SIZE_MAX / 2), ICP_ENOMEM);
  cr_assert_eq(cap, 1024);
  cr_assert_eq(v[999], 999);
  free(v);
}

/* The escape of one byte as a JSON string holds it, written the slow way:
 * the reference the word-at-a-time scan must agree with. */
static size_t escape_one(unsigned char c, char *o)
{
  switch(c) {
  case '"': memcpy(o, "\\\"", 2); return 2;
  case '\\': memcpy(o, "\\\\", 2); return 2;
  case '\n': memcpy(o, "\\n", 2); return 2;
  case '\r': memcpy(o, "\\r", 2); return 2;
  case '\t': memcpy(o, "\\t", 2); return 2;
  default:
    if(c < 0x20)
      return (size_t)sprintf(o, "\\u%04x", c);
    if(c >= 0x80) { /* alone, never valid UTF-8 */
      memcpy(o, "\xef\xbf\xbd", 3);
      return 3;
    }
    *o = (char)c;
    return 1;
  }
}

Test(buf, json_strings_escape_every_byte_at_every_place_in_a_word)
{
  char s[19], want[64], got[6 * sizeof(s) + 2];
  struct icp_buf b;
  int c;
  size_t k, n;
  icp_buf_init(&b, 1 << 16);
  for(c = 0; c < 256; c++)
    for(k = 0; k < sizeof(s); k++) {
      memset(s, 'a', sizeof(s));
      s[k] = (char)c;
      want[0] = '"';
      n = 1 + k;
      memset(want + 1, 'a', k);
      n += escape_one((unsigned char)c, want + n);
      memset(want + n, 'a', sizeof(s) - k - 1);
      n += sizeof(s) - k - 1;
      want[n++] = '"';
      icp_buf_reset(&b);
      cr_assert_eq(icp_buf_json_str(&b, s, sizeof(s)), ICP_OK);
      cr_assert(b.len == n && !memcmp(b.p, want, n),
                "byte 0x%02x at %zu: %s", c, k, b.p);
      cr_assert(icp_put_json_str(got, s, sizeof(s)) == got + n &&
                !memcmp(got, want, n), "put: byte 0x%02x at %zu", c, k);
    }
  /* valid sequences across a word's end are copied as they are */
  for(k = 0; k < 12; k++) {
    const char *seq[] = { "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80" };
    size_t j;
    for(j = 0; j < 3; j++) {
      size_t q = strlen(seq[j]);
      memset(s, 'b', sizeof(s));
      memcpy(s + k, seq[j], q);
      icp_buf_reset(&b);
      cr_assert_eq(icp_buf_json_str(&b, s, sizeof(s)), ICP_OK);
      cr_assert(b.len == sizeof(s) + 2 && !memcmp(b.p + 1, s, sizeof(s)));
      cr_assert(icp_put_json_str(got, s, sizeof(s)) == got + sizeof(s) + 2);
      cr_assert(!memcmp(got + 1, s, sizeof(s)));
    }
  }
  icp_buf_free(&b);
}

Test(buf, fixed_numbers_whole_and_fractional)
{
  static const struct { double v; const char *s; } cases[] = {
    { 0, "0" }, { -0.0, "0" }, { 7, "7" }, { 10, "10" }, { 99, "99" },
    { 100, "100" }, { 1001, "1001" }, { 4294967295.0, "4294967295" },
    { 4294967296.0, "4294967296" }, { -3, "-3" }, { 0.5, "0.5" },
    { 57.25, "57.25" }, { 1e-7, "0" }, { -1e-7, "0" },
    { 2.0000004, "2" }, { 2.0000005, "2.000001" }, { 0.85, "0.85" },
    { 9e12, "9000000000000" }, { 1e300, "1e+300" },
  };
  char got[ICP_FIXED_MAX + 1], want[32];
  struct icp_buf b;
  size_t i;
  int k;
  icp_buf_init(&b, 1 << 16);
  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    *icp_put_fixed(got, cases[i].v) = 0;
    cr_assert_str_eq(got, cases[i].s, "%.17g", cases[i].v);
    icp_buf_reset(&b);
    cr_assert_eq(icp_buf_json_fixed(&b, cases[i].v), ICP_OK);
    cr_assert_str_eq(b.p, cases[i].s);
  }
  /* every whole number below 200,000, and each plus a half */
  for(k = 0; k < 200000; k++) {
    sprintf(want, "%d", k);
    *icp_put_fixed(got, k) = 0;
    cr_assert_str_eq(got, want);
    sprintf(want, "%d.5", k);
    *icp_put_fixed(got, k + 0.5) = 0;
    cr_assert_str_eq(got, want);
  }
  /* every sixth decimal place: the digits as printf rounds them, the
   * trailing zeros dropped */
  for(k = 1; k < 1000000; k += 7) {
    double v = -42 - k / 1e6;
    size_t n = (size_t)sprintf(want, "%.6f", v);
    while(want[n - 1] == '0')
      want[--n] = 0;
    *icp_put_fixed(got, v) = 0;
    cr_assert_str_eq(got, want);
  }
  icp_buf_free(&b);
}

/* The kB of anonymous huge pages in the mapping that holds p
 * (/proc/self/smaps); -1 when it cannot be read. */
static long huge_kb_at(const void *p)
{
  FILE *f = fopen("/proc/self/smaps", "r");
  char line[512];
  int in = 0;
  long kb = -1;
  if(!f)
    return -1;
  while(fgets(line, sizeof(line), f)) {
    unsigned long lo, hi;
    if(isxdigit((unsigned char)line[0]) &&
       sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
      in = (uintptr_t)p >= lo && (uintptr_t)p < hi;
    else if(in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
      break;
  }
  fclose(f);
  return kb;
}

Test(buf, a_large_grown_array_asks_for_huge_pages)
{
  char mode[64] = "";
  FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
  size_t cap = 0, i;
  char *a = NULL;
  long kb;
  if(f) {
    if(!fgets(mode, sizeof(mode), f))
      mode[0] = 0;
    fclose(f);
  }
  /* advice on small blocks, odd sizes and NULL is harmless */
  icp_mem_huge(NULL, (size_t)64 << 20);
  icp_mem_huge(mode, sizeof(mode));
  cr_assert_eq(icp_grow(a, cap, (size_t)16 << 20), ICP_OK);
  for(i = 0; i < cap; i += 4096)
    a[i] = (char)i;
  for(i = 0; i < cap; i += 4096)
    cr_assert_eq(a[i], (char)i);
  kb = huge_kb_at(a + (8 << 20));
  if(strstr(mode, "[never]") || kb < 0) {
    free(a);
    cr_skip_test("transparent huge pages are off here (or not seen)");
  }
  cr_assert_gt(kb, 0, "no huge page in a 16 MiB array (THP: %s)", mode);
  free(a);
}
