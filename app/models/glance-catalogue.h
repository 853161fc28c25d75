/* glance-catalogue.h — the official VLMo checkpoints Glance knows how to get:
 * data/catalogue.json, or the file named by $GLANCE_CATALOGUE (tests point it
 * at a local server). Plain data, checked once when loaded, read-only after.
 *
 *   g_autoptr(GlanceCatalogue) catalogue = glance_catalogue_load(NULL, &error);
 *   for (guint i = 0; i < glance_catalogue_get_n_entries(catalogue); i++) {
 *       const GlanceCatalogueEntry *entry = glance_catalogue_get_entry(catalogue, i);
 *       ... entry->title, entry->tasks, entry->size, entry->published_metrics ...
 *   }
 */
#ifndef GLANCE_CATALOGUE_H
#define GLANCE_CATALOGUE_H
#include <glib.h>
#include "glance-models-error.h"

G_BEGIN_DECLS

/* The tasks a model can serve, as they are spelled in files and on the command line. */
#define GLANCE_TASK_RETRIEVAL "retrieval"
#define GLANCE_TASK_VQA       "vqa"
#define GLANCE_TASK_NLVR2     "nlvr2"

typedef struct {
    char *name;         /* "vlmo-base-vqa": file stem and --model name; [a-z0-9._-]     */
    char *title;        /* "VLMo-Base, fine-tuned on VQAv2", for people                  */
    char *family;       /* "base", "base-plus" or "large"                                */
    GStrv tasks;        /* of GLANCE_TASK_*; never empty                                 */
    int image_size;     /* pixels per side the weights were trained at                   */
    char *url;          /* https; plain http only for loopback hosts                     */
    guint64 size;       /* bytes of the checkpoint; 0 when unknown: then the server's
                           Content-Length is the size that is checked                    */
    char *sha256;       /* lower-case hex of the checkpoint, or NULL when unknown         */
    char *vocab;        /* vocabulary id: "bert-base-uncased"                            */
    char *answers;      /* answer-list id: "vqav2-3129"; NULL for models without VQA head */
    int heads;          /* attention heads (shapes do not tell); 0: let the importer infer */
    GStrv published_metrics;   /* "VQAv2 test-dev", ... in the file's order              */
    double *published_values;  /* one per metric, as published (percent)                 */
    /* For people (optional members; NULL or empty when the file has none): */
    char *summary;      /* what it is for, in plain words (no benchmark jargon)           */
    char *source;       /* who publishes it and where: "Microsoft Research, on GitHub"    */
    char *scope;        /* written to the installed model's glance.scope: "everyday photos" */
    GStrv recommended_for;  /* tasks this entry is the recommended model for; each task is
                               recommended by at most one entry of a catalogue            */
} GlanceCatalogueEntry;

typedef struct GlanceCatalogue GlanceCatalogue;

/* NULL path: $GLANCE_CATALOGUE when set, else data/catalogue.json. Newly allocated. */
char *glance_catalogue_default_path(void);

/* Reads and checks every entry; errors name the file and the entry. */
GlanceCatalogue *glance_catalogue_load(const char *path, GError **error);
void glance_catalogue_free(GlanceCatalogue *catalogue);
const char *glance_catalogue_get_path(const GlanceCatalogue *catalogue);
guint glance_catalogue_get_n_entries(const GlanceCatalogue *catalogue);
const GlanceCatalogueEntry *glance_catalogue_get_entry(const GlanceCatalogue *catalogue, guint index);
/* NULL, with GLANCE_MODELS_ERROR_NOT_FOUND, when no entry has that name. */
const GlanceCatalogueEntry *glance_catalogue_find(const GlanceCatalogue *catalogue, const char *name,
                                                  GError **error);

/* The entry recommended for `task` (GLANCE_TASK_*), or NULL when none is. */
const GlanceCatalogueEntry *glance_catalogue_get_recommended(const GlanceCatalogue *catalogue, const char *task);
/* The recommended set: each recommended entry once, in catalogue order. The pointers
 * belong to the catalogue. */
GPtrArray *glance_catalogue_list_recommended(const GlanceCatalogue *catalogue);

gboolean glance_catalogue_entry_has_task(const GlanceCatalogueEntry *entry, const char *task);
/* Entries outlive their catalogue only as copies (an install running in a thread). */
GlanceCatalogueEntry *glance_catalogue_entry_copy(const GlanceCatalogueEntry *entry);
void glance_catalogue_entry_free(GlanceCatalogueEntry *entry);

/* Model names become file names: lower-case letters, digits, '.', '_' and '-',
 * starting with a letter or digit, at most 64 characters. */
gboolean glance_model_name_is_valid(const char *name);
/* One of GLANCE_TASK_*. */
gboolean glance_task_name_is_valid(const char *task);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlanceCatalogue, glance_catalogue_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GlanceCatalogueEntry, glance_catalogue_entry_free)

G_END_DECLS
#endif
