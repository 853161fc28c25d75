/* amx.h — the AMX tile setup shared by the Q8 and BF16 kernels: tiles 0 and 1 hold
 * accumulators (16 rows x 16 int32 / float), tile 2 a block of 16 activation rows,
 * tiles 3 and 4 one 64-byte-wide block of a weight panel each. The configuration is
 * per thread, so every kernel call loads it and releases the tiles when done. */
#ifndef GLANCE_AMX_H
#define GLANCE_AMX_H
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#include <stdint.h>

typedef struct {
    uint8_t palette, start_row, reserved[14];
    uint16_t colsb[16];
    uint8_t rows[16];
} __attribute__((packed, aligned(64))) AmxConfig;

__attribute__((target("amx-tile"), always_inline)) static inline void amx_begin(void)
{
    AmxConfig c = { .palette = 1 };
    for (int t = 0; t < 5; t++) {
        c.colsb[t] = 64;
        c.rows[t] = 16;
    }
    _tile_loadconfig(&c);
}

/* Rows are taken 16 at a time: the activation buffers have rows for a whole last block. */
#define AMX_ROWS 16
#endif
#endif
