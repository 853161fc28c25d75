/* glance-tensor-dtype.c — element sizes, names and float conversions.
 * Files are little-endian; so is every machine Glance targets, which the
 * loads below do not assume: they assemble values byte by byte. */
#include "glance-tensor-dtype.h"
#include <string.h>

static const struct {
    GlanceTensorDtype dtype;
    gsize size;
    const char *name;          /* safetensors */
    const char *torch_storage; /* torch.<X>   */
} dtypes[] = {
    { GLANCE_DTYPE_F32, 4, "F32", "FloatStorage" },
    { GLANCE_DTYPE_F16, 2, "F16", "HalfStorage" },
    { GLANCE_DTYPE_BF16, 2, "BF16", "BFloat16Storage" },
    { GLANCE_DTYPE_F64, 8, "F64", "DoubleStorage" },
    { GLANCE_DTYPE_I64, 8, "I64", "LongStorage" },
    { GLANCE_DTYPE_I32, 4, "I32", "IntStorage" },
    { GLANCE_DTYPE_I16, 2, "I16", "ShortStorage" },
    { GLANCE_DTYPE_I8, 1, "I8", "CharStorage" },
    { GLANCE_DTYPE_U8, 1, "U8", "ByteStorage" },
    { GLANCE_DTYPE_BOOL, 1, "BOOL", "BoolStorage" },
};

gsize glance_dtype_size(GlanceTensorDtype dtype)
{
    for (gsize i = 0; i < G_N_ELEMENTS(dtypes); i++)
        if (dtypes[i].dtype == dtype)
            return dtypes[i].size;
    return 0;
}

const char *glance_dtype_name(GlanceTensorDtype dtype)
{
    for (gsize i = 0; i < G_N_ELEMENTS(dtypes); i++)
        if (dtypes[i].dtype == dtype)
            return dtypes[i].name;
    return "unknown";
}

GlanceTensorDtype glance_dtype_from_torch_storage(const char *type_name)
{
    for (gsize i = 0; i < G_N_ELEMENTS(dtypes); i++)
        if (!strcmp(dtypes[i].torch_storage, type_name))
            return dtypes[i].dtype;
    return GLANCE_DTYPE_UNKNOWN;
}

gboolean glance_dtype_is_float(GlanceTensorDtype dtype)
{
    return dtype == GLANCE_DTYPE_F32 || dtype == GLANCE_DTYPE_F16 || dtype == GLANCE_DTYPE_BF16 ||
           dtype == GLANCE_DTYPE_F64;
}

static guint32 load32(const guint8 *p)
{
    return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 | (guint32)p[3] << 24;
}

static float bits_to_float(guint32 bits)
{
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

float glance_f16_to_float(guint16 h)
{
    guint32 sign = (guint32)(h & 0x8000u) << 16;
    guint32 exponent = (h >> 10) & 0x1fu, mantissa = h & 0x3ffu;
    if (exponent == 0x1f) /* infinity or NaN */
        return bits_to_float(sign | 0x7f800000u | mantissa << 13);
    if (exponent == 0) {
        if (mantissa == 0)
            return bits_to_float(sign);
        /* subnormal: mantissa * 2^-24 exactly */
        float magnitude = (float)mantissa * (1.0f / 16777216.0f);
        return sign ? -magnitude : magnitude;
    }
    return bits_to_float(sign | (exponent + 112) << 23 | mantissa << 13);
}

float glance_bf16_to_float(guint16 bits)
{
    return bits_to_float((guint32)bits << 16);
}

guint16 glance_float_to_f16(float value)
{
    guint32 bits;
    memcpy(&bits, &value, sizeof bits);
    guint16 sign = (guint16)((bits >> 16) & 0x8000u);
    guint32 exponent = (bits >> 23) & 0xffu, mantissa = bits & 0x7fffffu;
    if (exponent == 0xff) /* infinity stays infinity; NaN stays a quiet NaN */
        return sign | 0x7c00u | (mantissa ? 0x200u : 0);
    int e = (int)exponent - 127 + 15;
    if (e >= 31)
        return sign | 0x7c00u;
    if (e <= 0) {
        if (e < -10)
            return sign; /* below half the smallest subnormal: rounds to zero */
        /* subnormal: shift the full significand, then round to nearest even */
        guint32 significand = mantissa | 0x800000u;
        int shift = 14 - e;
        guint32 half = significand >> shift;
        guint32 rest = significand & ((1u << shift) - 1), halfway = 1u << (shift - 1);
        if (rest > halfway || (rest == halfway && (half & 1u)))
            half++;
        return sign | (guint16)half;
    }
    guint32 half = (guint32)e << 10 | mantissa >> 13;
    guint32 rest = mantissa & 0x1fffu;
    /* a carry out of the mantissa correctly bumps the exponent (up to infinity) */
    if (rest > 0x1000u || (rest == 0x1000u && (half & 1u)))
        half++;
    return sign | (guint16)half;
}

float glance_dtype_load_float(GlanceTensorDtype dtype, const guint8 *src)
{
    switch (dtype) {
    case GLANCE_DTYPE_F32:
        return bits_to_float(load32(src));
    case GLANCE_DTYPE_F16:
        return glance_f16_to_float((guint16)(src[0] | src[1] << 8));
    case GLANCE_DTYPE_BF16:
        return glance_bf16_to_float((guint16)(src[0] | src[1] << 8));
    case GLANCE_DTYPE_F64: {
        guint64 bits = load32(src) | (guint64)load32(src + 4) << 32;
        double value;
        memcpy(&value, &bits, sizeof value);
        return (float)value;
    }
    default:
        return 0.0f;
    }
}

