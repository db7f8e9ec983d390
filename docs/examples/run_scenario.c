/* Run a tagcascade scenario from C: load it with overrides, run it with a
 * seed, write its HDF5 file and print a few outcome numbers (docs/c-api.md).
 *
 *   cc run_scenario.c $(pkg-config --cflags --libs tagcascade) -o run_scenario
 *   ./run_scenario SCENARIO.yaml SEED OUT.h5 [KEY=VALUE]...
 *
 * OUT.h5 holds the datasets `tagcascade run SCENARIO.yaml --seed SEED
 * --set KEY=VALUE... -o OUT.h5` writes. Exit status: 0 done, 1 the run or
 * its file failed, 2 bad input (as the program's). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <tagcascade.h>

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s SCENARIO.yaml SEED OUT.h5 [KEY=VALUE]...\n", argv[0]);
        return 2;
    }
    char *end;
    errno = 0;
    unsigned long long seed = strtoull(argv[2], &end, 10);
    if (*argv[2] < '0' || *argv[2] > '9' || *end || errno == ERANGE) {
        fprintf(stderr, "%s: SEED: expected a whole number, got '%s'\n", argv[0], argv[2]);
        return 2;
    }

    tc_sim *sim = tc_sim_alloc(); /* NULL only when memory runs out */
    if (!sim) return 1;
    /* the arguments after OUT.h5 are overrides, as `--set KEY=VALUE` */
    const char *const *sets = (const char *const *)argv + 4;
    int rc = tc_sim_load(sim, argv[1], sets, argc - 4);
    if (rc == TC_SIM_OK) rc = tc_sim_set_seed(sim, seed);
    if (rc == TC_SIM_OK) rc = tc_sim_run(sim, argv[3]); /* NULL: no file, numbers only */
    if (rc != TC_SIM_OK) {
        /* the message names the file, line, column and key at fault */
        fprintf(stderr, "%s: %s\n", argv[0], tc_sim_error(sim));
        tc_sim_free(sim);
        return rc; /* TC_SIM_EINPUT (2) or TC_SIM_ERUNTIME (1) */
    }

    /* a few of the outcome's metrics (tc_sim_metric_name lists them all) */
    const char *show[] = {"reach", "posts", "reshares", "volume", "bot_share_volume"};
    printf("libtagcascade %s: %s, seed %llu\n", tc_version(), argv[1], seed);
    for (size_t i = 0; i < sizeof show / sizeof show[0]; i++) {
        double v;
        if (tc_sim_metric(sim, show[i], &v) == TC_SIM_OK) printf("%-17s %.10g\n", show[i], v);
    }
    printf("%s\n", argv[3]);
    tc_sim_free(sim);
    return 0;
}
