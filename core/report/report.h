/*
 * report.h -- `icp report --html`: one self-contained HTML page from the
 * results of score, diff, discover and validate.
 *
 * Inputs are the commands' own outputs: the JSON documents of `validate
 * --json`, `diff --json` and `discover --json`, and the JSONL of scored
 * accounts from `score`; each is recognised by its content. The page holds
 * inline CSS and inline SVG only (no script, no font or image from
 * anywhere), so it works offline and prints well. Every chart has a title,
 * labelled axes and a table of its numbers beside it; the review flags of a
 * validation come first. Nothing here prints or touches the network.
 */
#ifndef ICP_REPORT_H
#define ICP_REPORT_H

#include <stddef.h>

#include "icp.h"
#include "base/buf.h"

struct icp_report;

/* A new, empty report; NULL when out of memory. */
struct icp_report *icp_report_new(void);
void icp_report_free(struct icp_report *r);

/* Adds the text of one input named name (used in messages and in the
 * page): a JSON object of validate, diff or discover, or JSONL scored
 * accounts. ICP_EINVAL (naming the input, and the line for JSONL) when it
 * is none of those; a later document of the same kind replaces the
 * earlier one, scored accounts add up. text is borrowed. */
enum icp_status icp_report_add_text(struct icp_report *r, const char *name,
                                    const char *text, size_t len,
                                    struct icp_err *err);
/* Scored accounts only: JSONL lines as `icp score` writes them (a run of
 * the library hands them over a chunk at a time, in input order). */
enum icp_status icp_report_add_scored(struct icp_report *r,
                                      const char *name, const char *text,
                                      size_t len, struct icp_err *err);
/* Names an input in the page's list of inputs (the first 32; a file
 * added is listed by itself). ICP_ENOMEM when out of memory. */
enum icp_status icp_report_add_input(struct icp_report *r, const char *name,
                                     struct icp_err *err);
/* The same from a file (at most 1 GiB). */
enum icp_status icp_report_add_file(struct icp_report *r, const char *path,
                                    struct icp_err *err);
/* The same from a file shown in the page as name (NULL: the path). */
enum icp_status icp_report_add_file_as(struct icp_report *r,
                                       const char *path, const char *name,
                                       struct icp_err *err);
/* The as-of date of the run (YYYY-MM-DD), shown at the top; without it
 * the page shows the validation's as-of date or says it is not known. */
void icp_report_set_as_of(struct icp_report *r, const char *day);
/* The pack that scored the accounts (call before adding them): with it
 * the page names the fields that would move the most accounts if filled.
 * Copies what it needs; ICP_ENOMEM when out of memory. */
struct icp_pack;
enum icp_status icp_report_set_pack(struct icp_report *r,
                                    const struct icp_pack *pack);

/* 1 when nothing was added yet. */
int icp_report_empty(const struct icp_report *r);

/* Appends the whole page to out. title may be NULL. Any append that failed
 * (out of memory, out's cap) makes the result an error: never ICP_OK with
 * a partial page. */
ICP_WUR enum icp_status icp_report_render(const struct icp_report *r,
                                          const char *title,
                                          struct icp_buf *out);

#endif
