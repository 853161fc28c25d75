/* glance-import.h — turns an official VLMo PyTorch checkpoint into a Glance
 * model file (.safetensors), in C, without Python and without running any
 * code from the checkpoint. The CLI's `glance-cli import` and the GUI call this.
 *
 *   GlanceImportOptions opts;
 *   glance_import_options_init(&opts);
 *   opts.checkpoint_path = "vlmo_base_patch16_480_vqa.pt";
 *   opts.vocab_path = "vocab.txt";
 *   opts.answers_path = "answers.txt";
 *   opts.output_path = "vlmo-base-vqa.safetensors";
 *   if (!glance_import_checkpoint(&opts, &report, cancellable, &error)) ...
 */
#ifndef GLANCE_IMPORT_H
#define GLANCE_IMPORT_H
#include <gio/gio.h>
#include "glance-engine.h"
#include "glance-import-error.h"

G_BEGIN_DECLS

typedef enum {
    GLANCE_IMPORT_DTYPE_F32, /* exact copy of float32 checkpoints */
    GLANCE_IMPORT_DTYPE_F16, /* half the size; rounded to nearest even */
    GLANCE_IMPORT_DTYPE_Q8,  /* big layers' weights int8 with a scale per row; the rest F32 */
    GLANCE_IMPORT_DTYPE_BF16, /* big layers' weights bf16 (nearest even); the rest F32 */
} GlanceImportDtype;

/* Called between tensors: fraction in [0, 1], and what is being done. */
typedef void (*GlanceImportProgressFunc)(double fraction, const char *stage, gpointer user_data);

typedef struct {
    const char *checkpoint_path;  /* torch.save zip archive                          */
    const char *vocab_path;       /* WordPiece vocabulary, one piece per line         */
    const char *answers_path;     /* VQA answers in label order; NULL without VQA head */
    const char *output_path;      /* the .safetensors to create or replace            */
    const char *name;             /* glance.name; NULL: the checkpoint's file stem    */
    const char *scope;            /* glance.scope ("everyday photos"); NULL: none     */
    int heads;                    /* 0: infer (see glance-arch.h)                     */
    int image_size;               /* 0: infer                                         */
    int max_text_len;             /* 0: infer                                         */
    GlanceImportDtype dtype;
    GlanceImportProgressFunc progress;
    gpointer progress_data;
} GlanceImportOptions;

typedef struct {
    GlanceConfig config;          /* as written to glance.config                      */
    char *name;                   /* glance.name                                      */
    char *wrapper;                /* where the state dict was: "state_dict", "model",
                                     "module" or "" for a plain state dict            */
    guint n_tensors;              /* tensors written                                  */
    guint n_ignored;              /* state-dict entries left out (buffers, unknown)   */
    guint64 file_size;            /* bytes of the written file                        */
} GlanceImportReport;

void glance_import_options_init(GlanceImportOptions *opts);

/* Reads, checks and writes; on failure nothing is left at output_path (an
 * existing file there is kept unchanged). `report` and `cancellable` may be NULL. */
gboolean glance_import_checkpoint(const GlanceImportOptions *opts, GlanceImportReport *report,
                                  GCancellable *cancellable, GError **error);
void glance_import_report_clear(GlanceImportReport *report);

/* The config as the glance.config JSON string (for reports and --json). */
char *glance_import_config_json(const GlanceConfig *config);

G_END_DECLS
#endif
