/*
 * providers_impl.h -- the state of a providers-file load, shared by
 * providers.c (running the file, the result's life) and providers_dsl.c
 * (the statements of the file and their values). Internal to
 * core/net/providers*.c; the API is net/providers.h.
 */
#ifndef ICP_PROVIDERS_IMPL_H
#define ICP_PROVIDERS_IMPL_H

#include <lua.h>
#include <stddef.h>

#include "net/providers.h"

struct envval {
  char *name, *val;
};

struct load {
  struct icp_providers *pv;
  struct envval *env;          /* every value read by env, for the check */
  size_t nenv, envcap;
  char **msg;                  /* problems, each once, in file order */
  size_t nmsg, msgcap;
  size_t more;                 /* problems past PROBLEMS_MAX */
  int lease_line;              /* where lease_ms was given (0: not) */
};

/* Records the problem "file:line: text" (line 0: "file: text", or text
 * alone when it starts with the file's name), each text once, redacted;
 * past PROBLEMS_MAX (or out of memory) only counted. */
void icpi_cfg_problem_text(struct load *ld, int line, const char *text);

/* Adds the statements of the language (provider, enrich, cache, env) to
 * the sandbox's environment; a lua_CFunction, called in the sandbox. */
int icpi_cfg_add_dsl(lua_State *L);

/* The checks once the file has run: chains that name no provider, no
 * provider at all, lease_ms without a shared cache. */
void icpi_cfg_check(struct load *ld);

/* Frees what a provider's config owns (not c itself). */
void icpi_cfg_config_free(struct icp_enr_config *c);

#endif
