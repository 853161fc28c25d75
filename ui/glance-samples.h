/* glance-samples.h — the sample scenes and pairs shipped in data/samples/, described by
 * samples.json when present (else every image in the folder is a scene). */
#ifndef GLANCE_SAMPLES_H
#define GLANCE_SAMPLES_H
#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
    char *path;          /* absolute */
    char *title;         /* may be NULL */
    GStrv questions;     /* suggested questions, may be empty */
} GlanceSampleScene;

typedef struct {
    char *left, *right;  /* absolute */
    GStrv statements;    /* suggested statements, may be empty */
} GlanceSamplePair;

#define GLANCE_TYPE_SAMPLES (glance_samples_get_type())
G_DECLARE_FINAL_TYPE(GlanceSamples, glance_samples, GLANCE, SAMPLES, GObject)

/* glance_paths_datadir()/samples */
GlanceSamples *glance_samples_load_default(void);
GlanceSamples *glance_samples_new_from_dir(const char *dir);

const char *glance_samples_get_dir(GlanceSamples *self);
guint glance_samples_get_n_scenes(GlanceSamples *self);
const GlanceSampleScene *glance_samples_get_scene(GlanceSamples *self, guint index);
guint glance_samples_get_n_pairs(GlanceSamples *self);
const GlanceSamplePair *glance_samples_get_pair(GlanceSamples *self, guint index);

G_END_DECLS
#endif
