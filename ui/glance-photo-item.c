/* glance-photo-item.c */
#include "config.h"
#include "glance-photo-item.h"

struct _GlancePhotoItem {
    GObject parent_instance;
    char *path;
    char *title;
    double score;
    GdkTexture *thumbnail;
};

G_DEFINE_FINAL_TYPE(GlancePhotoItem, glance_photo_item, G_TYPE_OBJECT)

enum { PROP_0, PROP_THUMBNAIL, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void glance_photo_item_finalize(GObject *object)
{
    GlancePhotoItem *self = GLANCE_PHOTO_ITEM(object);
    g_free(self->path);
    g_free(self->title);
    g_clear_object(&self->thumbnail);
    G_OBJECT_CLASS(glance_photo_item_parent_class)->finalize(object);
}

static void glance_photo_item_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
    switch (id) {
    case PROP_THUMBNAIL:
        g_value_set_object(value, GLANCE_PHOTO_ITEM(object)->thumbnail);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
    }
}

static void glance_photo_item_class_init(GlancePhotoItemClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    object_class->finalize = glance_photo_item_finalize;
    object_class->get_property = glance_photo_item_get_property;
    properties[PROP_THUMBNAIL] = g_param_spec_object("thumbnail", NULL, NULL, GDK_TYPE_TEXTURE,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);
}

static void glance_photo_item_init(GlancePhotoItem *self)
{
    (void)self;
}

GlancePhotoItem *glance_photo_item_new(const char *path, double score)
{
    GlancePhotoItem *self = g_object_new(GLANCE_TYPE_PHOTO_ITEM, NULL);
    self->path = g_strdup(path);
    self->title = g_filename_display_basename(path);
    self->score = score;
    return self;
}

const char *glance_photo_item_get_path(GlancePhotoItem *self) { return self->path; }
const char *glance_photo_item_get_title(GlancePhotoItem *self) { return self->title; }
double glance_photo_item_get_score(GlancePhotoItem *self) { return self->score; }
GdkTexture *glance_photo_item_get_thumbnail(GlancePhotoItem *self) { return self->thumbnail; }

void glance_photo_item_set_thumbnail(GlancePhotoItem *self, GdkTexture *thumbnail)
{
    if (g_set_object(&self->thumbnail, thumbnail))
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_THUMBNAIL]);
}
