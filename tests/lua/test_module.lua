-- tests/lua/test_module.lua -- the `icp` Lua module (build/icp.so) under
-- stock lua5.4, run from the repo root by `make test`:
--
--   lua5.4 tests/lua/test_module.lua
--
-- ICP_LUA_CPATH overrides where the module is found (default build/?.so),
-- e.g. build/asan/?.so for the ASan build described in docs/lua.md.
-- Ends with "N passed, N failed" and a non-zero status on failure.

package.cpath = (os.getenv("ICP_LUA_CPATH") or "build/?.so") .. ";" ..
                package.cpath

local ICP = os.getenv("ICP") or "build/icp"
local PACK = "rules/b2b_saas.lua"
local DATA = "tests/data/accounts.csv"

---------------------------------------------------------------------------
-- a tiny harness
---------------------------------------------------------------------------

local passed, failed = 0, 0
local tmpfiles = {}

local function test(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    passed = passed + 1
  else
    failed = failed + 1
    io.write("FAIL ", name, "\n  ", tostring(err):gsub("\n", "\n  "), "\n")
  end
end

local function eq(got, want, what)
  if got ~= want then
    error(("%s: expected %s, got %s"):format(what or "value",
          tostring(want), tostring(got)), 2)
  end
end

local function near(got, want, what)
  if type(got) ~= "number" or math.abs(got - want) > 1e-9 then
    error(("%s: expected %s, got %s"):format(what or "value",
          tostring(want), tostring(got)), 2)
  end
end

local function matches(s, pattern, what)
  if type(s) ~= "string" or not s:find(pattern) then
    error(("%s: %q does not match %q"):format(what or "message",
          tostring(s), pattern), 2)
  end
end

-- fn() must raise an error whose message contains `plain`. Call the
-- function under test inside fn as a statement, not in a tail call, so
-- that Lua knows its name ("bad argument #1 to 'score'").
local function raises(plain, fn)
  local ok, err = pcall(fn)
  if ok then error("expected an error containing '" .. plain .. "'", 2) end
  if not tostring(err):find(plain, 1, true) then
    error(("expected an error containing '%s', got '%s'"):format(plain,
          tostring(err)), 2)
  end
end

local function tmpname(ext)
  local n = os.tmpname()
  tmpfiles[#tmpfiles + 1] = n
  if ext then
    n = n .. ext
    tmpfiles[#tmpfiles + 1] = n
  end
  return n
end

local function write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
  return path
end

local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local function set_of(list)
  local s, n = {}, 0
  for _, v in ipairs(list) do s[v] = true; n = n + 1 end
  return s, n
end

local function keys(t)
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  return n
end

-- Resident set size in KiB (0 where /proc is missing).
local function rss_kib()
  local f = io.open("/proc/self/statm")
  if not f then return 0 end
  local _, res = f:read("n", "n")
  f:close()
  return (res or 0) * 4
end

---------------------------------------------------------------------------
-- the module
---------------------------------------------------------------------------

local icp = require "icp"

test("module exposes version and _VERSION", function()
  eq(type(icp), "table", "module")
  matches(icp.version, "^%d+%.%d+%.%d+$", "version")
  eq(icp._VERSION, "icp " .. icp.version, "_VERSION")
  eq(type(icp.load), "function", "icp.load")
  eq(type(icp.test), "function", "icp.test")
  eq(require "icp", icp, "require twice")
end)

---------------------------------------------------------------------------
-- icp.load
---------------------------------------------------------------------------

test("load returns a pack handle", function()
  local pack, err = icp.load(PACK, { as_of = "2026-06-30" })
  assert(pack, err)
  eq(err, nil, "second value")
  eq(type(pack), "userdata", "type")
  matches(tostring(pack), "^icp%.pack %(b2b%-saas%-midmarket 2026%.11%.1%)")
  pack:close()
end)

test("load of a bad pack returns nil and file:line, never raises", function()
  local path = write(tmpname(".lua"), table.concat({
    'profile { name = "bad", version = "1",',
    '  dimensions = { fit = 1 }, tiers = { {"A", 0} } }',
    'rule "r1" { dimension = "fit", points = 1, when = field "x" :gt(1) }',
    'rule "r2" { dimension = "nope", points = 1, when = field "x" :gt(1) }',
    'rule "r3" { dimension = "fit", points = 1, colour = "red",',
    '  when = field "employees" :gt(1) }',
  }, "\n"))
  local pack, err = icp.load(path)
  eq(pack, nil, "pack")
  local quoted = path:gsub("%p", "%%%0")
  matches(err, "^" .. quoted .. ":%d: ", "starts with file:line")
  matches(err, quoted .. ":4: rule 'r2'", "first diagnostic")
  matches(err, quoted .. ":5: rule 'r3'", "second diagnostic")
  matches(err, "\n", "joined one per line")
end)

test("load of a pack with a Lua syntax error names file and line", function()
  local path = write(tmpname(".lua"), 'profile {\n  name = "x",\n  = 3 }\n')
  local pack, err = icp.load(path)
  eq(pack, nil, "pack")
  matches(err, ":3:", "line")
end)

test("load of a missing file returns nil and a message", function()
  local pack, err = icp.load("no/such/pack.lua")
  eq(pack, nil, "pack")
  matches(err, "no/such/pack%.lua", "message names the file")
end)

test("load raises on misuse", function()
  raises("bad argument #1 to 'load' (string expected, got table)",
         function() icp.load({}) end)
  raises("bad argument #1 to 'load' (string expected, got no value)",
         function() icp.load() end)
  raises("bad argument #2 to 'load' (table expected, got number)",
         function() icp.load(PACK, 5) end)
  raises("bad argument #2 to 'load' (as_of: YYYY-MM-DD expected, got " ..
         "'2026-13-01')",
         function() icp.load(PACK, { as_of = "2026-13-01" }) end)
  raises("bad argument #2 to 'load' (as_of: YYYY-MM-DD expected, got " ..
         "number)", function() icp.load(PACK, { as_of = 20260101 }) end)
  raises("bad argument #2 to 'load' (unknown option 'asof')",
         function() icp.load(PACK, { asof = "2026-01-01" }) end)
  raises("bad argument #2 to 'load' (call_steps: positive integer",
         function() icp.load(PACK, { call_steps = "many" }) end)
end)

test("load takes mem_cap and call_steps", function()
  local pack = assert(icp.load(PACK, { mem_cap = 32 << 20,
                                       call_steps = 100000 }))
  pack:close()
end)

---------------------------------------------------------------------------
-- pack:score
---------------------------------------------------------------------------

local pack = assert(icp.load(PACK, { as_of = "2026-06-30" }))

test("score returns every field of DESIGN §4", function()
  local r = pack:score{ domain = "acme.io", employees = 250,
                        industry = "Software",
                        tech = { "Amazon Web Services" } }
  eq(r.domain, "acme.io", "domain")
  near(r.score, 50, "score")
  eq(r.tier, "C", "tier")
  near(r.dimensions.fit, 100, "fit")
  near(r.dimensions.readiness, 0, "readiness")
  near(r.dimensions.engagement, 0, "engagement")
  near(r.coverage, 0.5, "coverage")
  near(r.fired.size_sweet_spot, 20, "fired.size_sweet_spot")
  near(r.fired.target_industry, 15, "fired.target_industry")
  near(r.fired.cloud_data_stack, 15, "fired.cloud_data_stack")
  eq(keys(r.fired), 3, "number fired")
  local unknown = set_of(r.unknown)
  assert(unknown.budget_confirmed and unknown.demo_attended, "unknown")
  eq(#r.excluded_by, 0, "excluded_by")
  eq(r.route, "sdr", "route")
  eq(r.pack.name, "b2b-saas-midmarket", "pack.name")
  eq(r.pack.version, "2026.11.1", "pack.version")
  eq(r.errors, nil, "errors")
  eq(r.warnings, nil, "warnings")
  eq(r.explain, nil, "explain")
end)

test("score of an excluded account", function()
  local r = pack:score{ domain = "tiny.io", employees = 5 }
  eq(r.tier, "excluded", "tier")
  eq(#r.excluded_by, 1, "excluded_by")
  eq(r.excluded_by[1], "too_small", "excluded_by[1]")
  eq(r.route, "disqualified", "route")
end)

test("score types strings through the schema like the readers", function()
  local r = pack:explain{ domain = "https://WWW.Acme.io/pricing",
                          employees = "250", demo_attended = "yes",
                          last_activity_date = "2026-05-31",
                          budget_confirmed = true, industry = "software",
                          tech = "Snowflake; Looker" }
  eq(r.domain, "acme.io", "normalized domain")
  near(r.fired.size_sweet_spot, 20, "employees from a string")
  near(r.fired.budget_confirmed, 10, "boolean")
  near(r.fired.target_industry, 15, "one_of is case-insensitive")
  near(r.fired.cloud_data_stack, 15, "list from ;-separated text")
  -- 30 days of decay at a half-life of 30 days: half the points
  near(r.fired.demo_attended, 5, "decayed by a date read from a string")
  for _, x in ipairs(r.explain.rules) do
    if x.rule == "demo_attended" then
      near(x.decay, 0.5, "decay")
    end
  end
end)

test("score reports values that do not fit their type as warnings", function()
  local r = pack:score{ domain = "x.io", employees = "many",
                        last_activity_date = "yesterday", country = 12 }
  -- 12 is not a country: the one normaliser refuses it (as a provider's)
  eq(#r.warnings, 3, "warnings")
  matches(table.concat(r.warnings, " "), "employees", "names the field")
  matches(table.concat(r.warnings, " "), "'12' is not a country", "country")
  eq(r.fired.size_sweet_spot, nil, "employees stays missing")
  local u = set_of(r.unknown)
  assert(u.size_sweet_spot, "size rule unknown")
end)

test("score takes lists of strings, numbers and booleans", function()
  local r = pack:score{ tech = { "Databricks", 42, true, "" } }
  near(r.fired.cloud_data_stack, 15, "has_any on a list")
  r = pack:explain{ tech = { "Databricks", 42, true, "" } }
  for _, x in ipairs(r.explain.rules) do
    if x.rule == "cloud_data_stack" then
      eq(#x.reads.tech, 3, "list items")
      eq(x.reads.tech[2], "42", "number item as text")
    end
  end
end)

test("score flattens nested tables into dotted keys", function()
  local r = pack:explain{ crm = { owner = { name = "Ann" } } }
  eq(r.tier ~= nil, true, "scored")
end)

test("score raises on misuse", function()
  raises("bad argument #1 to 'score' (table expected, got number)",
         function() pack:score(42) end)
  raises("bad argument #1 to 'score' (table expected, got no value)",
         function() pack:score() end)
  raises("bad argument #1 to 'score' (field 'f': string, number, " ..
         "boolean or table expected, got function)",
         function() pack:score{ f = print } end)
  raises("bad argument #1 to 'explain' (field names are strings, got " ..
         "number)", function() pack:explain{ "acme.io" } end)
  raises("bad argument #1 to 'score' (field 'tech': list items are " ..
         "strings, numbers or booleans, got table)",
         function() pack:score{ tech = { {} } } end)
  raises("bad argument #1 to 'score' (field 'a.b': keys of a nested " ..
         "table are strings, got number)",
         function() pack:score{ a = { b = { x = 1, [2] = 3 } } } end)
  local deep = {}
  local t = deep
  for _ = 1, 100 do t.x = {}; t = t.x end
  raises("nested deeper than 64 levels", function() pack:score(deep) end)
  raises("calling 'score' on bad self (icp.pack expected, got table)",
         function() local fake = { score = pack.score }; fake:score{} end)
  raises("bad argument #1 to 'score' (icp.pack expected, got table)",
         function() pack.score({}, {}) end)
end)

---------------------------------------------------------------------------
-- pack:explain
---------------------------------------------------------------------------

test("explain gives every rule's outcome and the values it read", function()
  local info = pack:info()
  local r = pack:explain{ domain = "acme.io", employees = 250,
                          tech = { "Amazon Web Services" } }
  near(r.score, pack:score{ domain = "acme.io", employees = 250,
       tech = { "Amazon Web Services" } }.score, "same score as score()")
  eq(#r.explain.rules, #info.rules, "one entry per rule")
  eq(#r.explain.excludes, #info.excludes, "one entry per exclude")
  local by = {}
  for _, x in ipairs(r.explain.rules) do by[x.rule] = x end
  eq(by.size_sweet_spot.outcome, "fired", "fired outcome")
  eq(by.size_sweet_spot.dimension, "fit", "dimension")
  near(by.size_sweet_spot.points, 20, "points")
  near(by.size_sweet_spot.earned, 20, "earned")
  eq(by.size_sweet_spot.fields[1], "employees", "fields read")
  near(by.size_sweet_spot.reads.employees, 250, "value read")
  eq(by.size_sweet_spot.sources.employees, "input", "source")
  eq(by.target_industry.outcome, "unknown", "unknown outcome")
  eq(by.target_industry.reads.industry, nil, "missing value read")
  eq(by.target_industry.fields[1], "industry", "missing field listed")
  local ex = {}
  for _, x in ipairs(r.explain.excludes) do ex[x.exclude] = x end
  eq(ex.too_small.outcome, "not_fired", "exclude outcome")
end)

test("explain shows errors and evidence of function rules", function()
  local path = write(tmpname(".lua"), [[
profile { name = "fn", version = "1", dimensions = { fit = 1 },
  tiers = { {"A", 50}, {"B", 0} } }
rule "half" { dimension = "fit", points = 10,
  when = function(a) return 0.5, "because " .. a.domain end }
rule "boom" { dimension = "fit", points = 10,
  when = function(a) error("no luck") end }
]])
  local p = assert(icp.load(path))
  local r = p:explain{ domain = "acme.io" }
  near(r.fired.half, 5, "confidence share")
  eq(r.evidence.half, "because acme.io", "evidence")
  matches(r.errors.boom, "no luck", "error kept")
  local by = {}
  for _, x in ipairs(r.explain.rules) do by[x.rule] = x end
  eq(by.half.evidence, "because acme.io", "explain evidence")
  eq(by.half.reads.domain, "acme.io", "function rule reads")
  eq(by.boom.outcome, "unknown", "error is unknown")
  p:close()
end)

---------------------------------------------------------------------------
-- pack:info
---------------------------------------------------------------------------

test("info describes the pack", function()
  local info = pack:info()
  eq(info.name, "b2b-saas-midmarket", "name")
  eq(info.version, "2026.11.1", "version")
  eq(info.path, PACK, "path")
  eq(info.as_of, "2026-06-30", "as_of")
  eq(#info.dimensions, 3, "dimensions")
  eq(info.dimensions[1].name, "fit", "first dimension")
  near(info.dimensions[1].weight, 50, "weight")
  eq(#info.tiers, 4, "tiers")
  eq(info.tiers[1].name, "A", "first tier")
  near(info.tiers[1].threshold, 80, "threshold")
  assert(#info.rules >= 9, "rules")
  eq(info.rules[1].name, "size_sweet_spot", "first rule")
  eq(info.rules[1].dimension, "fit", "rule dimension")
  eq(type(info.rules[1].line), "number", "rule line")
  assert(#info.excludes >= 2, "excludes")
  assert(#info.routes >= 1, "routes")
  raises("bad argument #1 to 'info' (icp.pack expected, got nil)",
         function() pack.info(nil) end)
end)

---------------------------------------------------------------------------
-- pack:score_file, byte for byte against `icp score`
---------------------------------------------------------------------------

local function icp_score(args, out)
  local cmd = ("%s score --rules %s --as-of 2026-11-01 %s -o %s 2>/dev/null")
              :format(ICP, PACK, args, out)
  local ok = os.execute(cmd)
  assert(ok, "command failed: " .. cmd)
  return slurp(out)
end

local filepack = assert(icp.load(PACK, { as_of = "2026-11-01" }))

for _, case in ipairs{
  { name = "JSONL", ext = ".jsonl", args = DATA },
  { name = "CSV", ext = ".csv", args = DATA },
  { name = "JSONL with explain", ext = ".jsonl", args = "--explain " .. DATA,
    opts = { explain = true } },
  { name = "JSONL input", ext = ".jsonl", args = "tests/data/accounts.jsonl",
    input = "tests/data/accounts.jsonl" },
} do
  test("score_file matches icp score byte for byte: " .. case.name,
       function()
    local want = icp_score(case.args, tmpname(case.ext))
    local out = tmpname(case.ext)
    local st, err = filepack:score_file(case.input or DATA, out, case.opts)
    assert(st, err)
    local got = slurp(out)
    eq(#got, #want, "output size")
    eq(got == want, true, "identical bytes")
    eq(st.scored, 2000, "scored")
    eq(st.skipped, 0, "skipped")
    eq(st.read, 2000, "read")
    eq(type(st.warnings), "number", "warnings")
  end)
end

test("score_file counts skipped rows and reports them on diag", function()
  local input = write(tmpname(".jsonl"),
    '{"domain":"a.io","employees":300}\nnot json\n' ..
    '{"domain":"b.io","employees":"many"}\n')
  local out, diag = tmpname(".jsonl"), tmpname()
  local d = assert(io.open(diag, "w"))
  local st, err = filepack:score_file(input, out, { diag = d })
  d:close()
  assert(st, err)
  eq(st.scored, 2, "scored")
  eq(st.skipped, 1, "skipped")
  eq(st.warnings, 1, "warnings")
  matches(slurp(diag), ":2: ", "bad line reported with its number")
  local _, lines = slurp(out):gsub("\n", "")
  eq(lines, 2, "lines written")
end)

test("score_file maps headers with the columns option", function()
  local input = write(tmpname(".csv"),
    "Webaddr,Headcount\nhttps://www.a.io/x,300\n")
  local map = write(tmpname(".lua"), 'columns { domain = "Webaddr" }\n')
  local out = tmpname(".jsonl")
  local st, err = filepack:score_file(input, out,
                                      { columns = map, diag = io.tmpfile() })
  assert(st, err)
  matches(slurp(out), '"domain":"a%.io"', "mapped key")
  matches(slurp(out), '"size_sweet_spot":20', "synonym Headcount read")
  local bad = write(tmpname(".lua"), 'columns { domian = "Webaddr" }\n')
  local ok, msg = filepack:score_file(input, out, { columns = bad })
  eq(ok, nil, "a bad mapping fails")
  matches(msg, "did you mean 'domain'", "with a did-you-mean")
  -- the mapping is for that call only
  st = assert(filepack:score_file(input, out, { diag = io.tmpfile() }))
  matches(slurp(out), '"domain":null', "no mapping afterwards")
end)

test("score_file takes several inputs, format and output_format", function()
  local input = write(tmpname(), "domain,employees\na.io,300\n")
  local out, diag = tmpname(), io.tmpfile()
  local st = assert(filepack:score_file({ input, input }, out,
                    { format = "csv", output_format = "csv", diag = diag }))
  diag:seek("set")
  matches(diag:read("a"), "a%.io", "duplicate domain reported")
  diag:close()
  eq(st.scored, 2, "scored")
  eq(st.duplicates, 1, "duplicates")
  matches(slurp(out), "^domain,score,tier,", "CSV header")
end)

test("score_file returns nil and a message for an unusable file", function()
  local st, err = filepack:score_file("no/such.csv", tmpname(".jsonl"))
  eq(st, nil, "result")
  matches(err, "no/such%.csv", "message names the input")
  st, err = filepack:score_file(DATA, "/no/such/dir/out.jsonl")
  eq(st, nil, "result")
  matches(err, "/no/such/dir/out%.jsonl", "message names the output")
  local input = write(tmpname(), "domain\na.io\n")
  st, err = filepack:score_file(input, tmpname(".jsonl"))
  eq(st, nil, "no format")
  matches(err, "format", "asks for a format")
end)

test("score_file raises on misuse", function()
  local fp = filepack
  raises("bad argument #1 to 'score_file' (string or array of strings " ..
         "expected, got number)", function() fp:score_file(1, "x") end)
  raises("bad argument #2 to 'score_file' (string expected, got table)",
         function() fp:score_file(DATA, {}) end)
  raises("bad argument #3 to 'score_file' (unknown option 'colour')",
         function() fp:score_file(DATA, "x.jsonl", { colour = 1 }) end)
  raises("bad argument #3 to 'score_file' (format: 'csv' or 'jsonl' " ..
         "expected)",
         function() fp:score_file(DATA, "x.jsonl", { format = "xml" }) end)
  raises("bad argument #3 to 'score_file' (explain: boolean expected, " ..
         "got string)",
         function() fp:score_file(DATA, "x.jsonl", { explain = "yes" }) end)
  raises("bad argument #3 to 'score_file' (diag: open file expected, " ..
         "got string)",
         function() fp:score_file(DATA, "x.jsonl", { diag = "x" }) end)
  raises("bad argument #1 to 'score_file' (input 2: string expected, " ..
         "got number)", function() fp:score_file({ DATA, 2 }, "x") end)
  local closed = io.tmpfile()
  closed:close()
  raises("diag: open file expected",
         function() fp:score_file(DATA, "x.jsonl", { diag = closed }) end)
end)

---------------------------------------------------------------------------
-- handles: close, __close, __gc, tostring, two packs side by side
---------------------------------------------------------------------------

test("close is idempotent and guards every method", function()
  local p = assert(icp.load(PACK))
  p:close()
  p:close()
  matches(tostring(p), "^icp%.pack %(closed%)", "tostring")
  raises("calling 'score' on bad self (attempt to use a closed pack)",
         function() p:score{} end)
  raises("attempt to use a closed pack", function() p:explain{} end)
  raises("attempt to use a closed pack", function() p:info() end)
  raises("attempt to use a closed pack",
         function() p:score_file(DATA, "x.jsonl") end)
end)

test("a to-be-closed pack is closed at the end of its scope", function()
  local kept
  do
    local p <close> = assert(icp.load(PACK))
    kept = p
    eq(p:score{ employees = 300 }.fired.size_sweet_spot, 20, "usable")
  end
  matches(tostring(kept), "%(closed%)", "closed by __close")
end)

test("an unreferenced pack is collected", function()
  local weak = setmetatable({}, { __mode = "v" })
  weak[1] = assert(icp.load(PACK))
  collectgarbage("collect")
  collectgarbage("collect")
  eq(weak[1], nil, "collected")
end)

test("two packs side by side do not interfere", function()
  local path = write(tmpname(".lua"), [[
profile { name = "other", version = "2", dimensions = { size = 1 },
  tiers = { {"big", 50}, {"small", 0} } }
fields { employees = "number", seats = "list" }
rule "big" { dimension = "size", points = 1,
  when = field "employees" :gt(1000) }
]])
  local a = assert(icp.load(PACK, { as_of = "2026-06-30" }))
  local b = assert(icp.load(path, { as_of = "2020-01-01" }))
  local acct = { domain = "acme.io", employees = 5000, seats = "1;2" }
  for _ = 1, 3 do
    local ra, rb = a:score(acct), b:score(acct)
    eq(ra.pack.name, "b2b-saas-midmarket", "pack a")
    eq(rb.pack.name, "other", "pack b")
    eq(ra.tier, "D", "tier a")
    eq(rb.tier, "big", "tier b")
    eq(rb.dimensions.fit, nil, "b has no fit")
    eq(a:info().as_of, "2026-06-30", "as_of a")
    eq(b:info().as_of, "2020-01-01", "as_of b")
  end
  b:close()
  eq(a:score(acct).tier, "D", "a after b closed")
  a:close()
end)

---------------------------------------------------------------------------
-- icp.test: a pack's cases through the runner of `icp test`
---------------------------------------------------------------------------

test("test runs the shipped pack's cases", function()
  local r, err = icp.test("rules/b2b_saas_test.lua", { as_of = "2026-11-01" })
  assert(r, err)
  assert(r.passed > 0, "cases passed")
  eq(r.failed, 0, "failed")
  eq(#r.failures, 0, "failures")
  eq(r.packs, 1, "packs")
  matches(r.report, "\n" .. r.passed .. " passed, 0 failed\n$", "report")
  local again = assert(icp.test("rules/b2b_saas.lua"))
  eq(again.passed, r.passed, "a pack path means its _test.lua")
  local dir = assert(icp.test("rules"))
  assert(dir.passed >= r.passed, "a directory is searched")
end)

test("test reports failing cases with file and line", function()
  local base = tmpname()
  local packpath = write(base .. "_p.lua", [[
profile { name = "t", version = "1", dimensions = { fit = 1 },
  tiers = { {"A", 50}, {"B", 0} } }
rule "big" { dimension = "fit", points = 1, when = field "employees" :gt(100) }
]])
  local testpath = write(base .. "_p_test.lua", [[
case "big is A" { account = { employees = 500 }, expect = { tier = "A" } }
case "small is A" {
  account = { employees = 5 }, expect = { tier = "A" } }
]])
  tmpfiles[#tmpfiles + 1] = packpath
  tmpfiles[#tmpfiles + 1] = testpath
  local r = assert(icp.test(testpath))
  eq(r.passed, 1, "passed")
  eq(r.failed, 1, "failed")
  eq(#r.failures, 1, "one failure block")
  matches(r.failures[1], "^FAIL .*_p_test%.lua:2: case \"small is A\"",
          "failure names file, line and case")
  matches(r.failures[1], "\n  ", "with details")
end)

test("test returns nil and a message or raises on misuse", function()
  local r, err = icp.test("no/such/dir")
  eq(r, nil, "result")
  matches(err, "no/such/dir", "message")
  r, err = icp.test("tests/data")
  eq(r, nil, "no test files")
  matches(err, "no %*_test%.lua", "message")
  raises("bad argument #1 to 'test' (string expected, got table)",
         function() icp.test({}) end)
  raises("bad argument #2 to 'test' (as_of: YYYY-MM-DD expected)",
         function() icp.test("rules", { as_of = "soon" }) end)
end)

---------------------------------------------------------------------------
-- leak check: load, score, close 1,000 times
---------------------------------------------------------------------------

test("load/score/close 1000 times does not grow memory", function()
  local acct = { domain = "acme.io", employees = 250, industry = "Software",
                 tech = { "Amazon Web Services", "Snowflake" },
                 last_activity_date = "2026-05-01", demo_attended = true }
  local function round()
    local p = assert(icp.load(PACK, { as_of = "2026-06-30" }))
    local r = p:explain(acct)
    assert(r.tier)
    p:close()
  end
  for _ = 1, 100 do round() end            -- warm up allocator and caches
  collectgarbage("collect")
  local lua0, rss0 = collectgarbage("count"), rss_kib()
  for i = 1, 1000 do
    round()
    if i % 100 == 0 then collectgarbage("step") end
  end
  collectgarbage("collect")
  local lua1, rss1 = collectgarbage("count"), rss_kib()
  -- the Lua heap must come back to where it was (within 64 KiB) and the
  -- process (C allocations of libicp included) must not grow by more
  -- than 8 MiB over 1,000 packs (a leak of one pack each would be far more)
  assert(lua1 - lua0 < 64, ("Lua heap grew by %.1f KiB"):format(lua1 - lua0))
  assert(rss1 - rss0 < 8192, ("RSS grew by %d KiB"):format(rss1 - rss0))
end)

test("score_file with providers refuses a config whose enricher is missing, naming it", function()
  local cfg = tmpname(".lua")
  write(cfg, 'provider "nowhere" { enricher = "no_such_enricher" }\n' ..
             'enrich { firmographic = { "nowhere" } }\n' ..
             'cache { path = "' .. tmpname(".sqlite") .. '" }\n')
  local counts, err = filepack:score_file("tests/data/accounts.csv", tmpname(".jsonl"),
                                         { providers = cfg, offline = true })
  eq(counts, nil, "counts")
  matches(err, "no_such_enricher", "message")
  raises("providers: a path expected", function()
    filepack:score_file("tests/data/accounts.csv", tmpname(".jsonl"), { providers = 5 })
  end)
end)

---------------------------------------------------------------------------

pack:close()
filepack:close()
for _, f in ipairs(tmpfiles) do os.remove(f) end
print(("%d passed, %d failed"):format(passed, failed))
os.exit(failed == 0 and 0 or 1, true)
