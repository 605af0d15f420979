/* golden.c -- comparing a scored export with a stored snapshot. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/file.h"
#include "rules/pack.h"
#include "score/emit.h"
#include "score/golden.h"

/* a snapshot is read whole, at most this big */
#define SNAPSHOT_MAX ((size_t)1 << 30)

struct snap {
  char *key;            /* domain#n or @source */
  double score;
  char *tier, *route;
  char *fired;          /* "\0name\0name\0" style: ",a,b," */
  char *unknown;
  int seen;
};

struct golden {
  struct snap *s;
  size_t n, cap;
  size_t *tab;          /* open addressing: index + 1 */
  size_t tabcap;
  const struct icp_golden_opts *o;
  struct icp_golden_stats *st;
  struct icp_buf line, key, msg;
  FILE *upd;
  /* occurrences of domains in the new run, to build keys */
  struct snap *occ;     /* reuse: key -> count via a second table */
  char **okeys;
  long *ocount;
  size_t on, ocap, *otab, otabcap;
};

static int tab_put(size_t **tab, size_t *tabcap, size_t n, const char *key,
                   size_t idx, char **(*keyof)(void *, size_t), void *ud)
{
  size_t j;
  if((n + 1) * 2 > *tabcap) {
    size_t nc = *tabcap ? *tabcap * 2 : 1024, i;
    size_t *nt = calloc(nc, sizeof(*nt));
    if(!nt)
      return -1;
    for(i = 0; i < *tabcap; i++)
      if((*tab)[i]) {
        size_t k = (*tab)[i] - 1;
        j = icp_hash_str(*keyof(ud, k)) & (nc - 1);
        while(nt[j])
          j = (j + 1) & (nc - 1);
        nt[j] = k + 1;
      }
    free(*tab);
    *tab = nt;
    *tabcap = nc;
  }
  j = icp_hash_str(key) & (*tabcap - 1);
  while((*tab)[j])
    j = (j + 1) & (*tabcap - 1);
  (*tab)[j] = idx + 1;
  return 0;
}

static long tab_get(const size_t *tab, size_t tabcap, const char *key,
                    char **(*keyof)(void *, size_t), void *ud)
{
  size_t j;
  if(!tabcap)
    return -1;
  j = icp_hash_str(key) & (tabcap - 1);
  while(tab[j]) {
    if(!strcmp(*keyof(ud, tab[j] - 1), key))
      return (long)(tab[j] - 1);
    j = (j + 1) & (tabcap - 1);
  }
  return -1;
}

static char **snap_key(void *ud, size_t i)
{
  return &((struct golden *)ud)->s[i].key;
}

static char **occ_key(void *ud, size_t i)
{
  return &((struct golden *)ud)->okeys[i];
}

/* The n-th occurrence key of a domain in the new run ("acme.io#2"). */
static const char *next_key(struct golden *g, const char *domain,
                            const char *source)
{
  long i;
  icp_buf_reset(&g->key);
  if(!domain) {
    icp_buf_printf(&g->key, "@%s", source);
    return icp_buf_status(&g->key) ? NULL : g->key.p;
  }
  i = tab_get(g->otab, g->otabcap, domain, occ_key, g);
  if(i < 0) {
    /* okeys and ocount share ocap (a failure leaves it as it was) */
    size_t ck = g->ocap, cc = g->ocap;
    if(icp_grow(g->okeys, ck, g->on + 1) ||
       icp_grow(g->ocount, cc, g->on + 1))
      return NULL;
    g->ocap = ck;
    g->okeys[g->on] = icp_strdup(domain);
    g->ocount[g->on] = 0;
    if(!g->okeys[g->on] || tab_put(&g->otab, &g->otabcap, g->on,
                                   domain, g->on, occ_key, g))
      return NULL;
    i = (long)g->on++;
  }
  g->ocount[i]++;
  icp_buf_printf(&g->key, "%s#%ld", domain, g->ocount[i]);
  return icp_buf_status(&g->key) ? NULL : g->key.p;
}

/* ",a,b," from an array of names, or ",a=15,b=3.5," from the fired
 * object (names with the points they earned). */
static char *names_of(const cJSON *obj)
{
  struct icp_buf b;
  const cJSON *it;
  char *out;
  icp_buf_init(&b, 1 << 20);
  icp_buf_addc(&b, ',');
  cJSON_ArrayForEach(it, obj) {
    if(cJSON_IsString(it))
      icp_buf_printf(&b, "%s,", it->valuestring);
    else if(it->string && cJSON_IsNumber(it))
      icp_buf_printf(&b, "%s=%.17g,", it->string, it->valuedouble);
  }
  out = icp_buf_status(&b) ? NULL : icp_strdup(b.p);
  icp_buf_free(&b);
  return out; /* NULL: out of memory or past the cap */
}

/* One line of the snapshot (without its newline) into g. */
static enum icp_status snap_line(struct golden *g, const char *path,
                                 long lineno, const char *p, size_t n,
                                 struct icp_err *err)
{
  cJSON *j, *d, *sc, *ti, *ro, *fi, *un, *so;
  struct snap *s;
  const char *key;
  j = cJSON_ParseWithLengthOpts(p, n, NULL, 0);
  if(!j)
    return icp_err_set(err, ICP_EINVAL, "%s:%ld: not a scored account "
                       "(JSON)", path, lineno);
  d = cJSON_GetObjectItemCaseSensitive(j, "domain");
  sc = cJSON_GetObjectItemCaseSensitive(j, "score");
  ti = cJSON_GetObjectItemCaseSensitive(j, "tier");
  ro = cJSON_GetObjectItemCaseSensitive(j, "route");
  fi = cJSON_GetObjectItemCaseSensitive(j, "fired");
  un = cJSON_GetObjectItemCaseSensitive(j, "unknown");
  so = cJSON_GetObjectItemCaseSensitive(j, "source");
  if(!cJSON_IsNumber(sc) || !cJSON_IsString(ti)) {
    cJSON_Delete(j);
    return icp_err_set(err, ICP_EINVAL, "%s:%ld: not a scored account "
                       "(no score or tier)", path, lineno);
  }
  /* occurrence counting for snapshot keys reuses next_key's table */
  key = next_key(g, cJSON_IsString(d) ? d->valuestring : NULL,
                 cJSON_IsString(so) ? so->valuestring : "?");
  if(!key || icp_grow(g->s, g->cap, g->n + 1)) {
    cJSON_Delete(j);
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  }
  s = &g->s[g->n];
  memset(s, 0, sizeof(*s));
  s->key = icp_strdup(key);
  s->score = sc->valuedouble;
  s->tier = icp_strdup(ti->valuestring);
  s->route = cJSON_IsString(ro) ? icp_strdup(ro->valuestring) : NULL;
  s->fired = names_of(fi);
  s->unknown = names_of(un);
  cJSON_Delete(j);
  g->n++; /* free_golden frees what was copied */
  if(!s->key || !s->tier || (cJSON_IsString(ro) && !s->route) ||
     !s->fired || !s->unknown ||
     tab_put(&g->tab, &g->tabcap, g->n - 1, s->key, g->n - 1, snap_key, g))
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  return ICP_OK;
}

static enum icp_status load_snapshot(struct golden *g, const char *path,
                                     struct icp_err *err)
{
  char *text;
  const char *p, *end;
  size_t len;
  long lineno = 0;
  enum icp_status st = icp_read_file(path, SNAPSHOT_MAX, &text, &len, err);
  if(st == ICP_EIO && errno == ENOENT && g->o->update)
    return ICP_OK;
  if(st)
    return st;
  for(p = text, end = text + len; p < end && !st;) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *e = nl ? nl : end;
    lineno++;
    if(e > p)
      st = snap_line(g, path, lineno, p, (size_t)(e - p), err);
    p = nl ? nl + 1 : end;
  }
  free(text);
  if(st)
    return st;
  /* the new run counts occurrences from zero again */
  {
    size_t i;
    for(i = 0; i < g->on; i++)
      g->ocount[i] = 0;
  }
  return ICP_OK;
}

/* Whether name is in names; *pts gets its points when given. */
static int in_names(const char *names, const char *name, double *pts)
{
  size_t n = strlen(name);
  const char *p = names;
  while(p && (p = strstr(p, name))) {
    if(p > names && p[-1] == ',' && (p[n] == ',' || p[n] == '=')) {
      if(pts)
        *pts = p[n] == '=' ? strtod(p + n + 1, NULL) : 0;
      return 1;
    }
    p += 1;
  }
  return 0;
}

static const char *old_outcome(const struct snap *s, const char *rule)
{
  if(in_names(s->fired, rule, NULL))
    return "fired";
  if(in_names(s->unknown, rule, NULL))
    return "unknown";
  return "not fired";
}

static enum icp_status compare(void *ud, const struct icp_account *a,
                               struct icp_result *const *res, int n,
                               struct icp_err *err)
{
  static const char *const oname[] = { "not fired", "fired", "unknown" };
  struct golden *g = ud;
  const struct icp_result *r = res[0];
  const struct icp_pack *p = r->pack;
  char src[600];
  const char *key;
  long i;
  (void)n;
  snprintf(src, sizeof(src), "%s:%ld", a->file ? a->file : "-", a->line);
  if(g->upd) {
    icp_buf_reset(&g->line);
    if(icp_emit_jsonl(&g->line, p, a, r, 0, NULL) ||
       fwrite(g->line.p, 1, g->line.len, g->upd) != g->line.len)
      return icp_err_set(err, ICP_EIO, "writing the new snapshot failed");
  }
  key = next_key(g, icp_account_domain(a), src);
  if(!key)
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  i = tab_get(g->tab, g->tabcap, key, snap_key, g);
  if(i < 0) {
    g->st->added++;
    if(!g->o->update)
      fprintf(g->o->out, "  new    %s (%s): tier %s, score %.6g\n", key,
              src, r->tier_name, r->score);
    return ICP_OK;
  }
  g->st->compared++;
  g->s[i].seen = 1;
  {
    const struct snap *s = &g->s[i];
    int tier_ch = strcmp(s->tier, r->tier_name) != 0;
    int route_ch = strcmp(s->route ? s->route : "",
                          r->route ? r->route : "") != 0;
    int score_ch = fabs(s->score - r->score) > g->o->tolerance;
    int k;
    if(!tier_ch && !route_ch && !score_ch)
      return ICP_OK;
    g->st->changed++;
    if(g->o->update)
      return ICP_OK;
    icp_buf_reset(&g->msg);
    {
      size_t kl = strlen(key);
      int shown = kl > 2 && !strcmp(key + kl - 2, "#1") ? (int)kl - 2 :
                  (int)kl; /* the first occurrence reads as the domain */
      icp_buf_printf(&g->msg, "  change %.*s (%s):", shown, key, src);
    }
    if(tier_ch)
      icp_buf_printf(&g->msg, " tier %s -> %s,", s->tier, r->tier_name);
    if(route_ch)
      icp_buf_printf(&g->msg, " route %s -> %s,", s->route ? s->route :
                     "none", r->route ? r->route : "none");
    icp_buf_printf(&g->msg, " score %.6g -> %.6g", s->score, r->score);
    if(icp_buf_status(&g->msg))
      return icp_err_set(err, icp_buf_status(&g->msg), "%s: change too "
                         "long to report", src);
    fprintf(g->o->out, "%s\n", g->msg.p);
    icp_buf_reset(&g->msg);
    for(k = 0; k < p->nrules; k++) {
      const char *was = old_outcome(s, p->rules[k].name);
      const char *now = oname[r->outcome[k]];
      double old_pts = 0;
      if(strcmp(was, now))
        icp_buf_printf(&g->msg, "%s%s: %s -> %s", g->msg.len ? "; " : "",
                       p->rules[k].name, was, now);
      else if(r->outcome[k] == ICP_TRUE &&
              in_names(s->fired, p->rules[k].name, &old_pts) &&
              fabs(old_pts - r->earned[k]) > 1e-6)
        icp_buf_printf(&g->msg, "%s%s: %.6g -> %.6g points",
                       g->msg.len ? "; " : "", p->rules[k].name, old_pts,
                       r->earned[k]);
    }
    if(icp_buf_status(&g->msg))
      return icp_err_set(err, icp_buf_status(&g->msg), "%s: change too "
                         "long to report", src);
    if(g->msg.len)
      fprintf(g->o->out, "         rules changed: %s\n", g->msg.p);
    else
      fprintf(g->o->out, "         no rule changed outcome or points "
              "(dimension weights or maxima did)\n");
  }
  return ICP_OK;
}

static void free_golden(struct golden *g)
{
  size_t i;
  for(i = 0; i < g->n; i++) {
    free(g->s[i].key);
    free(g->s[i].tier);
    free(g->s[i].route);
    free(g->s[i].fired);
    free(g->s[i].unknown);
  }
  for(i = 0; i < g->on; i++)
    free(g->okeys[i]);
  free(g->okeys);
  free(g->ocount);
  free(g->otab);
  free(g->s);
  free(g->tab);
  icp_buf_free(&g->line);
  icp_buf_free(&g->key);
  icp_buf_free(&g->msg);
}

enum icp_status icp_golden_run(const char *path, const char *const *inputs,
                               int ninputs, struct icp_pack *pack,
                               struct icp_schema *schema,
                               const struct icp_golden_opts *o,
                               struct icp_golden_stats *st,
                               struct icp_err *err)
{
  struct golden g;
  struct icp_run_opts ro;
  char tmp[4096];
  enum icp_status s;
  size_t i;

  memset(&g, 0, sizeof(g));
  memset(st, 0, sizeof(*st));
  g.o = o;
  g.st = st;
  icp_buf_init(&g.line, (size_t)64 << 20);
  icp_buf_init(&g.key, 4096);
  icp_buf_init(&g.msg, 1 << 20);
  s = load_snapshot(&g, path, err);
  if(s) {
    free_golden(&g);
    return s;
  }
  if(o->update) {
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    g.upd = fopen(tmp, "wb");
    if(!g.upd) {
      free_golden(&g);
      return icp_err_set(err, ICP_EIO, "%s: %s", tmp, strerror(errno));
    }
  }
  memset(&ro, 0, sizeof(ro));
  ro.format = o->format;
  ro.diag = o->out;
  s = icp_run(inputs, ninputs, &pack, 1, schema, &ro, compare, &g, &st->run,
              err);
  for(i = 0; !s && i < g.n; i++)
    if(!g.s[i].seen) {
      st->removed++;
      if(!o->update)
        fprintf(o->out, "  gone   %s: was tier %s, score %.6g\n",
                g.s[i].key, g.s[i].tier, g.s[i].score);
    }
  if(g.upd) {
    if(fclose(g.upd) && !s)
      s = icp_err_set(err, ICP_EIO, "%s: write failed", tmp);
    if(!s && rename(tmp, path))
      s = icp_err_set(err, ICP_EIO, "%s: %s", path, strerror(errno));
    if(s)
      remove(tmp);
  }
  free_golden(&g);
  return s;
}
