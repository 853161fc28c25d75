/* test-dtypes.c — BF16 tensors and F32 tensors at unaligned offsets are converted at load;
 * both must give outputs bit-identical to the same values stored as aligned F32 (used in
 * place from the mapping). The three files come from make-dtype-variants.py. */
#include "glance-engine.h"
#include "task-outputs.h"
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    const char *model = g_getenv("GLANCE_GOLDEN_MODEL_FILE"), *tmp = g_getenv("GLANCE_TEST_TMP");
    if (!model || !tmp) {
        fprintf(stderr, "FAIL run through meson test\n");
        return 1;
    }
    g_autofree char *dir = g_build_filename(tmp, "dtypes", NULL);
    g_autofree char *cmd = g_strdup_printf("/usr/bin/python3 tests/engine/make-dtype-variants.py '%s' '%s'", model, dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "FAIL %s\n", cmd);
        return 1;
    }
    const char *names[3] = { "rounded-f32", "bf16", "misaligned-f32" };
    static TaskOutputs outputs[3];
    int failures = 0;
    for (int i = 0; i < 3; i++) {
        g_autofree char *file = g_strconcat(names[i], ".safetensors", NULL);
        g_autofree char *path = g_build_filename(dir, file, NULL);
        if (task_outputs_run(path, &outputs[i]) != 0)
            return 1;
    }
    for (int i = 1; i < 3; i++) {
        gboolean same = !memcmp(&outputs[0], &outputs[i], sizeof outputs[0]);
        printf("%-15s %s\n", names[i], same ? "bit-identical to aligned F32" : "DIFFERS");
        failures += !same;
    }
    /* Sanity: the outputs are not all zero. */
    float sum = 0;
    for (int i = 0; i < 96; i++)
        sum += outputs[0].image_vec[i] * outputs[0].image_vec[i];
    if (sum < 0.99f || sum > 1.01f) {
        printf("FAIL image vector is not unit length (%f)\n", sum);
        failures++;
    }
    return failures ? 1 : 0;
}
