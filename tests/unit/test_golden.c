/* Golden runs: small scenarios with fixed seeds, printed as integers (and times
 * to the millisecond) and compared with tests/golden/NAME.out. Each runs on 1 and
 * 3 threads, which must print the same. TC_GOLDEN_UPDATE=1 rewrites the files. */
#include <glob.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "drive/run.h"
#include "world/world.h"
#include "tc_test.h"

static char *render(const char *path, int threads)
{
    tc_err err = {0};
    tc_scenario sc;
    tc_world w;
    tc_engine *e;
    tc_recorder rec;
    tc_summary s;
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (tc_scenario_load(&sc, path, NULL, 0, &err) || tc_world_build(&w, &sc, &err)) {
        fprintf(f, "error: %s\n", err.msg);
        fclose(f);
        return out;
    }
    tc_run_simulate(&w, &sc, tc_run_key(sc.seed, 0), threads, &e, &rec, &s, NULL, NULL, &err);
    fprintf(f, "scenario %s: %d accounts, %lld edges, %lld bots, hash %016llx\n", sc.name,
            w.net.n, (long long)w.net.m, (long long)w.pop.nbots,
            (unsigned long long)tc_net_hash(&w.net));
    for (int64_t i = 0; i < rec.T; i++) {
        int64_t row[TC_NCOUNTERS * 2], any = 0;
        for (int k = 0; k < TC_NCOUNTERS; k++)
            for (int c = 0; c < 2; c++)
                any |= row[k * 2 + c] = rec.by_class[((int64_t)k * rec.T + i) * 2 + c];
        if (!any) continue;
        fprintf(f, "interval %3lld:", (long long)i);
        for (int k = 0; k < TC_NCOUNTERS; k++)
            fprintf(f, " %s %lld/%lld", tc_counter_names[k], (long long)row[k * 2],
                    (long long)row[k * 2 + 1]);
        for (int k = 0; k < TC_NCOUNTERS; k++) {
            fprintf(f, " |");
            for (int c = 0; c < rec.ncomm; c++)
                fprintf(f, " %lld", (long long)rec.by_comm[((int64_t)k * rec.T + i) * rec.ncomm + c]);
        }
        fprintf(f, "\n");
    }
    tc_adoption *ev;
    int64_t n;
    tc_outcome_cascade(tc_engine_outcome(e), &ev, &n);
    for (int64_t i = 0; i < n; i++)
        fprintf(f, "reshare t=%.3f account=%d parent=%d root=%d depth=%d\n", ev[i].t,
                ev[i].account, ev[i].parent, ev[i].root, ev[i].depth);
    free(ev);
    fprintf(f, "summary reach=%lld exposed=%lld posts=%lld reshares=%lld/%lld peak=%lld@%.0f "
               "depth=%lld breadth=%lld\n", (long long)s.reach, (long long)s.exposed,
            (long long)s.posts, (long long)s.reshares_human, (long long)s.reshares_bot,
            (long long)s.peak_volume, s.peak_t, (long long)s.max_depth, (long long)s.max_breadth);
    for (int32_t r = 0; r < s.nroots; r++)
        fprintf(f, "cascade %d: size=%lld depth=%d breadth=%lld sv=%.6f t10=%.3f bots=%lld via_bot=%lld\n",
                r, (long long)s.root[r].size, s.root[r].depth, (long long)s.root[r].max_breadth,
                s.root[r].structural_virality, s.root[r].t_reach[0],
                (long long)s.root[r].bot_reshares, (long long)s.root[r].via_bot);
    tc_summary_destroy(&s);
    tc_engine_free(e);
    tc_recorder_destroy(&rec);
    tc_world_destroy(&w);
    tc_scenario_destroy(&sc);
    fclose(f);
    return out;
}

int main(void)
{
    tc_lib_errors_off();
    glob_t g;
    int update = getenv("TC_GOLDEN_UPDATE") != NULL;
    CHECK(glob("tests/golden/*.yaml", 0, NULL, &g) == 0 && g.gl_pathc >= 3,
          "golden scenarios found (run from the project root)");
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *path = g.gl_pathv[i];
        char *one = render(path, 1), *three = render(path, 3);
        CHECK(!strcmp(one, three), "%s: 1 and 3 threads differ", path);
        CHECK(!strstr(one, "error:"), "%s: %s", path, one);
        char ref[512];
        snprintf(ref, sizeof ref, "%.*s.out", (int)(strlen(path) - 5), path);
        if (update) {
            FILE *f = fopen(ref, "w");
            fputs(one, f);
            fclose(f);
        } else {
            FILE *f = fopen(ref, "r");
            char *want = NULL;
            size_t cap = 0;
            ssize_t got = f ? getdelim(&want, &cap, '\0', f) : -1;
            if (f) fclose(f);
            CHECK(got > 0, "%s missing (TC_GOLDEN_UPDATE=1 writes it)", ref);
            if (got > 0 && strcmp(want, one)) {
                /* show the first differing line */
                const char *a = want, *b = one;
                int line = 1;
                while (*a && *a == *b) {
                    if (*a == '\n') line++;
                    a++, b++;
                }
                CHECK(0, "%s differs from %s at line %d:\n  want: %.120s\n  got:  %.120s", path,
                      ref, line, a, b);
            }
            free(want);
        }
        free(one);
        free(three);
    }
    globfree(&g);
    return tc_test_done("golden");
}
