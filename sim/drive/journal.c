/* Sweep journals: index, open, append, read back (layout in journal.h). */
#include "drive/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/hash.h"
#include "base/path.h"

typedef struct {
    char magic[8];
    uint64_t hash;
    int64_t P, R, M, T, C, series;
} jheader;

#define JTAG 0x314e5552u /* "RUN1" */

void tc_journal_shape(tc_jshape *s, const tc_sweep *sw, int64_t C)
{
    const tc_scenario *sc = &sw->sc[0];
    s->P = sw->P;
    s->R = sw->R;
    s->M = tc_sweep_nmetrics;
    s->T = (sc->time.duration_ms + sc->time.interval_ms - 1) / sc->time.interval_ms;
    s->C = C;
    s->NS = sw->series ? (int64_t)TC_NCOUNTERS * s->T * (2 + s->C) : 0;
    s->recsize = 8 + 16 + 8 * (size_t)s->M + 8 * (size_t)s->NS + 8;
}

void tc_journal_index_free(tc_jindex *ix)
{
    for (int i = 0; i < ix->nfiles; i++) {
        if (ix->fd[i] >= 0) close(ix->fd[i]);
        free(ix->path[i]);
    }
    free(ix->path);
    free(ix->fd);
    free(ix->file_of);
    free(ix->offset_of);
    free(ix->valid_end);
    memset(ix, 0, sizeof *ix);
}

static int read_full(int fd, void *buf, size_t n, off_t at)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = pread(fd, (char *)buf + got, n - got, at + (off_t)got);
        if (k <= 0) return -1;
        got += (size_t)k;
    }
    return 0;
}

/* The whole records of journal `me` (fd) into the index; the end of the last. */
static void index_records(tc_jindex *ix, int me, int fd, const tc_jshape *s, char *rec)
{
    off_t at = sizeof(jheader);
    for (;;) {
        if (read_full(fd, rec, s->recsize, at)) break;
        uint32_t tag;
        int64_t pr[2];
        uint64_t sum;
        memcpy(&tag, rec, 4);
        memcpy(pr, rec + 8, 16);
        memcpy(&sum, rec + s->recsize - 8, 8);
        if (tag != JTAG || tc_fnv1a(TC_FNV_OFFSET, rec + 8, s->recsize - 16) != sum ||
            pr[0] < 0 || pr[0] >= s->P || pr[1] < 0 || pr[1] >= s->R)
            break;
        int64_t run = pr[0] * s->R + pr[1];
        if (ix->file_of[run] < 0) {
            ix->file_of[run] = me;
            ix->offset_of[run] = at;
            ix->ndone++;
        }
        at += (off_t)s->recsize;
    }
    ix->valid_end[me] = at;
}

int tc_journal_index(tc_jindex *ix, const char *out, uint64_t hash, const tc_jshape *s,
                     tc_err *err)
{
    int rc = TC_OK;
    glob_t g;
    char pattern[4200];
    memset(ix, 0, sizeof *ix);
    snprintf(pattern, sizeof pattern, "%s.journal.*", out);
    ix->file_of = tc_xmalloc((size_t)(s->P * s->R) * sizeof *ix->file_of);
    ix->offset_of = tc_xmalloc((size_t)(s->P * s->R) * sizeof *ix->offset_of);
    for (int64_t i = 0; i < s->P * s->R; i++) ix->file_of[i] = -1;
    int gr = glob(pattern, 0, NULL, &g);
    size_t nf = gr == 0 ? g.gl_pathc : 0;
    ix->path = tc_xcalloc(nf + 1, sizeof *ix->path);
    ix->fd = tc_xcalloc(nf + 1, sizeof *ix->fd);
    ix->valid_end = tc_xcalloc(nf + 1, sizeof *ix->valid_end);
    char *rec = tc_xmalloc(s->recsize);
    for (size_t i = 0; i < nf; i++) {
        const char *p = g.gl_pathv[i];
        /* never through a link, only a regular file of this user's */
        int fd = tc_path_open_private(p, O_RDONLY, 0, err);
        if (fd < 0) {
            rc = TC_EINPUT; /* err says why */
            goto cleanup;
        }
        ix->path[ix->nfiles] = tc_xstrdup(p);
        ix->fd[ix->nfiles] = fd;
        int me = ix->nfiles++;
        jheader h;
        if (read_full(fd, &h, sizeof h, 0)) {
            ix->valid_end[me] = 0; /* empty or unreadable: nothing in it */
            continue;
        }
        if (memcmp(h.magic, "TCSWJRN1", 8) || h.hash != hash || h.P != s->P || h.R != s->R ||
            h.M != s->M || h.T != s->T || h.C != s->C || h.series != (s->NS > 0))
            TC_FAIL(TC_EINPUT, "%s: this journal belongs to another sweep (the scenario, its "
                    "overrides or the program changed); move it away to start afresh", p);
        index_records(ix, me, fd, s, rec);
    }
cleanup:
    free(rec);
    if (gr == 0) globfree(&g);
    return rc;
}

int tc_journal_open(const char *out, int rank, uint64_t hash, const tc_jshape *s,
                    const tc_jindex *ix, int *fd, tc_err *err)
{
    int rc = TC_OK;
    char jp[4200];
    snprintf(jp, sizeof jp, "%s.journal.%d", out, rank);
    *fd = tc_path_open_private(jp, O_WRONLY | O_CREAT, 0644, err);
    if (*fd < 0) return TC_EINPUT; /* a link, not a file, or another user's: err says */
    off_t end = 0;
    for (int i = 0; i < ix->nfiles; i++)
        if (!strcmp(ix->path[i], jp)) end = (off_t)ix->valid_end[i];
    if (end < (off_t)sizeof(jheader)) {
        jheader h = {.hash = hash, .P = s->P, .R = s->R, .M = s->M, .T = s->T, .C = s->C,
                     .series = s->NS > 0};
        memcpy(h.magic, "TCSWJRN1", 8);
        if (ftruncate(*fd, 0) || pwrite(*fd, &h, sizeof h, 0) != (ssize_t)sizeof h)
            TC_FAIL(TC_ERUNTIME, "%s: cannot write the journal", jp);
        end = sizeof h;
    } else if (ftruncate(*fd, end)) {
        TC_FAIL(TC_ERUNTIME, "%s: cannot trim the journal's partial record", jp);
    }
    lseek(*fd, end, SEEK_SET);
cleanup:
    if (rc) {
        close(*fd);
        *fd = -1;
    }
    return rc;
}

int tc_journal_append(int fd, const tc_jshape *s, int64_t p, int64_t r, const double *m,
                      const tc_recorder *rec)
{
    char *buf = tc_xcalloc(1, s->recsize);
    uint32_t tag = JTAG;
    int64_t pr[2] = {p, r};
    memcpy(buf, &tag, 4);
    memcpy(buf + 8, pr, 16);
    memcpy(buf + 24, m, 8 * (size_t)s->M);
    if (s->NS) {
        size_t nc = 8 * (size_t)(TC_NCOUNTERS * s->T * 2);
        memcpy(buf + 24 + 8 * s->M, rec->by_class, nc);
        memcpy(buf + 24 + 8 * s->M + nc, rec->by_comm, 8 * (size_t)(TC_NCOUNTERS * s->T * s->C));
    }
    uint64_t sum = tc_fnv1a(TC_FNV_OFFSET, buf + 8, s->recsize - 16);
    memcpy(buf + s->recsize - 8, &sum, 8);
    size_t done = 0;
    while (done < s->recsize) {
        ssize_t k = write(fd, buf + done, s->recsize - done);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        done += (size_t)k;
    }
    free(buf);
    return done == s->recsize ? TC_OK : TC_ERUNTIME;
}

int tc_journal_record(void *reader, int64_t p, int64_t r, double *metrics, int64_t *series,
                      tc_err *err)
{
    tc_jreader *j = reader;
    int64_t run = p * j->s->R + r, f = j->ix->file_of[run];
    if (f < 0) return 0;
    errno = 0;
    if (read_full(j->ix->fd[f], j->rec, j->s->recsize, (off_t)j->ix->offset_of[run])) {
        tc_err_set(err, TC_ERUNTIME, "%s: cannot read run %lld/%lld back: %s", j->ix->path[f],
                   (long long)p, (long long)r, errno ? strerror(errno) : "cut short");
        return -1;
    }
    memcpy(metrics, j->rec + 24, 8 * (size_t)j->s->M);
    if (series) memcpy(series, j->rec + 24 + 8 * j->s->M, 8 * (size_t)j->s->NS);
    return 1;
}
