/* suggest.h -- "did you mean": the closest known name to a typo. */
#ifndef ICP_SUGGEST_H
#define ICP_SUGGEST_H

#include <stddef.h>

/* The name of names[0..n) closest to s by edit distance (insertions,
 * deletions, substitutions, adjacent transpositions; case-insensitive),
 * when it is close enough to be a typo: at most 1 edit for names of up to
 * 4 bytes, 2 up to 8, else 3. NULL when none is. Names longer than 63
 * bytes are never suggested. */
const char *icp_suggest(const char *s, const char *const *names, size_t n);

#endif
