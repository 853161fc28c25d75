/* glance-exif.c — the date a photo was taken, from EXIF. Every read goes through
 * Span, a (pointer, length) pair whose accessors check bounds, so a hostile file can
 * only make the search fail, never read outside the buffer. Only IFD0 and the Exif
 * sub-IFD are visited (no chains), so offsets pointing backwards cannot loop. */
#include "glance-exif.h"
#include <string.h>

enum {
    TAG_MAKE = 0x010F,
    TAG_MODEL = 0x0110,
    TAG_DATE_TIME = 0x0132,
    TAG_EXIF_IFD = 0x8769,
    TAG_DATE_TIME_ORIGINAL = 0x9003,
    TAG_DATE_TIME_DIGITIZED = 0x9004,
    TAG_OFFSET_TIME = 0x9010,
    TAG_OFFSET_TIME_ORIGINAL = 0x9011,
    TAG_OFFSET_TIME_DIGITIZED = 0x9012,
    TYPE_ASCII = 2,
};

typedef struct {
    const guint8 *data;
    gsize size;
} Span;

/* A TIFF structure: its bytes and byte order. */
typedef struct {
    Span tiff;
    gboolean big_endian;
} Tiff;

static gboolean span_has(Span s, gsize offset, gsize len)
{
    return offset <= s.size && len <= s.size - offset;
}

static Span span_sub(Span s, gsize offset, gsize len)
{
    return span_has(s, offset, len) ? (Span){ s.data + offset, len } : (Span){ NULL, 0 };
}

static guint32 read_be32(const guint8 *p)
{
    return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

static guint tiff_u16(const Tiff *t, gsize offset)
{
    const guint8 *p = t->tiff.data + offset;
    return t->big_endian ? (guint)(p[0] << 8 | p[1]) : (guint)(p[1] << 8 | p[0]);
}

static guint32 tiff_u32(const Tiff *t, gsize offset)
{
    const guint8 *p = t->tiff.data + offset;
    return t->big_endian ? read_be32(p)
                         : (guint32)p[3] << 24 | (guint32)p[2] << 16 | (guint32)p[1] << 8 | p[0];
}

static gboolean tiff_open(Span s, Tiff *t)
{
    if (!span_has(s, 0, 8))
        return FALSE;
    if (!memcmp(s.data, "II*\0", 4))
        t->big_endian = FALSE;
    else if (!memcmp(s.data, "MM\0*", 4))
        t->big_endian = TRUE;
    else
        return FALSE;
    t->tiff = s;
    return TRUE;
}

/* The ASCII value of `tag` in the IFD at ifd_offset, or an empty span. For
 * TAG_EXIF_IFD (a LONG) the span covers the 4 value bytes instead. */
static Span ifd_find(const Tiff *t, gsize ifd_offset, guint tag)
{
    Span none = { NULL, 0 };
    if (!span_has(t->tiff, ifd_offset, 2))
        return none;
    gsize count = tiff_u16(t, ifd_offset);
    if (!span_has(t->tiff, ifd_offset + 2, count * 12))
        return none;
    for (gsize i = 0; i < count; i++) {
        gsize entry = ifd_offset + 2 + i * 12;
        if (tiff_u16(t, entry) != tag)
            continue;
        guint type = tiff_u16(t, entry + 2);
        guint32 n = tiff_u32(t, entry + 4);
        if (tag == TAG_EXIF_IFD)
            return span_sub(t->tiff, entry + 8, 4);
        if (type != TYPE_ASCII)
            return none;
        /* Values of up to 4 bytes sit in the entry itself, longer ones at an offset. */
        return n <= 4 ? span_sub(t->tiff, entry + 8, n) : span_sub(t->tiff, tiff_u32(t, entry + 8), n);
    }
    return none;
}

static int parse_digits(const guint8 *p, int n)
{
    int value = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        value = value * 10 + (p[i] - '0');
    }
    return value;
}

/* "YYYY:MM:DD HH:MM:SS" (some tools write '-' and 'T'); blank or zero dates are invalid. */
static gboolean parse_date(Span s, GlanceExifDate *date)
{
    if (s.size < 19)
        return FALSE;
    const guint8 *p = s.data;
    if (!(p[4] == ':' || p[4] == '-') || p[7] != p[4] || !(p[10] == ' ' || p[10] == 'T') ||
        p[13] != ':' || p[16] != ':')
        return FALSE;
    GlanceExifDate d = {
        .year = parse_digits(p, 4), .month = parse_digits(p + 5, 2), .day = parse_digits(p + 8, 2),
        .hour = parse_digits(p + 11, 2), .minute = parse_digits(p + 14, 2), .second = parse_digits(p + 17, 2),
    };
    if (d.year < 1800 || d.month < 1 || d.month > 12 || d.day < 1 ||
        d.day > g_date_get_days_in_month(d.month, d.year) || d.hour < 0 || d.hour > 23 ||
        d.minute < 0 || d.minute > 59 || d.second < 0 || d.second > 60)
        return FALSE;
    *date = d;
    return TRUE;
}

/* "+HH:MM" or "-HH:MM". */
static gboolean parse_offset(Span s, int *minutes)
{
    if (s.size < 6 || (s.data[0] != '+' && s.data[0] != '-') || s.data[3] != ':')
        return FALSE;
    int h = parse_digits(s.data + 1, 2), m = parse_digits(s.data + 4, 2);
    if (h < 0 || h > 14 || m < 0 || m > 59)
        return FALSE;
    *minutes = (s.data[0] == '-' ? -1 : 1) * (h * 60 + m);
    return TRUE;
}

static gboolean find_in_tiff(Span s, gpointer out)
{
    GlanceExifDate *date = out;
    Tiff t;
    if (!tiff_open(s, &t))
        return FALSE;
    gsize ifd0 = tiff_u32(&t, 4);
    Span pointer = ifd_find(&t, ifd0, TAG_EXIF_IFD);
    if (pointer.size == 4) {
        gsize exif_ifd = tiff_u32(&t, (gsize)(pointer.data - t.tiff.data));
        static const guint tags[][2] = { { TAG_DATE_TIME_ORIGINAL, TAG_OFFSET_TIME_ORIGINAL },
                                         { TAG_DATE_TIME_DIGITIZED, TAG_OFFSET_TIME_DIGITIZED } };
        for (gsize i = 0; i < G_N_ELEMENTS(tags); i++) {
            if (parse_date(ifd_find(&t, exif_ifd, tags[i][0]), date)) {
                date->has_offset = parse_offset(ifd_find(&t, exif_ifd, tags[i][1]), &date->offset_minutes);
                return TRUE;
            }
        }
    }
    if (parse_date(ifd_find(&t, ifd0, TAG_DATE_TIME), date)) {
        date->has_offset = pointer.size == 4 &&
            parse_offset(ifd_find(&t, tiff_u32(&t, (gsize)(pointer.data - t.tiff.data)), TAG_OFFSET_TIME),
                         &date->offset_minutes);
        return TRUE;
    }
    return FALSE;
}

/* Looks for something in a TIFF structure (a date, the camera); TRUE once found. */
typedef gboolean (*TiffVisit)(Span tiff, gpointer out);

/* JPEG: markers up to the start of scan; EXIF lives in an APP1 segment "Exif\0\0". */
static gboolean find_in_jpeg(Span s, TiffVisit visit, gpointer out)
{
    gsize pos = 2;
    while (span_has(s, pos, 4)) {
        if (s.data[pos] != 0xFF)
            return FALSE;
        guint8 marker = s.data[pos + 1];
        if (marker == 0xFF) { /* fill byte */
            pos++;
            continue;
        }
        if (marker == 0xD9 || marker == 0xDA) /* end of image, start of scan */
            return FALSE;
        if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) { /* no length */
            pos += 2;
            continue;
        }
        gsize len = (gsize)s.data[pos + 2] << 8 | s.data[pos + 3];
        if (len < 2)
            return FALSE;
        Span segment = span_sub(s, pos + 4, len - 2);
        if (marker == 0xE1 && segment.size > 6 && !memcmp(segment.data, "Exif\0\0", 6) &&
            visit(span_sub(segment, 6, segment.size - 6), out))
            return TRUE;
        pos += 2 + len;
    }
    return FALSE;
}

/* PNG: the eXIf chunk holds a bare TIFF structure. */
static gboolean find_in_png(Span s, TiffVisit visit, gpointer out)
{
    gsize pos = 8;
    while (span_has(s, pos, 8)) {
        gsize len = read_be32(s.data + pos);
        const guint8 *type = s.data + pos + 4;
        if (!span_has(s, pos + 8, len))
            return FALSE;
        if (!memcmp(type, "eXIf", 4))
            return visit(span_sub(s, pos + 8, len), out);
        if (!memcmp(type, "IEND", 4))
            return FALSE;
        pos += 12 + len; /* length, type, data, CRC */
    }
    return FALSE;
}

/* WebP: a RIFF container whose EXIF chunk holds a TIFF structure (some writers keep
 * JPEG's "Exif\0\0" prefix). */
static gboolean find_in_webp(Span s, TiffVisit visit, gpointer out)
{
    gsize pos = 12;
    while (span_has(s, pos, 8)) {
        const guint8 *p = s.data + pos + 4;
        gsize len = (gsize)p[3] << 24 | (gsize)p[2] << 16 | (gsize)p[1] << 8 | p[0];
        Span chunk = span_sub(s, pos + 8, len);
        if (!chunk.data)
            return FALSE;
        if (!memcmp(s.data + pos, "EXIF", 4)) {
            if (chunk.size > 6 && !memcmp(chunk.data, "Exif\0\0", 6))
                chunk = span_sub(chunk, 6, chunk.size - 6);
            return visit(chunk, out);
        }
        pos += 8 + len + (len & 1); /* chunks are padded to even length */
    }
    return FALSE;
}

/* Runs visit on the EXIF TIFF structure of a JPEG, PNG, WebP or bare TIFF file. */
static gboolean find_in_file(const guint8 *data, gsize size, TiffVisit visit, gpointer out)
{
    Span s = { data, data ? size : 0 };
    if (span_has(s, 0, 2) && s.data[0] == 0xFF && s.data[1] == 0xD8)
        return find_in_jpeg(s, visit, out);
    if (span_has(s, 0, 8) && !memcmp(s.data, "\x89PNG\r\n\x1a\n", 8))
        return find_in_png(s, visit, out);
    if (span_has(s, 0, 12) && !memcmp(s.data, "RIFF", 4) && !memcmp(s.data + 8, "WEBP", 4))
        return find_in_webp(s, visit, out);
    return visit(s, out);
}

gboolean glance_exif_find_date(const guint8 *data, gsize size, GlanceExifDate *date)
{
    GlanceExifDate found = { 0 };
    if (!find_in_file(data, size, find_in_tiff, &found))
        return FALSE;
    *date = found;
    return TRUE;
}

/* An ASCII value as UTF-8 text: up to its first NUL, blanks trimmed, NULL when empty or
 * not valid UTF-8 (cameras pad Make and Model with spaces or NULs). */
static char *span_text(Span s)
{
    if (!s.data)
        return NULL;
    gsize len = 0;
    while (len < s.size && s.data[len])
        len++;
    if (!g_utf8_validate((const char *)s.data, (gssize)len, NULL))
        return NULL;
    char *text = g_strstrip(g_strndup((const char *)s.data, len));
    if (!*text)
        g_clear_pointer(&text, g_free);
    return text;
}

static gboolean find_camera_in_tiff(Span s, gpointer out)
{
    GlanceExifCamera *camera = out;
    Tiff t;
    if (!tiff_open(s, &t))
        return FALSE;
    gsize ifd0 = tiff_u32(&t, 4);
    camera->make = span_text(ifd_find(&t, ifd0, TAG_MAKE));
    camera->model = span_text(ifd_find(&t, ifd0, TAG_MODEL));
    return camera->make || camera->model;
}

gboolean glance_exif_find_camera(const guint8 *data, gsize size, GlanceExifCamera *camera)
{
    GlanceExifCamera found = { NULL, NULL };
    if (!find_in_file(data, size, find_camera_in_tiff, &found))
        return FALSE;
    *camera = found;
    return TRUE;
}

void glance_exif_camera_clear(GlanceExifCamera *camera)
{
    g_clear_pointer(&camera->make, g_free);
    g_clear_pointer(&camera->model, g_free);
}

gint64 glance_exif_date_to_unix(const GlanceExifDate *date)
{
    g_autoptr(GTimeZone) zone = date->has_offset ? g_time_zone_new_offset(date->offset_minutes * 60)
                                                 : g_time_zone_new_local();
    g_autoptr(GDateTime) when = g_date_time_new(zone, date->year, date->month, date->day, date->hour,
                                                date->minute, MIN(date->second, 59));
    return when ? g_date_time_to_unix(when) : 0;
}
