/* Error records and the boundary with third-party error handlers. */
#include "base/err.h"

#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <hdf5.h>
#include <omp.h>
#include <igraph.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>

#include "base/mem.h"
#include "base/outfile.h"

void tc_err_set(tc_err *err, int code, const char *fmt, ...)
{
    if (!err) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->code = code;
}

/* Out of memory where no estimate caught it beforehand: say so, leave no
 * temporary output behind, and end with the runtime failure's exit code. */
static void oom(size_t size)
{
    tc_mem_room room = tc_mem_room_now();
    if (room.bytes >= 0)
        fprintf(stderr, "tagcascade: out of memory (asked for %zu bytes; %.2f GB are available "
                "(%s)); nothing written\n", size, room.bytes / 1e9, room.limit);
    else
        fprintf(stderr, "tagcascade: out of memory (asked for %zu bytes); nothing written\n", size);
    tc_outfile_unlink_pending();
    _exit(TC_ERUNTIME);
}

void *tc_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p) oom(size);
    return p;
}

void *tc_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) oom(n * size);
    return p;
}

void *tc_xcalloc_lines(size_t n, size_t size)
{
    size_t per = (size + TC_LINE - 1) / TC_LINE * TC_LINE, total = (n ? n : 1) * (per ? per : TC_LINE);
    void *p = aligned_alloc(TC_LINE, total);
    if (!p) oom(total);
    memset(p, 0, total);
    return p;
}

void tc_touch_pages(void *p, size_t size)
{
    if (size < ((size_t)4 << 20) || omp_in_parallel() || omp_get_max_threads() < 2) return;
    volatile char *c = p;
    int64_t pages = (int64_t)((size + 4095) / 4096);
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < pages; i++) c[i * 4096] = 0;
}

void *tc_xmalloc_huge(size_t size)
{
    const uintptr_t huge = (uintptr_t)2 << 20;
    void *p = tc_xmalloc(size);
    uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1), b = ((uintptr_t)p + size) & ~(huge - 1);
    if (b > a) (void)madvise((void *)a, b - a, MADV_HUGEPAGE); /* a hint: failure is harmless */
    return p;
}

void *tc_xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q) oom(size);
    return q;
}

char *tc_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = tc_xmalloc(n);
    memcpy(d, s, n);
    return d;
}

/* igraph reports errors through a handler; this is the one place its message is
 * kept, per thread, so that the caller can add it to a message with context. */
static _Thread_local char igraph_msg[512];

static void igraph_keep(const char *reason, const char *file, int line,
                        igraph_error_t code)
{
    (void)file;
    (void)line;
    snprintf(igraph_msg, sizeof igraph_msg, "%s (%s)", reason,
             igraph_strerror(code));
    IGRAPH_FINALLY_FREE();
}

const char *tc_lib_last_error(void) { return igraph_msg; }

void tc_lib_close(void) { H5close(); }

void tc_lib_errors_off(void)
{
    /* HDF5 must not run its own clean-up at exit: after a failed write (a full
     * disk) that clean-up crashes on the file it could not close. tc_lib_close()
     * closes the library instead, when everything went well. This must come
     * before any other HDF5 call. */
    H5dont_atexit();
    igraph_set_error_handler(igraph_keep);
    igraph_set_warning_handler(igraph_warning_handler_ignore);
    gsl_set_error_handler_off();
    /* TC_H5_DEBUG=1 in the environment keeps HDF5's own error stack printing, to
     * see which call failed when a write is reported as failed */
    if (!getenv("TC_H5_DEBUG")) H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

int64_t tc_grow_cap(int64_t cap, int64_t need, int64_t first)
{
    if (need <= cap) return cap;
    int64_t c = cap > 0 ? cap : (first > 0 ? first : 1);
    while (c < need) c *= 2;
    return c;
}

void *tc_xgrow(void *p, int64_t *cap, int64_t need, size_t size, int64_t first)
{
    if (need <= *cap) return p;
    int64_t c = tc_grow_cap(*cap, need, first);
    p = tc_xrealloc(p, (size_t)c * size);
    *cap = c;
    return p;
}

void *tc_zeroed_or_freed(void *p, int want, size_t bytes)
{
    if (!want) {
        free(p);
        return NULL;
    }
    if (p) return memset(p, 0, bytes);
    return tc_xcalloc(1, bytes ? bytes : 1);
}
