/* fuzz-safetensors.c — libFuzzer target: the safetensors header validation (and the
 * JSON reader under it) on arbitrary bytes, as a model file from a stranger would be. */
#include "safetensors.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    StFile file;
    memset(&file, 0, sizeof file);
    GlanceError err;
    if (glance_st_parse(data, size, &file, &err) == GLANCE_OK) {
        /* Touch every accepted byte range: ASan catches any range outside the input. */
        volatile uint8_t sink = 0;
        for (int i = 0; i < file.n_tensors; i++)
            for (size_t b = 0; b < file.tensors[i].nbytes; b++)
                sink ^= file.tensors[i].data[b];
        (void)sink;
        (void)glance_st_metadata(&file, "glance.config");
    }
    glance_st_clear(&file);
    return 0;
}
