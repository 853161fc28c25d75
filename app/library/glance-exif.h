/* glance-exif.h — when a photo was taken and with which camera, from the EXIF block of JPEG, TIFF, PNG (eXIf)
 * and WebP files. A small bounds-checked reader of the few tags that matter; gdk-pixbuf
 * exposes only the orientation. Never reads outside the buffer it is given. */
#ifndef GLANCE_EXIF_H
#define GLANCE_EXIF_H
#include <glib.h>

typedef struct {
    int year, month, day, hour, minute, second;
    gboolean has_offset;    /* OffsetTimeOriginal & co. were present              */
    int offset_minutes;     /* east of UTC, when has_offset                        */
} GlanceExifDate;

/* Finds DateTimeOriginal, else DateTimeDigitized, else IFD0 DateTime, in a whole file's
 * bytes. FALSE when the file has no EXIF block or no valid date in it. */
gboolean glance_exif_find_date(const guint8 *data, gsize size, GlanceExifDate *date);

typedef struct {
    char *make;             /* IFD0 Make, e.g. "Canon", or NULL                    */
    char *model;            /* IFD0 Model, e.g. "Canon EOS 80D", or NULL           */
} GlanceExifCamera;

/* The camera's make and model (blanks trimmed) from the same EXIF block; FALSE when
 * neither is there. Free the strings with glance_exif_camera_clear(). */
gboolean glance_exif_find_camera(const guint8 *data, gsize size, GlanceExifCamera *camera);
void glance_exif_camera_clear(GlanceExifCamera *camera);

/* Unix seconds; a date without an offset is taken as local time, as cameras write it. */
gint64 glance_exif_date_to_unix(const GlanceExifDate *date);

#endif
