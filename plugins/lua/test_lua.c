/*
 * test_lua.c -- icp.test(path[, opts]): a pack's test cases (DESIGN §5)
 * through icp_cases_run_file, the runner behind `icp test PATH`.
 *
 *   path   a *_test.lua file, a pack x.lua (meaning x_test.lua beside
 *          it), or a directory searched recursively for *_test.lua
 *   opts   as_of = "YYYY-MM-DD"  default as-of of cases without their own
 *          verbose = bool         also list passing cases in the report
 *
 * Returns { passed=, failed=, packs=, rules=, covered=, min_share=,
 * failures = { "FAIL file:line: case ...\n  expected ...", ... },
 * report = the text `icp test` prints }, or nil, message when path does
 * not exist or holds no test file.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "data/value.h"
#include "score/cases.h"
#include "icp_lua.h"

#define PATH_MAX_LEN 4096
#define WALK_DEPTH 16

/* ---- finding test files ------------------------------------------------ */

/* The test files, in a Lua table at index `list`; paths are pushed as Lua
 * strings so nothing here needs freeing if an error unwinds. */
static void add(lua_State *L, int list, const char *path)
{
  lua_pushstring(L, path);
  lua_rawseti(L, list, (lua_Integer)lua_rawlen(L, list) + 1);
}

static int ends_with(const char *s, const char *suf)
{
  size_t n = strlen(s), m = strlen(suf);
  return n >= m && !strcmp(s + n - m, suf);
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds dir's *_test.lua files and those of its subdirectories, sorted by
 * name at each level (like `icp test DIR`). Entries are collected into a
 * Lua table first, so an error while sorting leaks nothing. */
static void walk(lua_State *L, int list, const char *dir, int depth)
{
  DIR *d;
  struct dirent *e;
  const char **names;
  int here, n, i;
  if(depth > WALK_DEPTH || !(d = opendir(dir)))
    return;
  lua_newtable(L);                                 /* ..., here */
  here = lua_gettop(L);
  while((e = readdir(d))) {
    char path[PATH_MAX_LEN];
    if(!icp_cases_dir_entry(dir, e->d_name, path, sizeof(path)))
      continue;
    if(!lua_checkstack(L, 2))
      break;
    lua_pushstring(L, path);   /* cannot raise but for memory */
    lua_rawseti(L, here, (lua_Integer)lua_rawlen(L, here) + 1);
  }
  closedir(d);
  n = (int)lua_rawlen(L, here);
  names = lua_newuserdatauv(L, (size_t)n * sizeof(*names) + 1, 0);
  for(i = 0; i < n; i++) {
    lua_rawgeti(L, here, i + 1);
    names[i] = lua_tostring(L, -1);  /* anchored by `here` */
    lua_pop(L, 1);
  }
  qsort(names, (size_t)n, sizeof(*names), cmp_str);
  for(i = 0; i < n; i++) {
    struct stat st;
    if(!stat(names[i], &st) && S_ISDIR(st.st_mode))
      walk(L, list, names[i], depth + 1);
    else
      add(L, list, names[i]);
  }
  lua_pop(L, 2);                                   /* here, names */
}

/* ---- the run ----------------------------------------------------------- */

/* Splits the report into failure blocks: a line starting "FAIL " and the
 * indented lines after it. Stack: -> failures. */
static void push_failures(lua_State *L, const char *text, size_t len)
{
  const char *p = text, *end = text + len, *start = NULL;
  lua_newtable(L);
  while(p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *next = nl ? nl + 1 : end;
    int indented = p[0] == ' ';
    if(start && !indented) {
      lua_pushlstring(L, start, (size_t)(p - start - 1));
      lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
      start = NULL;
    }
    if(!start && !strncmp(p, "FAIL ", 5))
      start = p;
    p = next;
  }
  if(start) {
    size_t n = (size_t)(end - start);
    if(n && start[n - 1] == '\n')
      n--;
    lua_pushlstring(L, start, n);
    lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
  }
}

static int l_test(lua_State *L)
{
  const char *path = luaL_checkstring(L, 1);
  struct icp_case_opts co;
  struct icp_case_stats cs;
  struct icp_err err;
  struct stat sb;
  char *text = NULL;
  size_t len = 0;
  FILE *out;
  int list, n, i;
  enum icp_status st = ICP_OK;

  memset(&co, 0, sizeof(co));
  co.as_of = icp_today();
  if(!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    if(lua_getfield(L, 2, "as_of") != LUA_TNIL) {
      size_t dn;
      const char *d = lua_type(L, -1) == LUA_TSTRING ?
                      lua_tolstring(L, -1, &dn) : NULL;
      if(!d || !icp_parse_date(d, dn, &co.as_of))
        luaL_argerror(L, 2, "as_of: YYYY-MM-DD expected");
    }
    lua_getfield(L, 2, "verbose");
    co.verbose = lua_toboolean(L, -1);
    lua_pop(L, 2);
  }
  lua_newtable(L);                                 /* ..., files */
  list = lua_gettop(L);
  if(stat(path, &sb)) {
    lua_pushnil(L);
    lua_pushfstring(L, "%s: no such file or directory", path);
    return 2;
  }
  if(S_ISDIR(sb.st_mode))
    walk(L, list, path, 0);
  else if(ends_with(path, ".lua") && !ends_with(path, "_test.lua")) {
    lua_pushfstring(L, "%s_test.lua", lua_pushlstring(L, path,
                    strlen(path) - 4));
    add(L, list, lua_tostring(L, -1));
    lua_pop(L, 2);
  }
  else
    add(L, list, path);
  n = (int)lua_rawlen(L, list);
  if(!n) {
    lua_pushnil(L);
    lua_pushfstring(L, "%s: no *_test.lua found", path);
    return 2;
  }

  /* From here to fclose, no Lua call that may raise. */
  out = open_memstream(&text, &len);
  if(!out)
    return luaL_error(L, "icp.test: out of memory");
  memset(&cs, 0, sizeof(cs));
  cs.min_share = 1;
  co.out = out;
  for(i = 0; i < n && !st; i++) {
    const char *file;
    lua_rawgeti(L, list, i + 1);   /* a string already: cannot raise */
    file = lua_tostring(L, -1);
    st = icp_cases_run_file(file, &co, &cs, &err);
    lua_pop(L, 1);
  }
  fprintf(out, "%d passed, %d failed\n", cs.passed, cs.failed);
  fclose(out);
  if(st) {
    free(text);
    return luaL_error(L, "icp.test: %s", err.msg);
  }
  lua_pushlstring(L, text ? text : "", len);       /* ..., report */
  free(text);
  lua_createtable(L, 0, 8);                        /* ..., report, result */
  icp_lua_set_int(L, "passed", cs.passed);
  icp_lua_set_int(L, "failed", cs.failed);
  icp_lua_set_int(L, "packs", cs.packs);
  icp_lua_set_int(L, "rules", cs.rules);
  icp_lua_set_int(L, "covered", cs.covered);
  icp_lua_set_num(L, "min_share", cs.min_share);
  push_failures(L, lua_tostring(L, -2), lua_rawlen(L, -2));
  lua_setfield(L, -2, "failures");
  lua_pushvalue(L, -2);
  lua_setfield(L, -2, "report");
  return 1;
}

void icp_lua_test_register(lua_State *L)
{
  lua_pushcfunction(L, l_test);                    /* icp, test */
  lua_setfield(L, -2, "test");
}
