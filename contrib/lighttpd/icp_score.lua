-- contrib/lighttpd/icp_score.lua -- icp scoring inside lighttpd (mod_magnet,
-- Debian packages lighttpd and lighttpd-modules-lua, Lua 5.4).
--
--   POST /v1/score[?explain=1]   one JSON account or an array of them; the
--                                answer is what `icp serve` answers: the
--                                JSONL line of `icp score` (source
--                                "request" or "request:N")
--
-- The pack is loaded once per server process (kept in package.loaded) and
-- loaded again when its file changes (checked at most once a second); a
-- pack that fails to load leaves the old one serving and the error goes to
-- lighttpd's error log. Configured through the server's environment:
--
--   ICP_PACK        the rule pack (required)
--   ICP_AS_OF       YYYY-MM-DD the dates count from (default: today)
--   ICP_CPATH       where icp.so is, e.g. /usr/local/lib/lua/5.4/?.so
--                   (default: Lua's own package.cpath)
--   ICP_MAX_BATCH   accounts per array (default 1000)
--
-- The request body size is bounded by lighttpd's server.max-request-size.
local r = lighty.r

local function answer(status, body, version)
  r.resp_header["Content-Type"] = "application/json"
  if version then r.resp_header["X-ICP-Pack"] = version end
  r.resp_body:set(body)
  return status
end

-- a message as a JSON string (control characters, quote and backslash
-- escaped; the message is valid UTF-8: icp made it)
local function error_body(msg)
  return '{"error":"' .. msg:gsub('[%c"\\]', function(c)
    return ("\\u%04x"):format(c:byte())
  end) .. '"}\n'
end

local S = package.loaded["icp.lighttpd"]
if not S then
  S = { checked = -1 }
  package.loaded["icp.lighttpd"] = S
  local cpath = os.getenv("ICP_CPATH")
  if cpath then package.cpath = cpath .. ";" .. package.cpath end
  S.icp = require "icp"
  S.path = assert(os.getenv("ICP_PACK"), "ICP_PACK is not set")
  S.as_of = os.getenv("ICP_AS_OF")
  S.max = tonumber(os.getenv("ICP_MAX_BATCH") or "1000")
end

-- (re)load the pack when its file changed; the old one keeps serving
local now = os.time()
if now ~= S.checked then
  S.checked = now
  local st = lighty.c.stat(S.path)
  local mtime = st and st["st_mtime"]
  if mtime ~= S.mtime then
    S.mtime = mtime
    local pack, err = S.icp.load(S.path, { as_of = S.as_of })
    if pack then
      if S.pack then S.pack:close() end
      S.pack = pack
      local info = pack:info()
      S.version = info.name .. " " .. info.version
    else
      print("icp: " .. S.path .. ": reload failed, the old pack serves: " ..
            tostring(err))
    end
  end
end
if not S.pack then
  return answer(503, error_body("no pack loaded (see the error log)"))
end

if r.req_attr["uri.path"] ~= "/v1/score" then
  return answer(404, error_body("no such endpoint: " ..
                                r.req_attr["uri.path"]), S.version)
end
if r.req_attr["request.method"] ~= "POST" then
  r.resp_header["Allow"] = "POST"
  return answer(405, error_body("/v1/score takes POST"), S.version)
end
if not r.req_body.collect then return 0 end  -- run again with the body
local body, len = r.req_body.get or "", r.req_body.len or 0
-- lighttpd 1.4.69 may hand over the request head with a small body: the
-- body is its last len bytes
if #body > len then body = body:sub(-len) end
local q = r.req_attr["uri.query"] or ""
local explain = q:find("%f[%w]explain=1%f[%W]") ~= nil
local line, err, status = S.pack:score_json(body,
  { explain = explain, max_items = S.max })
if not line then return answer(status, error_body(err), S.version) end
return answer(200, line, S.version)
