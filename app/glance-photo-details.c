/* glance-photo-details.c — file size from GFileInfo, pixel size from gdk-pixbuf's header
 * probe, date and camera from the EXIF reader of the library (glance-exif.h). EXIF sits
 * in the first segments of a JPEG, so only the head of a file is read: a 250-MP photo
 * costs no more than a small one. */
#include "config.h"
#include <gdk-pixbuf/gdk-pixbuf.h>
#include "glance-exif.h"
#include "glance-photo-details.h"

/* JPEG's APP1 holds at most 64 KiB; PNG and WebP may put EXIF after other chunks. */
#define EXIF_HEAD_BYTES (1024 * 1024)

static guint8 *read_head(const char *path, gsize *len, GError **error)
{
    g_autoptr(GFile) file = g_file_new_for_path(path);
    g_autoptr(GFileInputStream) stream = g_file_read(file, NULL, error);
    if (!stream)
        return NULL;
    guint8 *head = g_malloc(EXIF_HEAD_BYTES);
    if (!g_input_stream_read_all(G_INPUT_STREAM(stream), head, EXIF_HEAD_BYTES, len, NULL, error)) {
        g_free(head);
        return NULL;
    }
    return head;
}

GlancePhotoDetails *glance_photo_details_read(const char *path, GError **error)
{
    g_autoptr(GFile) file = g_file_new_for_path(path);
    g_autoptr(GFileInfo) info = g_file_query_info(file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                                                  NULL, error);
    if (!info)
        return NULL;
    gsize len = 0;
    g_autofree guint8 *head = read_head(path, &len, error);
    if (!head)
        return NULL;
    g_autoptr(GlancePhotoDetails) details = g_new0(GlancePhotoDetails, 1);
    details->path = g_strdup(path);
    details->file_size = (guint64)g_file_info_get_size(info);
    if (!gdk_pixbuf_get_file_info(path, &details->width, &details->height))
        details->width = details->height = 0;
    GlanceExifDate date;
    if (glance_exif_find_date(head, len, &date)) {
        g_autoptr(GTimeZone) zone = date.has_offset ? g_time_zone_new_offset(date.offset_minutes * 60)
                                                    : g_time_zone_new_local();
        details->taken = g_date_time_new(zone, date.year, date.month, date.day, date.hour, date.minute,
                                         MIN(date.second, 59));
    }
    GlanceExifCamera camera;
    if (glance_exif_find_camera(head, len, &camera)) {
        details->camera_make = g_steal_pointer(&camera.make);
        details->camera_model = g_steal_pointer(&camera.model);
    }
    return g_steal_pointer(&details);
}

static void read_in_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    (void)source, (void)cancellable;
    GError *error = NULL;
    GlancePhotoDetails *details = glance_photo_details_read(data, &error);
    if (details)
        g_task_return_pointer(task, details, (GDestroyNotify)glance_photo_details_free);
    else
        g_task_return_error(task, error);
}

void glance_photo_details_read_async(const char *path, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = g_task_new(NULL, cancellable, callback, user_data);
    g_task_set_source_tag(task, glance_photo_details_read_async);
    g_task_set_task_data(task, g_strdup(path), g_free);
    g_task_run_in_thread(task, read_in_thread);
}

GlancePhotoDetails *glance_photo_details_read_finish(GAsyncResult *result, GError **error)
{
    return g_task_propagate_pointer(G_TASK(result), error);
}

char *glance_photo_details_dup_camera(const GlancePhotoDetails *details)
{
    const char *make = details->camera_make, *model = details->camera_model;
    if (!model)
        return g_strdup(make);
    if (!make || g_str_has_prefix(model, make))
        return g_strdup(model);
    return g_strdup_printf("%s %s", make, model);
}

void glance_photo_details_free(GlancePhotoDetails *details)
{
    if (!details)
        return;
    g_free(details->path);
    g_clear_pointer(&details->taken, g_date_time_unref);
    g_free(details->camera_make);
    g_free(details->camera_model);
    g_free(details);
}
