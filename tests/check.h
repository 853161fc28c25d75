/* check.h — the C tests' one assertion: counts every check, reports a failing one with
 * its place and a message, and never aborts, so a run shows every failure at once. */
#ifndef GLANCE_TEST_CHECK_H
#define GLANCE_TEST_CHECK_H
#include <stdio.h>

static int check_count, check_failures;

#define CHECK(cond, ...)                                            \
    do {                                                            \
        check_count++;                                              \
        if (!(cond)) {                                              \
            check_failures++;                                       \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);    \
            fprintf(stderr, __VA_ARGS__);                           \
            fputc('\n', stderr);                                    \
        }                                                           \
    } while (0)

/* Prints "<what>: N checks, N failures" and returns the exit status. */
static inline int check_summary(const char *what)
{
    printf("%s: %d checks, %d failures\n", what, check_count, check_failures);
    return check_failures ? 1 : 0;
}
#endif
