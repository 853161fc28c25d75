/* task-outputs.c — see task-outputs.h. */
#include "task-outputs.h"
#include "glance-engine.h"
#include <stdio.h>
#include <string.h>

int task_outputs_run(const char *path, TaskOutputs *out)
{
    GlanceModel *model = NULL;
    GlanceContext *ctx = NULL;
    GlanceError err = { 0 };
    memset(out, 0, sizeof *out);
    if (glance_model_open(path, &model, &err) != GLANCE_OK || glance_context_new(model, &ctx, &err) != GLANCE_OK) {
        fprintf(stderr, "FAIL %s\n", err.message);
        glance_model_close(model);
        return -1;
    }
    unsigned char pixels[70 * 50 * 3];
    for (size_t i = 0; i < sizeof pixels; i++)
        pixels[i] = (unsigned char)(i * 37 % 251);
    GlanceImage image = { pixels, 70, 50, 210 };
    int status = glance_vqa(ctx, &image, "what color is the square?", out->vqa, &err) == GLANCE_OK &&
                 glance_embed_image(ctx, &image, 1, out->image_vec, &err) == GLANCE_OK &&
                 glance_embed_text(ctx, "a red square", 0, out->text_vec, &err) == GLANCE_OK &&
                 glance_nlvr2(ctx, &image, &image, "both images are the same", out->nlvr2, &err) == GLANCE_OK ? 0 : -1;
    if (status)
        fprintf(stderr, "FAIL %s: %s\n", path, err.message);
    glance_context_free(ctx);
    glance_model_close(model);
    return status;
}

