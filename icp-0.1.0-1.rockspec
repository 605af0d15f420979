-- icp-0.1.0-1.rockspec -- the `icp` Lua module (require "icp") built by
-- the project's Makefile. From a checkout:
--
--   luarocks make                 (or: luarocks --local make)
--
-- builds build/icp.so with `make build/icp.so` and installs it into the
-- rocks tree as the module `icp`. The command, enrichers and man page are
-- installed by `make install`, not by the rock.
rockspec_format = "3.0"
package = "icp"
version = "0.1.0-1"

-- Local only: icp has no published repository yet, so this rockspec
-- claims none. `luarocks make` builds the checkout it runs in and never
-- reads source.url; "git+file://." says just that (this checkout).
-- `luarocks build` or `luarocks install` of this file on its own would
-- have to clone it and cannot: give the published repository and its
-- tag here before uploading the rock.
source = {
  url = "git+file://.",
}

description = {
  summary = "Score B2B accounts against an Ideal Customer Profile",
  detailed = [[
    icp scores B2B accounts with rule packs written in Lua (weighted
    dimensions, rules, disqualifiers, tiers and routing). This rock is the
    engine as a Lua 5.4 C module: icp.load(pack) then pack:score(account),
    pack:explain(account), pack:score_file(input, output) and icp.test(path).
  ]],
  license = "MIT",
  labels = { "scoring", "b2b", "rules" },
}

dependencies = {
  "lua >= 5.4, < 5.5",
}

-- The C libraries the module links (the Makefile finds their flags with
-- pkg-config and stops, naming the Debian package, when one is missing;
-- `luarocks make` never installs a package: `make deps` as root does, or
-- prints the apt-get line). Lua itself comes from the interpreter.
external_dependencies = {
  CURL = { library = "curl" },  -- Debian keeps curl.h in a multiarch dir
  CJSON = { header = "cjson/cJSON.h", library = "cjson" },
  SQLITE3 = { header = "sqlite3.h", library = "sqlite3" },
  MICROHTTPD = { header = "microhttpd.h", library = "microhttpd" },
  PQ = { library = "pq" },      -- its header dir differs by distribution
}

build = {
  type = "make",
  build_target = "build/icp.so",
  build_variables = {
    CC = "$(CC)",
    -- ALL_CFLAGS adds the project's warnings, -fPIC and -Icore
    CFLAGS = "$(CFLAGS) -g -I$(LUA_INCDIR)",
  },
  -- `make install` installs the whole project under PREFIX; the rock only
  -- needs the module, placed by the install table below
  install_pass = false,
  install = {
    lib = { icp = "build/icp.so" },
  },
  copy_directories = { "docs" },
}
