/* A byte-at-a-time lexer for edge lists, run twice over the file (plain or
 * through zlib): counting, then filling the CSR. */
#include "graph/edgestream.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "base/path.h"
#include "base/rng.h"
#include "graph/graph.h"

#define READ_BYTES (1 << 20)

/* ------------------------------------------------------------------ reading */

typedef struct {
    FILE *f;
    gzFile gz;
} reader;

static int reader_open(reader *r, const char *path, int *gzip, tc_err *err)
{
    unsigned char magic[2] = {0, 0};
    r->f = tc_path_open_input(path, "graph file", err); /* a FIFO or a device would not end */
    r->gz = NULL;
    if (!r->f) return TC_EINPUT;
    size_t got = fread(magic, 1, 2, r->f);
    *gzip = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    if (!*gzip) {
        rewind(r->f);
        return TC_OK;
    }
    /* the file checked and opened above, not the name again */
    int fd = dup(fileno(r->f));
    fclose(r->f);
    r->f = NULL;
    r->gz = fd >= 0 && lseek(fd, 0, SEEK_SET) == 0 ? gzdopen(fd, "rb") : NULL;
    if (!r->gz && fd >= 0) close(fd);
    if (!r->gz) {
        tc_err_set(err, TC_EINPUT, "%s: cannot open: %s", path,
                   errno ? strerror(errno) : "out of memory");
        return TC_EINPUT;
    }
    gzbuffer(r->gz, 1 << 18);
    return TC_OK;
}

/* Bytes read into buf (0 at the end), or -1 with err set. */
static long reader_read(reader *r, unsigned char *buf, const char *path, tc_err *err)
{
    if (r->f) {
        size_t got = fread(buf, 1, READ_BYTES, r->f);
        if (!got && ferror(r->f)) {
            tc_err_set(err, TC_EINPUT, "%s: cannot read: %s", path, strerror(errno));
            return -1;
        }
        return (long)got;
    }
    int got = gzread(r->gz, buf, READ_BYTES);
    int code = Z_OK;
    const char *msg = gzerror(r->gz, &code);
    if (got < 0 || (code != Z_OK && code != Z_BUF_ERROR)) {
        tc_err_set(err, TC_EINPUT, "%s: damaged gzip data: %s", path, msg);
        return -1;
    }
    if (got == 0 && code == Z_BUF_ERROR) {
        tc_err_set(err, TC_EINPUT, "%s: the gzip data ends before its end mark (a truncated "
                   "file?)", path);
        return -1;
    }
    return got;
}

static void reader_close(reader *r)
{
    if (r->f) fclose(r->f);
    if (r->gz) gzclose(r->gz);
    r->f = NULL;
    r->gz = NULL;
}

/* ------------------------------------------------------------------ the lexer */

enum { C_OTHER, C_DIGIT, C_SEP, C_NL, C_HASH };

static const unsigned char byte_class[256] = {
    ['0'] = C_DIGIT, ['1'] = C_DIGIT, ['2'] = C_DIGIT, ['3'] = C_DIGIT, ['4'] = C_DIGIT,
    ['5'] = C_DIGIT, ['6'] = C_DIGIT, ['7'] = C_DIGIT, ['8'] = C_DIGIT, ['9'] = C_DIGIT,
    [' '] = C_SEP,   ['\t'] = C_SEP,  ['\r'] = C_SEP,  ['\n'] = C_NL,   ['#'] = C_HASH,
};

/* What one pass does with the pairs. */
typedef struct {
    tc_edgestream *s;
    int fill;              /* 0: count (first pass), 1: fill net->dst */
    tc_net *net;
    int64_t mtot;          /* entries of net->dst (fill) */
    int64_t pairs, edges;  /* seen in this pass */
    uint64_t check;
    int32_t maxid;
    int overflow;          /* fill: the file no longer matches the counts */
    uint64_t *recent;      /* RECENT_SLOTS edges seen last (src << 32 | dst, + 1; 0: empty) */
    int64_t repeats;       /* edges skipped as repeats of one in `recent` */
} pass_state;

/* Repeated edges are dropped as they are read when they repeat one of the
 * edges seen recently, so that a file of one edge repeated a hundred million
 * times is not held whole before the repeats go (the rest are dropped when
 * the audiences are sorted). The cache is direct-mapped and reset for each
 * pass, so both passes skip exactly the same lines; a skipped edge is
 * identical to one already kept, so the CSR is the same as without it. */
#define RECENT_BITS 16
#define RECENT_SLOTS (1 << RECENT_BITS)

/* 1 if src -> dst repeats an edge in the cache; else it is remembered there. */
static int seen_recently(pass_state *ps, int32_t src, int32_t dst)
{
    if (src == dst) return 0; /* self-loops are counted as such when the CSR freezes */
    uint64_t key = (((uint64_t)(uint32_t)src << 32) | (uint32_t)dst) + 1;
    uint64_t *slot = ps->recent + ((key * 0x9e3779b97f4a7c15ULL) >> (64 - RECENT_BITS));
    if (*slot == key) {
        ps->repeats++;
        return 1;
    }
    *slot = key;
    return 0;
}

/* Line and token being read; positions are byte offsets from the file start. */
typedef struct {
    long long line;
    int64_t line_start;
    int ntok;
    int64_t id[2];
    int in_tok, in_comment, tok_digits, tok_len;
    int64_t tok_start, tok_v;
    char tok_text[40];
} lexer;

static void grow_deg(tc_edgestream *s, int64_t id)
{
    if (id < s->cap) return;
    int64_t cap = tc_grow_cap(s->cap, id + 1, 1024);
    s->deg = tc_xrealloc(s->deg, (size_t)cap * sizeof *s->deg);
    memset(s->deg + s->cap, 0, (size_t)(cap - s->cap) * sizeof *s->deg);
    s->cap = cap;
}

static void pair(pass_state *ps, int64_t a, int64_t b)
{
    tc_edgestream *s = ps->s;
    int32_t src = (int32_t)(s->direction == TC_DIR_FOLLOWS ? b : a);
    int32_t dst = (int32_t)(s->direction == TC_DIR_FOLLOWS ? a : b);
    int64_t e = ps->pairs++;
    int back = s->reciprocity > 0 &&
               tc_rng_u01(s->key, TC_P_RECIPROCITY, (uint32_t)e, (uint64_t)e >> 32) <
                   s->reciprocity;
    ps->check = (ps->check ^ (((uint64_t)(uint32_t)src << 32) | (uint32_t)dst)) *
                0x100000001b3ULL;
    int fwd = !seen_recently(ps, src, dst);
    back = back && !seen_recently(ps, dst, src);
    ps->edges += fwd + back;
    if (!ps->fill) {
        int32_t hi = src > dst ? src : dst;
        if (hi > ps->maxid) ps->maxid = hi;
        grow_deg(s, hi);
        if (fwd) s->deg[src]++;
        if (back) s->deg[dst]++;
        return;
    }
    /* the file was checked by the first pass; a file changed since then must
     * not write outside the CSR */
    int64_t *off = ps->net->off;
    if (src >= ps->net->n || dst >= ps->net->n || (fwd && off[src] >= ps->mtot) ||
        (back && off[dst] >= ps->mtot)) {
        ps->overflow = 1;
        return;
    }
    if (fwd) ps->net->dst[off[src]++] = dst;
    if (back) ps->net->dst[off[dst]++] = src;
}

static int token_end(lexer *lx, pass_state *ps, tc_err *err)
{
    lx->in_tok = 0;
    lx->ntok++;
    if (!lx->tok_digits || lx->tok_v > TC_EDGESTREAM_MAX_ID || lx->ntok > 2) {
        tc_err_set(err, TC_EINPUT, "%s:%lld:%lld: expected %s, got \"%.*s\"", ps->s->path,
                   lx->line, (long long)(lx->tok_start - lx->line_start + 1),
                   lx->ntok > 2 ? "two account ids on a line"
                                : "an account id: a whole number from 0 to 2,000,000,000",
                   lx->tok_len, lx->tok_text);
        return TC_EINPUT;
    }
    lx->id[lx->ntok - 1] = lx->tok_v;
    return TC_OK;
}

static int line_end(lexer *lx, pass_state *ps, int64_t eol, tc_err *err)
{
    if (lx->ntok == 1) {
        tc_err_set(err, TC_EINPUT, "%s:%lld:%lld: expected two account ids on a line, got one",
                   ps->s->path, lx->line, (long long)(eol - lx->line_start + 1));
        return TC_EINPUT;
    }
    if (lx->ntok == 2) pair(ps, lx->id[0], lx->id[1]);
    lx->ntok = 0;
    lx->in_comment = 0;
    lx->line++;
    lx->line_start = eol + 1;
    return TC_OK;
}

/* One pass over the whole file. */
static int run_pass(pass_state *ps, tc_err *err)
{
    int rc = TC_OK;
    tc_edgestream *s = ps->s;
    reader r = {0};
    unsigned char *buf = tc_xmalloc(READ_BYTES);
    lexer lx = {.line = 1};
    int64_t pos = 0;
    int gzip = 0;
    ps->maxid = -1;
    TC_TRY(reader_open(&r, s->path, &gzip, err));
    s->gzip = gzip;
    for (;;) {
        long len = reader_read(&r, buf, s->path, err);
        if (len < 0) {
            rc = TC_EINPUT;
            goto cleanup;
        }
        if (len == 0) break;
        for (long i = 0; i < len; i++, pos++) {
            unsigned char c = buf[i];
            switch (byte_class[c]) {
            case C_DIGIT:
            case C_OTHER:
                if (lx.in_comment) break;
                if (!lx.in_tok) {
                    lx.in_tok = 1;
                    lx.tok_start = pos;
                    lx.tok_digits = 1;
                    lx.tok_v = 0;
                    lx.tok_len = 0;
                }
                if (byte_class[c] == C_OTHER) lx.tok_digits = 0;
                else if (lx.tok_v <= TC_EDGESTREAM_MAX_ID) lx.tok_v = lx.tok_v * 10 + (c - '0');
                if (lx.tok_len < (int)sizeof lx.tok_text) lx.tok_text[lx.tok_len++] = (char)c;
                break;
            case C_SEP:
                if (lx.in_tok) TC_TRY(token_end(&lx, ps, err));
                break;
            case C_HASH:
                if (lx.in_comment) break;
                if (lx.in_tok) TC_TRY(token_end(&lx, ps, err));
                lx.in_comment = 1;
                break;
            default: /* C_NL */
                if (lx.in_tok) TC_TRY(token_end(&lx, ps, err));
                TC_TRY(line_end(&lx, ps, pos, err));
                break;
            }
        }
    }
    /* a last line without its newline */
    if (pos > lx.line_start) {
        if (lx.in_tok) TC_TRY(token_end(&lx, ps, err));
        TC_TRY(line_end(&lx, ps, pos, err));
    }
cleanup:
    reader_close(&r);
    free(buf);
    return rc;
}

/* ------------------------------------------------------------------ the two passes */

int tc_edgestream_scan(tc_edgestream *s, const char *path, tc_direction direction,
                       double reciprocity, uint64_t key, tc_err *err)
{
    int rc = TC_OK;
    memset(s, 0, sizeof *s);
    s->path = tc_xstrdup(path);
    s->direction = direction;
    s->reciprocity = reciprocity;
    s->key = key;
    pass_state ps = {.s = s, .check = TC_NET_HASH_INIT,
                     .recent = tc_xcalloc(RECENT_SLOTS, sizeof *ps.recent)};
    rc = run_pass(&ps, err);
    free(ps.recent);
    TC_TRY(rc);
    s->repeats = ps.repeats;
    s->n = ps.maxid + 1;
    s->pairs = ps.pairs;
    s->edges = ps.edges;
    s->check = ps.check;
    grow_deg(s, s->n); /* room for off[n] */
cleanup:
    return rc;
}

int tc_edgestream_fill(tc_edgestream *s, tc_net *net, int32_t n, int64_t k,
                       const int32_t *src, const int32_t *dst, tc_err *err)
{
    int rc = TC_OK;
    memset(net, 0, sizeof *net);
    if (n < s->n) TC_FAIL(TC_EINPUT, "%s: %d accounts asked for, the file has %d", s->path, n, s->n);
    for (int64_t e = 0; e < k; e++)
        if (src[e] < 0 || src[e] >= n || dst[e] < 0 || dst[e] >= n)
            TC_FAIL(TC_EINPUT, "edge %lld (%d -> %d) names an account outside [0, %d)",
                    (long long)e, src[e], dst[e], n);
    grow_deg(s, n);
    for (int64_t e = 0; e < k; e++) s->deg[src[e]]++;
    /* counts -> starts; each start then serves as its account's fill cursor */
    int64_t total = 0;
    for (int32_t u = 0; u <= n; u++) {
        int64_t c = s->deg[u];
        s->deg[u] = total;
        total += c;
    }
    net->n = n;
    net->off = s->deg;
    s->deg = NULL;
    s->cap = 0;
    net->dst = tc_xmalloc((size_t)(total ? total : 1) * sizeof *net->dst);
    pass_state ps = {.s = s, .fill = 1, .net = net, .mtot = total, .check = TC_NET_HASH_INIT,
                     .recent = tc_xcalloc(RECENT_SLOTS, sizeof *ps.recent)};
    rc = run_pass(&ps, err);
    free(ps.recent);
    TC_TRY(rc);
    if (ps.overflow || ps.pairs != s->pairs || ps.check != s->check || ps.repeats != s->repeats)
        TC_FAIL(TC_ERUNTIME, "%s: the file changed while it was being read; read it again "
                "once it is complete", s->path);
    for (int64_t e = 0; e < k; e++) net->dst[net->off[src[e]]++] = dst[e];
    /* every cursor now holds its account's end, the next one's start */
    memmove(net->off + 1, net->off, (size_t)n * sizeof *net->off);
    net->off[0] = 0;
    tc_net_freeze(net);
    net->duplicates_dropped += s->repeats; /* dropped while reading: repeats all the same */
cleanup:
    if (rc) tc_net_destroy(net);
    return rc;
}

void tc_edgestream_destroy(tc_edgestream *s)
{
    if (!s) return;
    free(s->path);
    free(s->deg);
    memset(s, 0, sizeof *s);
}

double tc_edgestream_bytes(double accounts, double edges)
{
    /* offsets (8 per account, doubled while they grow) and audiences (4 per
     * edge); then the population and the engine (~40 per account) */
    return edges * 4.0 + accounts * (16.0 + 40.0) + 64e6;
}

int tc_edgestream_load(tc_net *net, const char *path, tc_direction direction, tc_err *err)
{
    int rc = TC_OK;
    tc_edgestream s;
    memset(net, 0, sizeof *net);
    TC_TRY(tc_edgestream_scan(&s, path, direction, 0, 0, err));
    if (s.n < 1) TC_FAIL(TC_EINPUT, "%s: the graph has no accounts", path);
    TC_TRY(tc_graph_check_bytes(tc_edgestream_bytes(s.n, (double)s.edges), s.n,
                                (double)s.pairs, path, err));
    TC_TRY(tc_edgestream_fill(&s, net, s.n, 0, NULL, NULL, err));
cleanup:
    tc_edgestream_destroy(&s);
    return rc;
}
