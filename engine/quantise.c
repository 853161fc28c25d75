/* quantise.c — a big layer's F32 weight in Q8 or BF16 panels (matrix.h) for the
 * importer, and BF16 panels back to F32 for CPUs without the BF16 kernel. */
#include "matrix.h"
#include "engine-private.h"
#include <math.h>
#include <string.h>

/* Q8: symmetric int8 per output row, scale = max |w| / 127. */
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

int glance_pack_bf16(const float *w, int rows, int cols, uint16_t *panels)
{
    if (rows <= 0 || cols <= 0 || rows % GLANCE_PANEL_ROWS || cols % 2)
        return 0;
    long steps = cols / 2;
    for (int o = 0; o < rows; o++) {
        uint16_t *dst = panels + (long)(o / 16) * steps * 32 + (o % 16) * 2;
        for (int k = 0; k < cols; k++)
            dst[(long)(k / 2) * 32 + k % 2] = glance_bf16_bits(w[(long)o * cols + k]);
    }
    return 1;
}

void glance_unpack_bf16_panels(float *out, const uint8_t *panels, int rows, int cols)
{
    long steps = cols / 2;
    for (int o = 0; o < rows; o++)
        for (int k = 0; k < cols; k++) {
            uint16_t h;
            memcpy(&h, panels + 2 * ((o / 16) * steps * 32 + (long)(k / 2) * 32 + (o % 16) * 2 + k % 2), 2);
            uint32_t bits = (uint32_t)h << 16;
            memcpy(&out[(long)o * cols + k], &bits, 4);
        }
}
