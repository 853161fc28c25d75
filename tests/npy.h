/* npy.h — reads the NumPy .npy files of ../shared/golden (tests only). */
#ifndef GLANCE_TEST_NPY_H
#define GLANCE_TEST_NPY_H
#include <stddef.h>

typedef struct {
    char dtype[8];   /* "<f4", "|u1", "<i4", "<i8" */
    int ndim;
    long shape[8];
    size_t count;    /* number of elements */
    void *data;      /* count elements, native little-endian */
} Npy;

/* Returns 0 on success; prints the reason and returns -1 otherwise. */
int npy_load(const char *path, Npy *out);
void npy_free(Npy *npy);
#endif
