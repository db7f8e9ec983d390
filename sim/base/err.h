/* Error records, the TC_FAIL/TC_TRY idiom, checked allocation, and the single place
 * where third-party error handlers (igraph, GSL, HDF5) are turned off and translated. */
#ifndef TC_SIM_ERR_H
#define TC_SIM_ERR_H

#include <stddef.h>
#include <stdint.h>

#define TC_LINE 64 /* bytes in a cache line */

/* Exit codes double as error codes: 0 ok, 1 runtime failure, 2 bad input. */
enum { TC_OK = 0, TC_ERUNTIME = 1, TC_EINPUT = 2 };

typedef struct tc_err {
    int code;        /* TC_OK, TC_ERUNTIME or TC_EINPUT */
    char msg[1536];  /* one line, no trailing newline */
} tc_err;

/* A position in an input file: where a value came from, for errors found after
 * loading (e.g. an unknown community name, known only once the graph is read). */
typedef struct tc_where {
    const char *file;
    int line, col;
} tc_where;

/* Record a failure in `err` (a tc_err * in scope) and jump to the function's
 * `cleanup:` label with `rc` (an int in scope) set to `code`. */
#define TC_FAIL(code, ...)                                   \
    do {                                                     \
        tc_err_set(err, (code), __VA_ARGS__);                \
        rc = (code);                                         \
        goto cleanup;                                        \
    } while (0)

/* Evaluate `expr` (returning an error code); on failure jump to `cleanup:`. */
#define TC_TRY(expr)                                         \
    do {                                                     \
        rc = (expr);                                         \
        if (rc != TC_OK) goto cleanup;                       \
    } while (0)

/* Set err->code and err->msg (printf format). err may be NULL (then nothing). */
void tc_err_set(tc_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Allocation that never returns NULL: on failure prints the size asked and the
 * memory left, removes the temporary outputs in flight (tc_outfile) and exits
 * with TC_ERUNTIME. Large allocations are estimated and refused beforehand
 * (tc_mem_check), with a message naming the input.
 * A zero size returns a valid unique pointer. */
void *tc_xmalloc(size_t size);
void *tc_xcalloc(size_t n, size_t size);
void *tc_xrealloc(void *p, size_t size);
/* n zeroed blocks of `size` bytes each rounded up to whole cache lines (64 bytes),
 * the first on a line boundary: per-thread data that threads write at the same
 * time without pulling each other's lines away. Freed by free(). */
void *tc_xcalloc_lines(size_t n, size_t size);
/* A large array that is never reallocated (per-account state): its whole 2 MiB
 * pages advised to the kernel as wanting transparent huge pages, so that random
 * reads miss the TLB less (the machine's THP setting is "madvise"). Not for
 * arrays that grow: moving a block with huge pages (realloc, mremap) held the
 * old and the new copy at once (a 4 GB CSR took 8 GB). Freed by free(). */
void *tc_xmalloc_huge(size_t size);

/* Write a zero at every 4 KB of [p, p + size), memory fresh from malloc or
 * zeroed, on the threads OpenMP would use now, where they are several, no
 * parallel region is running and the block is 4 MB or more; else nothing. A
 * page's first touch costs a fault; on virtual machines whose host backs the
 * guest's memory only when first touched, about 1-2 ms per MB on one thread,
 * and faults taken on several threads at once overlap. For large arrays that
 * one thread is about to fill (a store's read, a scattered fill). */
void tc_touch_pages(void *p, size_t size);
char *tc_xstrdup(const char *s);

/* Room for at least `need` elements of `size` bytes in the growing array `p`,
 * whose capacity is *cap elements: *cap doubles (starting from `first` when it
 * is 0) until it holds `need`, the block is reallocated with its contents kept,
 * and the (possibly moved) array is returned; when it already holds `need`,
 * `p` comes back untouched. O(1) amortised per element. Aborts, as
 * tc_xrealloc, when memory runs out. */
void *tc_xgrow(void *p, int64_t *cap, int64_t need, size_t size, int64_t first);
/* The capacity that rule gives for `need` elements, for several arrays grown
 * side by side with one count: `cap` doubled (from `first` when 0) until it
 * holds `need`; `cap` itself when it already does. */
int64_t tc_grow_cap(int64_t cap, int64_t need, int64_t first);
/* The same for an array `a` whose elements' size is sizeof *a. */
#define TC_GROW(a, cap, need, first) ((a) = tc_xgrow((a), &(cap), (need), sizeof *(a), (first)))

/* An engine's array of `bytes` carried over from an earlier run (or NULL):
 * zeroed when this run wants it (allocated if there was none), freed and NULL
 * when it does not. */
void *tc_zeroed_or_freed(void *p, int want, size_t bytes);

/* Move field f of struct *from into *to, leaving it zero in *from: what an
 * engine made anew takes over from the one it replaces (needs <string.h>). */
#define TC_CARRY(to, from, f)                          \
    do {                                               \
        memcpy(&(to)->f, &(from)->f, sizeof (to)->f);  \
        memset(&(from)->f, 0, sizeof (from)->f);       \
    } while (0)

/* Turn off the default (aborting or printing) error handlers of igraph, GSL and
 * HDF5 once at program start; their failures then come back as return codes.
 * The igraph handler keeps the last message per thread for tc_lib_last_error(). */
void tc_lib_errors_off(void);

/* Close HDF5 cleanly at the end of a successful program (see tc_lib_errors_off:
 * after a failed write the program just exits). */
void tc_lib_close(void);

/* Last message reported by igraph on this thread ("" if none). */
const char *tc_lib_last_error(void);

#endif
