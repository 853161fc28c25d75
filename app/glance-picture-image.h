/* glance-picture-image.h — for app/ only: a picture's pixels as the engine reads them. */
#ifndef GLANCE_PICTURE_IMAGE_H
#define GLANCE_PICTURE_IMAGE_H
#include "glance-engine.h"
#include "glance-picture.h"

/* Decodes on first use (thread-safe); valid for the picture's lifetime. */
const GlanceImage *glance_picture_get_image(GlancePicture *self, GError **error);
#endif
