/*
 * emit.h -- a scored account as one JSONL line or one CSV row (DESIGN §4).
 *
 * JSONL carries domain, score, tier, dimensions, coverage, fired (rule
 * names with points earned), unknown, excluded_by, route, pack, source,
 * errors/evidence when any, and with explain every rule's outcome and the
 * values it read with their sources. CSV flattens the same for a CRM
 * import. Output is byte-identical for the same inputs.
 */
#ifndef ICP_EMIT_H
#define ICP_EMIT_H

#include "base/buf.h"
#include "score/score.h"

/* Appends one JSON object and a newline. source is "FILE:LINE", or FILE
 * alone for a named record without a line (a->line 0: the lone object of
 * a request body). extra (may be NULL) is raw JSON
 * members ("\"arm\":\"A\"") added after the pack member. */
enum icp_status icp_emit_jsonl(struct icp_buf *b, const struct icp_pack *p,
                               const struct icp_account *a,
                               const struct icp_result *r, int explain,
                               const char *extra);
/* The CSV header line, and one row. extra_col (may be NULL) names one more
 * column whose value is extra_val in each row. */
enum icp_status icp_emit_csv_header(struct icp_buf *b,
                                    const struct icp_pack *p,
                                    const char *extra_col);
enum icp_status icp_emit_csv_row(struct icp_buf *b, const struct icp_pack *p,
                                 const struct icp_account *a,
                                 const struct icp_result *r,
                                 const char *extra_val);
/* The top reasons of a result ("size_sweet_spot +20; on_aws +15"). */
enum icp_status icp_emit_reasons(struct icp_buf *b, const struct icp_pack *p,
                                 const struct icp_result *r, int max);
/* A value as JSON: icp_json_value (io/out.h), by the name the emitters
 * and their tests use. */
enum icp_status icp_emit_value(struct icp_buf *b, const struct icp_value *v);

#endif
