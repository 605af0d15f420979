/*
 * rules.h -- loading rule packs (DESIGN §4).
 *
 * A pack is created against a schema shared with the readers (and with
 * other packs of the same run), then loaded from a file or text. Loading
 * runs the chunk in its sandbox, checks it and compiles its predicates;
 * every problem is kept as a diagnostic naming the file and line, so that
 * `icp check` can list them all. A pack with diagnostics cannot score.
 */
#ifndef ICP_RULES_H
#define ICP_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "icp.h"
#include "base/file.h"  /* icp_read_file, which packs are read with */
#include "rules/pack.h"

#define ICP_PACK_TEXT_MAX (4u << 20)

struct icp_pack_opts {
  size_t mem_cap;      /* bytes for the pack's Lua state; 0 = default */
  long call_steps;     /* instructions per custom rule call; 0 = default */
};

/* A new, empty pack using schema (borrowed, must outlive the pack). opts
 * may be NULL. NULL when out of memory. */
struct icp_pack *icp_pack_new(struct icp_schema *schema,
                              const struct icp_pack_opts *opts);
void icp_pack_free(struct icp_pack *pack);

/* Loads the pack at path. ICP_ELOAD when there are diagnostics (err holds
 * the first; all are in icp_pack_diag), ICP_EIO when unreadable. */
enum icp_status icp_pack_load_file(struct icp_pack *pack, const char *path,
                                   struct icp_err *err);
/* The same from text, named path in messages. */
enum icp_status icp_pack_load_text(struct icp_pack *pack, const char *path,
                                   const char *text, size_t len,
                                   struct icp_err *err);

int icp_pack_ndiags(const struct icp_pack *pack);
const char *icp_pack_diag(const struct icp_pack *pack, int i);
int icp_pack_nwarnings(const struct icp_pack *pack);
const char *icp_pack_warning(const struct icp_pack *pack, int i);

/* The date (days since the epoch) that within_days, older_than_days and
 * decay count from; today unless set. */
void icp_pack_set_as_of(struct icp_pack *pack, int32_t day);

#endif
