/* suggest.c -- "did you mean": optimal string alignment distance. */
#include <string.h>

#include "base/suggest.h"

#define MAXLEN 64

static int low(int c)
{
  return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Distance between a and b, or a value above cap when it exceeds cap. */
static int distance(const char *a, size_t an, const char *b, size_t bn,
                    int cap)
{
  int d[MAXLEN + 1][MAXLEN + 1];
  size_t i, j;
  if(an > MAXLEN || bn > MAXLEN)
    return cap + 1;
  if((an > bn ? an - bn : bn - an) > (size_t)cap)
    return cap + 1;
  for(i = 0; i <= an; i++)
    d[i][0] = (int)i;
  for(j = 0; j <= bn; j++)
    d[0][j] = (int)j;
  for(i = 1; i <= an; i++)
    for(j = 1; j <= bn; j++) {
      int cost = low((unsigned char)a[i - 1]) != low((unsigned char)b[j - 1]);
      int v = d[i - 1][j] + 1;
      if(d[i][j - 1] + 1 < v)
        v = d[i][j - 1] + 1;
      if(d[i - 1][j - 1] + cost < v)
        v = d[i - 1][j - 1] + cost;
      if(i > 1 && j > 1 &&
         low((unsigned char)a[i - 1]) == low((unsigned char)b[j - 2]) &&
         low((unsigned char)a[i - 2]) == low((unsigned char)b[j - 1]) &&
         d[i - 2][j - 2] + 1 < v)
        v = d[i - 2][j - 2] + 1;
      d[i][j] = v;
    }
  return d[an][bn];
}

const char *icp_suggest(const char *s, const char *const *names, size_t n)
{
  size_t sn = strlen(s), i;
  int cap = sn <= 4 ? 1 : (sn <= 8 ? 2 : 3), best = cap + 1;
  const char *found = NULL;
  for(i = 0; i < n; i++) {
    int dd;
    if(!names[i])
      continue;
    dd = distance(s, sn, names[i], strlen(names[i]), cap);
    if(dd < best && strcmp(s, names[i])) {
      best = dd;
      found = names[i];
    }
  }
  return found;
}
