/*
 * columns_file.h -- loading a column mapping (--columns FILE).
 *
 * The file is Lua, run in the same sandbox as packs (sandbox.h), and says
 * which header feeds which field, once per export source:
 *
 *   columns { domain = "Website", industry = "sector",
 *             revenue_usd = { from = "revenue ($M)", scale = 1e6 } }
 *
 * Targets are canonical fields, or fields the packs already
 * loaded against the schema know (declared or read); anything else is an
 * error naming the file and line, with a did-you-mean.
 */
#ifndef ICP_COLUMNS_FILE_H
#define ICP_COLUMNS_FILE_H

#include "icp.h"
#include "data/columns.h"
#include "data/schema.h"

#define ICP_COLUMNS_FILE_MAX (1u << 20)

/* Loads path into cols (entries added). err holds "path:line: why". */
enum icp_status icp_columns_load(struct icp_columns *cols,
                                 const struct icp_schema *schema,
                                 const char *path, struct icp_err *err);

#endif
