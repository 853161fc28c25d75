/* npy.c — minimal .npy v1/v2 reader for little-endian C-order arrays. */
#include "npy.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int npy_load(const char *path, Npy *out)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "npy: cannot open %s\n", path); return -1; }
    unsigned char magic[10];
    if (fread(magic, 1, 8, f) != 8 || memcmp(magic, "\x93NUMPY", 6) != 0) goto bad;
    size_t hlen;
    if (magic[6] == 1) {
        unsigned char b[2];
        if (fread(b, 1, 2, f) != 2) goto bad;
        hlen = b[0] | (b[1] << 8);
    } else {
        unsigned char b[4];
        if (fread(b, 1, 4, f) != 4) goto bad;
        hlen = b[0] | (b[1] << 8) | ((size_t)b[2] << 16) | ((size_t)b[3] << 24);
    }
    char *header = calloc(1, hlen + 1);
    if (!header || fread(header, 1, hlen, f) != hlen) { free(header); goto bad; }
    const char *d = strstr(header, "'descr': '");
    const char *s = strstr(header, "'shape': (");
    if (!d || !s || strstr(header, "'fortran_order': True")) { free(header); goto bad; }
    sscanf(d + 10, "%7[^']", out->dtype);
    s += 10;
    out->count = 1;
    while (*s && *s != ')') {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s) { s++; continue; }
        out->shape[out->ndim++] = v;
        out->count *= (size_t)v;
        s = end;
    }
    free(header);
    size_t esize = (size_t)atoi(out->dtype + 2);
    out->data = malloc(out->count * esize + 1);
    if (!out->data || fread(out->data, esize, out->count, f) != out->count) goto bad;
    fclose(f);
    return 0;
bad:
    fprintf(stderr, "npy: malformed %s\n", path);
    fclose(f);
    npy_free(out);
    return -1;
}

void npy_free(Npy *npy)
{
    free(npy->data);
    npy->data = NULL;
}
