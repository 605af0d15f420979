/*
 * pool_impl.h -- private to the parallel run: what its workers (pool.c)
 * and its cutting of the input into chunks (pool_cut.c) share. Not part
 * of the API.
 */
#ifndef ICP_POOL_IMPL_H
#define ICP_POOL_IMPL_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include "data/dupes.h"
#include "io/reader.h"
#include "rules/rules.h"
#include "score/run_impl.h"

#define CHUNK_BYTES ((size_t)128 << 10)
#define CHUNK_CAP (CHUNK_BYTES + 2 * ICP_READER_RECORD_MAX + 64)
#define MSGS_CAP ((size_t)64 << 20)
#define OUT_CAP ((size_t)256 << 20)

enum { EV_WARN, EV_BAD, EV_REC, EV_FAIL };

struct ev {
  int kind;
  int errors;          /* EV_REC: a custom rule raised an error */
  size_t ref;          /* EV_WARN/EV_BAD: offset in msgs; EV_REC: index */
  size_t out_end;      /* EV_REC: end of its formatted output */
};

struct work {                  /* a chunk, in a worker */
  long seq;
  int input, last;             /* last: no records, its input is done */
  struct icp_chunk chunk;      /* its raw records */
  int blk_in;                  /* its raw block: input (-1: none), */
  uint64_t blk_off;            /* offset, */
  size_t blk_len;              /* length, */
  ssize_t blk_got;             /* bytes read (-1: failed, */
  int blk_errno;               /* with this errno) */
  enum icp_status rst;         /* reader failure after the records */
  struct icp_err rerr;
  struct icp_account **acc;
  struct icp_result **res;     /* npacks per account */
  size_t nacc, capacc;         /* capacc: accounts made */
  size_t nkeyed;               /* accounts with a domain */
  int has_key;                 /* a record of its input had the key */
  size_t acccap, rescap;       /* room in acc and res */
  struct ev *ev;
  size_t nev, capev;
  struct icp_buf msgs;         /* NUL-separated messages */
  struct icp_buf out;          /* formatted output */
  enum icp_status wst;         /* worker failure (EV_FAIL) */
  struct icp_err werr;
};

struct pool;

struct worker {
  struct pool *P;
  pthread_t tid;
  int started;
  struct icp_pack **packs;     /* npacks; worker 0 borrows the caller's */
  int own_packs;
  struct icp_pack **model;     /* the caller's packs, to clone */
  struct icp_reader *sub;
  int sub_input;
  struct icp_dupes *dupes;     /* the domains of its records */
  int gate_open;               /* it saw the gate open: no more waits */
  struct work wk;
};

struct pool {
  const char *const *inputs;
  const char **names;          /* per input, as messages name it */
  int ninputs;
  struct icp_schema *schema;
  struct icp_run_state *rs;
  const struct icp_run_opts *o;
  int npacks, nworkers;
  struct worker *w;
  struct icp_reader **masters; /* per input, while its chunks are out */

  /* the input, cut by whichever worker needs a chunk (in order) */
  pthread_mutex_t rmu;
  int rin;                     /* input being cut */
  int ropen;                   /* masters[rin] is open */
  long rseq;                   /* number of the next chunk */
  int rdone;                   /* no chunk comes after rseq */
  long cut_turn;               /* chunk whose turn it is to be cut (mu) */
  pthread_cond_t cv_cut;       /* cut_turn moved, or the run is over */
  int raw;                     /* masters[rin] is cut from raw blocks: */
  int raw_fd;                  /* its file, */
  uint64_t raw_off;            /* the next block to give out, */
  uint64_t raw_cut;            /* the next block to cut (the chunk in
                                * turn owns it), */
  uint64_t raw_size;           /* the file's size, */
  /* the chunk whose turn it is to be cut owns these (no lock): */
  struct icp_buf carry;        /* read, not cut yet (less than a block), */
  long carry_line;             /* at this physical line */

  pthread_mutex_t dmu;         /* the run's duplicate tracker */

  pthread_mutex_t mu;
  pthread_cond_t cv_turn;      /* a turn moved, or the run is over */
  pthread_cond_t cv_end;       /* the run is over (the caller waits: a
                                * wake-up per chunk would cost a switch) */
  long nread;                  /* chunks cut */
  int read_done;
  long enrich_turn;            /* chunk whose turn it is to enrich */
  long hand_turn;              /* chunk whose turn it is to hand over */
  long gate;                   /* chunks after this one wait for its parse
                                * (-1: the kept columns are fixed) */
  int stop;                    /* written atomically: take reads it */
  enum icp_status st;          /* why the run stopped */
  struct icp_err err;
};

/* pool.c: waits until *turn (a turn to cut, enrich or hand over:
 * written under P->mu, with cv broadcast) is seq; 1, or 0 when the run
 * stopped. */
int icp_pool_wait_turn(struct pool *P, const long *turn, pthread_cond_t *cv,
                       long seq);
/* pool.c: waits until chunk seq may be parsed (or an input opened for
 * it); 0 when the run stopped. A worker that saw the gate open (w, when
 * not NULL) does not ask again. */
int icp_pool_gate_wait(struct pool *P, struct worker *w, long seq);

/* pool_cut.c: numbers the next chunk into s, with the next raw block
 * when there is one (read outside the lock): 0, or -1 when there is no
 * chunk. */
int icp_pool_take(struct pool *P, struct work *s);
/* pool_cut.c: waits for chunk s's turn and cuts it: 0, or -1 when the
 * run stopped. */
int icp_pool_cut(struct pool *P, struct work *s);

#endif
