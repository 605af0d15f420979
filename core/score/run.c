/* run.c -- the streaming loop: read, enrich, score, hand over. */
#include <stdlib.h>
#include <string.h>

#include "data/columns.h"
#include "data/dupes.h"
#include "io/reader.h"
#include "rules/fields_check.h"
#include "score/run_impl.h"

/* ---- cells that did not fit: a summary per column ----------------------- */

/* The column of a cell warning, counted by file and column; the first
 * message is kept for the summary. Warnings arrive in input order on the
 * calling thread whatever the number of threads. */
struct cellsum {
  char key[512];         /* "FILE:LINE: column 'x'" without LINE */
  long count;
  char first[ICP_ERR_MAX + 128];
};

#define CELLSUM_MAX 4096

static void tally_cell(struct icp_run_state *rs, const char *msg)
{
  const char *col = strstr(msg, ": column '"), *end, *colon;
  struct cellsum *c = rs->cells;
  char key[512];
  int i;
  if(!col || !(end = strstr(col + 10, "': ")))
    return;
  for(colon = col; colon > msg && colon[-1] != ':'; colon--)
    ;  /* back over LINE to the ':' after FILE */
  if(colon == msg)
    return;
  snprintf(key, sizeof(key), "%.*s%.*s", (int)(colon - 1 - msg), msg,
           (int)(end + 1 - col), col);
  for(i = 0; i < rs->ncells; i++)
    if(!strcmp(c[i].key, key)) {
      c[i].count++;
      return;
    }
  if(rs->ncells >= CELLSUM_MAX)
    return;
  if(icp_grow(rs->cells, rs->capcells, (size_t)rs->ncells + 1))
    return;
  c = rs->cells;
  snprintf(c[rs->ncells].key, sizeof(c[rs->ncells].key), "%s", key);
  snprintf(c[rs->ncells].first, sizeof(c[rs->ncells].first), "%s", msg);
  c[rs->ncells].count = 1;
  rs->ncells++;
}

/* "FILE: column 'x': N cells did not fit, the first at FILE:LINE: ..." */
static void cell_summary(struct icp_run_state *rs)
{
  struct cellsum *c = rs->cells;
  int i;
  for(i = 0; i < rs->ncells; i++) {
    const char *col = strstr(c[i].first, ": column '");
    const char *why = col ? strstr(col + 10, "': ") : NULL;
    if(!why)
      continue;
    fprintf(rs->diag, "%s: %ld cell%s did not fit, the first at %.*s: %s\n",
            c[i].key, c[i].count, c[i].count == 1 ? "" : "s",
            (int)(col - c[i].first), c[i].first, why + 3);
  }
  free(rs->cells);
  rs->cells = NULL;
  rs->ncells = 0;
  rs->capcells = 0;
}

/* ---- hand-over, shared with pool.c ------------------------------------- */

void icp_run_warned(struct icp_run_state *rs, const char *msg)
{
  rs->st->warnings++;
  if(rs->shown_warn++ < ICP_RUN_MAX_CELL_MESSAGES)
    fprintf(rs->diag, "%s\n", msg);
  tally_cell(rs, msg);
}

/* ---- what an input says about itself (issue 18) ------------------------ */

static void note_cb(void *ud, const char *msg)
{
  struct icp_run_state *rs = ud;
  fprintf(rs->diag, "%s\n", msg);
}

static int is_column(void *ud, int id)
{
  return icp_reader_has_column(ud, id) == 1;
}

static void field_cb(void *ud, const char *msg)
{
  struct icp_run_state *rs = ud;
  rs->st->unknown_fields++;
  fprintf(rs->diag, "warning: %s\n", msg);
}

void icp_run_opened(struct icp_run_state *rs, struct icp_reader *r,
                    struct icp_pack **packs, int first)
{
  int k;
  icp_reader_set_note(r, note_cb, rs);
  if(icp_reader_has_column(r, 0) < 0)
    rs->headerless = 1;
  /* at the start of the run: fields that nothing provides */
  for(k = 0; first && k < rs->npacks && icp_reader_has_column(r, 0) >= 0;
      k++)
    icp_pack_check_fields(packs[k], is_column, r, field_cb, rs);
}

void icp_run_closing(struct icp_run_state *rs, struct icp_reader *r)
{
  long records = rs->in_records;
  /* a --columns mapping that fed nothing: said at the header, and, as a
   * field nothing provides, it makes the exit status 2 */
  rs->st->unknown_fields += icp_reader_unmatched(r);
  /* a CSV header says whether there is a key column; JSONL records do,
   * but only those read (a bad record says nothing) */
  if(icp_reader_has_column(r, 0) < 0)
    records = rs->in_read;
  if(records && !icp_reader_has_key(r) && !rs->key_seen) {
    rs->st->no_key++;
    fprintf(rs->diag, "%s: no domain column (the account key): every "
            "account is scored without a key; name the column with "
            "--columns FILE (columns { domain = \"Website\" }) or call it "
            "domain\n", icp_reader_name(r));
  }
  else if(rs->in_read && !rs->keyed) {
    /* a column of ids or names taken for the key: as good as none (bad
     * records, which have no domain, say nothing of it) */
    rs->st->no_key++;
    fprintf(rs->diag, "%s: the domain column (the account key) holds no "
            "domain: every account is scored without a key; name the "
            "column of websites with --columns FILE (columns { domain = "
            "\"Website\" })\n", icp_reader_name(r));
  }
  rs->in_records = rs->in_read = rs->keyed = 0;
  rs->key_seen = 0;
}

enum icp_status icp_run_bad(struct icp_run_state *rs, const char *msg,
                            struct icp_err *err)
{
  rs->st->skipped++;
  rs->in_records++;
  if(rs->shown_bad++ < ICP_RUN_MAX_MESSAGES || rs->o->strict)
    fprintf(rs->diag, "%s\n", msg);
  if(rs->o->strict)
    return icp_err_set(err, ICP_ESKIP, "%s", msg);
  return ICP_OK;
}

int icp_run_score(const struct icp_run_opts *o, struct icp_pack **packs,
                  struct icp_result **res, int npacks,
                  const struct icp_account *a)
{
  unsigned mask = o->select ? o->select(o->select_ud, a) : ~0u;
  int errors = 0, k;
  for(k = 0; k < npacks; k++) {
    if(!(mask & (1u << k))) {
      res[k]->tier_name = NULL; /* not scored by this pack */
      continue;
    }
    if(icp_score(packs[k], a, res[k], o->explain))
      return -1;
    errors |= res[k]->nerrors > 0;
  }
  return errors;
}

void icp_run_read(struct icp_run_state *rs, const struct icp_account *a,
                  int input)
{
  const char *d = icp_account_domain(a);
  rs->st->read++;
  rs->in_records++;
  rs->in_read++;
  if(d) {
    rs->keyed++;
    icp_dupes_add_in(rs->dupes, d, (unsigned)input, a->line);
  }
}

enum icp_status icp_run_hand(struct icp_run_state *rs,
                             const struct icp_account *a,
                             struct icp_result **res, int errors,
                             struct icp_err *err)
{
  enum icp_status s;
  rs->st->rule_errors += errors;
  s = rs->fn(rs->ud, a, res, rs->npacks, err);
  if(s)
    return s;
  rs->st->scored++;
  if(rs->o->progress && (rs->st->scored & 16383) == 0)
    rs->o->progress(rs->o->progress_ud, rs->st, 0);
  return ICP_OK;
}

static void dup_cb(void *ud, const char *domain, const struct icp_dupe_at *at,
                   size_t n)
{
  struct icp_run_state *rs = ud;
  struct icp_buf b;
  icp_buf_init(&b, 1 << 20);
  if(!icp_dupes_format(&b, domain, at, n, (long)n) && b.p)
    fprintf(rs->diag, "duplicate domain %s\n", b.p);
  else /* never a duplicate left unsaid */
    fprintf(rs->diag, "duplicate domain %s (where: lost, out of memory)\n",
            domain);
  icp_buf_free(&b);
  rs->st->duplicates++;
}

enum icp_status icp_run_finish(struct icp_run_state *rs, enum icp_status st,
                               struct icp_err *err)
{
  struct icp_run_stats *stats = rs->st;
  if(stats->skipped > ICP_RUN_MAX_MESSAGES)
    fprintf(rs->diag, "... %ld more bad records not shown\n",
            stats->skipped - ICP_RUN_MAX_MESSAGES);
  if(stats->warnings > ICP_RUN_MAX_CELL_MESSAGES)
    cell_summary(rs);
  free(rs->cells);
  rs->cells = NULL;
  /* a duplicate check that lost an occurrence (out of memory, or a
   * temporary file that failed) is not passed off as complete */
  if(!st && rs->headerless) {
    /* a --columns mapping no key of a JSONL record matched: a typo, as
     * a CSV header would have shown; the exit status is 2 */
    rs->st->unknown_fields +=
      icp_columns_say_unused(icp_schema_columns(rs->schema), rs->schema,
                             rs->diag);
  }
  if(!st && icp_dupes_report(rs->dupes, dup_cb, rs) < 0)
    st = icp_err_set(err, ICP_ENOMEM, "the duplicate-domain check is "
                     "incomplete: out of memory or a temporary file failed "
                     "(every account was scored and written)");
  if(rs->o->progress)
    rs->o->progress(rs->o->progress_ud, stats, 1);
  return st;
}

int icp_run_in_shard(const struct icp_run_opts *o,
                     const struct icp_account *a, long line)
{
  const char *d = a ? icp_account_domain(a) : NULL;
  uint64_t h = 1469598103934665603ULL; /* FNV-1a */
  char num[24];
  size_t i, n;
  if(o->shard_n <= 0)
    return 1;
  if(!d) {
    snprintf(num, sizeof(num), "%ld", line);
    d = num;
  }
  for(i = 0, n = strlen(d); i < n; i++) {
    h ^= (unsigned char)d[i];
    h *= 1099511628211ULL;
  }
  return (int)(h % (uint64_t)o->shard_n) == o->shard_k;
}

/* ---- the sequential loop ----------------------------------------------- */

static void warn_cb(void *ud, const char *msg)
{
  icp_run_warned(ud, msg);
}

static enum icp_status flush(struct icp_run_state *rs, struct icp_err *err)
{
  enum icp_status s = ICP_OK;
  if(rs->out.len)
    s = rs->o->write(rs->ud, rs->out.p, rs->out.len, err);
  icp_buf_reset(&rs->out);
  return s;
}

static enum icp_status score_batch(struct icp_run_state *rs,
                                   struct icp_account **batch, size_t n,
                                   struct icp_pack **packs,
                                   struct icp_result **res,
                                   struct icp_err *err)
{
  const struct icp_run_opts *o = rs->o;
  size_t i;
  enum icp_status s;
  if(o->enrich && n) {
    s = o->enrich(o->enrich_ud, batch, n, err);
    if(s)
      return s;
  }
  for(i = 0; i < n; i++) {
    int errors = icp_run_score(o, packs, res, rs->npacks, batch[i]);
    if(errors < 0)
      return icp_err_set(err, ICP_ENOMEM, "%s:%ld: out of memory",
                         batch[i]->file, batch[i]->line);
    s = icp_run_hand(rs, batch[i], res, errors, err);
    if(s)
      return s;
    if(o->emit) {
      if(o->emit(rs->ud, batch[i], res, rs->npacks, &rs->out))
        return icp_err_set(err, ICP_ENOMEM, "%s:%ld: result too large",
                           batch[i]->file, batch[i]->line);
      if(rs->out.len >= ICP_RUN_FLUSH && (s = flush(rs, err)))
        return s;
    }
  }
  return ICP_OK;
}

static enum icp_status run_seq(const char *const *inputs, int ninputs,
                               struct icp_pack **packs,
                               struct icp_schema *schema,
                               struct icp_run_state *rs, struct icp_err *err)
{
  const struct icp_run_opts *opts = rs->o;
  struct icp_result *res[32];
  struct icp_account *batch[ICP_RUN_BATCH];
  size_t bsize, nb = 0, i;
  enum icp_status st = ICP_OK;
  int k, in;

  bsize = opts->enrich ? ICP_RUN_BATCH : 1;
  memset(res, 0, sizeof(res));
  memset(batch, 0, sizeof(batch));
  for(k = 0; k < rs->npacks; k++)
    if(!(res[k] = icp_result_new(packs[k]))) {
      st = icp_err_set(err, ICP_ENOMEM, "out of memory");
      goto done;
    }
  for(i = 0; i < bsize; i++)
    if(!(batch[i] = icp_account_new(schema))) {
      st = icp_err_set(err, ICP_ENOMEM, "out of memory");
      goto done;
    }

  for(in = 0; in < ninputs && !st; in++) {
    struct icp_reader *r;
    st = icp_reader_open(&r, inputs[in], opts->format, schema, err);
    if(st)
      break;
    icp_reader_set_warn(r, warn_cb, rs);
    icp_run_opened(rs, r, packs, in == 0);
    if(opts->has_range)
      icp_reader_set_range(r, opts->range_beg, opts->range_end);
    for(;;) {
      struct icp_err rerr;
      enum icp_status s = icp_reader_next(r, batch[nb], &rerr);
      if(s == ICP_EOF)
        break;
      if(s == ICP_ESKIP) {
        if(!icp_run_in_shard(opts, NULL, batch[nb]->line))
          continue;
        st = icp_run_bad(rs, rerr.msg, err);
        if(st)
          break;
        continue;
      }
      if(s) {
        st = icp_err_set(err, s, "%s", rerr.msg);
        break;
      }
      if(!icp_run_in_shard(opts, batch[nb], batch[nb]->line))
        continue;
      /* a name that outlives the reader, as the reader spells it */
      batch[nb]->file = rs->names[in];
      if(icp_provenance_apply(rs->prov, batch[nb]) < 0) {
        st = icp_err_set(err, ICP_ENOMEM, "%s:%ld: out of memory",
                         batch[nb]->file, batch[nb]->line);
        break;
      }
      icp_run_read(rs, batch[nb], in);
      if(++nb == bsize) {
        st = score_batch(rs, batch, nb, packs, res, err);
        nb = 0;
        if(st)
          break;
      }
    }
    if(!st && nb) {
      st = score_batch(rs, batch, nb, packs, res, err);
      nb = 0;
    }
    icp_run_closing(rs, r);
    icp_reader_close(r);
  }
done:
  for(k = 0; k < rs->npacks; k++)
    icp_result_free(res[k]);
  for(i = 0; i < bsize; i++)
    icp_account_free(batch[i]);
  return st;
}

/* ---- API --------------------------------------------------------------- */

static int from_files(struct icp_pack **packs, int npacks)
{
  int k;
  for(k = 0; k < npacks; k++)
    if(!packs[k]->path)
      return 0;
  return 1;
}

enum icp_status icp_run(const char *const *inputs, int ninputs,
                        struct icp_pack **packs, int npacks,
                        struct icp_schema *schema,
                        const struct icp_run_opts *opts, icp_run_fn fn,
                        void *ud, struct icp_run_stats *stats,
                        struct icp_err *err)
{
  struct icp_run_opts none;
  struct icp_run_state rs;
  enum icp_status st, fst;
  int k;

  memset(&none, 0, sizeof(none));
  if(!opts)
    opts = &none;
  memset(stats, 0, sizeof(*stats));
  memset(&rs, 0, sizeof(rs));
  rs.o = opts;
  rs.schema = schema;
  rs.diag = opts->diag ? opts->diag : stderr;
  rs.st = stats;
  rs.fn = fn;
  rs.ud = ud;
  rs.npacks = npacks;
  if(npacks < 1 || npacks > 32)
    return icp_err_set(err, ICP_EINVAL, "1 to 32 packs per run");
  if(!opts->emit != !opts->write)
    return icp_err_set(err, ICP_EINVAL, "emit and write go together");
  icp_buf_init(&rs.out, (size_t)64 << 20);
  /* inputs by number, named as messages name them */
  rs.names = ninputs > 0 ? malloc((size_t)ninputs * sizeof(*rs.names))
                         : NULL;
  for(k = 0; rs.names && k < ninputs; k++)
    rs.names[k] = strcmp(inputs[k], "-") ? inputs[k] : "<stdin>";
  rs.dupes = icp_dupes_new();
  /* sources written by `icp enrich` (_sources) are read back */
  rs.prov = icp_provenance_new(schema, opts->threads > 1);
  if((ninputs > 0 && !rs.names) || !rs.dupes || !rs.prov ||
     icp_dupes_set_files(rs.dupes, rs.names, (size_t)ninputs) ||
     icp_provenance_need(rs.prov)) {
    free(rs.names);
    icp_dupes_free(rs.dupes);
    icp_provenance_free(rs.prov);
    icp_buf_free(&rs.out);
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  }
  if(opts->threads > 1 && from_files(packs, npacks))
    st = icp_pool_run(inputs, ninputs, packs, npacks, schema, &rs, err);
  else
    st = run_seq(inputs, ninputs, packs, schema, &rs, err);
  if(opts->write) { /* what was formatted goes out, even on a stop */
    struct icp_err ferr;
    fst = flush(&rs, &ferr);
    if(fst && !st) {
      st = fst;
      *err = ferr;
    }
  }
  st = icp_run_finish(&rs, st, err);
  free(rs.names);
  icp_dupes_free(rs.dupes);
  icp_provenance_free(rs.prov);
  icp_buf_free(&rs.out);
  return st;
}
