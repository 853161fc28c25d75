/* resize.c — Pillow 9.4's BICUBIC Image.resize for RGB8, bit for bit, because the
 * official test transform resizes with it and the model saw exactly those pixels.
 *
 * The resampler is a separable convolution: a horizontal pass (only over the source
 * rows the vertical pass will read), then a vertical pass. Each output sample is a
 * weighted sum over the input samples within the filter's support; when shrinking,
 * the support widens by the scale factor (antialiasing). Weights are computed in
 * double, normalised to sum 1, then rounded to fixed point, and each pass rounds and
 * clamps its result to uint8. Every one of those steps changes pixels if done
 * differently, so the arithmetic below follows Pillow's order of operations. */
#include "engine-private.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* 8 bits of pixel and 2 of headroom, because the negative lobes let partial sums
 * leave [0, 255], in a 32-bit accumulator. */
#define PRECISION_BITS (32 - 8 - 2)
#define BICUBIC_SUPPORT 2.0
/* Model inputs are a few hundred pixels; a larger side is a caller's bug, refused
 * before it asks for gigabytes. */
#define MAX_OUTPUT_SIDE 16384

/* The filter weights of one axis: output sample i reads count[i] input samples
 * starting at first[i], weighted by weights[i * max_taps ...]. */
typedef struct {
    int *first;       /* (out_size) first input index      */
    int *count;       /* (out_size) input samples read     */
    int32_t *weights; /* (out_size, max_taps) fixed point  */
    size_t max_taps;
} AxisFilter;

/* Keys' cubic convolution kernel with a = -0.5. */
static double bicubic_kernel(double x)
{
    const double a = -0.5;
    if (x < 0.0)
        x = -x;
    if (x < 1.0)
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    if (x < 2.0)
        return (((x - 5) * x + 8) * x - 4) * a;
    return 0.0;
}

/* Round half away from zero, as Pillow converts weights to fixed point. */
static int32_t to_fixed_point(double weight)
{
    double scaled = weight * (1 << PRECISION_BITS);
    return (int32_t)(weight < 0 ? scaled - 0.5 : scaled + 0.5);
}

static void axis_filter_free(AxisFilter *axis)
{
    free(axis->first);
    free(axis->count);
    free(axis->weights);
    memset(axis, 0, sizeof *axis);
}

/* Weights for resampling in_size samples to out_size (both >= 1). */
static GlanceStatus axis_filter_init(AxisFilter *axis, int in_size, int out_size,
                                     GlanceError *err)
{
    memset(axis, 0, sizeof *axis);
    /* Pillow passes the source box as floats: (float)in_size, not in_size. */
    double scale = (double)(float)in_size / out_size;
    double filter_scale = scale < 1.0 ? 1.0 : scale;
    double support = BICUBIC_SUPPORT * filter_scale;
    double max_taps = ceil(support) * 2 + 1;
    if (max_taps * out_size > (double)(SIZE_MAX / sizeof(int32_t)))
        return glance_fail(err, GLANCE_ERR_NOMEM, "resize: %d -> %d needs too many weights",
                           in_size, out_size);
    axis->max_taps = (size_t)max_taps;
    axis->first = malloc((size_t)out_size * sizeof *axis->first);
    axis->count = malloc((size_t)out_size * sizeof *axis->count);
    axis->weights = malloc((size_t)out_size * axis->max_taps * sizeof *axis->weights);
    double *taps = malloc(axis->max_taps * sizeof *taps);
    if (!axis->first || !axis->count || !axis->weights || !taps) {
        free(taps);
        axis_filter_free(axis);
        return glance_fail(err, GLANCE_ERR_NOMEM, "resize: out of memory for %d -> %d weights",
                           in_size, out_size);
    }

    double inverse_scale = 1.0 / filter_scale;
    for (int i = 0; i < out_size; i++) {
        double center = (i + 0.5) * scale;
        /* Pillow truncates to int, then clamps; clamping first keeps a huge
         * support from overflowing the conversion and gives the same bounds. */
        double first_tap = center - support + 0.5, end_tap = center + support + 0.5;
        int first = first_tap < 0.0 ? 0 : (int)first_tap;
        int last = end_tap > in_size ? in_size : (int)end_tap; /* exclusive */
        int count = last - first;
        double sum = 0.0;
        for (int t = 0; t < count; t++) {
            taps[t] = bicubic_kernel((t + first - center + 0.5) * inverse_scale);
            sum += taps[t];
        }
        int32_t *weights = axis->weights + (size_t)i * axis->max_taps;
        for (int t = 0; t < count; t++)
            weights[t] = to_fixed_point(sum != 0.0 ? taps[t] / sum : taps[t]);
        axis->first[i] = first;
        axis->count[i] = count;
    }
    free(taps);
    return GLANCE_OK;
}

/* A weighted sum (started at the rounding half-step) back to 8 bits, clamped. */
static uint8_t fixed_point_to_u8(int64_t sum)
{
    if (sum < 0)
        return 0;
    sum >>= PRECISION_BITS;
    return sum > 255 ? 255 : (uint8_t)sum;
}

/* Resamples each row of src (n_rows rows of RGB8) to dst rows of out_width pixels. */
static void horizontal_pass(const uint8_t *src, size_t src_stride, int n_rows,
                            const AxisFilter *axis, int out_width, uint8_t *dst)
{
    for (int y = 0; y < n_rows; y++) {
        const uint8_t *row = src + (size_t)y * src_stride;
        uint8_t *out = dst + (size_t)y * out_width * 3;
        for (int x = 0; x < out_width; x++) {
            const int32_t *weights = axis->weights + (size_t)x * axis->max_taps;
            const uint8_t *in = row + (size_t)axis->first[x] * 3;
            int64_t r = 1 << (PRECISION_BITS - 1), g = r, b = r;
            for (int t = 0; t < axis->count[x]; t++) { /* hot loop */
                r += (int64_t)in[3 * t + 0] * weights[t];
                g += (int64_t)in[3 * t + 1] * weights[t];
                b += (int64_t)in[3 * t + 2] * weights[t];
            }
            out[3 * x + 0] = fixed_point_to_u8(r);
            out[3 * x + 1] = fixed_point_to_u8(g);
            out[3 * x + 2] = fixed_point_to_u8(b);
        }
    }
}

/* Resamples columns: output row y is a weighted sum of source rows, accumulated a
 * whole row at a time (integer sums, so the order does not change the result). */
static void vertical_pass(const uint8_t *src, size_t src_stride, int width,
                          const AxisFilter *axis, int out_height, int64_t *row_sums,
                          uint8_t *dst)
{
    size_t row_len = (size_t)width * 3;
    for (int y = 0; y < out_height; y++) {
        const int32_t *weights = axis->weights + (size_t)y * axis->max_taps;
        for (size_t i = 0; i < row_len; i++)
            row_sums[i] = 1 << (PRECISION_BITS - 1);
        for (int t = 0; t < axis->count[y]; t++) {
            const uint8_t *in = src + (size_t)(axis->first[y] + t) * src_stride;
            for (size_t i = 0; i < row_len; i++) /* hot loop */
                row_sums[i] += (int64_t)in[i] * weights[t];
        }
        uint8_t *out = dst + (size_t)y * row_len;
        for (size_t i = 0; i < row_len; i++)
            out[i] = fixed_point_to_u8(row_sums[i]);
    }
}

static void copy_rows(const uint8_t *src, size_t src_stride, int width, int height, uint8_t *dst)
{
    for (int y = 0; y < height; y++)
        memcpy(dst + (size_t)y * width * 3, src + (size_t)y * src_stride, (size_t)width * 3);
}

/* src: width x height RGB8 rows src_stride apart; dst: out_width x out_height, packed. */
static GlanceStatus resize_rgb8(const uint8_t *src, int width, int height, size_t src_stride,
                                int out_width, int out_height, uint8_t *dst, GlanceError *err)
{
    int need_horizontal = out_width != width;
    int need_vertical = out_height != height;
    if (!need_horizontal && !need_vertical) {
        copy_rows(src, src_stride, width, height, dst);
        return GLANCE_OK;
    }

    AxisFilter rows_filter, columns_filter = { 0 };
    uint8_t *between = NULL; /* the horizontal pass's output */
    int64_t *row_sums = NULL;
    GlanceStatus status = axis_filter_init(&rows_filter, height, out_height, err);
    if (status != GLANCE_OK)
        return status;
    /* Only the source rows the vertical pass reads go through the horizontal pass. */
    int first_row = rows_filter.first[0];
    int end_row = rows_filter.first[out_height - 1] + rows_filter.count[out_height - 1];

    if (need_horizontal) {
        status = axis_filter_init(&columns_filter, width, out_width, err);
        if (status != GLANCE_OK)
            goto done;
        if (!need_vertical) { /* the identity filter reads every row: write dst directly */
            horizontal_pass(src, src_stride, height, &columns_filter, out_width, dst);
            goto done;
        }
        size_t between_rows = (size_t)(end_row - first_row);
        if (between_rows > SIZE_MAX / 3 / (size_t)out_width)
            between = NULL;
        else
            between = malloc((size_t)out_width * 3 * between_rows);
        if (!between) {
            status = glance_fail(err, GLANCE_ERR_NOMEM, "resize: out of memory");
            goto done;
        }
        horizontal_pass(src + (size_t)first_row * src_stride, src_stride, end_row - first_row,
                        &columns_filter, out_width, between);
        for (int y = 0; y < out_height; y++)
            rows_filter.first[y] -= first_row;
        src = between;
        src_stride = (size_t)out_width * 3;
    }

    row_sums = malloc((size_t)out_width * 3 * sizeof *row_sums);
    if (!row_sums) {
        status = glance_fail(err, GLANCE_ERR_NOMEM, "resize: out of memory");
        goto done;
    }
    vertical_pass(src, src_stride, out_width, &rows_filter, out_height, row_sums, dst);

done:
    free(row_sums);
    free(between);
    axis_filter_free(&columns_filter);
    axis_filter_free(&rows_filter);
    return status;
}

GlanceStatus glance_resize_rgb8(const GlanceImage *image, int size, uint8_t *out_rgb,
                                GlanceError *err)
{
    if (!image || !image->pixels || !out_rgb)
        return glance_fail(err, GLANCE_ERR_INVALID, "resize: missing image or output buffer");
    if (image->width <= 0 || image->height <= 0 || size <= 0 || size > MAX_OUTPUT_SIDE)
        return glance_fail(err, GLANCE_ERR_INVALID, "resize: bad size %dx%d -> %d",
                           image->width, image->height, size);
    if (image->stride < 0 || (int64_t)image->stride < 3 * (int64_t)image->width)
        return glance_fail(err, GLANCE_ERR_INVALID, "resize: stride %d is below 3 x width %d",
                           image->stride, image->width);
    /* The source's last byte must be addressable (a limit on 32-bit machines). */
    if ((size_t)(image->height - 1) > (SIZE_MAX - 3 * (size_t)image->width) / (size_t)image->stride)
        return glance_fail(err, GLANCE_ERR_INVALID, "resize: a %dx%d image with stride %d overflows",
                           image->width, image->height, image->stride);
    return resize_rgb8(image->pixels, image->width, image->height, (size_t)image->stride,
                       size, size, out_rgb, err);
}
