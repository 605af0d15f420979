/*
 * fuzz_serve.c -- libFuzzer target for the request path of `icp serve`
 * and pack:score_json: a body (one JSON account or an array of them) read
 * by the JSONL reader's text entry point, scored and written by
 * core/serve/body.c, exactly as POST /v1/score does. `make fuzz` builds
 * it (build/fuzz/fuzz_serve) and runs it from tests/fuzz/corpus/fuzz_serve.
 *
 * The first byte picks the batch limit (0-15) and explain; the rest is the
 * body. Every body must end in an answer or a 400/413 status with a
 * message, never a crash, a leak, undefined behaviour or an answer that
 * is cut short; a good answer must be as many lines as accounts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/account.h"
#include "data/schema.h"
#include "io/reader.h"
#include "rules/rules.h"
#include "serve/body.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char pack_text[] =
  "profile { name = \"fz\", version = \"1\", dimensions = { fit = 2, eng = 1 },\n"
  "  tiers = { {\"A\", 80}, {\"B\", 40}, {\"C\", 0} } }\n"
  "fields { demo = \"bool\", seen = \"date\", tags = \"list\" }\n"
  "rule \"size\" { dimension = \"fit\", points = 50, when = field \"employees\" :gt(100) }\n"
  "rule \"ind\" { dimension = \"fit\", points = 50, when = field \"industry\" :one_of { \"Software\" } }\n"
  "rule \"tag\" { dimension = \"eng\", points = 5, when = field \"tags\" :has \"x\" }\n"
  "rule \"demo\" { dimension = \"eng\", points = 10, when = field \"demo\" :is_true(),\n"
  "  decay = { date = \"seen\", half_life_days = 30 } }\n"
  "rule \"custom\" { dimension = \"eng\", points = 5,\n"
  "  when = function(a) return (a.open_jobs or 0) > 3, a.note end }\n"
  "exclude \"rival\" { when = field \"domain\" :eq(\"rival.com\") }\n"
  "route { tier = \"A\", to = \"ae\", sla_hours = 4 }\n"
  "route { default = true, to = \"nurture\" }\n";

struct fixture {
  struct icp_schema *schema;
  struct icp_pack *pack;
  struct icp_account *a;
  struct icp_result *res;
  struct icp_reader *rd;
};

/* The pack is loaded once: loading is fuzzed elsewhere. */
static struct fixture *fixture(void)
{
  static struct fixture f;
  struct icp_err err;
  if(f.rd)
    return &f;
  f.schema = icp_schema_new();
  f.pack = f.schema ? icp_pack_new(f.schema, NULL) : NULL;
  if(!f.pack || icp_pack_load_text(f.pack, "fz.lua", pack_text,
                                   strlen(pack_text), &err))
    abort();
  icp_pack_set_as_of(f.pack, 20000);
  icp_schema_restrict(f.schema, 1);
  f.a = icp_account_new(f.schema);
  f.res = icp_result_new(f.pack);
  if(!f.a || !f.res ||
     icp_reader_open_text(&f.rd, "request", f.schema, &err))
    abort();
  return &f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct fixture *f = fixture();
  struct icp_body b;
  struct icp_buf out;
  struct icp_err err;
  enum icp_status st;
  char *text;
  size_t i, lines = 0;

  if(!size)
    return 0;
  text = malloc(size); /* the body, NUL-terminated as the server keeps it */
  if(!text)
    return 0;
  memcpy(text, data + 1, size - 1);
  text[size - 1] = 0;
  memset(&b, 0, sizeof(b));
  b.pack = f->pack;
  b.rd = f->rd;
  b.a = f->a;
  b.res = f->res;
  b.explain = data[0] & 0x10;
  b.max_items = data[0] & 0x0f;
  icp_buf_init(&out, (size_t)16 << 20);
  err.msg[0] = 0;
  st = icp_body_score(&b, text, size - 1, &out, &err);
  if(st == ICP_OK) {
    for(i = 0; i < out.len; i++)
      lines += out.p[i] == '\n';
    if(!lines || out.p[out.len - 1] != '\n')
      abort(); /* an answer ends with its newline */
  }
  else if(icp_body_http_status(st) == 500 && st != ICP_ENOMEM)
    abort();
  else if(!err.msg[0])
    abort(); /* an error always says what */
  icp_buf_free(&out);
  icp_body_release(&b);
  free(text);
  return 0;
}
