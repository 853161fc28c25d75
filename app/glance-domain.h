/* glance-domain.h — the domain check of a model trained on a narrow world: does an image
 * look like what the model was trained on? Read from the model file's glance.domain
 * metadata (docs/model-scope.md), calibrated by tools/train/calibrate.py. */
#ifndef GLANCE_DOMAIN_H
#define GLANCE_DOMAIN_H
#include <glib.h>
#include "glance-engine.h"

/* The statistics of method "shapeworld-pixels-1", fractions in [0, 1] of the image as
 * resized for the model; tools/train/calibrate_domain.py computes the same. */
typedef enum {
    GLANCE_DOMAIN_MID_SATURATION, /* lit pixels of middling saturation               */
    GLANCE_DOMAIN_OFF_PALETTE,    /* saturated pixels far from every ShapeWorld hue  */
    GLANCE_DOMAIN_BUSY_BLOCKS,    /* 8x8 blocks with a lot of grey-level variation    */
    GLANCE_DOMAIN_DARK,           /* near-black pixels                               */
    GLANCE_DOMAIN_GREY_STRUCTURE, /* unsaturated pixels off the background's plane   */
    GLANCE_DOMAIN_N_STATISTICS
} GlanceDomainStatistic;

typedef struct GlanceDomainCheck GlanceDomainCheck;

/* The model's check, or NULL without error when the model carries none. A glance.domain
 * that cannot be read (bad JSON, unknown method) is an error naming the problem. */
GlanceDomainCheck *glance_domain_check_new(const GlanceModel *model, GError **error);
void glance_domain_check_free(GlanceDomainCheck *check);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlanceDomainCheck, glance_domain_check_free)

/* The statistics of an image resized to size x size. */
gboolean glance_domain_statistics(const GlanceImage *image, int size, const double *hues, int n_hues,
                                  double stats[GLANCE_DOMAIN_N_STATISTICS], GError **error);
/* TRUE when the image fails the check (*outside), FALSE on error. */
gboolean glance_domain_check_image(const GlanceDomainCheck *check, const GlanceImage *image,
                                   gboolean *outside, GError **error);
#endif
