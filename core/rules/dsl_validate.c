/* dsl_validate.c -- validate { ... }: the thresholds `icp validate`
 * uses for this pack (options override them, they override defaults). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "rules/dsl.h"

const char *const icp_vkey_names[ICP_V_COUNT] = {
  "conversion_drop", "cycle_increase", "support_increase",
  "deal_size_change", "icp_cycle_advantage", "alpha", "min_deals",
  "min_won", "min_accounts", "period_days"
};

/* validate { conversion_drop = 0.15, icp_tiers = { "A", "B" }, ... } */
int icp_dsl_validate(lua_State *L)
{
  struct icp_pack *pack = lua_touserdata(L, lua_upvalueindex(1));
  int line = icp_dsl_caller_line(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  if(pack->vset.line) {
    icp_diags_add(&pack->diags, "%s:%d: validate: declared twice (first at line %d)",
         pack->path, line, pack->vset.line);
    return 0;
  }
  pack->vset.line = line ? line : 1;
  lua_pushnil(L);
  while(lua_next(L, 1)) {
    const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) :
                    "?";
    int i;
    for(i = 0; i < ICP_V_COUNT && strcmp(icp_vkey_names[i], k); i++)
      ;
    if(!strcmp(k, "icp_tiers") && lua_type(L, -1) == LUA_TTABLE) {
      int t = lua_gettop(L);
      lua_Integer j, n = (lua_Integer)lua_rawlen(L, t);
      luaL_Buffer b;
      luaL_buffinit(L, &b); /* pushes nothing we index below */
      for(j = 1; j <= n; j++) {
        if(lua_rawgeti(L, t, j) != LUA_TSTRING) {
          lua_pop(L, 1);
          icp_diags_add(&pack->diags, "%s:%d: validate: icp_tiers lists tier names",
               pack->path, line);
          continue;
        }
        if(j > 1)
          luaL_addchar(&b, ',');
        luaL_addvalue(&b);
      }
      luaL_pushresult(&b);
      free(pack->vset.icp_tiers);
      {
        size_t len;
        const char *joined = lua_tolstring(L, -1, &len);
        pack->vset.icp_tiers = malloc(len + 1);
        if(pack->vset.icp_tiers)
          memcpy(pack->vset.icp_tiers, joined, len + 1);
        else /* a lost setting would change what validate checks */
          icp_diags_add(&pack->diags, "%s: out of memory loading the pack",
                        pack->path);
      }
      lua_pop(L, 1);
    }
    else if(i == ICP_V_COUNT)
      icp_diags_add(&pack->diags, "%s:%d: validate: unknown key '%s' (icp_tiers, "
           "period_days, conversion_drop, cycle_increase, "
           "support_increase, deal_size_change, icp_cycle_advantage, "
           "alpha, min_deals, min_won, min_accounts)", pack->path, line,
           k);
    else if(lua_type(L, -1) != LUA_TNUMBER ||
            !isfinite(lua_tonumber(L, -1)) || lua_tonumber(L, -1) <= 0 ||
            (i <= ICP_V_ALPHA && lua_tonumber(L, -1) >= 1) ||
            (i > ICP_V_ALPHA && lua_tonumber(L, -1) > 1e9))
      icp_diags_add(&pack->diags, "%s:%d: validate: %s must be %s", pack->path, line,
           k, i <= ICP_V_ALPHA ? "a fraction between 0 and 1" :
           "a whole number >= 1");
    else {
      pack->vset.v[i] = lua_tonumber(L, -1);
      pack->vset.has |= 1u << i;
    }
    lua_pop(L, 1);
  }
  return 0;
}
