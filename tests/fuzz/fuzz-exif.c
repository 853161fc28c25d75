/* fuzz-exif.c — libFuzzer target: the EXIF date reader (app/library/glance-exif.c) on
 * arbitrary bytes, as a photo from anywhere would be: JPEG, PNG, WebP or TIFF
 * containers, IFD offsets and counts, date strings. Beyond "no crash and no read
 * outside the input", an accepted date must be a real calendar date. */
#include "glance-exif.h"
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GlanceExifDate date;
    if (!glance_exif_find_date(data, size, &date))
        return 0;
    if (date.year < 1800 || date.year > 9999 || date.month < 1 || date.month > 12 || date.day < 1 ||
        date.day > g_date_get_days_in_month(date.month, date.year) || date.hour < 0 || date.hour > 23 ||
        date.minute < 0 || date.minute > 59 || date.second < 0 || date.second > 60 ||
        (date.has_offset && (date.offset_minutes < -14 * 60 - 59 || date.offset_minutes > 14 * 60 + 59)))
        abort();
    (void)glance_exif_date_to_unix(&date);
    return 0;
}
