/* quantise.c — a big layer's F32 weight in Q8 form (matrix.h's panels), for the
 * importer: symmetric int8 per output row, scale = max |w| / 127. */
#include "matrix.h"
#include "engine-private.h"
#include <math.h>

int glance_quantise_q8(const float *w, int rows, int cols, int8_t *panels, float *scale)
{
    if (rows <= 0 || cols <= 0 || rows % GLANCE_PANEL_ROWS || cols % 4)
        return 0;
    long steps = cols / 4;
    for (int o = 0; o < rows; o++) {
        const float *row = w + (long)o * cols;
        float top = 0;
        for (int k = 0; k < cols; k++)
            top = fabsf(row[k]) > top ? fabsf(row[k]) : top;
        if (!isfinite(top))
            return 0;
        scale[o] = top / 127.0f;
        float inv = top > 0 ? 127.0f / top : 0.0f;
        int8_t *dst = panels + (long)(o / 16) * steps * 64 + (o % 16) * 4;
        for (int k = 0; k < cols; k++)
            dst[(long)(k / 4) * 64 + k % 4] = (int8_t)lrintf(row[k] * inv);
    }
    return 1;
}
