/* utf8.h -- UTF-8 validation. */
#ifndef ICP_UTF8_H
#define ICP_UTF8_H

#include <stddef.h>

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if it is invalid
 * (overlong, surrogate, out of range, truncated). */
size_t icp_utf8_seq(const char *s, size_t n);

/* 1 if s[0..n) is valid UTF-8 without NUL bytes. */
int icp_utf8_valid(const char *s, size_t n);

#endif
