/*
 * pool.c -- the parallel run: one reader, N workers, an ordered hand-over.
 *
 * A reader thread cuts each input into chunks of whole raw records
 * (icp_reader_chunk: the CSV state machine's boundaries, so a quoted
 * newline never splits one) and numbers them. Worker threads take chunks
 * in that order; each parses its chunk with its own sub-reader (the chunk
 * goes back to the reader at once), scores with its own copy of the packs
 * (its own Lua state and compiled plan: packs are reloaded from their
 * files), formats the output, and records what happened as a list of
 * events (warning, bad record, record). Then it waits for its chunk's turn
 * and replays the events through the same hand-over as the sequential loop
 * (run_impl.h): the ordered writer is whichever worker holds the turn, so
 * fn and write run one at a time in input order, on the thread whose cache
 * holds the accounts. Counters, messages, their order and cut-offs, the
 * duplicate report and the output bytes are those of one thread. Memory
 * is bounded by the chunks in flight (2N + 2 raw chunks of about 128 KiB,
 * one parsed chunk per worker), not by the input.
 *
 * Enrichment, when hooked, runs on the workers one chunk at a time in
 * chunk order (a ticket), so requests, cache and budgets see accounts in
 * input order; parsing and scoring still overlap it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "io/reader.h"
#include "rules/rules.h"
#include "score/run_impl.h"

#define CHUNK_BYTES ((size_t)128 << 10)
#define CHUNK_CAP (CHUNK_BYTES + 2 * ICP_READER_RECORD_MAX + 64)
#define MSGS_CAP ((size_t)64 << 20)
#define OUT_CAP ((size_t)256 << 20)

enum { FREE, FILLED, WORKING, DONE };
enum { EV_WARN, EV_BAD, EV_REC, EV_FAIL };

struct ev {
  int kind;
  int errors;          /* EV_REC: a custom rule raised an error */
  size_t ref;          /* EV_WARN/EV_BAD: offset in msgs; EV_REC: index */
  size_t out_end;      /* EV_REC: end of its formatted output */
  size_t dom_end;      /* EV_REC: end of its entry in dom */
};

struct slot {                  /* a raw chunk, reader to worker */
  long seq;
  int state;
  int input;
  int last;                    /* no records: its input is done */
  struct icp_chunk chunk;
  enum icp_status rst;         /* reader failure after the records */
  struct icp_err rerr;
};

struct work {                  /* a parsed chunk, in a worker */
  long seq;
  int input, last;
  enum icp_status rst;
  struct icp_err rerr;
  struct icp_account **acc;
  struct icp_result **res;     /* npacks per account */
  size_t nacc, capacc;         /* capacc: accounts made */
  size_t acccap, rescap;       /* room in acc and res */
  struct ev *ev;
  size_t nev, capev;
  struct icp_buf msgs;         /* NUL-separated messages */
  struct icp_buf out;          /* formatted output */
  struct icp_buf dom;          /* per record with a domain: line, domain */
  enum icp_status wst;         /* worker failure (EV_FAIL) */
  struct icp_err werr;
};

/* Domains for the duplicate report, handed over in input order: records
 * of a long line (memcpy'd) and the NUL-terminated domain. */
struct dbatch {
  struct icp_buf b;
  const char *file;
};

#define NDBATCH 8

struct pool;

struct worker {
  struct pool *P;
  pthread_t tid;
  int started;
  struct icp_pack **packs;     /* npacks; worker 0 borrows the caller's */
  int own_packs;
  struct icp_reader *sub;
  int sub_input;
  struct work wk;
};

struct pool {
  const char *const *inputs;
  int ninputs;
  struct icp_schema *schema;
  struct icp_run_state *rs;
  const struct icp_run_opts *o;
  int npacks, nworkers, nslots;
  struct slot *slots;
  struct worker *w;
  struct icp_reader **masters; /* per input, while its chunks are out */
  pthread_t reader;
  int reader_started;

  pthread_mutex_t mu;
  pthread_cond_t cv_free;      /* a slot was freed (the reader waits) */
  pthread_cond_t cv_work;      /* a slot was filled (workers wait) */
  pthread_cond_t cv_turn;      /* a turn moved, or the run is over */
  long nread;                  /* chunks published */
  int read_done;
  long next_work;              /* next chunk a worker takes */
  long enrich_turn;            /* chunk whose turn it is to enrich */
  long hand_turn;              /* chunk whose turn it is to hand over */
  int stop;
  enum icp_status st;          /* why the run stopped */
  struct icp_err err;

  /* the duplicate tracker's thread and its queue (its own lock: the
   * sort and spill of the tracker run beside the hand-over) */
  pthread_t dupes;
  int dupes_started;
  pthread_mutex_t dmu;
  pthread_cond_t cv_dq;
  struct dbatch dq[NDBATCH];
  long dq_put, dq_get;         /* batches queued, batches taken */
  int dq_done;                 /* no more batches come */
};

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
  e->dom_end = s->dom.len;
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
             icp_result_new(P->w[0].packs[p]))) {
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

/* The domain of a record as read (before enrichment, as the sequential
 * loop notes it), for the duplicate tracker. */
static int note_domain(struct work *s, const struct icp_account *a)
{
  const char *d = icp_account_domain(a);
  long line = a->line;
  if(!d)
    return 0;
  return icp_buf_add(&s->dom, &line, sizeof(line)) ||
         icp_buf_add(&s->dom, d, strlen(d) + 1);
}

/* Parses the records of raw chunk c into s. */
static void parse(struct pool *P, struct worker *w, struct icp_chunk *c,
                  struct work *s)
{
  const char *file = strcmp(P->inputs[s->input], "-") ?
                     P->inputs[s->input] : "<stdin>";
  struct icp_err err;
  if(open_sub(P, w, s->input, &err)) {
    fail(s, ICP_ENOMEM, err.msg);
    return;
  }
  icp_reader_load(w->sub, c);
  for(;;) {
    struct icp_account *a;
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
    icp_provenance_apply(P->rs->prov, a); /* before it is scored */
    if(note_domain(s, a) || add_ev(s, EV_REC, s->nacc, 0)) {
      fail(s, ICP_ENOMEM, "out of memory");
      return;
    }
    s->nacc++;
  }
  if(c->bad_line && icp_run_in_shard(P->o, NULL, c->bad_line) &&
     add_msg(s, EV_BAD, c->bad))
    fail(s, ICP_ENOMEM, "out of memory");
}

/* Enriches the accounts of s when it is its turn (chunk order). */
static void enrich(struct pool *P, struct work *s)
{
  struct icp_err err;
  int go;
  pthread_mutex_lock(&P->mu);
  while(!P->stop && P->enrich_turn != s->seq)
    pthread_cond_wait(&P->cv_turn, &P->mu);
  go = !P->stop;
  pthread_mutex_unlock(&P->mu);
  if(go && !s->wst && s->nacc) {
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

static enum icp_status replay(struct pool *P, struct work *s,
                              struct icp_err *err);

/* Takes the next filled slot, parses it and frees it: 0, or -1 when there
 * is nothing more to do. */
static int take(struct pool *P, struct worker *w)
{
  struct work *s = &w->wk;
  struct slot *sl;
  pthread_mutex_lock(&P->mu);
  for(;;) {
    sl = &P->slots[P->next_work % P->nslots];
    if(P->stop || (P->read_done && P->next_work >= P->nread)) {
      pthread_mutex_unlock(&P->mu);
      return -1;
    }
    if(sl->state == FILLED && sl->seq == P->next_work)
      break;
    pthread_cond_wait(&P->cv_work, &P->mu);
  }
  sl->state = WORKING;
  P->next_work++;
  pthread_mutex_unlock(&P->mu);

  s->seq = sl->seq;
  s->input = sl->input;
  s->last = sl->last;
  s->rst = sl->rst;
  s->rerr = sl->rerr;
  s->nacc = s->nev = 0;
  s->wst = ICP_OK;
  icp_buf_reset(&s->msgs);
  icp_buf_reset(&s->out);
  icp_buf_reset(&s->dom);
  if(!sl->last && (sl->chunk.data.len || sl->chunk.bad_line))
    parse(P, w, &sl->chunk, s);

  pthread_mutex_lock(&P->mu);
  sl->state = FREE;
  pthread_cond_signal(&P->cv_free);
  pthread_mutex_unlock(&P->mu);
  return 0;
}

static void *worker_main(void *arg)
{
  struct worker *w = arg;
  struct pool *P = w->P;
  struct work *s = &w->wk;
  while(!take(P, w)) {
    struct icp_err err;
    enum icp_status st = ICP_OK;
    int go;
    if(P->o->enrich)
      enrich(P, s);
    score(P, w, s);
    pthread_mutex_lock(&P->mu);
    while(!P->stop && P->hand_turn != s->seq)
      pthread_cond_wait(&P->cv_turn, &P->mu);
    go = !P->stop;
    pthread_mutex_unlock(&P->mu);
    if(go)
      st = replay(P, s, &err);
    pthread_mutex_lock(&P->mu);
    if(go && s->last && P->masters[s->input]) {
      /* CSV knows its key column from the header (workers read JSONL) */
      icp_run_closing(P->rs, P->masters[s->input],
                      icp_reader_has_column(P->masters[s->input], 0) >= 0);
      icp_reader_close(P->masters[s->input]);
      P->masters[s->input] = NULL;
    }
    if(st && !P->stop) {
      P->st = st;
      P->err = err;
      P->stop = 1;
      pthread_cond_broadcast(&P->cv_free);
      pthread_cond_broadcast(&P->cv_work);
    }
    P->hand_turn++;
    pthread_cond_broadcast(&P->cv_turn);
    pthread_mutex_unlock(&P->mu);
  }
  return NULL;
}

/* ---- the reader -------------------------------------------------------- */

/* Waits for slot seq to be free; NULL when the run stopped. */
static struct slot *free_slot(struct pool *P, long seq)
{
  struct slot *s = &P->slots[seq % P->nslots];
  pthread_mutex_lock(&P->mu);
  while(!P->stop && s->state != FREE)
    pthread_cond_wait(&P->cv_free, &P->mu);
  if(P->stop)
    s = NULL;
  pthread_mutex_unlock(&P->mu);
  return s;
}

static void publish(struct pool *P, struct slot *s, long seq)
{
  pthread_mutex_lock(&P->mu);
  s->seq = seq;
  s->state = FILLED;
  P->nread = seq + 1;
  pthread_cond_broadcast(&P->cv_work);
  pthread_mutex_unlock(&P->mu);
}

static void *reader_main(void *arg)
{
  struct pool *P = arg;
  const struct icp_run_opts *o = P->o;
  long seq = 0;
  int in, done = 0;
  for(in = 0; in < P->ninputs && !done; in++) {
    struct icp_reader *r = NULL;
    struct icp_err err;
    struct slot *s = free_slot(P, seq);
    enum icp_status st;
    if(!s)
      break;
    s->input = in;
    s->last = 1;
    icp_buf_reset(&s->chunk.data);
    s->chunk.bad_line = 0;
    s->rst = icp_reader_open(&r, P->inputs[in], o->format, P->schema,
                             &s->rerr);
    if(s->rst) { /* reported in turn, like the sequential loop */
      publish(P, s, seq++);
      break;
    }
    if(o->has_range)
      icp_reader_set_range(r, o->range_beg, o->range_end);
    icp_run_opened(P->rs, r, P->w[0].packs, in == 0);
    pthread_mutex_lock(&P->mu);
    P->masters[in] = r;
    pthread_mutex_unlock(&P->mu);
    for(;;) {
      if(!s && !(s = free_slot(P, seq))) {
        done = 1;
        break;
      }
      s->input = in;
      st = icp_reader_chunk(r, &s->chunk, CHUNK_BYTES, &err);
      s->last = st == ICP_EOF;
      s->rst = st == ICP_EOF ? ICP_OK : st;
      if(s->rst)
        s->rerr = err;
      publish(P, s, seq++);
      s = NULL;
      if(st) {
        done = st != ICP_EOF;
        break;
      }
    }
  }
  pthread_mutex_lock(&P->mu);
  P->read_done = 1;
  pthread_cond_broadcast(&P->cv_work);
  pthread_cond_broadcast(&P->cv_turn);
  pthread_mutex_unlock(&P->mu);
  return NULL;
}

/* ---- the duplicate tracker's thread ------------------------------------ */

/* Queues the domains of a chunk (in input order: the caller holds the
 * turn). */
static enum icp_status dq_put(struct pool *P, const char *p, size_t n,
                              const char *file, struct icp_err *err)
{
  struct dbatch *b;
  enum icp_status st;
  pthread_mutex_lock(&P->dmu);
  while(P->dq_put - P->dq_get == NDBATCH)
    pthread_cond_wait(&P->cv_dq, &P->dmu);
  b = &P->dq[P->dq_put % NDBATCH];
  pthread_mutex_unlock(&P->dmu);
  icp_buf_reset(&b->b); /* the slot is the turn holder's until queued */
  st = icp_buf_add(&b->b, p, n);
  if(st)
    return icp_err_set(err, st, "%s: out of memory noting domains", file);
  b->file = file;
  pthread_mutex_lock(&P->dmu);
  P->dq_put++;
  pthread_cond_broadcast(&P->cv_dq);
  pthread_mutex_unlock(&P->dmu);
  return ICP_OK;
}

static void *dupes_main(void *arg)
{
  struct pool *P = arg;
  for(;;) {
    struct dbatch *b;
    const char *p, *end;
    pthread_mutex_lock(&P->dmu);
    while(P->dq_get == P->dq_put && !P->dq_done)
      pthread_cond_wait(&P->cv_dq, &P->dmu);
    if(P->dq_get == P->dq_put) {
      pthread_mutex_unlock(&P->dmu);
      return NULL;
    }
    b = &P->dq[P->dq_get % NDBATCH];
    pthread_mutex_unlock(&P->dmu);
    for(p = b->b.p, end = p + b->b.len; p < end;) {
      long line;
      memcpy(&line, p, sizeof(line));
      p += sizeof(line);
      icp_dupes_add(P->rs->dupes, p, b->file, line);
      p += strlen(p) + 1;
    }
    pthread_mutex_lock(&P->dmu);
    P->dq_get++;
    pthread_cond_broadcast(&P->cv_dq);
    pthread_mutex_unlock(&P->dmu);
  }
}

/* ---- hand-over --------------------------------------------------------- */

/* Replays the events of s; a status when the run stops there. */
static enum icp_status replay(struct pool *P, struct work *s,
                              struct icp_err *err)
{
  struct icp_run_state *rs = P->rs;
  enum icp_status st = ICP_OK;
  size_t i, written = 0, noted = 0;
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
      rs->st->read++; /* its domain goes to the tracker below */
      noted = e->dom_end;
      st = icp_run_hand(rs, s->acc[e->ref],
                        &s->res[e->ref * (size_t)P->npacks], e->errors, err);
      if(!st)
        written = e->out_end;
      break;
    default:
      st = icp_err_set(err, s->wst, "%s", s->werr.msg);
    }
  }
  if(!st && s->wst && !s->nev)
    st = icp_err_set(err, s->wst, "%s", s->werr.msg);
  if(!st && s->rst)
    st = icp_err_set(err, s->rst, "%s", s->rerr.msg);
  if(noted) {
    enum icp_status ds = dq_put(P, s->dom.p, noted,
                                s->acc[0]->file, err);
    if(!st)
      st = ds;
  }
  if(written && P->o->write) {
    enum icp_status ws = P->o->write(rs->ud, s->out.p, written, err);
    if(!st)
      st = ws;
  }
  return st;
}

/* Waits until every chunk was handed over or the run stopped. */
static enum icp_status wait_end(struct pool *P, struct icp_err *err)
{
  enum icp_status st;
  pthread_mutex_lock(&P->mu);
  while(!P->stop && !(P->read_done && P->hand_turn >= P->nread))
    pthread_cond_wait(&P->cv_turn, &P->mu);
  P->stop = 1;
  st = P->st;
  if(st)
    *err = P->err;
  pthread_cond_broadcast(&P->cv_free);
  pthread_cond_broadcast(&P->cv_work);
  pthread_cond_broadcast(&P->cv_turn);
  pthread_mutex_unlock(&P->mu);
  return st;
}

/* ---- setup ------------------------------------------------------------- */

/* Worker copies of the packs, from the same files, checked alike. */
static enum icp_status clone_packs(struct pool *P, struct worker *w,
                                   struct icp_pack **packs,
                                   struct icp_err *err)
{
  int k;
  w->packs = calloc((size_t)P->npacks, sizeof(*w->packs));
  if(!w->packs)
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  w->own_packs = 1;
  for(k = 0; k < P->npacks; k++) {
    const struct icp_pack *p = packs[k];
    struct icp_pack_opts po;
    struct icp_pack *c;
    memset(&po, 0, sizeof(po));
    po.call_steps = p->call_steps;
    c = w->packs[k] = icp_pack_new(P->schema, &po);
    if(!c)
      return icp_err_set(err, ICP_ENOMEM, "out of memory");
    {
      enum icp_status st = icp_pack_load_file(c, p->path, err);
      if(st)
        return st;
    }
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
  icp_buf_free(&s->msgs);
  icp_buf_free(&s->out);
  icp_buf_free(&s->dom);
}

enum icp_status icp_pool_run(const char *const *inputs, int ninputs,
                             struct icp_pack **packs, int npacks,
                             struct icp_schema *schema,
                             struct icp_run_state *rs, struct icp_err *err)
{
  struct pool P;
  enum icp_status st = ICP_OK;
  int i;

  memset(&P, 0, sizeof(P));
  if(pthread_mutex_init(&P.mu, NULL))
    return icp_err_set(err, ICP_ENOMEM, "cannot make a lock");
  if(pthread_mutex_init(&P.dmu, NULL)) {
    pthread_mutex_destroy(&P.mu);
    return icp_err_set(err, ICP_ENOMEM, "cannot make a lock");
  }
  if(pthread_cond_init(&P.cv_free, NULL) ||
     pthread_cond_init(&P.cv_work, NULL) ||
     pthread_cond_init(&P.cv_turn, NULL) ||
     pthread_cond_init(&P.cv_dq, NULL)) {
    pthread_mutex_destroy(&P.mu);
    pthread_mutex_destroy(&P.dmu);
    return icp_err_set(err, ICP_ENOMEM, "cannot make a lock");
  }
  P.inputs = inputs;
  P.ninputs = ninputs;
  P.schema = schema;
  P.rs = rs;
  P.o = rs->o;
  P.npacks = npacks;
  P.nworkers = rs->o->threads;
  P.nslots = 2 * P.nworkers + 2;
  P.slots = calloc((size_t)P.nslots, sizeof(*P.slots));
  P.w = calloc((size_t)P.nworkers, sizeof(*P.w));
  P.masters = calloc((size_t)ninputs + 1, sizeof(*P.masters));
  if(!P.slots || !P.w || !P.masters) {
    st = icp_err_set(err, ICP_ENOMEM, "out of memory");
    goto out;
  }
  for(i = 0; i < P.nslots; i++)
    icp_buf_init(&P.slots[i].chunk.data, CHUNK_CAP);
  for(i = 0; i < NDBATCH; i++)
    icp_buf_init(&P.dq[i].b, MSGS_CAP);
  for(i = 0; i < P.nworkers && !st; i++) {
    P.w[i].P = &P;
    P.w[i].sub_input = -1;
    icp_buf_init(&P.w[i].wk.msgs, MSGS_CAP);
    icp_buf_init(&P.w[i].wk.out, OUT_CAP);
    icp_buf_init(&P.w[i].wk.dom, MSGS_CAP);
    if(i)
      st = clone_packs(&P, &P.w[i], packs, err);
    else
      P.w[i].packs = packs;
  }
  if(st)
    goto out;
  if(!pthread_create(&P.dupes, NULL, dupes_main, &P))
    P.dupes_started = 1;
  for(i = 0; i < P.nworkers && P.dupes_started; i++) {
    if(pthread_create(&P.w[i].tid, NULL, worker_main, &P.w[i]))
      break;
    P.w[i].started = 1;
  }
  if(i == P.nworkers && P.dupes_started &&
     !pthread_create(&P.reader, NULL, reader_main, &P))
    P.reader_started = 1;
  else {
    pthread_mutex_lock(&P.mu);
    P.stop = 1;
    P.st = icp_err_set(&P.err, ICP_ENOMEM, "cannot start a thread");
    pthread_mutex_unlock(&P.mu);
  }
  st = wait_end(&P, err);
  if(P.reader_started)
    pthread_join(P.reader, NULL);
  for(i = 0; i < P.nworkers; i++)
    if(P.w[i].started)
      pthread_join(P.w[i].tid, NULL);
  if(P.dupes_started) { /* every domain handed over is in the tracker */
    pthread_mutex_lock(&P.dmu);
    P.dq_done = 1;
    pthread_cond_broadcast(&P.cv_dq);
    pthread_mutex_unlock(&P.dmu);
    pthread_join(P.dupes, NULL);
  }
out:
  pthread_cond_destroy(&P.cv_free);
  pthread_cond_destroy(&P.cv_work);
  pthread_cond_destroy(&P.cv_turn);
  pthread_cond_destroy(&P.cv_dq);
  pthread_mutex_destroy(&P.mu);
  pthread_mutex_destroy(&P.dmu);
  for(i = 0; P.w && i < P.nworkers; i++) {
    int k;
    icp_reader_close(P.w[i].sub);
    work_free(&P, &P.w[i].wk);
    if(P.w[i].own_packs) {
      for(k = 0; k < npacks; k++)
        icp_pack_free(P.w[i].packs[k]);
      free(P.w[i].packs);
    }
  }
  for(i = 0; P.masters && i < ninputs; i++)
    icp_reader_close(P.masters[i]);
  for(i = 0; P.slots && i < P.nslots; i++)
    icp_buf_free(&P.slots[i].chunk.data);
  for(i = 0; i < NDBATCH; i++)
    icp_buf_free(&P.dq[i].b);
  free(P.slots);
  free(P.w);
  free(P.masters);
  return st;
}
