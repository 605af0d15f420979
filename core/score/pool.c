/*
 * pool.c -- the parallel run: N workers that read, score and hand over in
 * turn.
 *
 * Each worker takes the next chunk of the input itself, numbered in input
 * order: from a regular file, the next raw block, which it reads beside
 * the others (pread); then, in chunk order, the end of the block's last
 * whole record is found (the CSV state machine's boundaries, so a quoted
 * newline never splits one) and the bytes after it are carried over to
 * the next chunk. It parses the chunk with its own sub-reader, scores with its own
 * copy of the packs (its own Lua state and compiled plan: packs are
 * reloaded from their files), formats the output, and
 * records what happened as a list of events (warning, bad record,
 * record). Then it waits for its chunk's turn and replays the events
 * through the same hand-over as the sequential loop (run_impl.h): the
 * ordered writer is whichever worker holds the turn, so fn and write run
 * one at a time in input order, on the thread whose cache holds the
 * accounts. Counters, messages, their order and cut-offs, the duplicate
 * report and the output bytes are those of one thread. Memory is bounded
 * by the chunks in flight (one raw chunk of at most 256 KiB and one parsed
 * chunk per worker), not by the input.
 *
 * There is no reader thread and no tracker thread: with N workers on N
 * cores, a third thread only preempts a worker, and the worker whose turn
 * is next waits for it. Each worker notes its records' domains in its own
 * duplicate tracker, keyed by input and line, and the report merges them.
 *
 * Enrichment, when hooked, runs on the workers one chunk at a time in
 * chunk order (a ticket), so requests, cache and budgets see accounts in
 * input order; parsing and scoring still overlap it.
 *
 * Until a record has fixed the columns --keep carries (a CSV header, the
 * first JSONL record's keys), chunks are parsed one at a time in order
 * (the gate): the kept columns are those of one thread, and no two
 * workers write them at once.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "score/pool_impl.h"

/* ---- events ------------------------------------------------------------ */

static int add_ev(struct work *s, int kind, size_t ref, int errors)
{
  struct ev *e;
  if(s->nev == s->capev && icp_grow(s->ev, s->capev, s->nev + 1))
    return -1;
  e = &s->ev[s->nev++];
  e->kind = kind;
  e->ref = ref;
  e->errors = errors;
  e->out_end = s->out.len;
  return 0;
}

static int add_msg(struct work *s, int kind, const char *msg)
{
  size_t off = s->msgs.len;
  if(icp_buf_add(&s->msgs, msg, strlen(msg) + 1))
    return -1;
  return add_ev(s, kind, off, 0);
}

static void fail(struct work *s, enum icp_status st, const char *msg)
{
  if(s->wst)
    return;
  s->wst = st ? st : ICP_ENOMEM;
  icp_err_set(&s->werr, s->wst, "%s", msg);
  if(add_ev(s, EV_FAIL, 0, 0))
    s->nev = 0; /* the failure alone still stops the hand-over */
}

static void warn_cb(void *ud, const char *msg)
{
  struct worker *w = ud;
  if(add_msg(&w->wk, EV_WARN, msg))
    fail(&w->wk, ICP_ENOMEM, "out of memory");
}

/* Stops the run with st (the first reason is kept): the caller holds
 * P->mu. */
static void stop_locked(struct pool *P, enum icp_status st,
                        const struct icp_err *err)
{
  if(!P->stop) {
    P->st = st;
    P->err = *err;
    __atomic_store_n(&P->stop, 1, __ATOMIC_RELEASE);
  }
  pthread_cond_broadcast(&P->cv_turn);
  pthread_cond_broadcast(&P->cv_cut);
  pthread_cond_signal(&P->cv_end);
}

/* ---- waiting ----------------------------------------------------------- */

/* Waits until *turn (a turn to cut, enrich or hand over: written under
 * P->mu, with cv broadcast) is seq. 1, or 0 when the run stopped. */
int icp_pool_wait_turn(struct pool *P, const long *turn, pthread_cond_t *cv,
                     long seq)
{
  int go;
  pthread_mutex_lock(&P->mu);
  while(!P->stop && *turn != seq)
    pthread_cond_wait(cv, &P->mu);
  go = !P->stop;
  pthread_mutex_unlock(&P->mu);
  return go;
}

/* ---- the gate ------------------------------------------------------------ */

/* Waits until chunk seq may be parsed (or an input opened for it); 0 when
 * the run stopped. A worker that saw the gate open (w, when not NULL)
 * does not ask again. */
int icp_pool_gate_wait(struct pool *P, struct worker *w, long seq)
{
  int go;
  pthread_mutex_lock(&P->mu);
  while(!P->stop && P->gate >= 0 && seq > P->gate)
    pthread_cond_wait(&P->cv_turn, &P->mu);
  go = !P->stop;
  if(w && P->gate < 0)
    w->gate_open = 1;
  pthread_mutex_unlock(&P->mu);
  return go;
}

/* Chunk seq was parsed (or had nothing to parse): the next one may go, or
 * all of them once the kept columns are fixed (read by the one thread
 * that may have fixed them). */
static void gate_pass(struct pool *P, long seq)
{
  pthread_mutex_lock(&P->mu);
  if(P->gate == seq) {
    P->gate = icp_schema_keep_fixed(P->schema) ? -1 : seq + 1;
    pthread_cond_broadcast(&P->cv_turn);
  }
  pthread_mutex_unlock(&P->mu);
}

/* ---- workers ----------------------------------------------------------- */

/* An account and its results for record i of slot s. */
static int reserve(struct pool *P, struct work *s, size_t i)
{
  size_t cap, k;
  if(i < s->capacc)
    return 0;
  /* from 16, doubling: a chunk of a few records (a small file, a
   * request) makes a few accounts, not 512 with their results */
  cap = s->capacc ? 2 * s->capacc : 16;
  while(cap <= i)
    cap *= 2;
  if(icp_grow(s->acc, s->acccap, cap) ||
     icp_grow(s->res, s->rescap, cap * (size_t)P->npacks))
    return -1;
  for(k = s->capacc; k < cap; k++) {
    int p;
    s->acc[k] = NULL;
    for(p = 0; p < P->npacks; p++)
      s->res[k * (size_t)P->npacks + (size_t)p] = NULL;
  }
  for(k = s->capacc; k < cap; k++) {
    int p;
    s->capacc = k; /* what is set so far is freed on failure */
    if(!(s->acc[k] = icp_account_new(P->schema)))
      return -1;
    for(p = 0; p < P->npacks; p++)
      if(!(s->res[k * (size_t)P->npacks + (size_t)p] =
             icp_result_new(P->w[0].model[p]))) {
        /* slot k is not counted in capacc: undo it here */
        while(p--) {
          icp_result_free(s->res[k * (size_t)P->npacks + (size_t)p]);
          s->res[k * (size_t)P->npacks + (size_t)p] = NULL;
        }
        icp_account_free(s->acc[k]);
        s->acc[k] = NULL;
        return -1;
      }
  }
  s->capacc = cap;
  return 0;
}

static enum icp_status open_sub(struct pool *P, struct worker *w, int input,
                                struct icp_err *err)
{
  enum icp_status st;
  if(w->sub && w->sub_input == input)
    return ICP_OK;
  icp_reader_close(w->sub);
  w->sub = NULL;
  st = icp_reader_open_sub(&w->sub, P->masters[input], err);
  if(st)
    return st;
  w->sub_input = input;
  icp_reader_set_warn(w->sub, warn_cb, w);
  return ICP_OK;
}

/* Parses the records of the chunk of s. The domains go to the worker's
 * tracker as they are read (before enrichment, as the sequential loop
 * notes them): a record that is not handed over leaves the run stopped,
 * with no duplicate report. */
static void parse(struct pool *P, struct worker *w, struct work *s)
{
  const char *file = P->names[s->input];
  struct icp_err err;
  if(open_sub(P, w, s->input, &err)) {
    fail(s, ICP_ENOMEM, err.msg);
    return;
  }
  icp_reader_load(w->sub, &s->chunk);
  for(;;) {
    struct icp_account *a;
    const char *d;
    enum icp_status st;
    if(reserve(P, s, s->nacc)) {
      fail(s, ICP_ENOMEM, "out of memory");
      return;
    }
    a = s->acc[s->nacc];
    st = icp_reader_next(w->sub, a, &err);
    if(st == ICP_EOF)
      break;
    if(st == ICP_ESKIP) {
      if(icp_run_in_shard(P->o, NULL, a->line) &&
         add_msg(s, EV_BAD, err.msg)) {
        fail(s, ICP_ENOMEM, "out of memory");
        return;
      }
      continue;
    }
    if(st) {
      fail(s, st, err.msg);
      return;
    }
    if(!icp_run_in_shard(P->o, a, a->line))
      continue;
    a->file = file;
    if(icp_provenance_apply(P->rs->prov, a) < 0) { /* before scoring */
      fail(s, ICP_ENOMEM, "out of memory");
      return;
    }
    /* a failure is kept in the tracker: its report fails */
    if((d = icp_account_domain(a)) != NULL) {
      s->nkeyed++;
      icp_dupes_add_in(w->dupes, d, (unsigned)s->input, a->line);
    }
    if(add_ev(s, EV_REC, s->nacc, 0)) {
      fail(s, ICP_ENOMEM, "out of memory");
      return;
    }
    s->nacc++;
  }
  s->has_key = icp_reader_has_key(w->sub);
  if(s->chunk.bad_line && icp_run_in_shard(P->o, NULL, s->chunk.bad_line) &&
     add_msg(s, EV_BAD, s->chunk.bad))
    fail(s, ICP_ENOMEM, "out of memory");
}

/* Enriches the accounts of s when it is its turn (chunk order). */
static void enrich(struct pool *P, struct work *s)
{
  struct icp_err err;
  if(icp_pool_wait_turn(P, &P->enrich_turn, &P->cv_turn, s->seq) && !s->wst &&
     s->nacc) {
    enum icp_status st = P->o->enrich(P->o->enrich_ud, s->acc, s->nacc,
                                      &err);
    if(st) { /* none of the chunk's records is handed over */
      size_t i = 0;
      while(i < s->nev && s->ev[i].kind != EV_REC)
        i++;
      s->nev = i;
      fail(s, st, err.msg);
    }
  }
  pthread_mutex_lock(&P->mu);
  P->enrich_turn++;
  pthread_cond_broadcast(&P->cv_turn);
  pthread_mutex_unlock(&P->mu);
}

/* Scores (and formats) every record of s. */
static void score(struct pool *P, struct worker *w, struct work *s)
{
  size_t i;
  for(i = 0; i < s->nev && !s->wst; i++) {
    struct ev *e = &s->ev[i];
    struct icp_result **res;
    const char *what;
    int k;
    if(e->kind != EV_REC)
      continue;
    res = &s->res[e->ref * (size_t)P->npacks];
    for(k = 0; k < P->npacks; k++)
      res[k]->pack = w->packs[k]; /* same file, same shape */
    e->errors = icp_run_score(P->o, w->packs, res, P->npacks,
                              s->acc[e->ref]);
    what = e->errors < 0 ? "out of memory"
           : P->o->emit && P->o->emit(P->rs->ud, s->acc[e->ref], res,
                                      P->npacks, &s->out)
           ? "result too large" : NULL;
    if(what) {
      struct icp_err err;
      icp_err_set(&err, ICP_ENOMEM, "%s:%ld: %s", s->acc[e->ref]->file,
                  s->acc[e->ref]->line, what);
      s->nev = i; /* the hand-over stops before this record */
      fail(s, ICP_ENOMEM, err.msg);
      return;
    }
    e->out_end = s->out.len;
  }
}

/* Replays the events of s; a status when the run stops there. */
static enum icp_status replay(struct pool *P, struct work *s,
                              struct icp_err *err)
{
  struct icp_run_state *rs = P->rs;
  enum icp_status st = ICP_OK;
  size_t i, written = 0;
  for(i = 0; i < s->nev && !st; i++) {
    const struct ev *e = &s->ev[i];
    switch(e->kind) {
    case EV_WARN:
      icp_run_warned(rs, s->msgs.p + e->ref);
      break;
    case EV_BAD:
      st = icp_run_bad(rs, s->msgs.p + e->ref, err);
      break;
    case EV_REC:
      rs->st->read++; /* its domain is in the worker's tracker */
      rs->in_records++;
      rs->in_read++;
      st = icp_run_hand(rs, s->acc[e->ref],
                        &s->res[e->ref * (size_t)P->npacks], e->errors, err);
      if(!st)
        written = e->out_end;
      break;
    default:
      st = icp_err_set(err, s->wst, "%s", s->werr.msg);
    }
  }
  rs->keyed += (long)s->nkeyed; /* before its input's closing */
  rs->key_seen |= s->has_key;
  if(!st && s->wst && !s->nev)
    st = icp_err_set(err, s->wst, "%s", s->werr.msg);
  if(!st && s->rst)
    st = icp_err_set(err, s->rst, "%s", s->rerr.msg);
  if(written && P->o->write) {
    enum icp_status ws = P->o->write(rs->ud, s->out.p, written, err);
    if(!st)
      st = ws;
  }
  return st;
}

static void *worker_main(void *arg)
{
  struct worker *w = arg;
  struct pool *P = w->P;
  struct work *s = &w->wk;
  struct icp_err err;
  enum icp_status st;

  while(!icp_pool_take(P, s) && !icp_pool_cut(P, s)) {
    int go;
    s->nacc = s->nev = s->nkeyed = 0;
    s->has_key = 0;
    s->wst = ICP_OK;
    icp_buf_reset(&s->msgs);
    icp_buf_reset(&s->out);
    if((w->gate_open || icp_pool_gate_wait(P, w, s->seq)) && !s->last &&
       (s->chunk.data.len || s->chunk.bad_line))
      parse(P, w, s);
    if(!w->gate_open)
      gate_pass(P, s->seq);
    if(P->o->enrich)
      enrich(P, s);
    score(P, w, s);
    go = icp_pool_wait_turn(P, &P->hand_turn, &P->cv_turn, s->seq);
    st = go ? replay(P, s, &err) : ICP_OK;
    pthread_mutex_lock(&P->mu);
    if(go && s->last && P->masters[s->input]) {
      icp_run_closing(P->rs, P->masters[s->input]);
      icp_reader_close(P->masters[s->input]);
      P->masters[s->input] = NULL;
    }
    if(st)
      stop_locked(P, st, &err);
    P->hand_turn++;
    pthread_cond_broadcast(&P->cv_turn);
    if(P->read_done && P->hand_turn >= P->nread)
      pthread_cond_signal(&P->cv_end);
    pthread_mutex_unlock(&P->mu);
  }
  /* its domains into the run's tracker (its last ones sorted and
   * spilled here, beside the workers still at work) */
  pthread_mutex_lock(&P->dmu);
  icp_dupes_absorb(P->rs->dupes, w->dupes);
  pthread_mutex_unlock(&P->dmu);
  return NULL;
}

/* Waits until every chunk was handed over or the run stopped. */
static enum icp_status wait_end(struct pool *P, struct icp_err *err)
{
  enum icp_status st;
  pthread_mutex_lock(&P->mu);
  while(!P->stop && !(P->read_done && P->hand_turn >= P->nread))
    pthread_cond_wait(&P->cv_end, &P->mu);
  __atomic_store_n(&P->stop, 1, __ATOMIC_RELEASE);
  st = P->st;
  if(st)
    *err = P->err;
  pthread_cond_broadcast(&P->cv_turn);
  pthread_mutex_unlock(&P->mu);
  return st;
}

/* ---- setup ------------------------------------------------------------- */

/* Worker copies of the packs, from the same files, checked alike. */
static enum icp_status clone_packs(struct pool *P, struct worker *w,
                                   struct icp_err *err)
{
  int k;
  struct icp_pack **packs = calloc((size_t)P->npacks, sizeof(*packs));
  if(!packs)
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  w->packs = packs;
  w->own_packs = 1;
  for(k = 0; k < P->npacks; k++) {
    const struct icp_pack *p = w->model[k];
    struct icp_pack_opts po;
    struct icp_pack *c;
    enum icp_status st;
    memset(&po, 0, sizeof(po));
    po.call_steps = p->call_steps;
    c = packs[k] = icp_pack_new(P->schema, &po);
    if(!c)
      return icp_err_set(err, ICP_ENOMEM, "out of memory");
    st = icp_pack_load_file(c, p->path, err);
    if(st)
      return st;
    if(c->nrules != p->nrules || c->nexcl != p->nexcl ||
       c->ndims != p->ndims || c->ntiers != p->ntiers)
      return icp_err_set(err, ICP_ELOAD, "%s: changed while loading",
                         p->path);
    icp_pack_set_as_of(c, p->as_of);
  }
  return ICP_OK;
}

static void work_free(struct pool *P, struct work *s)
{
  size_t k;
  int p;
  for(k = 0; k < s->capacc; k++) {
    icp_account_free(s->acc[k]);
    for(p = 0; p < P->npacks; p++)
      icp_result_free(s->res[k * (size_t)P->npacks + (size_t)p]);
  }
  free(s->acc);
  free(s->res);
  free(s->ev);
  icp_buf_free(&s->chunk.data);
  icp_buf_free(&s->msgs);
  icp_buf_free(&s->out);
}

/* The workers' trackers are in the run's (each worker moves its own at
 * its end, in any order: occurrences are ordered by input and line);
 * the report's merge is done ahead on as many threads, so that little of
 * it is left to one. A failure is kept in the run's tracker, whose report
 * then says the check is incomplete. */
static void gather_dupes(struct pool *P)
{
  int i;
  for(i = 0; i < P->nworkers; i++) /* a worker that never started */
    icp_dupes_absorb(P->rs->dupes, P->w[i].dupes);
  icp_dupes_prune(P->rs->dupes, P->nworkers);
}

/* The pool's locks and conditions: 0, or -1 with none of them left. */
static int locks_init(struct pool *P)
{
  if(pthread_mutex_init(&P->mu, NULL))
    return -1;
  if(pthread_mutex_init(&P->rmu, NULL))
    goto no_rmu;
  if(pthread_mutex_init(&P->dmu, NULL))
    goto no_dmu;
  if(pthread_cond_init(&P->cv_turn, NULL))
    goto no_turn;
  if(pthread_cond_init(&P->cv_cut, NULL))
    goto no_cut;
  if(!pthread_cond_init(&P->cv_end, NULL))
    return 0;
  pthread_cond_destroy(&P->cv_cut);
no_cut:
  pthread_cond_destroy(&P->cv_turn);
no_turn:
  pthread_mutex_destroy(&P->dmu);
no_dmu:
  pthread_mutex_destroy(&P->rmu);
no_rmu:
  pthread_mutex_destroy(&P->mu);
  return -1;
}

static void locks_destroy(struct pool *P)
{
  pthread_cond_destroy(&P->cv_turn);
  pthread_cond_destroy(&P->cv_cut);
  pthread_cond_destroy(&P->cv_end);
  pthread_mutex_destroy(&P->mu);
  pthread_mutex_destroy(&P->rmu);
  pthread_mutex_destroy(&P->dmu);
}

enum icp_status icp_pool_run(const char *const *inputs, int ninputs,
                             struct icp_pack **packs, int npacks,
                             struct icp_schema *schema,
                             struct icp_run_state *rs, struct icp_err *err)
{
  struct pool P;
  enum icp_status st = ICP_OK;
  int i, started = 0;

  memset(&P, 0, sizeof(P));
  if(locks_init(&P))
    return icp_err_set(err, ICP_ENOMEM, "cannot make a lock");
  P.inputs = inputs;
  P.names = rs->names;
  P.ninputs = ninputs;
  P.schema = schema;
  P.rs = rs;
  P.o = rs->o;
  P.npacks = npacks;
  P.nworkers = rs->o->threads;
  P.rdone = ninputs < 1;
  icp_buf_init(&P.carry, CHUNK_BYTES);
  P.read_done = P.rdone;
  P.w = calloc((size_t)P.nworkers, sizeof(*P.w));
  P.masters = calloc((size_t)ninputs + 1, sizeof(*P.masters));
  /* the carry's room: less than a block, whatever the input */
  if(!P.w || !P.masters || icp_buf_room(&P.carry, CHUNK_BYTES - 1)) {
    st = icp_err_set(err, ICP_ENOMEM, "out of memory");
    goto out;
  }
  for(i = 0; i < P.nworkers && !st; i++) {
    struct worker *w = &P.w[i];
    w->P = &P;
    w->sub_input = -1;
    w->model = packs;
    icp_buf_init(&w->wk.chunk.data, CHUNK_CAP);
    icp_buf_init(&w->wk.msgs, MSGS_CAP);
    icp_buf_init(&w->wk.out, OUT_CAP);
    /* the default budget each (memory grows with the threads, not the
     * input), and the open files shared: the report merges the runs of
     * all, so fewer runs at a time, at least 8 */
    if(!(w->dupes = icp_dupes_new()) ||
       icp_dupes_set_files(w->dupes, rs->names, (size_t)ninputs))
      st = icp_err_set(err, ICP_ENOMEM, "out of memory");
    else
      icp_dupes_set_fanin(w->dupes, ICP_DUPES_MERGE_MAX / (size_t)P.nworkers
                                    < 8 ? 8 : ICP_DUPES_MERGE_MAX /
                                              (size_t)P.nworkers);
    /* the others clone theirs here: loading a pack writes to the
     * schema, which the workers read */
    if(!st && i)
      st = clone_packs(&P, w, err);
    else if(!i)
      w->packs = packs;
  }
  if(st)
    goto out;
  for(i = 0; i < P.nworkers; i++) {
    if(pthread_create(&P.w[i].tid, NULL, worker_main, &P.w[i]))
      break;
    P.w[i].started = 1;
    started++;
  }
  if(started < P.nworkers) {
    struct icp_err terr;
    icp_err_set(&terr, ICP_ENOMEM, "cannot start a thread");
    pthread_mutex_lock(&P.mu);
    stop_locked(&P, ICP_ENOMEM, &terr);
    pthread_mutex_unlock(&P.mu);
  }
  st = wait_end(&P, err);
  for(i = 0; i < P.nworkers; i++)
    if(P.w[i].started)
      pthread_join(P.w[i].tid, NULL);
  if(!st)
    gather_dupes(&P);
out:
  locks_destroy(&P);
  for(i = 0; P.w && i < P.nworkers; i++) {
    int k;
    icp_reader_close(P.w[i].sub);
    work_free(&P, &P.w[i].wk);
    icp_dupes_free(P.w[i].dupes);
    if(P.w[i].own_packs) {
      for(k = 0; k < npacks; k++)
        icp_pack_free(P.w[i].packs[k]);
      free(P.w[i].packs);
    }
  }
  for(i = 0; P.masters && i < ninputs; i++)
    icp_reader_close(P.masters[i]);
  free(P.w);
  free(P.masters);
  icp_buf_free(&P.carry);
  return st;
}
