/*
 * libs.h -- libcurl, libpq and libmicrohttpd, loaded when first needed.
 *
 * Linking them made every command load about forty shared libraries
 * (OpenSSL, GnuTLS, Kerberos, LDAP...) before main: 13 ms of a 20 ms
 * `icp score` on a small file, and of every two-thread run. Most runs
 * never enrich, serve or use a PostgreSQL cache, so the three are opened
 * with dlopen by the code that needs them, once per process:
 *
 *   icp_curl_open   before any curl_* call (icp_sched_new calls it); it
 *                   also calls curl_global_init, once, never undone: the
 *                   library stays for the process's life
 *   icp_pq_open     before any PQ* call (the PostgreSQL cache)
 *   icp_mhd_open    before any MHD_* call (icp serve)
 *
 * Each returns ICP_OK, or ICP_ELOAD with a message naming the library
 * and the Debian package that has it. They are safe to call from any
 * thread, any number of times.
 *
 * A file that calls the libraries includes their headers, then this one:
 * from here on curl_easy_init(...) and the rest call through a table of
 * pointers filled by the open call (their types are the headers' own, by
 * __typeof__). A call before any open call opens the library then; when
 * it cannot be loaded there, the process stops with the same message (the
 * library's own call has no way to fail with it). curl's compile-time
 * checks of curl_easy_setopt arguments (typecheck-gcc.h macros) are
 * given up for the redirection.
 */
#ifndef ICP_NET_LIBS_H
#define ICP_NET_LIBS_H

#include "base/err.h"

enum icp_status icp_curl_open(struct icp_err *err);
enum icp_status icp_pq_open(struct icp_err *err);
enum icp_status icp_mhd_open(struct icp_err *err);

/* The functions of each library that icp calls. */
#define ICP_CURL_FUNCS(X)                                                    \
  X(curl_global_init) X(curl_global_cleanup) X(curl_easy_init)               \
  X(curl_easy_cleanup) X(curl_easy_setopt) X(curl_easy_getinfo)              \
  X(curl_easy_strerror) X(curl_slist_append) X(curl_slist_free_all)          \
  X(curl_multi_init) X(curl_multi_cleanup) X(curl_multi_setopt)              \
  X(curl_multi_add_handle) X(curl_multi_remove_handle)                       \
  X(curl_multi_perform) X(curl_multi_poll) X(curl_multi_info_read)           \
  X(curl_multi_strerror) X(curl_getdate)

#define ICP_PQ_FUNCS(X)                                                      \
  X(PQconnectdbParams) X(PQfinish) X(PQstatus) X(PQerrorMessage)             \
  X(PQsocket) X(PQsetnonblocking) X(PQsetNoticeProcessor) X(PQflush)         \
  X(PQconsumeInput) X(PQisBusy) X(PQsendQuery) X(PQsendPrepare)              \
  X(PQsendQueryPrepared) X(PQgetResult) X(PQresultStatus) X(PQntuples)       \
  X(PQgetvalue) X(PQgetlength) X(PQgetisnull) X(PQclear) X(PQfreemem)        \
  X(PQconninfoParse) X(PQconninfoFree)

#define ICP_MHD_FUNCS(X)                                                     \
  X(MHD_start_daemon) X(MHD_stop_daemon) X(MHD_quiesce_daemon)               \
  X(MHD_get_daemon_info) X(MHD_get_connection_info)                          \
  X(MHD_lookup_connection_value) X(MHD_create_response_from_buffer)          \
  X(MHD_add_response_header) X(MHD_queue_response) X(MHD_destroy_response)

#define ICP_LIBS_PTR(name) __typeof__(name) *name;

/* The library's table, opened if it was not: never NULL (see above). */
const void *icp_libs_table(int lib);
enum { ICP_LIB_CURL, ICP_LIB_PQ, ICP_LIB_MHD };

#if defined(CURLINC_CURL_H) || defined(__CURL_CURL_H)
struct icp_curl_api {
  ICP_CURL_FUNCS(ICP_LIBS_PTR)
};
#ifndef ICP_LIBS_IMPL
#undef curl_easy_setopt
#undef curl_easy_getinfo
#undef curl_multi_setopt
#define ICP_CURL_API ((const struct icp_curl_api *)icp_libs_table(ICP_LIB_CURL))
#define ICP_CURL_CALL(name) (ICP_CURL_API->name)
#define curl_global_init ICP_CURL_CALL(curl_global_init)
#define curl_global_cleanup ICP_CURL_CALL(curl_global_cleanup)
#define curl_easy_init ICP_CURL_CALL(curl_easy_init)
#define curl_easy_cleanup ICP_CURL_CALL(curl_easy_cleanup)
#define curl_easy_setopt ICP_CURL_CALL(curl_easy_setopt)
#define curl_easy_getinfo ICP_CURL_CALL(curl_easy_getinfo)
#define curl_easy_strerror ICP_CURL_CALL(curl_easy_strerror)
#define curl_slist_append ICP_CURL_CALL(curl_slist_append)
#define curl_slist_free_all ICP_CURL_CALL(curl_slist_free_all)
#define curl_multi_init ICP_CURL_CALL(curl_multi_init)
#define curl_multi_cleanup ICP_CURL_CALL(curl_multi_cleanup)
#define curl_multi_setopt ICP_CURL_CALL(curl_multi_setopt)
#define curl_multi_add_handle ICP_CURL_CALL(curl_multi_add_handle)
#define curl_multi_remove_handle ICP_CURL_CALL(curl_multi_remove_handle)
#define curl_multi_perform ICP_CURL_CALL(curl_multi_perform)
#define curl_multi_poll ICP_CURL_CALL(curl_multi_poll)
#define curl_multi_info_read ICP_CURL_CALL(curl_multi_info_read)
#define curl_multi_strerror ICP_CURL_CALL(curl_multi_strerror)
#define curl_getdate ICP_CURL_CALL(curl_getdate)
#endif
#endif

#ifdef LIBPQ_FE_H
struct icp_pq_api {
  ICP_PQ_FUNCS(ICP_LIBS_PTR)
};
#ifndef ICP_LIBS_IMPL
#define ICP_PQ_CALL(name) \
  (((const struct icp_pq_api *)icp_libs_table(ICP_LIB_PQ))->name)
#define PQconnectdbParams ICP_PQ_CALL(PQconnectdbParams)
#define PQfinish ICP_PQ_CALL(PQfinish)
#define PQstatus ICP_PQ_CALL(PQstatus)
#define PQerrorMessage ICP_PQ_CALL(PQerrorMessage)
#define PQsocket ICP_PQ_CALL(PQsocket)
#define PQsetnonblocking ICP_PQ_CALL(PQsetnonblocking)
#define PQsetNoticeProcessor ICP_PQ_CALL(PQsetNoticeProcessor)
#define PQflush ICP_PQ_CALL(PQflush)
#define PQconsumeInput ICP_PQ_CALL(PQconsumeInput)
#define PQisBusy ICP_PQ_CALL(PQisBusy)
#define PQsendQuery ICP_PQ_CALL(PQsendQuery)
#define PQsendPrepare ICP_PQ_CALL(PQsendPrepare)
#define PQsendQueryPrepared ICP_PQ_CALL(PQsendQueryPrepared)
#define PQgetResult ICP_PQ_CALL(PQgetResult)
#define PQresultStatus ICP_PQ_CALL(PQresultStatus)
#define PQntuples ICP_PQ_CALL(PQntuples)
#define PQgetvalue ICP_PQ_CALL(PQgetvalue)
#define PQgetlength ICP_PQ_CALL(PQgetlength)
#define PQgetisnull ICP_PQ_CALL(PQgetisnull)
#define PQclear ICP_PQ_CALL(PQclear)
#define PQfreemem ICP_PQ_CALL(PQfreemem)
#define PQconninfoParse ICP_PQ_CALL(PQconninfoParse)
#define PQconninfoFree ICP_PQ_CALL(PQconninfoFree)
#endif
#endif

#ifdef MHD_VERSION
struct icp_mhd_api {
  ICP_MHD_FUNCS(ICP_LIBS_PTR)
};
#ifndef ICP_LIBS_IMPL
#define ICP_MHD_CALL(name) \
  (((const struct icp_mhd_api *)icp_libs_table(ICP_LIB_MHD))->name)
#define MHD_start_daemon ICP_MHD_CALL(MHD_start_daemon)
#define MHD_stop_daemon ICP_MHD_CALL(MHD_stop_daemon)
#define MHD_quiesce_daemon ICP_MHD_CALL(MHD_quiesce_daemon)
#define MHD_get_daemon_info ICP_MHD_CALL(MHD_get_daemon_info)
#define MHD_get_connection_info ICP_MHD_CALL(MHD_get_connection_info)
#define MHD_lookup_connection_value ICP_MHD_CALL(MHD_lookup_connection_value)
#define MHD_create_response_from_buffer \
  ICP_MHD_CALL(MHD_create_response_from_buffer)
#define MHD_add_response_header ICP_MHD_CALL(MHD_add_response_header)
#define MHD_queue_response ICP_MHD_CALL(MHD_queue_response)
#define MHD_destroy_response ICP_MHD_CALL(MHD_destroy_response)
#endif
#endif

#endif
