/* fuzz-pickle.c — libFuzzer target: the pickle interpreter on arbitrary bytes,
 * followed by what the importer does with its result: find the state dict and
 * infer a VLMo architecture from its tensor shapes. Anything may fail, nothing
 * may crash, leak, recurse without bound or execute. Build and run: docs/fuzzing.md. */
#include "glance-arch.h"
#include "glance-pickle.h"
#include "glance-state-dict.h"
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GlancePickle *pickle = glance_pickle_load(data, size, NULL);
    if (!pickle)
        return 0;
    g_free(glance_pickle_describe(glance_pickle_root(pickle)));
    GlanceStateDict state_dict;
    GError *error = NULL;
    if (glance_state_dict_extract(glance_pickle_root(pickle), &state_dict, &error)) {
        GlanceArch arch;
        if (glance_arch_infer(&state_dict, NULL, &arch, &error))
            glance_arch_clear(&arch);
        g_clear_error(&error);
        glance_state_dict_clear(&state_dict);
    }
    g_clear_error(&error);
    glance_pickle_free(pickle);
    return 0;
}
