/* run.c -- the streaming loop: read, enrich, score, hand over. */
#include <stdlib.h>
#include <string.h>

#include "data/dupes.h"
#include "io/reader.h"
#include "score/run.h"

struct run {
  const struct icp_run_opts *o;
  FILE *diag;
  struct icp_run_stats *st;
  long shown_bad, shown_warn;
};

static void warn_cb(void *ud, const char *msg)
{
  struct run *run = ud;
  run->st->warnings++;
  if(run->shown_warn++ < ICP_RUN_MAX_MESSAGES)
    fprintf(run->diag, "%s\n", msg);
}

static void dup_cb(void *ud, const char *domain, const struct icp_dupe_at *at,
                   size_t n)
{
  struct run *run = ud;
  struct icp_buf b;
  icp_buf_init(&b, 1 << 20);
  if(!icp_dupes_format(&b, domain, at, n, (long)n) && b.p)
    fprintf(run->diag, "duplicate domain %s\n", b.p);
  icp_buf_free(&b);
  run->st->duplicates++;
}

static enum icp_status score_batch(struct icp_account **batch, size_t n,
                                   struct icp_pack **packs,
                                   struct icp_result **res, int npacks,
                                   const struct icp_run_opts *o,
                                   icp_run_fn fn, void *ud,
                                   struct icp_run_stats *st,
                                   struct icp_err *err)
{
  size_t i;
  int k;
  enum icp_status s;
  if(o->enrich && n) {
    s = o->enrich(o->enrich_ud, batch, n, err);
    if(s)
      return s;
  }
  for(i = 0; i < n; i++) {
    unsigned mask = o->select ? o->select(o->select_ud, batch[i]) : ~0u;
    int errors = 0;
    for(k = 0; k < npacks; k++) {
      if(!(mask & (1u << k))) {
        res[k]->tier_name = NULL; /* not scored by this pack */
        continue;
      }
      icp_score(packs[k], batch[i], res[k], o->explain);
      errors |= res[k]->nerrors > 0;
    }
    st->rule_errors += errors;
    s = fn(ud, batch[i], res, npacks, err);
    if(s)
      return s;
    st->scored++;
    if(o->progress && (st->scored & 16383) == 0)
      o->progress(o->progress_ud, st, 0);
  }
  return ICP_OK;
}

enum icp_status icp_run(const char *const *inputs, int ninputs,
                        struct icp_pack **packs, int npacks,
                        struct icp_schema *schema,
                        const struct icp_run_opts *opts, icp_run_fn fn,
                        void *ud, struct icp_run_stats *stats,
                        struct icp_err *err)
{
  struct icp_run_opts none;
  struct run run;
  struct icp_result *res[32];
  struct icp_account *batch[ICP_RUN_BATCH];
  struct icp_dupes *dupes = NULL;
  size_t bsize, nb = 0, i;
  enum icp_status st = ICP_OK;
  int k, in;

  memset(&none, 0, sizeof(none));
  if(!opts)
    opts = &none;
  memset(stats, 0, sizeof(*stats));
  memset(&run, 0, sizeof(run));
  run.o = opts;
  run.diag = opts->diag ? opts->diag : stderr;
  run.st = stats;
  if(npacks < 1 || npacks > 32)
    return icp_err_set(err, ICP_EINVAL, "1 to 32 packs per run");
  bsize = opts->enrich ? ICP_RUN_BATCH : 1;
  memset(res, 0, sizeof(res));
  memset(batch, 0, sizeof(batch));
  for(k = 0; k < npacks; k++)
    if(!(res[k] = icp_result_new(packs[k]))) {
      st = icp_err_set(err, ICP_ENOMEM, "out of memory");
      goto done;
    }
  for(i = 0; i < bsize; i++)
    if(!(batch[i] = icp_account_new(schema))) {
      st = icp_err_set(err, ICP_ENOMEM, "out of memory");
      goto done;
    }
  dupes = icp_dupes_new();
  if(!dupes) {
    st = icp_err_set(err, ICP_ENOMEM, "out of memory");
    goto done;
  }

  for(in = 0; in < ninputs && !st; in++) {
    struct icp_reader *r;
    st = icp_reader_open(&r, inputs[in], opts->format, schema, err);
    if(st)
      break;
    icp_reader_set_warn(r, warn_cb, &run);
    for(;;) {
      struct icp_err rerr;
      enum icp_status rs = icp_reader_next(r, batch[nb], &rerr);
      if(rs == ICP_EOF)
        break;
      if(rs == ICP_ESKIP) {
        stats->skipped++;
        if(run.shown_bad++ < ICP_RUN_MAX_MESSAGES || opts->strict)
          fprintf(run.diag, "%s\n", rerr.msg);
        if(opts->strict) {
          st = icp_err_set(err, ICP_ESKIP, "%s", rerr.msg);
          break;
        }
        continue;
      }
      if(rs) {
        st = icp_err_set(err, rs, "%s", rerr.msg);
        break;
      }
      stats->read++;
      /* a name that outlives the reader, as the reader spells it */
      batch[nb]->file = strcmp(inputs[in], "-") ? inputs[in] : "<stdin>";
      {
        const char *d = icp_account_domain(batch[nb]);
        if(d)
          icp_dupes_add(dupes, d, batch[nb]->file, batch[nb]->line);
      }
      if(++nb == bsize) {
        st = score_batch(batch, nb, packs, res, npacks, opts, fn, ud, stats,
                         err);
        nb = 0;
        if(st)
          break;
      }
    }
    if(!st && nb) {
      st = score_batch(batch, nb, packs, res, npacks, opts, fn, ud, stats,
                       err);
      nb = 0;
    }
    icp_reader_close(r);
  }
  if(stats->skipped > ICP_RUN_MAX_MESSAGES)
    fprintf(run.diag, "... %ld more bad records not shown\n",
            stats->skipped - ICP_RUN_MAX_MESSAGES);
  if(stats->warnings > ICP_RUN_MAX_MESSAGES)
    fprintf(run.diag, "... %ld more cell type errors not shown\n",
            stats->warnings - ICP_RUN_MAX_MESSAGES);
  if(!st)
    icp_dupes_report(dupes, dup_cb, &run);
  if(opts->progress)
    opts->progress(opts->progress_ud, stats, 1);
done:
  icp_dupes_free(dupes);
  for(k = 0; k < npacks; k++)
    icp_result_free(res[k]);
  for(i = 0; i < bsize; i++)
    icp_account_free(batch[i]);
  return st;
}
