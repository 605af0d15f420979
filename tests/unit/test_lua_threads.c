/*
 * test_lua_threads.c -- the Lua module holds no global state: two
 * interpreters (each its own luaL_newstate) in two threads load
 * build/icp.so with require, load the same pack with different as-of
 * dates, score accounts and a whole file at the same time, and each gets
 * exactly what it gets when run alone. Run from the repo root after the
 * build (build/icp.so, rules/, tests/data/); ICP_LUA_CPATH overrides
 * where the module is found (e.g. "/tmp/asan/?.so" for an ASan build).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

/* Scores 300 made-up accounts and tests/data/accounts.csv into the output
 * file; returns "scored sum-of-scores tiers" to compare. */
static const char chunk[] =
  "package.cpath = (os.getenv('ICP_LUA_CPATH') or 'build/?.so') .. ';' ..\n"
  "                package.cpath\n"
  "local icp = require 'icp'\n"
  "local as_of, out = ...\n"
  "local pack = assert(icp.load('rules/b2b_saas.lua', { as_of = as_of }))\n"
  "local sum, tiers = 0, {}\n"
  "for i = 1, 300 do\n"
  "  local r = pack:score{ domain = 'a' .. i .. '.io', employees = i * 7,\n"
  "    industry = i % 2 == 0 and 'Software' or 'Retail',\n"
  "    tech = { 'Snowflake' }, demo_attended = true,\n"
  "    last_activity_date = '2026-10-01', last_funding_date = '2026-09-01' }\n"
  "  sum = sum + r.score\n"
  "  tiers[#tiers + 1] = r.tier\n"
  "end\n"
  "local st = assert(pack:score_file('tests/data/accounts.csv', out))\n"
  "pack:close()\n"
  "return string.format('%d %.9f %s', st.scored, sum,\n"
  "                     table.concat(tiers, ','))\n";

struct job {
  const char *as_of;
  char out[64];
  char *summary;   /* malloc'd result of the chunk, or NULL */
  char error[512];
};

static void *run_job(void *ud)
{
  struct job *j = ud;
  lua_State *L = luaL_newstate();
  if(!L) {
    snprintf(j->error, sizeof(j->error), "luaL_newstate failed");
    return NULL;
  }
  luaL_openlibs(L);
  if(luaL_loadbuffer(L, chunk, sizeof(chunk) - 1, "=thread") ||
     (lua_pushstring(L, j->as_of), lua_pushstring(L, j->out),
      lua_pcall(L, 2, 1, 0))) {
    snprintf(j->error, sizeof(j->error), "%s", lua_tostring(L, -1));
  }
  else
    j->summary = strdup(lua_tostring(L, -1));
  lua_close(L);
  return NULL;
}

static char *slurp(const char *path, size_t *n)
{
  FILE *fp = fopen(path, "rb");
  char *p;
  long len;
  if(!fp)
    return NULL;
  fseek(fp, 0, SEEK_END);
  len = ftell(fp);
  rewind(fp);
  p = malloc((size_t)len + 1);
  if(p && fread(p, 1, (size_t)len, fp) != (size_t)len) {
    free(p);
    p = NULL;
  }
  fclose(fp);
  *n = (size_t)len;
  return p;
}

static void same_file(const char *a, const char *b)
{
  size_t na = 0, nb = 0;
  char *pa = slurp(a, &na), *pb = slurp(b, &nb);
  cr_assert(pa && pb, "cannot read %s or %s", a, b);
  cr_expect(na == nb && !memcmp(pa, pb, na), "%s and %s differ", a, b);
  free(pa);
  free(pb);
}

Test(lua_threads, two_interpreters_in_two_threads_do_not_interfere)
{
  static const char *const dates[2] = { "2026-11-01", "2025-01-15" };
  struct job alone[2], both[2];
  pthread_t th[2];
  int i;

  cr_assert(access("build/icp.so", R_OK) == 0,
            "build/icp.so missing: run make first, from the repo root");
  memset(alone, 0, sizeof(alone));
  memset(both, 0, sizeof(both));
  for(i = 0; i < 2; i++) {
    alone[i].as_of = both[i].as_of = dates[i];
    snprintf(alone[i].out, sizeof(alone[i].out), "/tmp/icp_lua_%d_a%d.jsonl",
             (int)getpid(), i);
    snprintf(both[i].out, sizeof(both[i].out), "/tmp/icp_lua_%d_b%d.jsonl",
             (int)getpid(), i);
    run_job(&alone[i]);          /* one at a time: the reference */
    cr_assert(alone[i].summary, "alone %d: %s", i, alone[i].error);
  }
  cr_assert(strcmp(alone[0].summary, alone[1].summary),
            "the two as-of dates should score differently");
  for(i = 0; i < 2; i++)
    cr_assert(!pthread_create(&th[i], NULL, run_job, &both[i]));
  for(i = 0; i < 2; i++)
    pthread_join(th[i], NULL);
  for(i = 0; i < 2; i++) {
    cr_assert(both[i].summary, "thread %d: %s", i, both[i].error);
    cr_expect_str_eq(both[i].summary, alone[i].summary,
                     "thread %d scored differently than alone", i);
    same_file(both[i].out, alone[i].out);
    free(alone[i].summary);
    free(both[i].summary);
    unlink(alone[i].out);
    unlink(both[i].out);
  }
}
