-- tests/lua/test_score_json.lua -- pack:score_json of the `icp` module:
-- a JSON account in, the JSONL line of `icp score` out (what icp serve and
-- the lighttpd recipe answer). Run from the repo root by `make test`.
-- Ends with "N passed, N failed".
package.cpath = (os.getenv("ICP_LUA_CPATH") or "build/?.so") .. ";" ..
                package.cpath
local icp = require "icp"
local ICP = os.getenv("ICP") or "build/asan/icp"
local PACK, DATA = "rules/b2b_saas.lua", "tests/data/accounts.jsonl"
local passed, failed = 0, 0

local function test(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if ok then passed = passed + 1 else
    failed = failed + 1
    io.write("FAIL ", name, "\n  ", tostring(err), "\n")
  end
end

local function eq(got, want, what)
  if got ~= want then
    error(("%s: expected %s, got %s"):format(what, tostring(want),
          tostring(got)), 2)
  end
end

local pack = assert(icp.load(PACK, { as_of = "2026-11-01" }))
local tmp = os.tmpname()
assert(os.execute(("%s score --rules %s --as-of 2026-11-01 %s > %s 2>/dev/null")
                  :format(ICP, PACK, DATA, tmp)))
local want, input = {}, {}
for l in io.lines(tmp) do want[#want + 1] = l end
for l in io.lines(DATA) do input[#input + 1] = l end
os.remove(tmp)

test("2,000 accounts: each answer is its icp score line (source aside)", function()
  eq(#want, 2000, "reference lines")
  for i, l in ipairs(input) do
    local got = assert(pack:score_json(l))
    local w = want[i]:gsub('"source":"[^"]*"', '"source":"request"', 1)
    eq(got, w .. "\n", "answer " .. i)
  end
end)

test("an array answers in input order with source request:N", function()
  local got = assert(pack:score_json("[" .. table.concat(input, ",", 1, 3) ..
                                     "]", { max_items = 3 }))
  local lines = {}
  for i = 1, 3 do
    lines[i] = want[i]:gsub('"source":"[^"]*"', '"source":"request:' .. i ..
                            '"', 1)
  end
  eq(got, "[\n" .. table.concat(lines, ",\n") .. "\n]\n", "array answer")
  eq(pack:score_json("[]"), "[\n]\n", "empty array")
end)

test("explain adds the explanation", function()
  local got = assert(pack:score_json(input[1], { explain = true }))
  assert(got:find('"explain":{"rules":[', 1, true), got)
end)

test("bad bodies: nil, where and what, and the HTTP status", function()
  for _, c in ipairs{
    { '{"domain":"a.io",\n "x": }', 400, "request: invalid JSON at line 2, column 7" },
    { '5', 400, "request: not a JSON object or array of objects" },
    { '[{"domain":"a.io"}, 7]', 400, "request:2: not a JSON object" },
    { '{"employees":"lots"}', 400, "request: column 'employees': 'lots' is not a number" },
    { '{"domain":"a.io","domain":"b.io"}', 400, "request: duplicate key 'domain'" },
    { '{"a":"\\u0000"}', 400, "request: string holds U+0000" },
    { ('['):rep(70) .. (']'):rep(70), 400, "request: nested deeper than 64 levels" },
    { '[{},{},{}]', 413, "request: 3 accounts, more than the limit of 2" },
  } do
    local line, msg, status = pack:score_json(c[1], { max_items = 2 })
    eq(line, nil, c[1])
    eq(msg, c[3], "message of " .. c[1])
    eq(status, c[2], "status of " .. c[1])
  end
end)

test("misuse raises", function()
  assert(not pcall(pack.score_json, pack, {}))
  assert(not pcall(pack.score_json, pack, "{}", { nope = 1 }))
  assert(not pcall(pack.score_json, pack, "{}", { max_items = 0 }))
end)

pack:close()
test("a closed pack raises", function()
  assert(not pcall(pack.score_json, pack, "{}"))
end)
print(("%d passed, %d failed"):format(passed, failed))
os.exit(failed == 0 and 0 or 1, true)
