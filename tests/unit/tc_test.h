/* A minimal harness for the C tests: CHECK records a failure with its place and
 * goes on; tc_test_done() prints the tally and gives the exit status. */
#ifndef TC_TESTS_TC_TEST_H
#define TC_TESTS_TC_TEST_H

#include <stdio.h>

static int tc_test_checks, tc_test_failures;

#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        tc_test_checks++;                                                    \
        if (!(cond)) {                                                       \
            tc_test_failures++;                                              \
            printf("not ok - %s:%d: %s: ", __FILE__, __LINE__, #cond);        \
            printf(__VA_ARGS__);                                             \
            printf("\n");                                                    \
        }                                                                    \
    } while (0)

static inline int tc_test_done(const char *name)
{
    if (tc_test_failures)
        printf("%s: %d of %d checks failed\n", name, tc_test_failures, tc_test_checks);
    else
        printf("ok - %s: %d checks\n", name, tc_test_checks);
    return tc_test_failures ? 1 : 0;
}

#endif
