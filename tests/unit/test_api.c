/* The C library's functions (sim/api/tagcascade.h) on a golden scenario: every
 * misuse and bad input refused with its code and a message, the metrics by
 * name, runs that repeat with the seed and not with the thread count, a
 * scenario replaced by the next load, handles run on two threads at once.
 * test_install checks the installed library's file against the program's.
 * Run from the project root. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/tagcascade.h"
#include "tc_test.h"

#define GOLDEN "tests/golden/fast.yaml"

/* every metric of the last run of s, into m[n] */
static void metrics(tc_sim *s, double *m, int n)
{
    for (int i = 0; i < n; i++) {
        int rc = tc_sim_metric(s, tc_sim_metric_name(i), &m[i]);
        CHECK(rc == TC_SIM_OK, "metric %s: %s", tc_sim_metric_name(i), tc_sim_error(s));
    }
}

static int has(const char *msg, const char *needle) { return strstr(msg, needle) != NULL; }

/* One handle's whole life on a thread of its own: the golden scenario with
 * seed `seed`, its reach and volume into out[0..1]; out[2] the return code. */
typedef struct {
    uint64_t seed;
    double out[3];
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    tc_sim *s = tc_sim_alloc();
    int rc = s ? tc_sim_load(s, GOLDEN, NULL, 0) : TC_SIM_ERUNTIME;
    if (!rc) rc = tc_sim_set_seed(s, j->seed);
    if (!rc) rc = tc_sim_set_threads(s, 1);
    if (!rc) rc = tc_sim_run(s, NULL);
    if (!rc) rc = tc_sim_metric(s, "reach", &j->out[0]);
    if (!rc) rc = tc_sim_metric(s, "volume", &j->out[1]);
    j->out[2] = rc;
    tc_sim_free(s);
    return NULL;
}

int main(void)
{
    unsigned a, b, c;
    CHECK(sscanf(tc_version(), "%u.%u.%u", &a, &b, &c) == 3, "version '%s'", tc_version());

    /* no handle: refused, and the message says so */
    CHECK(tc_sim_load(NULL, GOLDEN, NULL, 0) == TC_SIM_EINPUT, "load(NULL)");
    CHECK(tc_sim_run(NULL, NULL) == TC_SIM_EINPUT, "run(NULL)");
    CHECK(tc_sim_error(NULL)[0] != '\0', "error(NULL) is empty");
    tc_sim_free(NULL);

    tc_sim *s = tc_sim_alloc();
    CHECK(s != NULL, "alloc");
    if (!s) return tc_test_done("test_api");
    CHECK(!strcmp(tc_sim_error(s), ""), "a new handle's error '%s'", tc_sim_error(s));

    /* misuse before a scenario is loaded */
    CHECK(tc_sim_run(s, NULL) == TC_SIM_EINPUT && has(tc_sim_error(s), "no scenario loaded"),
          "run before load: %s", tc_sim_error(s));
    CHECK(tc_sim_set_seed(s, 3) == TC_SIM_EINPUT, "seed before load");
    double v = -1;
    CHECK(tc_sim_metric(s, "reach", &v) == TC_SIM_EINPUT && has(tc_sim_error(s), "no run"),
          "metric before a run: %s", tc_sim_error(s));
    CHECK(tc_sim_set_threads(s, 0) == TC_SIM_EINPUT && tc_sim_set_threads(s, 4097) == TC_SIM_EINPUT,
          "threads out of range accepted");
    CHECK(has(tc_sim_error(s), "4097"), "threads message: %s", tc_sim_error(s));

    /* bad input: the file, the override, the arguments */
    CHECK(tc_sim_load(s, "tests/golden/no-such.yaml", NULL, 0) == TC_SIM_EINPUT &&
              has(tc_sim_error(s), "tests/golden/no-such.yaml"),
          "missing file: %s", tc_sim_error(s));
    const char *bad[] = {"model.p=2"};
    CHECK(tc_sim_load(s, GOLDEN, bad, 1) == TC_SIM_EINPUT && has(tc_sim_error(s), "model.p"),
          "out-of-range override: %s", tc_sim_error(s));
    CHECK(tc_sim_load(s, GOLDEN, NULL, 1) == TC_SIM_EINPUT, "1 override, no array");
    CHECK(tc_sim_load(s, GOLDEN, NULL, -1) == TC_SIM_EINPUT, "-1 overrides");
    const char *sweep[] = {"sweep={grid: {model.p: [0.1, 0.2]}}"};
    CHECK(tc_sim_load(s, GOLDEN, sweep, 1) == TC_SIM_EINPUT &&
              has(tc_sim_error(s), "tagcascade sweep"),
          "a sweep section: %s", tc_sim_error(s));
    CHECK(tc_sim_run(s, NULL) == TC_SIM_EINPUT, "a failed load left a scenario behind");

    /* a run without a file: the metrics by name, and an unknown name */
    CHECK(tc_sim_load(s, GOLDEN, NULL, 0) == TC_SIM_OK, "load: %s", tc_sim_error(s));
    CHECK(!strcmp(tc_sim_error(s), ""), "error after a success: '%s'", tc_sim_error(s));
    CHECK(tc_sim_run(s, NULL) == TC_SIM_OK, "run: %s", tc_sim_error(s));
    int n = 0;
    while (tc_sim_metric_name(n)) n++;
    CHECK(n >= 20 && !strcmp(tc_sim_metric_name(0), "reach") && !tc_sim_metric_name(-1),
          "%d metrics, the first '%s'", n, tc_sim_metric_name(0));
    double *m1 = calloc((size_t)n, sizeof *m1), *m2 = calloc((size_t)n, sizeof *m2);
    metrics(s, m1, n);
    CHECK(m1[0] > 0, "reach %g", m1[0]);
    CHECK(tc_sim_metric(s, "reech", &v) == TC_SIM_EINPUT && has(tc_sim_error(s), "'reech'") &&
              has(tc_sim_error(s), "reach, reach_human"),
          "unknown metric: %s", tc_sim_error(s));

    /* the same seed again on one thread: the same numbers (edges_examined
     * included); another seed: other numbers */
    CHECK(tc_sim_set_threads(s, 1) == TC_SIM_OK, "threads 1");
    CHECK(tc_sim_run(s, NULL) == TC_SIM_OK, "run on 1 thread: %s", tc_sim_error(s));
    metrics(s, m2, n);
    CHECK(!memcmp(m1, m2, (size_t)n * sizeof *m1), "1 thread and the default differ");
    CHECK(tc_sim_set_seed(s, 18) == TC_SIM_OK && tc_sim_run(s, NULL) == TC_SIM_OK, "seed 18: %s",
          tc_sim_error(s));
    metrics(s, m2, n);
    CHECK(memcmp(m1, m2, (size_t)n * sizeof *m1) != 0, "seeds 17 and 18 give the same outcome");
    /* loading again brings back the file's seed (17) */
    CHECK(tc_sim_load(s, GOLDEN, NULL, 0) == TC_SIM_OK && tc_sim_run(s, NULL) == TC_SIM_OK,
          "reload: %s", tc_sim_error(s));
    metrics(s, m2, n);
    CHECK(!memcmp(m1, m2, (size_t)n * sizeof *m1), "a reload did not restore the seed");

    /* outputs: a missing folder and the scenario itself refused before the
     * run, the file written when all is well */
    char dir[] = "/tmp/tc-test-api-XXXXXX", out[64];
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    snprintf(out, sizeof out, "%s/no/run.h5", dir);
    CHECK(tc_sim_run(s, out) == TC_SIM_EINPUT && has(tc_sim_error(s), out),
          "a missing folder: %s", tc_sim_error(s));
    CHECK(tc_sim_metric(s, "reach", &v) == TC_SIM_EINPUT, "a failed run kept an outcome");
    /* the scenario as output, from a copy (were it not refused, the copy is lost) */
    char copy[64];
    snprintf(copy, sizeof copy, "%s/fast.yaml", dir);
    FILE *in = fopen(GOLDEN, "rb"), *to = fopen(copy, "wb");
    char buf[4096];
    size_t k;
    while (in && to && (k = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, k, to);
    if (in) fclose(in);
    if (to) fclose(to);
    CHECK(tc_sim_load(s, copy, NULL, 0) == TC_SIM_OK, "load the copy: %s", tc_sim_error(s));
    CHECK(tc_sim_run(s, copy) == TC_SIM_EINPUT && has(tc_sim_error(s), copy),
          "the scenario as output: %s", tc_sim_error(s));
    snprintf(out, sizeof out, "%s/run.h5", dir);
    CHECK(tc_sim_run(s, out) == TC_SIM_OK && access(out, R_OK) == 0, "write: %s",
          tc_sim_error(s));
    CHECK(tc_sim_metric(s, "reach", &v) == TC_SIM_OK && v == m1[0], "reach %g, want %g", v, m1[0]);
    unlink(out);
    unlink(copy);
    rmdir(dir);

    /* two handles on two threads at once (graph builds included) give what
     * they give one after the other */
    job one[4] = {{.seed = 17}, {.seed = 18}, {.seed = 17}, {.seed = 18}};
    run_job(&one[0]);
    run_job(&one[1]);
    pthread_t th[2];
    int started = 0;
    for (int i = 0; i < 2; i++) started += pthread_create(&th[i], NULL, run_job, &one[2 + i]) == 0;
    CHECK(started == 2, "pthread_create");
    for (int i = 0; i < started; i++) pthread_join(th[i], NULL);
    for (int i = 0; i < 2 && started == 2; i++)
        CHECK(one[i].out[2] == 0 && !memcmp(one[i].out, one[2 + i].out, sizeof one[i].out),
              "seed %d: reach %g volume %g (rc %g) alone, %g %g (rc %g) beside another",
              (int)one[i].seed, one[i].out[0], one[i].out[1], one[i].out[2], one[2 + i].out[0],
              one[2 + i].out[1], one[2 + i].out[2]);
    CHECK(one[0].out[0] == m1[0], "seed 17 on a thread: reach %g, want %g", one[0].out[0], m1[0]);

    free(m1);
    free(m2);
    tc_sim_free(s);
    return tc_test_done("test_api");
}
