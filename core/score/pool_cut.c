/*
 * pool_cut.c -- the parallel run's input, cut into chunks of whole
 * records in input order (see pool.c for the run as a whole).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"
#include "base/file.h"
#include "score/pool_impl.h"

/* ---- cutting the input ------------------------------------------------- */

/* Chunks are numbered in input order when they are taken
 * (icp_pool_take, under the read lock), and cut in that order
 * (icp_pool_cut: under the read lock too, but for the common cut of a
 * raw block, cut_fast, which changes only what the chunk in turn owns).
 * A regular file
 * is cut from raw blocks (icp_reader_raw): taking a chunk gives it the
 * next block of the file, which the worker reads itself (pread, beside
 * the others), so that in its turn only the record boundaries are found
 * and the start of a record that the block cuts off is carried over to
 * the next one. Other inputs (stdin, a byte range), and an input from a
 * record longer than a block on, are cut by the reader
 * (icp_reader_chunk), in turn too.
 *
 * An input that cannot be opened, or fails while being read, makes a
 * chunk that carries the failure (reported in turn, like the sequential
 * loop), and nothing comes after it. */

/* Reads s's block of fd past the room for a carry: blk_got is the bytes
 * read (fewer when the file was cut short), or -1 with blk_errno. */
static void read_block(struct work *s, int fd)
{
  s->blk_got = icp_pread_full(fd, s->chunk.data.p + CHUNK_BYTES, s->blk_len,
                              s->blk_off);
  if(s->blk_got < 0)
    s->blk_errno = errno;
}

/* Numbers the next chunk into s, with the next raw block when there is
 * one (read here, outside the lock): 0, or -1 when there is no chunk. */
int icp_pool_take(struct pool *P, struct work *s)
{
  int fd = -1;
  pthread_mutex_lock(&P->rmu);
  if(P->rdone || __atomic_load_n(&P->stop, __ATOMIC_ACQUIRE)) {
    pthread_mutex_unlock(&P->rmu);
    return -1;
  }
  s->seq = P->rseq++;
  s->blk_in = -1;
  s->blk_got = 0;
  if(P->ropen && P->raw && P->raw_off < P->raw_size) {
    s->blk_in = P->rin;
    s->blk_off = P->raw_off;
    s->blk_len = P->raw_size - P->raw_off < CHUNK_BYTES
                 ? (size_t)(P->raw_size - P->raw_off) : CHUNK_BYTES;
    P->raw_off += s->blk_len;
    fd = P->raw_fd;
  }
  pthread_mutex_lock(&P->mu);
  P->nread = P->rseq;
  pthread_mutex_unlock(&P->mu);
  pthread_mutex_unlock(&P->rmu);
  icp_buf_reset(&s->chunk.data);
  if(icp_buf_room(&s->chunk.data, 2 * CHUNK_BYTES)) {
    s->blk_errno = ENOMEM;
    s->blk_got = -1;
  }
  else if(fd >= 0)
    read_block(s, fd);
  return 0;
}

/* Opens input P->rin for chunk s (in its turn): 0, or -1 with the failure
 * in s. */
static int open_input(struct pool *P, struct work *s)
{
  const struct icp_run_opts *o = P->o;
  struct icp_reader *r = NULL;
  struct icp_raw raw;
  /* a CSV header read here may fix the kept columns: not beside a chunk
   * being parsed before they are */
  if(!icp_pool_gate_wait(P, NULL, s->seq))
    s->rst = icp_err_set(&s->rerr, ICP_EINVAL, "stopped");
  else
    s->rst = icp_reader_open(&r, P->inputs[P->rin], o->format, P->schema,
                             &s->rerr);
  if(s->rst)
    return -1;
  if(o->has_range)
    icp_reader_set_range(r, o->range_beg, o->range_end);
  icp_run_opened(P->rs, r, P->w[0].model, P->rin == 0);
  pthread_mutex_lock(&P->mu);
  P->masters[P->rin] = r;
  pthread_mutex_unlock(&P->mu);
  P->ropen = 1;
  /* what the reader read is less than a block (its first read is) */
  P->raw = icp_reader_raw(r, &raw) && raw.nrest < CHUNK_BYTES;
  if(P->raw) {
    memcpy(P->carry.p, raw.rest, raw.nrest); /* room made at the start */
    P->carry.p[raw.nrest] = 0;
    P->carry.len = raw.nrest;
    P->raw_fd = raw.fd;
    P->raw_off = P->raw_cut = raw.off;
    P->raw_size = raw.size;
    P->carry_line = raw.line;
  }
  return 0;
}

/* What cut_raw did. */
enum { RAW_CUT, RAW_END, RAW_READER, RAW_FAIL };

/* Gives the reader back the input from p[0, n) on (bytes not cut yet,
 * the file read up to P->raw_cut): it cuts from here. RAW_READER, or
 * RAW_FAIL with the failure in s. */
static int raw_stop(struct pool *P, struct work *s, const char *p,
                    size_t n)
{
  P->raw = 0;
  s->rst = icp_reader_resume(P->masters[P->rin], p, n, P->raw_cut,
                             P->carry_line, &s->rerr);
  return s->rst ? RAW_FAIL : RAW_READER;
}

static int raw_nomem(struct work *s)
{
  s->rst = icp_err_set(&s->rerr, ICP_ENOMEM, "out of memory");
  return RAW_FAIL;
}

/* Cuts chunk s at the last record end of the carry and then its block
 * (got bytes; all of it at the input's end): the bytes after that end
 * become the carry. 1 when cut; 0, with the carry as it was, when no
 * record ends in it or a block or more would be left over (a record
 * longer than a block). */
static int cut_block(struct pool *P, struct work *s, size_t got, int at_end)
{
  struct icp_chunk *c = &s->chunk;
  size_t rest = P->carry.len, tail;
  char *data = c->data.p + CHUNK_BYTES - rest;
  const char *end, *e = c->data.p + CHUNK_BYTES + got;
  long nl;
  memcpy(data, P->carry.p, rest);
  if(at_end)
    end = e, nl = icp_bytes_count(data, e, '\n');
  else if(!(end = icp_reader_cut(P->masters[P->rin], data, e, &nl)))
    return 0;
  if((tail = (size_t)(e - end)) >= CHUNK_BYTES)
    return 0;
  c->start = CHUNK_BYTES - rest;
  c->data.len = (size_t)(end - c->data.p);
  c->line = P->carry_line;
  memcpy(P->carry.p, end, tail); /* room made at the start */
  P->carry.p[tail] = 0;
  P->carry.len = tail;
  c->data.p[c->data.len] = 0;
  P->carry_line += nl;
  return 1;
}

/* Cuts chunk s from raw blocks: RAW_CUT (s may hold nothing: the next
 * block is a later chunk's), RAW_END when the input is done, RAW_READER
 * when the reader cuts from here on (a record longer than a block), or
 * RAW_FAIL. */
static int cut_raw(struct pool *P, struct work *s)
{
  struct icp_chunk *c = &s->chunk;
  size_t rest = P->carry.len;

  c->line = P->carry_line;
  if(s->blk_in != P->rin || s->blk_off != P->raw_cut ||
     P->raw_cut >= P->raw_size) {
    if(P->raw_off > P->raw_cut)
      return RAW_CUT; /* the next block is a later chunk's */
    if(P->raw_cut >= P->raw_size) { /* the end */
      if(!rest)
        return RAW_END;
      if(icp_buf_add(&c->data, P->carry.p, rest)) /* no newline after it */
        return raw_nomem(s);
      icp_buf_reset(&P->carry);
      return RAW_CUT;
    }
    s->blk_in = P->rin; /* no chunk has the next block: read it here */
    s->blk_off = P->raw_cut;
    s->blk_len = P->raw_size - P->raw_cut < CHUNK_BYTES
                 ? (size_t)(P->raw_size - P->raw_cut) : CHUNK_BYTES;
    P->raw_off = P->raw_cut + s->blk_len;
    if(s->blk_got >= 0)
      read_block(s, P->raw_fd);
  }
  if(s->blk_got < 0) {
    if(s->blk_errno == ENOMEM)
      return raw_nomem(s);
    s->rst = icp_err_set(&s->rerr, ICP_EIO, "%s:%ld: read error: %s",
                         icp_reader_name(P->masters[P->rin]),
                         P->carry_line, strerror(s->blk_errno));
    return RAW_FAIL;
  }
  P->raw_cut += (uint64_t)s->blk_got;
  if((size_t)s->blk_got < s->blk_len) /* cut short meanwhile: the end */
    P->raw_size = P->raw_off = P->raw_cut;
  if(cut_block(P, s, (size_t)s->blk_got, P->raw_cut >= P->raw_size))
    return RAW_CUT;
  /* a record longer than a block: the carry and the block (in front of
   * it since cut_block) go back to the reader */
  return raw_stop(P, s, c->data.p + CHUNK_BYTES - rest,
                  rest + (size_t)s->blk_got);
}

/* cut_raw's common case without the read lock: the chunk has the next
 * block, a whole one and not the input's last, a record ends in it and
 * less than a block is left over. Then only what the chunk in turn owns
 * changes (the carry and raw_cut); the rest was last written by an
 * earlier chunk in turn. 1 when cut; 0 when cut_raw must do it (nothing
 * changed). */
static int cut_fast(struct pool *P, struct work *s)
{
  if(P->rdone || !P->ropen || !P->raw || s->blk_in != P->rin ||
     s->blk_off != P->raw_cut || s->blk_got != (ssize_t)s->blk_len ||
     !s->blk_len || P->raw_cut + s->blk_len >= P->raw_size ||
     !cut_block(P, s, s->blk_len, 0))
    return 0;
  P->raw_cut += s->blk_len;
  return 1;
}

/* Cuts chunk s from the open input: 1, or 0 when no chunk comes after
 * it (a failure, or the last input's end). At an input's end, s is its
 * last chunk (no records) and the next one opens the next input. */
static int cut_open(struct pool *P, struct work *s)
{
  struct icp_err err;
  enum icp_status st;
  int how = P->raw ? cut_raw(P, s) : RAW_READER;
  if(how == RAW_FAIL)
    return 0;
  if(how == RAW_CUT)
    return 1;
  if(how == RAW_READER) {
    st = icp_reader_chunk(P->masters[P->rin], &s->chunk, CHUNK_BYTES, &err);
    if(st && st != ICP_EOF) {
      s->rst = st;
      s->rerr = err;
      return 0;
    }
    if(!st)
      return 1;
  }
  s->last = 1;
  P->ropen = 0;
  return ++P->rin < P->ninputs;
}

/* Waits for chunk s's turn and cuts it: 0, or -1 when the run stopped. A
 * chunk taken before the input's end was known is cut empty. */
int icp_pool_cut(struct pool *P, struct work *s)
{
  if(!icp_pool_wait_turn(P, &P->cut_turn, &P->cv_cut, s->seq))
    return -1;
  s->input = P->rin < P->ninputs ? P->rin : P->ninputs - 1;
  s->last = 0;
  s->rst = ICP_OK;
  s->chunk.start = 0;
  s->chunk.bad_line = 0;
  if(cut_fast(P, s)) { /* the turn passes; nothing else changed */
    pthread_mutex_lock(&P->mu);
    P->cut_turn++;
    pthread_cond_broadcast(&P->cv_cut);
    pthread_mutex_unlock(&P->mu);
    return 0;
  }
  pthread_mutex_lock(&P->rmu);
  if(!P->rdone) {
    if(P->ropen || !open_input(P, s))
      P->rdone = !cut_open(P, s);
    else { /* the failure is its chunk's */
      s->last = 1;
      P->rdone = 1;
    }
  }
  pthread_mutex_lock(&P->mu);
  P->nread = P->rseq;
  P->read_done = P->rdone;
  P->cut_turn++;
  pthread_cond_broadcast(&P->cv_cut);
  if(P->read_done && P->hand_turn >= P->nread) /* the end: nothing cut */
    pthread_cond_signal(&P->cv_end);
  pthread_mutex_unlock(&P->mu);
  pthread_mutex_unlock(&P->rmu);
  return 0;
}
