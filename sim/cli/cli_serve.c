/* `tagcascade serve`: a small HTTP server (libmicrohttpd, a thread per
 * connection) for a classroom. It serves the embedded page (web/) and a JSON
 * API over one scenario: GET /api/knobs, GET|POST /api/run, GET /api/status.
 * The graph is built once; each run builds its people and timeline over it
 * (as a sweep's points do), runs in memory and writes no file. Results are
 * cached per (values, seed); runs are bounded in number, waiting and time. */
#include "cli/cli_serve.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <omp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/num.h"
#include "cli/cli_files.h"
#include "cli/cli_knobs.h"
#include "drive/run.h"
#include "input/scenario.h"
#include "input/ytree.h"
#include "world/world.h"

static void usage_serve(FILE *f)
{
    fprintf(f,
            "usage: tagcascade serve [SCENARIO] [--port P] [--bind ADDR] [--max-runs N]\n"
            "                        [--timeout S] [--quiet]\n"
            "\n"
            "Serves a page for a class: sliders for the knobs that the scenario's\n"
            "`classroom:` section declares, and the night's curves for each run.\n"
            "SCENARIO defaults to scenarios/classroom.yaml.\n"
            "\n"
            "  --port P       TCP port, 0 for any free one (default 8080)\n"
            "  --bind ADDR    address to listen on (default 127.0.0.1: this machine only;\n"
            "                 0.0.0.0 opens it to the network)\n"
            "  --max-runs N   runs at a time (default: the number of cores); as many\n"
            "                 again x 4 may wait, more are refused with 503\n"
            "  --timeout S    seconds a run may take, waiting included (default 30)\n"
            "  --quiet        print only the address\n"
            "\n"
            "API: GET /api/knobs; GET /api/run?ID=VALUE&...&seed=S (or POST the same as a\n"
            "form), knobs left out at their defaults; GET /api/status. Seed S is the run's\n"
            "random stream over the scenario's graph: seed 0 gives what `tagcascade run`\n"
            "gives with the same values. Stops cleanly on SIGINT and SIGTERM.\n");
}

#ifndef TC_SERVE
/* built without libmicrohttpd (the Makefile defines TC_SERVE when it finds it):
 * the command says what to install */

int tc_cli_serve(int argc, char **argv, volatile sig_atomic_t *stop)
{
    (void)stop;
    if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        usage_serve(stdout);
        return 0;
    }
    fprintf(stderr, "tagcascade: serve: this program was built without libmicrohttpd; "
            "install it (Debian: libmicrohttpd-dev) and run make again\n");
    return TC_ERUNTIME;
}

#else

#include <microhttpd.h>

enum {
    BODY_MAX = 4096,     /* bytes of a POST body */
    PARAMS_MAX = 32,     /* parameters of a request */
    CACHE_N = 256,       /* results kept, the oldest dropped first */
    SEED_MAX = 1000000,
};

typedef struct entry {
    char *key;           /* canonical "seed=S;id=v;..."; NULL: empty slot */
    char *json;
    size_t len;
} entry;

typedef struct server {
    const char *path;
    char *text;
    tc_scenario base;
    tc_knobs kb;
    tc_world gw;         /* the graph, shared read-only by every run */
    uint64_t sig;
    int max_runs, max_wait, quiet;
    double timeout_s;
    volatile sig_atomic_t *stop;
    pthread_mutex_t mu;  /* guards what follows */
    pthread_cond_t freed;
    int running, waiting, peak_running;
    int64_t runs, hits, refused;
    entry cache[CACHE_N];
    int next;
} server;

/* a request in progress: its POST body, gathered over the handler's calls */
typedef struct conn {
    char body[BODY_MAX + 1];
    size_t len;
    int too_big;
} conn;

/* ------------------------------------------------------------------ responses */

static enum MHD_Result send_buf(struct MHD_Connection *c, unsigned status, const char *type,
                                const void *data, size_t n, enum MHD_ResponseMemoryMode mode,
                                int nocache)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(n, (void *)data, mode);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    /* the page's own files only: no CDN, no inline script */
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                            "img-src 'self' data:; frame-ancestors 'none'");
    if (nocache) MHD_add_response_header(r, "Cache-Control", "no-store");
    if (status == MHD_HTTP_SERVICE_UNAVAILABLE) MHD_add_response_header(r, "Retry-After", "1");
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

/* {"error": msg} with the status */
static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    if (!f) return MHD_NO;
    fprintf(f, "{\"status\":%u,\"error\":", status);
    tc_json_str(f, msg);
    fputs("}\n", f);
    fclose(f);
    return send_buf(c, status, "application/json; charset=utf-8", s, n, MHD_RESPMEM_MUST_FREE,
                    1);
}

/* ------------------------------------------------------------------ requests */

typedef struct request {
    const server *sv;
    double v[TC_KNOBS_MAX];
    int given[TC_KNOBS_MAX];
    int64_t seed;
    int nparams;
    char msg[256];       /* the first problem; "" when none */
} request;

static void take_param(request *q, const char *k, const char *v)
{
    if (q->msg[0]) return;
    if (++q->nparams > PARAMS_MAX) {
        snprintf(q->msg, sizeof q->msg, "more than %d parameters", PARAMS_MAX);
        return;
    }
    if (!v) v = "";
    if (!strcmp(k, "seed")) {
        tc_err nerr;
        if (tc_num_i64(v, 0, SEED_MAX, "seed", &q->seed, &nerr))
            snprintf(q->msg, sizeof q->msg, "%.200s", nerr.msg);
        return;
    }
    for (int i = 0; i < q->sv->kb.n; i++)
        if (!strcmp(k, q->sv->kb.k[i].id)) {
            if (q->given[i]) {
                snprintf(q->msg, sizeof q->msg, "%s: given twice", k);
            } else if (!tc_knobs_value(&q->sv->kb, i, v, &q->v[i], q->msg, sizeof q->msg)) {
                q->given[i] = 1;
            }
            return;
        }
    char ids[512] = "seed";
    for (int i = 0; i < q->sv->kb.n; i++) {
        size_t len = strlen(ids);
        snprintf(ids + len, sizeof ids - len, ", %s", q->sv->kb.k[i].id);
    }
    snprintf(q->msg, sizeof q->msg, "unknown parameter '%.40s' (known: %.180s)", k, ids);
}

static enum MHD_Result query_param(void *cls, enum MHD_ValueKind kind, const char *k,
                                   const char *v)
{
    (void)kind;
    take_param(cls, k, v);
    return MHD_YES;
}

/* %XX and '+' decoded in place */
static void url_decode(char *s)
{
    char *o = s;
    for (; *s; s++) {
        if (*s == '+') *o++ = ' ';
        else if (*s == '%' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
            char hex[3] = {s[1], s[2], 0};
            *o++ = (char)strtol(hex, NULL, 16);
            s += 2;
        } else *o++ = *s;
    }
    *o = '\0';
}

/* a form body "id=v&id=v" */
static void body_params(request *q, char *body)
{
    for (char *save = NULL, *p = strtok_r(body, "&", &save); p; p = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(p, '=');
        if (eq) *eq = '\0';
        url_decode(p);
        if (eq) url_decode(eq + 1);
        take_param(q, p, eq ? eq + 1 : "");
    }
}

/* ------------------------------------------------------------------ runs */

typedef struct deadline {
    volatile sig_atomic_t *stop;
    double until;
} deadline;

static int keep_going(void *ctx, const tc_engine *e)
{
    const deadline *d = ctx;
    (void)e;
    return *d->stop || tc_clock_now() > d->until;
}

static void json_series(FILE *f, const char *name, const int64_t *x, int64_t T, int cum)
{
    int64_t acc = 0;
    fprintf(f, ",\"%s\":[", name);
    for (int64_t i = 0; i < T; i++) {
        acc = cum ? acc + x[i] : x[i];
        fprintf(f, i ? ",%lld" : "%lld", (long long)acc);
    }
    fputc(']', f);
}

/* The JSON of one finished run: knob values, the series per output interval
 * (volume by class, cumulative people and bots reached, cumulative exposed),
 * the timeline's events and the summary. */
static void json_run(FILE *f, const server *sv, const request *q, const tc_scenario *sc,
                     const tc_world *w, const tc_recorder *rec, const tc_summary *sum,
                     double run_s)
{
    int64_t T = rec->T;
    int64_t *col[2][TC_NCOUNTERS];
    for (int k = 0; k < TC_NCOUNTERS; k++)
        for (int c = 0; c < 2; c++) {
            col[c][k] = tc_xcalloc((size_t)(T ? T : 1), sizeof(int64_t));
            for (int64_t i = 0; i < T; i++)
                col[c][k][i] = rec->by_class[((int64_t)k * T + i) * 2 + c];
        }
    int64_t *vol[2];
    int64_t peak_i = -1, peak_v = 0, total[2] = {0, 0};
    for (int c = 0; c < 2; c++) {
        vol[c] = tc_xcalloc((size_t)(T ? T : 1), sizeof(int64_t));
        for (int64_t i = 0; i < T; i++) {
            vol[c][i] = col[c][TC_CNT_POSTS][i] + col[c][TC_CNT_RESHARES][i] +
                        col[c][TC_CNT_OWN][i];
            total[c] += vol[c][i];
        }
    }
    /* one definition of the peak: the output interval of the largest volume
     * (posts, own posts and reshares, people and bots), the first on a tie */
    for (int64_t i = 0; i < T; i++)
        if (vol[0][i] + vol[1][i] > peak_v) peak_v = vol[0][i] + vol[1][i], peak_i = i;

    fputs("{\"values\":{", f);
    for (int i = 0; i < sv->kb.n; i++) {
        fprintf(f, i ? ",\"%s\":" : "\"%s\":", sv->kb.k[i].id);
        tc_json_num(f, q->v[i]);
    }
    fprintf(f, "},\"seed\":%lld,\"run_s\":%.3f", (long long)q->seed, run_s);
    fprintf(f, ",\"start\":%lld,\"utc_offset_s\":%d,\"interval_s\":%g,\"intervals\":%lld",
            (long long)sc->time.start_epoch, sc->time.utc_offset_s, rec->interval_s,
            (long long)T);
    json_series(f, "volume_human", vol[0], T, 0);
    json_series(f, "volume_bot", vol[1], T, 0);
    json_series(f, "reached_human", col[0][TC_CNT_ADOPTERS], T, 1);
    json_series(f, "reached_bot", col[1][TC_CNT_ADOPTERS], T, 1);
    json_series(f, "exposed_human", col[0][TC_CNT_EXPOSED], T, 1);
    json_series(f, "exposed_bot", col[1][TC_CNT_EXPOSED], T, 1);
    fputs(",\"events\":[", f);
    int first = 1;
    for (int k = 0; k < sc->nevents; k++) {
        const tc_event_spec *ev = &sc->events[k];
        /* a takedown that removes no one is one switched off: not marked */
        if (ev->kind == TC_EV_TAKEDOWN && ev->recall == 0 && ev->fpr == 0) continue;
        fprintf(f, "%s{\"t\":%g,\"kind\":\"%s\",\"label\":", first ? "" : ",", ev->t,
                tc_event_kind_names[ev->kind]);
        tc_json_str(f, ev->label && ev->label[0] ? ev->label : ev->account);
        fputc('}', f);
        first = 0;
    }
    fputs("],\"summary\":{", f);
    fprintf(f, "\"accounts\":%lld,\"bots\":%lld", (long long)w->net.n, (long long)w->pop.nbots);
    fprintf(f, ",\"reach\":%lld,\"reach_human\":%lld,\"reach_bot\":%lld", (long long)sum->reach,
            (long long)sum->reach_human, (long long)sum->reach_bot);
    fprintf(f, ",\"exposed\":%lld,\"exposed_human\":%lld,\"exposed_bot\":%lld",
            (long long)sum->exposed, (long long)sum->exposed_human, (long long)sum->exposed_bot);
    fprintf(f, ",\"volume\":%lld,\"volume_human\":%lld,\"volume_bot\":%lld",
            (long long)(total[0] + total[1]), (long long)total[0], (long long)total[1]);
    fputs(",\"bot_share_volume\":", f);
    tc_json_num(f, total[0] + total[1] ? (double)total[1] / (double)(total[0] + total[1]) : NAN);
    fputs(",\"bot_share_accounts\":", f);
    tc_json_num(f, w->net.n ? (double)w->pop.nbots / w->net.n : NAN);
    fputs(",\"peak_t\":", f);
    tc_json_num(f, peak_i < 0 ? NAN : (double)peak_i * rec->interval_s);
    fprintf(f, ",\"peak_volume\":%lld,\"removed_bots\":%lld,\"removed_humans\":%lld",
            (long long)peak_v, (long long)sum->removed_bots, (long long)sum->removed_humans);
    fprintf(f, ",\"trending_s\":%g,\"first_trending_t\":", sum->trending_s);
    tc_json_num(f, sum->first_trending_t);
    fputs("}}\n", f);
    for (int c = 0; c < 2; c++) {
        free(vol[c]);
        for (int k = 0; k < TC_NCOUNTERS; k++) free(col[c][k]);
    }
}

/* The run of request q into *json (malloc'd) or a status and message. */
static unsigned run_one(server *sv, const request *q, char **json, size_t *len, char *msg,
                        size_t mn)
{
    const char *sets[TC_KNOBS_MAX];
    char buf[TC_KNOBS_MAX][256];
    tc_err errv = {0}, *err = &errv;
    tc_scenario sc;
    tc_population pop;
    tc_timeline tl;
    tc_engine *e = NULL;
    tc_recorder rec;
    tc_summary sum;
    int rc = TC_OK, have_sc = 0, have_ppl = 0;
    unsigned status = MHD_HTTP_OK;
    memset(&rec, 0, sizeof rec);
    memset(&sum, 0, sizeof sum);
    memset(&pop, 0, sizeof pop);
    memset(&tl, 0, sizeof tl);
    for (int i = 0; i < sv->kb.n; i++) {
        tc_knobs_assignment(&sv->kb, i, q->v[i], buf[i], sizeof buf[i]);
        sets[i] = buf[i];
    }
    double t0 = tc_clock_now();
    deadline dl = {.stop = sv->stop, .until = t0 + sv->timeout_s};
    TC_TRY(tc_scenario_parse(&sc, sv->path, sv->text, sets, sv->kb.n, err));
    have_sc = 1;
    sc.output.exposures_off = 0; /* the page shows how many saw the tag */
    if (tc_scenario_graph_signature(&sc) != sv->sig)
        TC_FAIL(TC_EINPUT, "these values change the graph, which the server builds once");
    TC_TRY(tc_world_build_people(&sv->gw, &sc, &pop, &tl, err));
    have_ppl = 1;
    tc_world w = sv->gw; /* shallow: the shared graph, this run's people */
    w.pop = pop;
    w.tl = tl;
    /* run r of the scenario's seed: seed 0 is what `tagcascade run` gives */
    TC_TRY(tc_run_simulate(&w, &sc, tc_run_key(sc.seed, (uint32_t)q->seed), 1, &e, &rec, &sum,
                           keep_going, &dl, err));
    FILE *f = open_memstream(json, len);
    if (!f) TC_FAIL(TC_ERUNTIME, "out of memory");
    json_run(f, sv, q, &sc, &w, &rec, &sum, tc_clock_now() - t0);
    fclose(f);
cleanup:
    if (rc) {
        if (*sv->stop) status = MHD_HTTP_SERVICE_UNAVAILABLE, snprintf(msg, mn, "stopping");
        else if (rc == TC_ERUNTIME && strstr(err->msg, "interrupted"))
            status = MHD_HTTP_SERVICE_UNAVAILABLE,
            snprintf(msg, mn, "the run took longer than %g s", sv->timeout_s);
        else status = rc == TC_EINPUT ? MHD_HTTP_BAD_REQUEST : MHD_HTTP_INTERNAL_SERVER_ERROR,
             snprintf(msg, mn, "%s", err->msg);
    }
    tc_summary_destroy(&sum);
    tc_engine_free(e);
    tc_recorder_destroy(&rec);
    if (have_ppl) {
        tc_timeline_destroy(&tl);
        tc_population_destroy(&pop);
    }
    if (have_sc) tc_scenario_destroy(&sc);
    return status;
}

static const entry *cache_find(const server *sv, const char *key)
{
    for (int i = 0; i < CACHE_N; i++)
        if (sv->cache[i].key && !strcmp(sv->cache[i].key, key)) return &sv->cache[i];
    return NULL;
}

/* GET|POST /api/run: from the cache, or run when a slot is free (waiting for
 * one up to the timeout while fewer than max_wait wait), else 503. */
static enum MHD_Result api_run(server *sv, struct MHD_Connection *c, const char *method,
                               conn *cn)
{
    request q = {.sv = sv};
    char key[1024], msg[1600];
    if (cn->too_big) {
        snprintf(msg, sizeof msg, "request body over %d bytes", BODY_MAX);
        return send_error(c, MHD_HTTP_CONTENT_TOO_LARGE, msg);
    }
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, query_param, &q);
    if (!strcmp(method, "POST")) body_params(&q, cn->body);
    if (q.msg[0]) return send_error(c, MHD_HTTP_BAD_REQUEST, q.msg);
    int n = snprintf(key, sizeof key, "seed=%lld", (long long)q.seed);
    for (int i = 0; i < sv->kb.n; i++) {
        if (!q.given[i]) q.v[i] = sv->kb.k[i].def;
        n += snprintf(key + n, sizeof key - (size_t)n, ";%s=%.17g", sv->kb.k[i].id, q.v[i]);
    }

    pthread_mutex_lock(&sv->mu);
    const entry *hit = cache_find(sv, key);
    if (!hit) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += (time_t)ceil(sv->timeout_s);
        int timed_out = 0;
        if (sv->running >= sv->max_runs && sv->waiting >= sv->max_wait) {
            sv->refused++;
            snprintf(msg, sizeof msg, "busy: %d runs running and %d waiting; try again",
                     sv->running, sv->waiting);
            pthread_mutex_unlock(&sv->mu);
            return send_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, msg);
        }
        sv->waiting++;
        /* woken when a run ends; every 0.2 s at least, to see a stop */
        while (sv->running >= sv->max_runs && !*sv->stop && !timed_out) {
            struct timespec nap;
            clock_gettime(CLOCK_REALTIME, &nap);
            nap.tv_nsec += 200 * 1000 * 1000;
            if (nap.tv_nsec >= 1000000000L) nap.tv_sec++, nap.tv_nsec -= 1000000000L;
            pthread_cond_timedwait(&sv->freed, &sv->mu, &nap);
            timed_out = nap.tv_sec > until.tv_sec;
        }
        sv->waiting--;
        if (sv->running >= sv->max_runs || *sv->stop) {
            sv->refused++;
            pthread_mutex_unlock(&sv->mu);
            return send_error(c, MHD_HTTP_SERVICE_UNAVAILABLE,
                              *sv->stop ? "stopping" : "busy: no run slot came free in time");
        }
        hit = cache_find(sv, key); /* an equal request may have run meanwhile */
    }
    if (hit) {
        sv->hits++;
        enum MHD_Result ok = send_buf(c, MHD_HTTP_OK, "application/json; charset=utf-8",
                                      hit->json, hit->len, MHD_RESPMEM_MUST_COPY, 1);
        pthread_mutex_unlock(&sv->mu);
        return ok;
    }
    sv->running++;
    if (sv->running > sv->peak_running) sv->peak_running = sv->running;
    pthread_mutex_unlock(&sv->mu);

    char *json = NULL;
    size_t len = 0;
    unsigned status = run_one(sv, &q, &json, &len, msg, sizeof msg);

    pthread_mutex_lock(&sv->mu);
    sv->running--;
    pthread_cond_signal(&sv->freed);
    enum MHD_Result ok;
    if (status == MHD_HTTP_OK) {
        sv->runs++;
        ok = send_buf(c, MHD_HTTP_OK, "application/json; charset=utf-8", json, len,
                      MHD_RESPMEM_MUST_COPY, 1);
        entry *slot = &sv->cache[sv->next];
        sv->next = (sv->next + 1) % CACHE_N;
        free(slot->key);
        free(slot->json);
        slot->key = tc_xstrdup(key);
        slot->json = json;
        slot->len = len;
    } else {
        free(json);
        ok = send_error(c, status, msg);
    }
    pthread_mutex_unlock(&sv->mu);
    if (!sv->quiet && status == MHD_HTTP_OK)
        fprintf(stderr, "tagcascade: run %s\n", key);
    return ok;
}

static enum MHD_Result api_status(server *sv, struct MHD_Connection *c)
{
    char s[512];
    pthread_mutex_lock(&sv->mu);
    int n = snprintf(s, sizeof s,
                     "{\"running\":%d,\"waiting\":%d,\"max_runs\":%d,\"max_waiting\":%d,"
                     "\"peak_running\":%d,\"runs\":%lld,\"cache_hits\":%lld,\"refused\":%lld,"
                     "\"timeout_s\":%g}\n",
                     sv->running, sv->waiting, sv->max_runs, sv->max_wait, sv->peak_running,
                     (long long)sv->runs, (long long)sv->hits, (long long)sv->refused,
                     sv->timeout_s);
    pthread_mutex_unlock(&sv->mu);
    return send_buf(c, MHD_HTTP_OK, "application/json; charset=utf-8", s, (size_t)n,
                    MHD_RESPMEM_MUST_COPY, 1);
}

static enum MHD_Result api_knobs(server *sv, struct MHD_Connection *c)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    if (!f) return MHD_NO;
    tc_knobs_json(&sv->kb, f);
    fflush(f);
    /* with the scenario's name, start and size, for the page's heading */
    if (n) s[n - 1] = ',';
    fputs("\"scenario\":", f);
    tc_json_str(f, sv->base.name);
    fprintf(f, ",\"accounts\":%lld,\"start\":%lld,\"utc_offset_s\":%d,\"duration_s\":%g}\n",
            (long long)sv->gw.net.n, (long long)sv->base.time.start_epoch,
            sv->base.time.utc_offset_s, sv->base.time.duration_ms / 1000.0);
    fclose(f);
    return send_buf(c, MHD_HTTP_OK, "application/json; charset=utf-8", s, n,
                    MHD_RESPMEM_MUST_FREE, 1);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    server *sv = cls;
    conn *cn = *con_cls;
    (void)version;
    if (!cn) { /* first call: the headers only */
        *con_cls = cn = calloc(1, sizeof *cn);
        return cn ? MHD_YES : MHD_NO;
    }
    if (*upload_size) { /* a piece of the body: kept up to BODY_MAX */
        if (cn->len + *upload_size > BODY_MAX) cn->too_big = 1;
        else {
            memcpy(cn->body + cn->len, upload, *upload_size);
            cn->len += *upload_size;
            cn->body[cn->len] = '\0';
        }
        *upload_size = 0;
        return MHD_YES;
    }
    int get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    /* only the page's own files: no "..", no backslash, nothing but the table */
    if (url[0] != '/' || strstr(url, "..") || strchr(url, '\\') || strstr(url, "//"))
        return send_error(c, MHD_HTTP_BAD_REQUEST, "path not allowed");
    if (!strcmp(url, "/api/run")) {
        if (!get && strcmp(method, "POST"))
            return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET or POST");
        return api_run(sv, c, method, cn);
    }
    if (!get) return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET");
    if (!strcmp(url, "/api/knobs")) return api_knobs(sv, c);
    if (!strcmp(url, "/api/status")) return api_status(sv, c);
    const char *want = strcmp(url, "/") ? url : "/index.html";
    for (const tc_web_asset *a = tc_web_assets; a->path; a++)
        if (!strcmp(a->path, want))
            return send_buf(c, MHD_HTTP_OK, a->type, a->data, a->size, MHD_RESPMEM_PERSISTENT,
                            0);
    return send_error(c, MHD_HTTP_NOT_FOUND, "no such page");
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode why)
{
    (void)cls, (void)c, (void)why;
    free(*con_cls);
    *con_cls = NULL;
}

/* ------------------------------------------------------------------ the command */

int tc_cli_serve(int argc, char **argv, volatile sig_atomic_t *stop)
{
    static const struct option longopts[] = {
        {"port", required_argument, 0, 'p'},     {"bind", required_argument, 0, 'b'},
        {"max-runs", required_argument, 0, 'm'}, {"timeout", required_argument, 0, 'T'},
        {"quiet", no_argument, 0, 'q'},          {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    server *sv = tc_xcalloc(1, sizeof *sv);
    tc_err errv = {0}, *err = &errv;
    struct MHD_Daemon *d = NULL;
    const char *bind = "127.0.0.1";
    int64_t port = 8080, max_runs = omp_get_num_procs(), timeout = 30;
    int rc = TC_OK, have_sc = 0, have_w = 0, c;
    sv->stop = stop;
    pthread_mutex_init(&sv->mu, NULL);
    pthread_cond_init(&sv->freed, NULL);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "p:b:qh", longopts, NULL)) != -1) {
        tc_err nerr;
        switch (c) {
        case 'h': usage_serve(stdout); goto cleanup;
        case 'q': sv->quiet = 1; break;
        case 'b': bind = optarg; break;
        case 'p':
            if (tc_num_i64(optarg, 0, 65535, "--port", &port, &nerr))
                TC_FAIL(TC_EINPUT, "%s", nerr.msg);
            break;
        case 'm':
            if (tc_num_i64(optarg, 1, 256, "--max-runs", &max_runs, &nerr))
                TC_FAIL(TC_EINPUT, "%s", nerr.msg);
            break;
        case 'T':
            if (tc_num_i64(optarg, 1, 3600, "--timeout", &timeout, &nerr))
                TC_FAIL(TC_EINPUT, "%s", nerr.msg);
            break;
        default:
            usage_serve(stderr);
            TC_FAIL(TC_EINPUT, "serve: unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind > 1) {
        usage_serve(stderr);
        TC_FAIL(TC_EINPUT, "serve: expected at most one SCENARIO file");
    }
    sv->path = optind < argc ? argv[optind] : "scenarios/classroom.yaml";
    sv->max_runs = (int)max_runs;
    sv->max_wait = 4 * sv->max_runs;
    sv->timeout_s = (double)timeout;

    struct sockaddr_in a4;
    struct sockaddr_in6 a6;
    memset(&a4, 0, sizeof a4);
    memset(&a6, 0, sizeof a6);
    int v6 = strchr(bind, ':') != NULL;
    if (v6 ? inet_pton(AF_INET6, bind, &a6.sin6_addr) != 1
           : inet_pton(AF_INET, bind, &a4.sin_addr) != 1)
        TC_FAIL(TC_EINPUT, "--bind: expected an IPv4 or IPv6 address (127.0.0.1, ::1, "
                "0.0.0.0), got '%s'", bind);
    a4.sin_family = AF_INET;
    a4.sin_port = htons((uint16_t)port);
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons((uint16_t)port);

    /* the scenario, its knobs, and the graph every run shares */
    TC_TRY(tc_ytree_read_file(sv->path, &sv->text, err));
    TC_TRY(tc_scenario_parse(&sv->base, sv->path, sv->text, NULL, 0, err));
    have_sc = 1;
    if (sv->base.sweep_at.file)
        TC_FAIL(TC_EINPUT, "%s:%d:%d: sweep: serve runs one scenario; remove the sweep section",
                sv->base.sweep_at.file, sv->base.sweep_at.line, sv->base.sweep_at.col);
    TC_TRY(tc_knobs_load(&sv->kb, sv->path, sv->text, &sv->base, err));
    if (!sv->quiet) fprintf(stderr, "tagcascade: building the graph of '%s'\n", sv->base.name);
    TC_TRY(tc_world_build_graph(&sv->gw, &sv->base, err));
    have_w = 1;
    sv->sig = tc_scenario_graph_signature(&sv->base);
    if (*stop) TC_FAIL(TC_ERUNTIME, "interrupted");

    /* a thread per connection: a run blocks only its own request; connections
     * and their memory are bounded, idle ones closed after 60 s */
    d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                             (v6 ? MHD_USE_IPv6 : 0),
                         (uint16_t)port, NULL, NULL, handle, sv,
                         MHD_OPTION_SOCK_ADDR, v6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a4,
                         MHD_OPTION_CONNECTION_LIMIT, (unsigned)(sv->max_runs + sv->max_wait + 16),
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
                         MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
                         MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_END);
    if (!d)
        TC_FAIL(TC_ERUNTIME, "serve: cannot listen on %s port %lld (in use, or not an address "
                "of this machine?)", bind, (long long)port);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned bound = info ? info->port : (unsigned)port;
    if (!sv->quiet)
        fprintf(stderr, "tagcascade: %d accounts (%lld bots at the default share); up to %d "
                "runs at a time, %g s each at most\n", sv->gw.net.n,
                (long long)(sv->base.bots.fraction * sv->gw.net.n + 0.5), sv->max_runs,
                sv->timeout_s);
    printf("http://%s%s%s:%u/\n", v6 ? "[" : "", bind, v6 ? "]" : "", bound);
    fflush(stdout);
    while (!*stop) {
        struct timespec nap = {0, 100 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
    /* wake the waiting requests (they answer 503), then wait for the runs: each
     * checks the stop flag after every step */
    pthread_mutex_lock(&sv->mu);
    pthread_cond_broadcast(&sv->freed);
    pthread_mutex_unlock(&sv->mu);
    MHD_stop_daemon(d);
    d = NULL;
    if (!sv->quiet)
        fprintf(stderr, "tagcascade: stopped after %lld runs (%lld answers from the cache)\n",
                (long long)sv->runs, (long long)sv->hits);
cleanup:
    if (d) MHD_stop_daemon(d);
    tc_cli_report(rc, err);
    for (int i = 0; i < CACHE_N; i++) {
        free(sv->cache[i].key);
        free(sv->cache[i].json);
    }
    if (have_w) tc_world_destroy(&sv->gw);
    if (have_sc) tc_scenario_destroy(&sv->base);
    free(sv->text);
    pthread_cond_destroy(&sv->freed);
    pthread_mutex_destroy(&sv->mu);
    free(sv);
    return rc;
}

#endif
