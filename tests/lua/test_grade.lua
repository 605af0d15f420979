-- tests/lua/test_grade.lua -- the grade of the `icp` Lua module agrees
-- with `icp score` (same pack, same accounts), nil when there is none.
-- Run from the repo root by `make test`; ends with "N passed, N failed".

package.cpath = (os.getenv("ICP_LUA_CPATH") or "build/?.so") .. ";" ..
                package.cpath
local icp = require "icp"
local ICP = os.getenv("ICP") or "build/icp"
local passed, failed = 0, 0

local function test(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if ok then passed = passed + 1
  else
    failed = failed + 1
    io.write("FAIL ", name, "\n  ", tostring(err):gsub("\n", "\n  "), "\n")
  end
end

local function eq(got, want, what)
  if got ~= want then
    error(("%s: expected %s, got %s"):format(what, tostring(want),
          tostring(got)), 2)
  end
end

local path = os.tmpname()
local f = assert(io.open(path, "w"))
f:write([[
profile { name = "g", version = "1", dimensions = { fit = 2, eng = 1 },
  tiers = { {"A", 60}, {"B", 0} } }
rule "big" { dimension = "fit", points = 10, when = field "employees" :gt(100) }
rule "hiring" { dimension = "eng", points = 10, when = field "open_jobs" :gt(3) }
exclude "tiny" { when = field "employees" :lt(5) }
grade { rows = { dimension = "fit", cuts = { {"A", 50}, {"B", 0} } },
        cols = { dimensions = { "eng", "fit" }, cuts = { {"1", 60}, {"2", 0} } } }
route { grade = "*1", to = "hot" }
route { default = true, to = "nurture" }
]])
f:close()

local pack = assert(icp.load(path, { as_of = "2026-06-30" }))

test("score carries the grade and the route on it", function()
  local r = pack:score{ domain = "a.io", employees = 200, open_jobs = 9 }
  eq(r.grade, "A1", "grade")
  eq(r.route, "hot", "route")
  r = pack:score{ domain = "b.io", employees = 200, open_jobs = 0 }
  eq(r.grade, "A1", "fit 100, eng 0: cols axis (2*100 + 0) / 3 = 66.7")
  r = pack:score{ domain = "c.io", employees = 50, open_jobs = 9 }
  eq(r.grade, "B2", "fit 0, eng 100: cols axis 33.3")
  eq(r.route, "nurture", "route")
end)

test("an excluded account has no grade", function()
  local r = pack:score{ domain = "t.io", employees = 2, open_jobs = 9 }
  eq(r.tier, "excluded", "tier")
  eq(r.grade, nil, "grade")
end)

test("info lists the route's grade", function()
  local info = pack:info()
  eq(info.routes[1].grade, "*1", "routes[1].grade")
  eq(info.routes[1].tier, nil, "routes[1].tier")
end)

test("the module's grades are the command's", function()
  local base = os.tmpname()
  local csv, out = base .. ".csv", base .. ".jsonl"
  local g = assert(io.open(csv, "w"))
  g:write("domain,employees,open_jobs\n")
  local want = {}
  for i = 1, 40 do
    local e, j = (i * 37) % 300, i % 7
    g:write(("d%d.io,%d,%d\n"):format(i, e, j))
    local r = pack:score{ domain = ("d%d.io"):format(i), employees = e,
                          open_jobs = j }
    want[#want + 1] = r.grade or "null"
  end
  g:close()
  local cmd = ("%s score --rules %s --as-of 2026-06-30 %s -o %s " ..
               "2>/dev/null"):format(ICP, path, csv, out)
  assert(os.execute(cmd), cmd)
  local n = 0
  for line in io.lines(out) do
    n = n + 1
    local grade = line:match('"grade":"([^"]*)"') or
                  (line:find('"grade":null', 1, true) and "null")
    eq(grade, want[n], "line " .. n)
  end
  eq(n, 40, "lines")
  os.remove(base)
  os.remove(csv)
  os.remove(out)
end)

pack:close()
os.remove(path)
print(("%d passed, %d failed"):format(passed, failed))
os.exit(failed == 0 and 0 or 1, true)
