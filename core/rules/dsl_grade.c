/* dsl_grade.c -- grade { rows = ..., cols = ... }: a two-axis grade ("A1")
 * read as a grid, fit down the rows and engagement across (DESIGN §4). Each
 * axis is one dimension's score or the weighted mean (pack weights) of
 * several; a cut is "axis >= threshold", first match, like tiers. Routes may
 * name a grade cell ("A1"), a row ("A*") or a column ("*1"). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "rules/dsl.h"

#define CUTS_MAX 10
#define CUT_NAME_MAX 16

static void axis_free(struct icp_grade_axis *x)
{
  int i;
  for(i = 0; i < x->ndims; i++)
    free(x->dim_names[i]);
  for(i = 0; i < x->ncuts; i++)
    free(x->names[i]);
  free(x->dim_names);
  free(x->dims);
  free(x->names);
  free(x->cuts);
  memset(x, 0, sizeof(*x));
}

void icp_grade_free(struct icp_grade *g)
{
  int i;
  if(g->cells)
    for(i = 0; i < g->rows.ncuts * g->cols.ncuts; i++)
      free(g->cells[i]);
  free(g->cells);
  axis_free(&g->rows);
  axis_free(&g->cols);
  memset(g, 0, sizeof(*g));
}

#define GDIAG(pack, line, ...) icp_diags_add(&(pack)->diags, __VA_ARGS__)

/* dimension = "fit" or dimensions = { "readiness", "engagement" }; the
 * axis table is at index t. */
static void read_axis_dims(struct icp_pack *pack, lua_State *L, int t,
                           int line, const char *axis,
                           struct icp_grade_axis *x)
{
  int one = lua_getfield(L, t, "dimension");
  int many = lua_getfield(L, t, "dimensions");
  int n, i;
  if((one != LUA_TNIL) == (many != LUA_TNIL)) {
    GDIAG(pack, line, "%s:%d: grade: %s: give dimension = \"name\" or "
          "dimensions = { \"a\", \"b\" }", pack->path, line, axis);
    lua_pop(L, 2);
    return;
  }
  if(one != LUA_TNIL) {
    lua_pop(L, 1);
    if(one != LUA_TSTRING) {
      GDIAG(pack, line, "%s:%d: grade: %s: dimension must be a string",
            pack->path, line, axis);
      lua_pop(L, 1);
      return;
    }
    n = 1;
  }
  else {
    lua_remove(L, -2);
    n = many == LUA_TTABLE ? (int)lua_rawlen(L, -1) : 0;
    if(n < 1 || n > 64) {
      GDIAG(pack, line, "%s:%d: grade: %s: dimensions must list 1 to 64 "
            "dimension names", pack->path, line, axis);
      lua_pop(L, 1);
      return;
    }
  }
  x->dim_names = calloc((size_t)n, sizeof(char *));
  x->dims = calloc((size_t)n, sizeof(int));
  if(!x->dim_names || !x->dims) {
    lua_pop(L, 1);
    luaL_error(L, "out of memory");
    return;
  }
  for(i = 0; i < n; i++) {
    int ty = one != LUA_TNIL ? (lua_pushvalue(L, -1), LUA_TSTRING) :
             lua_rawgeti(L, -1, i + 1);
    if(ty != LUA_TSTRING)
      GDIAG(pack, line, "%s:%d: grade: %s: dimension %d is not a name",
            pack->path, line, axis, i + 1);
    else {
      x->dim_names[x->ndims] = strdup(lua_tostring(L, -1));
      if(!x->dim_names[x->ndims]) {
        lua_pop(L, 2);
        luaL_error(L, "out of memory");
        return;
      }
      x->dims[x->ndims++] = -1;
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

/* cuts = { {"A", 70}, {"B", 40}, {"C", 0} }: names unique, thresholds in
 * [0, 100], strictly descending, the last 0 (so every score has a cut). */
static void read_axis_cuts(struct icp_pack *pack, lua_State *L, int t,
                           int line, const char *axis,
                           struct icp_grade_axis *x)
{
  int n, i, j;
  if(lua_getfield(L, t, "cuts") != LUA_TTABLE) {
    GDIAG(pack, line, "%s:%d: grade: %s: cuts = { {\"name\", threshold}, "
          "... } is required", pack->path, line, axis);
    lua_pop(L, 1);
    return;
  }
  n = (int)lua_rawlen(L, -1);
  if(n < 1 || n > CUTS_MAX) {
    GDIAG(pack, line, "%s:%d: grade: %s: cuts must hold 1 to %d cuts",
          pack->path, line, axis, CUTS_MAX);
    lua_pop(L, 1);
    return;
  }
  x->names = calloc((size_t)n, sizeof(char *));
  x->cuts = calloc((size_t)n, sizeof(double));
  if(!x->names || !x->cuts) {
    lua_pop(L, 1);
    luaL_error(L, "out of memory");
    return;
  }
  for(i = 1; i <= n; i++) {
    int top = lua_gettop(L), ok = lua_rawgeti(L, -1, i) == LUA_TTABLE;
    const char *name;
    double th;
    if(ok) {
      ok = lua_rawgeti(L, -1, 1) == LUA_TSTRING;
      ok = lua_rawgeti(L, -2, 2) == LUA_TNUMBER && ok;
    }
    if(!ok) {
      GDIAG(pack, line, "%s:%d: grade: %s: cut %d must be {\"name\", "
            "threshold}", pack->path, line, axis, i);
      lua_settop(L, top);
      continue;
    }
    name = lua_tostring(L, -2);
    th = lua_tonumber(L, -1);
    if(!*name || strlen(name) > CUT_NAME_MAX || strchr(name, '*'))
      GDIAG(pack, line, "%s:%d: grade: %s: cut %d: a name is 1 to %d "
            "characters without '*'", pack->path, line, axis, i,
            CUT_NAME_MAX);
    else if(!isfinite(th) || th < 0 || th > 100)
      GDIAG(pack, line, "%s:%d: grade: %s: cut '%s' threshold must be in "
            "[0, 100]", pack->path, line, axis, name);
    else {
      for(j = 0; j < x->ncuts; j++) {
        if(!strcmp(x->names[j], name))
          GDIAG(pack, line, "%s:%d: grade: %s: cut '%s' appears twice",
                pack->path, line, axis, name);
        else if(x->cuts[j] <= th)
          GDIAG(pack, line, "%s:%d: grade: %s: cuts must be in descending "
                "order of threshold ('%s' %g after '%s' %g)", pack->path,
                line, axis, name, th, x->names[j], x->cuts[j]);
      }
      x->names[x->ncuts] = strdup(name);
      if(!x->names[x->ncuts]) {
        lua_settop(L, top);
        lua_pop(L, 1);
        luaL_error(L, "out of memory");
        return;
      }
      x->cuts[x->ncuts++] = th;
    }
    lua_settop(L, top);
  }
  lua_pop(L, 1);
  if(x->ncuts == n && x->cuts[n - 1] != 0)
    GDIAG(pack, line, "%s:%d: grade: %s: the last cut ('%s' %g) must be 0, "
          "so that every score gets a grade", pack->path, line, axis,
          x->names[n - 1], x->cuts[n - 1]);
}

static void read_axis(struct icp_pack *pack, lua_State *L, int line,
                      const char *axis, struct icp_grade_axis *x)
{
  static const char *const keys[] = { "dimension", "dimensions", "cuts",
                                      NULL };
  int t;
  if(lua_getfield(L, 1, axis) != LUA_TTABLE) {
    GDIAG(pack, line, "%s:%d: grade: %s = { dimension = ..., cuts = ... } "
          "is required", pack->path, line, axis);
    lua_pop(L, 1);
    return;
  }
  t = lua_gettop(L);
  lua_pushnil(L);
  while(lua_next(L, t)) {
    const char *const *k;
    int ok = 0;
    lua_pop(L, 1);
    for(k = keys; *k && lua_type(L, -1) == LUA_TSTRING; k++)
      ok |= !strcmp(*k, lua_tostring(L, -1));
    if(!ok)
      GDIAG(pack, line, "%s:%d: grade: %s: unknown key '%s' (dimension, "
            "dimensions, cuts)", pack->path, line, axis,
            lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?");
  }
  read_axis_dims(pack, L, t, line, axis, x);
  read_axis_cuts(pack, L, t, line, axis, x);
  lua_settop(L, t - 1);
}

/* grade { rows = { dimension = "fit", cuts = {...} }, cols = {...} } */
int icp_dsl_grade(lua_State *L)
{
  struct icp_pack *pack = lua_touserdata(L, lua_upvalueindex(1));
  int line = icp_dsl_caller_line(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  if(pack->grade.line) {
    GDIAG(pack, line, "%s:%d: grade: declared twice (first at line %d)",
          pack->path, line, pack->grade.line);
    return 0;
  }
  pack->grade.line = line ? line : 1;
  lua_pushnil(L);
  while(lua_next(L, 1)) {
    lua_pop(L, 1);
    if(lua_type(L, -1) != LUA_TSTRING ||
       (strcmp(lua_tostring(L, -1), "rows") &&
        strcmp(lua_tostring(L, -1), "cols")))
      GDIAG(pack, line, "%s:%d: grade: unknown key '%s' (rows, cols)",
            pack->path, line, lua_type(L, -1) == LUA_TSTRING ?
            lua_tostring(L, -1) : "?");
  }
  read_axis(pack, L, line, "rows", &pack->grade.rows);
  read_axis(pack, L, line, "cols", &pack->grade.cols);
  return 0;
}

/* ---- after the chunk ran ------------------------------------------------- */

static void resolve_dims(struct icp_pack *pack, const char *axis,
                         struct icp_grade_axis *x)
{
  int i, d, k;
  for(i = 0; i < x->ndims; i++) {
    for(d = 0; d < pack->ndims; d++)
      if(!strcmp(pack->dims[d].name, x->dim_names[i]))
        break;
    if(d == pack->ndims) {
      icp_diags_add(&pack->diags, "%s:%d: grade: %s: unknown dimension "
                    "'%s'", pack->path, pack->grade.line, axis,
                    x->dim_names[i]);
      continue;
    }
    for(k = 0; k < i; k++)
      if(x->dims[k] == d)
        icp_diags_add(&pack->diags, "%s:%d: grade: %s: dimension '%s' "
                      "named twice", pack->path, pack->grade.line, axis,
                      x->dim_names[i]);
    x->dims[i] = d;
  }
}

/* The cell names ("A" + "1"); two cells with one name ("A" + "B1" and
 * "AB" + "1") would make a grade ambiguous. */
static void make_cells(struct icp_pack *pack)
{
  struct icp_grade *g = &pack->grade;
  int n = g->rows.ncuts * g->cols.ncuts, i, j;
  g->cells = calloc((size_t)n + 1, sizeof(char *));
  if(!g->cells) {
    icp_diags_add(&pack->diags, "%s: out of memory", pack->path);
    return;
  }
  for(i = 0; i < n; i++) {
    const char *a = g->rows.names[i / g->cols.ncuts];
    const char *b = g->cols.names[i % g->cols.ncuts];
    size_t la = strlen(a), lb = strlen(b);
    g->cells[i] = malloc(la + lb + 1);
    if(!g->cells[i]) {
      icp_diags_add(&pack->diags, "%s: out of memory", pack->path);
      return;
    }
    memcpy(g->cells[i], a, la);
    memcpy(g->cells[i] + la, b, lb + 1);
    for(j = 0; j < i; j++)
      if(!strcmp(g->cells[j], g->cells[i]))
        icp_diags_add(&pack->diags, "%s:%d: grade: two cells are both "
                      "named '%s'; rename a cut", pack->path, g->line,
                      g->cells[i]);
  }
}

static int cut_index(const struct icp_grade_axis *x, const char *s,
                     size_t n)
{
  int i;
  for(i = 0; i < x->ncuts; i++)
    if(strlen(x->names[i]) == n && !memcmp(x->names[i], s, n))
      return i;
  return -1;
}

/* "A1" (a cell), "A*" (a row), "*1" (a column) to cut indices. */
static int resolve_pattern(const struct icp_grade *g, const char *p,
                           int *row, int *col)
{
  size_t n = strlen(p);
  int i;
  *row = *col = -1;
  if(n >= 2 && p[n - 1] == '*' && p[0] != '*')
    return (*row = cut_index(&g->rows, p, n - 1)) >= 0;
  if(n >= 2 && p[0] == '*' && p[n - 1] != '*')
    return (*col = cut_index(&g->cols, p + 1, n - 1)) >= 0;
  for(i = 0; g->cells && i < g->rows.ncuts * g->cols.ncuts; i++)
    if(g->cells[i] && !strcmp(g->cells[i], p)) {
      *row = i / g->cols.ncuts;
      *col = i % g->cols.ncuts;
      return 1;
    }
  return 0;
}

static void resolve_routes(struct icp_pack *pack)
{
  int i;
  for(i = 0; i < pack->nroutes; i++) {
    struct icp_route *rt = &pack->routes[i];
    if(!rt->grade)
      continue;
    if(!pack->grade.line)
      icp_diags_add(&pack->diags, "%s:%d: route: grade '%s' but the pack "
                    "has no grade { rows = ..., cols = ... }", pack->path,
                    rt->line, rt->grade);
    else if(!resolve_pattern(&pack->grade, rt->grade, &rt->grade_row,
                             &rt->grade_col))
      icp_diags_add(&pack->diags, "%s:%d: route: grade '%s' names no cell, "
                    "row or column of the grade block (write \"A1\", "
                    "\"A*\" or \"*1\")", pack->path, rt->line, rt->grade);
  }
}

void icp_grade_compile(struct icp_pack *pack)
{
  struct icp_grade *g = &pack->grade;
  if(g->line && pack->profile_line) {
    resolve_dims(pack, "rows", &g->rows);
    resolve_dims(pack, "cols", &g->cols);
    if(g->rows.ncuts && g->cols.ncuts)
      make_cells(pack);
  }
  resolve_routes(pack);
}
