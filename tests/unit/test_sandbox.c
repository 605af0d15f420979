/* test_sandbox.c -- the Lua sandbox of a pack (HARDENING.md items 1-10):
 * what rules can reach, instruction and memory limits, read-only views,
 * error objects and their truncation. */
#include <lauxlib.h>
#include <lualib.h>
#include <time.h>
#include <unistd.h>

#include "test_support.h"

#define RULE_OK_TEXT \
  "rule \"ok\" { dimension = \"fit\", points = 1, when = field \"x\" :eq(1) }\n"

/* A pack with one function rule "f" whose body is body. */
static void load_fn(struct tp *t, const char *body,
                    const struct icp_pack_opts *opts)
{
  char text[4096];
  snprintf(text, sizeof(text), T_PROFILE
           "rule \"f\" { dimension = \"fit\", points = 10, when = function(a)\n"
           "%s\n"
           "end }\n"
           "rule \"plain\" { dimension = \"fit\", points = 10, when = field \"employees\" :gt(1) }\n",
           body);
  tp_load_opts(t, text, opts);
  cr_assert_eq(t->st, ICP_OK, "%s", t->err.msg);
}

/* Scores an account with employees=5 and returns rule f's outcome. */
static enum icp_tri run_fn(struct tp *t)
{
  tp_acct(t, "employees=5", "tech=a;b", NULL);
  tp_score(t);
  cr_assert_eq(tp_out(t, "plain"), ICP_TRUE); /* the run goes on */
  return tp_out(t, "f");
}

static void expect_error(const char *body, const char *needle)
{
  struct tp t;
  load_fn(&t, body, NULL);
  cr_assert_eq(run_fn(&t), ICP_UNKNOWN, "%s", body);
  cr_assert_not_null(tp_error(&t, "f"), "%s", body);
  cr_assert(strstr(tp_error(&t, "f"), needle), "%s: error '%s' lacks '%s'",
            body, tp_error(&t, "f"), needle);
  tp_free(&t);
}

static void expect_true(const char *body)
{
  struct tp t;
  load_fn(&t, body, NULL);
  cr_assert_eq(run_fn(&t), ICP_TRUE, "%s: %s", body,
               tp_error(&t, "f") ? tp_error(&t, "f") : "not fired");
  tp_free(&t);
}

Test(sandbox, dangerous_globals_are_absent_at_load_and_in_rules)
{
  static const char *const names[] = {
    "io", "os", "require", "debug", "package", "load", "loadstring",
    "loadfile", "dofile", "collectgarbage", "print", "rawset", "module",
    "setfenv", "getfenv", "coroutine", "_G", NULL
  };
  const char *const *n;
  for(n = names; *n; n++) {
    char text[1024], body[256];
    struct tp t;
    snprintf(text, sizeof(text), T_PROFILE RULE_OK_TEXT "assert(%s == nil, "
             "\"%s is reachable\")\n", *n, *n);
    tp_load(&t, text);
    cr_expect_eq(t.st, ICP_OK, "%s: %s", *n, t.err.msg);
    tp_free(&t);
    snprintf(body, sizeof(body), "return %s == nil", *n);
    expect_true(body);
  }
  expect_true("return string.dump == nil and (\"\").dump == nil and "
              "math.random == nil");
  expect_true("return type(string.format) == \"function\" and "
              "type(table.concat) == \"function\" and "
              "type(utf8.char) == \"function\" and math.floor(2.5) == 2");
}

Test(sandbox, bytecode_is_refused)
{
  lua_State *L = luaL_newstate();
  struct tp t;
  size_t n;
  const char *code;
  cr_assert(L);
  /* real bytecode, made by an ordinary state */
  luaL_openlibs(L);
  cr_assert_eq(luaL_dostring(L, "return string.dump(load("
                               "'profile { name = \\'x\\' }'))"), LUA_OK);
  code = lua_tolstring(L, -1, &n);
  cr_assert(n > 4 && code[0] == 0x1b);
  memset(&t, 0, sizeof(t));
  t.schema = icp_schema_new();
  t.pack = icp_pack_new(t.schema, NULL);
  t.st = icp_pack_load_text(t.pack, "pk.lua", code, n, &t.err);
  cr_assert_eq(t.st, ICP_ELOAD);
  cr_assert(strstr(t.err.msg, "binary chunk"), "%s", t.err.msg);
  lua_close(L);
  tp_free(&t);
}

Test(sandbox, the_string_metatable_is_locked_and_safe)
{
  expect_true("return getmetatable(\"\") == false");
  expect_error("setmetatable(\"\", {})", "table expected");
  expect_true("return (\"abc\"):upper() == \"ABC\" and (\"x\"):rep(3) == "
              "\"xxx\" and (\"x\").dump == nil");
  /* a pack may change its own string table, which strings see too, but
   * not another pack's */
  {
    struct tp t, u;
    tp_ok(&t, T_PROFILE RULE_OK_TEXT "string.upper = nil\n"
          "assert((\"x\").upper == nil)\n");
    load_fn(&u, "return (\"x\"):upper() == \"X\"", NULL);
    cr_assert_eq(run_fn(&u), ICP_TRUE);
    tp_free(&t);
    tp_free(&u);
  }
}

Test(sandbox, an_endless_loop_is_stopped_and_the_run_goes_on, .timeout = 30)
{
  struct icp_pack_opts o = { 0, 200000 };
  struct tp t;
  load_fn(&t, "while true do end", &o);
  cr_assert_eq(run_fn(&t), ICP_UNKNOWN);
  cr_assert(strstr(tp_error(&t, "f"), "instruction budget exceeded"));
  cr_assert_eq(t.r->nerrors, 1);
  cr_assert_eq(run_fn(&t), ICP_UNKNOWN); /* again, same outcome */
  tp_free(&t);
}

Test(sandbox, pcall_cannot_swallow_the_instruction_budget, .timeout = 30)
{
  /* used to run forever: the hook's error was caught and the budget
   * reset */
  struct icp_pack_opts o = { 0, 200000 };
  struct tp t;
  time_t t0 = time(NULL);
  load_fn(&t, "while true do pcall(function() while true do end end) end",
          &o);
  cr_assert_eq(run_fn(&t), ICP_UNKNOWN);
  cr_assert(strstr(tp_error(&t, "f"), "instruction budget exceeded"));
  tp_free(&t);
  load_fn(&t, "while true do xpcall(function() while true do end end,\n"
          "  function(e) return e end) end", &o);
  cr_assert_eq(run_fn(&t), ICP_UNKNOWN);
  tp_free(&t);
  cr_assert(time(NULL) - t0 < 20);
}

Test(sandbox, pcall_and_xpcall_still_work_for_ordinary_errors)
{
  expect_true("local ok, e = pcall(error, \"x\", 0)\n"
              "local ok2, v = pcall(function(n) return n + 1 end, 41)\n"
              "local ok3, h = xpcall(function() error(\"y\", 0) end,\n"
              "  function(m) return \"handled \" .. m end)\n"
              "return not ok and e == \"x\" and ok2 and v == 42\n"
              "  and not ok3 and h == \"handled y\"");
}

Test(sandbox, c_functions_that_loop_without_allocating_are_bounded, .timeout = 30)
{
  /* string.rep of "" and table.move loop in C where the count hook
   * cannot stop them */
  time_t t0 = time(NULL);
  expect_true("return string.rep(\"\", math.maxinteger) == \"\" and "
              "(\"\"):rep(1e15, \"\") == \"\"");
  expect_error("table.move({}, 1, math.maxinteger - 1, 2, {})",
               "table.move of more than");
  expect_error("table.move({}, math.mininteger, -2, 1, {})",
               "table.move of more than");
  expect_true("local t = table.move({1, 2, 3}, 1, 3, 2) return t[4] == 3");
  cr_assert(time(NULL) - t0 < 20);
}

Test(sandbox, the_memory_cap_stops_a_doubling_string_and_the_state_lives_on)
{
  struct icp_pack_opts o = { 16u << 20, 0 };
  struct tp t;
  size_t before;
  load_fn(&t, "if a.employees == 5 then local s = \"x\" while true do "
          "s = s .. s end end\n"
          "local t = {} for i = 1, 1000 do t[i] = i end return #t == 1000",
          &o);
  before = icp_sandbox_mem(t.pack->sb);
  cr_assert_eq(run_fn(&t), ICP_UNKNOWN);
  cr_assert(strstr(tp_error(&t, "f"), "memory limit exceeded"), "%s",
            tp_error(&t, "f"));
  cr_assert(icp_sandbox_mem(t.pack->sb) < before + (1u << 20));
  /* the same state scores the next account */
  tp_acct(&t, "employees=6", NULL);
  tp_score(&t);
  cr_assert_eq(tp_out(&t, "f"), ICP_TRUE, "%s",
               tp_error(&t, "f") ? tp_error(&t, "f") : "");
  tp_free(&t);
}

Test(sandbox, the_memory_cap_holds_at_load_time)
{
  struct icp_pack_opts o = { 8u << 20, 0 };
  struct tp t;
  tp_load_opts(&t, T_PROFILE RULE_OK_TEXT
               "local t = {} for i = 1, 1e7 do t[i] = string.rep(\"x\", 100) .. i end\n",
               &o);
  assert_diag(&t, "memory limit exceeded");
  tp_free(&t);
}

Test(sandbox, catastrophic_patterns_are_refused)
{
  expect_error("local s = string.rep(\"a\", 800)\n"
               "return s:find(\".-.-.-b\") ~= nil",
               "has more than one quantifier");
  expect_error("return string.match(string.rep(\"a\", 5000), \"a\") ~= nil",
               "pattern subject longer than 4096 bytes");
  expect_error("return (\"aaa\"):gsub(\"a*a*\", \"\") ~= nil",
               "more than one quantifier");
  /* one quantifier on a bounded subject, and plain find on anything */
  expect_true("return (\"hello world\"):match(\"w.*\") == \"world\" and "
              "string.rep(\"a\", 100000):find(\".-.-b\", 1, true) == nil "
              "and (\"a.b\"):gsub(\"%.\", \"-\") == \"a-b\"");
}

Test(sandbox, finalizers_are_refused)
{
  expect_error("setmetatable({}, { __gc = function() end }) return true",
               "finalizers (__gc) are not allowed in rules");
  {
    struct tp t;
    tp_load(&t, T_PROFILE RULE_OK_TEXT
            "setmetatable({}, { __gc = function() while true do end end })\n");
    assert_diag(&t, "pk.lua:4: finalizers (__gc) are not allowed");
    tp_free(&t);
  }
  expect_true("local t = setmetatable({}, { __index = function() return 7 "
              "end }) return t.x == 7");
}

Test(sandbox, rules_cannot_write_globals)
{
  expect_error("newglobal = 1 return true",
               "rules cannot set global 'newglobal' while scoring");
  expect_error("tostring = nil return true",
               "rules cannot set global 'tostring'");
  {
    /* an existing global of the pack is read-only while scoring too */
    struct tp t;
    tp_ok(&t, T_PROFILE "counter = 0\n"
          "rule \"f\" { dimension = \"fit\", points = 1, when = function(a)\n"
          "  counter = counter + 1 return true end }\n"
          "rule \"g\" { dimension = \"fit\", points = 1, when = function(a)\n"
          "  return counter == 0 end }\n");
    tp_acct(&t, NULL);
    tp_score(&t);
    cr_assert_eq(tp_out(&t, "f"), ICP_UNKNOWN);
    cr_assert(strstr(tp_error(&t, "f"), "rules cannot set global 'counter'"));
    cr_assert_eq(tp_out(&t, "g"), ICP_TRUE);
    tp_free(&t);
  }
}

Test(sandbox, rules_cannot_write_the_account_or_its_lists)
{
  expect_error("a.employees = 1 return true",
               "the account is read-only in rules");
  expect_error("a.tech[1] = \"x\" return true", "read-only");
  expect_error("a.tech[3] = \"x\" return true", "read-only");
  expect_true("return getmetatable(a) == false and "
              "getmetatable(a.tech) == false");
  expect_error("setmetatable(a, {})", "table expected");
  expect_true("local n = 0 for k, v in pairs(a) do n = n + 1 end "
              "return n == 2");
  expect_true("return tostring(a) == \"account (no domain)\"");
}

Test(sandbox, an_account_view_kept_past_its_call_fails)
{
  struct tp t;
  lua_State *L;
  struct icp_err err;
  tp_ok(&t, T_PROFILE
        "local kept = {}\n"
        "function peek() return kept.a.employees end\n"
        "rule \"keep\" { dimension = \"fit\", points = 1, when = function(a)\n"
        "  kept.a = a kept.tech = a.tech return true end }\n"
        "rule \"stale\" { dimension = \"fit\", points = 1, when = function(a)\n"
        "  return #kept.tech == 2 end }\n");
  tp_acct(&t, "employees=5", "tech=a;b", NULL);
  tp_score(&t);
  cr_assert_eq(tp_out(&t, "keep"), ICP_TRUE);
  /* a list from another rule's call is stale */
  cr_assert_eq(tp_out(&t, "stale"), ICP_UNKNOWN);
  cr_assert(strstr(tp_error(&t, "stale"), "only valid inside its rule "
                   "call"));
  /* outside any call, the view itself fails */
  L = icp_sandbox_state(t.pack->sb);
  icp_sandbox_push_env(t.pack->sb);
  lua_getfield(L, -1, "peek");
  lua_remove(L, -2);
  cr_assert_eq(icp_sandbox_call(t.pack->sb, 0, 1, 1000, &err), ICP_EINVAL);
  cr_assert(strstr(err.msg, "the account view is only valid inside its "
                   "rule call"), "%s", err.msg);
  cr_assert_eq(lua_gettop(L), 0);
  tp_free(&t);
}

Test(sandbox, a_ten_thousand_item_list_is_read_by_a_rule)
{
  struct icp_str *items = calloc(ICP_LIST_MAX, sizeof(*items));
  char (*text)[8] = calloc(ICP_LIST_MAX, 8);
  struct icp_value v;
  struct tp t;
  int i;
  load_fn(&t, "local n, last = 0, nil\n"
          "for i, x in ipairs(a.tech) do n = n + 1 last = x end\n"
          "return n == 10000 and #a.tech == 10000 and last == \"t9999\"\n"
          "  and a.tech[1] == \"t0\" and a.tech[10001] == nil and "
          "a.tech[0] == nil", NULL);
  for(i = 0; i < ICP_LIST_MAX; i++) {
    items[i].n = (uint32_t)snprintf(text[i], 8, "t%d", i);
    items[i].p = text[i];
  }
  memset(&v, 0, sizeof(v));
  v.type = ICP_T_LIST;
  v.n = ICP_LIST_MAX;
  v.u.list = items;
  icp_account_clear(t.a);
  cr_assert_eq(icp_account_set(t.a, ICP_F_TECH, &v, 0), ICP_OK);
  tp_score(&t);
  cr_assert_eq(tp_out(&t, "f"), ICP_TRUE, "%s",
               tp_error(&t, "f") ? tp_error(&t, "f") : "");
  /* table.unpack of the whole list into a table also works */
  free(items);
  free(text);
  tp_free(&t);
}

Test(sandbox, error_objects_are_described_without_metamethods)
{
  expect_error("error({})", "error object is a table");
  expect_error("error(setmetatable({}, { __tostring = function() "
               "while true do end end }))", "error object is a table");
  expect_error("error(42)", "error object is a number");
  expect_error("error(nil)", "error object is a nil");
  expect_error("error(\"plain\", 0)", "plain");
}

Test(sandbox, kept_errors_are_truncated_to_1_kib_with_a_marker)
{
  struct tp t;
  const char *e;
  load_fn(&t, "error(string.rep(\"e\", 5000), 0)", NULL);
  cr_assert_eq(run_fn(&t), ICP_UNKNOWN);
  e = tp_error(&t, "f");
  cr_assert_eq(strlen(e), ICP_SANDBOX_ERROR_MAX);
  cr_assert(strstr(e, "...[truncated]"));
  cr_assert_eq(strcmp(e + strlen(e) - 14, "...[truncated]"), 0);
  cr_assert_eq(e[0], 'e');
  tp_free(&t);
  /* evidence is bounded the same way */
  load_fn(&t, "return true, string.rep(\"v\", 3000)", NULL);
  cr_assert_eq(run_fn(&t), ICP_TRUE);
  cr_assert_eq(strlen(tp_evidence(&t, "f")), ICP_SANDBOX_ERROR_MAX);
  tp_free(&t);
}

Test(sandbox, describe_shows_nuls_and_types)
{
  lua_State *L = luaL_newstate();
  char out[16];
  lua_pushlstring(L, "a\0b", 3);
  icp_sandbox_describe(L, -1, out, sizeof(out));
  cr_assert_str_eq(out, "a?b");
  lua_pushboolean(L, 1);
  icp_sandbox_describe(L, -1, out, sizeof(out));
  cr_assert_str_eq(out, "error object is");  /* cut to the buffer */
  lua_close(L);
}

Test(sandbox, load_time_loops_are_bounded_too)
{
  struct tp t;
  tp_load(&t, T_PROFILE RULE_OK_TEXT "while true do end\n");
  assert_diag(&t, "instruction budget exceeded");
  tp_free(&t);
}

/* ---- the same sandbox, provider-config profile ---------------------------
 * A providers file (providers.lua) runs in this sandbox too: each hostile
 * construct above, repeated in a config. A config that passes declares
 * provider "a"; a hostile one must fail to load, quickly, with its
 * file:line. */

#include "net/providers.h"

static enum icp_status cfg_load(const char *text, struct icp_err *err)
{
  char path[64];
  struct icp_providers *pv = NULL;
  enum icp_status st;
  FILE *f;
  snprintf(path, sizeof(path), "/tmp/icp_sbcfg_%d.lua", (int)getpid());
  f = fopen(path, "w");
  cr_assert(f);
  fputs(text, f);
  fclose(f);
  memset(err, 0, sizeof(*err));
  st = icp_providers_load(&pv, path, err);
  icp_providers_free(pv);
  remove(path);
  return st;
}

static void cfg_ok(const char *text)
{
  struct icp_err err;
  char full[4096];
  snprintf(full, sizeof(full), "provider \"a\" { }\n%s\n", text);
  cr_assert_eq(cfg_load(full, &err), ICP_OK, "%s: %s", text, err.msg);
}

static void cfg_bad(const char *text, const char *needle)
{
  struct icp_err err;
  char full[4096];
  snprintf(full, sizeof(full), "provider \"a\" { }\n%s\n", text);
  cr_assert_eq(cfg_load(full, &err), ICP_ELOAD, "%s was allowed", text);
  cr_assert(strstr(err.msg, needle), "%s: '%s' lacks '%s'", text, err.msg,
            needle);
  cr_assert(strstr(err.msg, "/tmp/icp_sbcfg_"), "%s: no file: %s", text,
            err.msg);
}

Test(sandbox, config_dangerous_globals_are_absent)
{
  static const char *const names[] = {
    "io", "os", "require", "debug", "package", "load", "loadstring",
    "loadfile", "dofile", "collectgarbage", "print", "rawset", "module",
    "setfenv", "getfenv", "coroutine", "_G", NULL
  };
  const char *const *n;
  char text[256];
  for(n = names; *n; n++) {
    snprintf(text, sizeof(text), "assert(%s == nil, \"%s is reachable\")",
             *n, *n);
    cfg_ok(text);
  }
  cfg_ok("assert(string.dump == nil and (\"\").dump == nil and "
         "math.random == nil)");
}

Test(sandbox, config_bytecode_is_refused)
{
  struct icp_err err;
  cr_assert_eq(cfg_load("\x1bLua\x54\x00", &err), ICP_ELOAD);
  cr_assert(strstr(err.msg, "binary chunk"), "%s", err.msg);
}

Test(sandbox, config_string_metatable_is_locked)
{
  cfg_ok("assert(getmetatable(\"\") == false)");
  cfg_bad("setmetatable(\"\", {})", "table expected");
}

Test(sandbox, config_loops_and_pcall_are_bounded, .timeout = 30)
{
  time_t t0 = time(NULL);
  cfg_bad("while true do end", "instruction budget exceeded");
  cfg_bad("while true do pcall(function() while true do end end) end",
          "instruction budget exceeded");
  cfg_bad("while true do xpcall(function() while true do end end,\n"
          "  function(e) return e end) end", "instruction budget exceeded");
  cr_assert(time(NULL) - t0 < 20);
}

Test(sandbox, config_string_rep_of_nothing_does_not_hang, .timeout = 30)
{
  /* used to hang `icp enrich` in the old hand-made config sandbox */
  time_t t0 = time(NULL);
  cfg_ok("assert(string.rep(\"\", math.maxinteger) == \"\")");
  cfg_ok("assert((\"\"):rep(1e15, \"\") == \"\")");
  cfg_bad("table.move({}, 1, math.maxinteger - 1, 2, {})",
          "table.move of more than");
  cr_assert(time(NULL) - t0 < 20);
}

Test(sandbox, config_memory_is_capped)
{
  cfg_bad("local s = 'x' for i = 1, 40 do s = s .. s end",
          "memory limit exceeded");
  cfg_bad("local t = {} for i = 1, 1e7 do t[i] = string.rep(\"x\", 100) .. "
          "i end", "memory limit exceeded");
}

Test(sandbox, config_catastrophic_patterns_are_refused, .timeout = 30)
{
  cfg_bad("local s = string.rep(\"a\", 800)\nlocal x = s:find(\".-.-.-b\")",
          "has more than one quantifier");
  cfg_bad("local x = string.match(string.rep(\"a\", 5000), \"a\")",
          "pattern subject longer than 4096 bytes");
  cfg_ok("assert((\"a.b\"):gsub(\"%.\", \"-\") == \"a-b\")");
}

Test(sandbox, config_finalizers_are_refused)
{
  cfg_bad("setmetatable({}, { __gc = function() while true do end end })",
          ":2: finalizers (__gc) are not allowed in provider configs");
}

Test(sandbox, config_error_objects_are_described_without_metamethods,
     .timeout = 30)
{
  cfg_bad("error(setmetatable({}, { __tostring = function() "
          "while true do end end }))", "error object is a table");
  cfg_bad("error(42)", "error object is a number");
}

Test(sandbox, config_errors_are_truncated)
{
  struct icp_err err;
  cr_assert_eq(cfg_load("error(string.rep(\"e\", 5000), 0)", &err),
               ICP_ELOAD);
  cr_assert(strlen(err.msg) < sizeof(err.msg));
  cr_assert(strstr(err.msg, "eeee"), "%s", err.msg);
}
