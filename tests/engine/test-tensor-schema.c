/* test-tensor-schema.c — the one table of VLMo tensors describes real files exactly:
 * for the imported golden checkpoint (relative positions, every head) and the bundled
 * model (absolute positions), the names and shapes the schema implies for the file's
 * config are the file's tensors, no more, no fewer. */
#include "glance-engine.h"
#include "safetensors.h"
#include "check.h"
#include <glib.h>
#include <string.h>

/* Shapes match up to leading dimensions of size 1 ((1, 1, dim) and (dim) are one shape). */
static int same_shape(const int64_t *a, int na, const int64_t *b, int nb)
{
    while (na > 0 && a[0] == 1 && na > nb) a++, na--;
    while (nb > 0 && b[0] == 1 && nb > na) b++, nb--;
    if (na != nb)
        return 0;
    for (int i = 0; i < na; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

static void check_file(const char *path, int expect_rel_pos)
{
    GlanceError err = { 0 };
    GlanceModel *model = NULL;
    StFile *file = NULL;
    if (glance_model_open(path, &model, &err) != GLANCE_OK || glance_st_open(path, &file, &err) != GLANCE_OK) {
        CHECK(0, "cannot open %s: %s", path, err.message);
        glance_model_close(model);
        return;
    }
    const GlanceConfig *c = glance_model_config(model);
    CHECK(c->rel_pos == expect_rel_pos, "%s: rel_pos %d", path, c->rel_pos);
    GHashTable *expected = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (int i = 0; i < glance_tensor_count(); i++) {
        const GlanceTensorSpec *spec = glance_tensor_spec(i);
        int blocks = spec->flags & GLANCE_TENSOR_PER_BLOCK ? c->depth : 1;
        for (int block = 0; block < blocks; block++) {
            char name[160];
            int64_t shape[4];
            if (!glance_tensor_applies(spec, c, block))
                continue;
            CHECK(glance_tensor_name(spec, block, name, sizeof name), "name of %s too long", spec->name);
            int ndim = glance_tensor_shape(spec, c, shape);
            const StTensor *t = glance_st_find(file, name);
            if (!t) {
                CHECK(spec->flags & GLANCE_TENSOR_OPTIONAL, "%s: schema tensor '%s' not in the file", path, name);
                continue;
            }
            CHECK(same_shape(t->shape, t->ndim, shape, ndim), "%s: '%s' has another shape than the schema's",
                  path, name);
            g_hash_table_add(expected, g_strdup(name));
        }
    }
    for (int i = 0; i < file->n_tensors; i++)
        CHECK(g_hash_table_contains(expected, file->tensors[i].name), "%s: tensor '%s' is not in the schema",
              path, file->tensors[i].name);
    CHECK(g_hash_table_size(expected) == (guint)file->n_tensors, "%s: %u schema tensors, %d in the file", path,
          g_hash_table_size(expected), file->n_tensors);
    g_hash_table_destroy(expected);
    glance_st_close(file);
    glance_model_close(model);
}

static void check_table(void)
{
    GHashTable *names = g_hash_table_new(g_str_hash, g_str_equal);
    for (int i = 0; i < glance_tensor_count(); i++) {
        const GlanceTensorSpec *spec = glance_tensor_spec(i);
        const char *d = strstr(spec->name, "%d");
        int per_block = (spec->flags & GLANCE_TENSOR_PER_BLOCK) != 0;
        CHECK(per_block == (d != NULL) && (!d || !strstr(d + 2, "%")), "'%s': block placeholder and flag disagree",
              spec->name);
        CHECK(!strchr(d ? d + 2 : spec->name, '%'), "'%s': stray %%", spec->name);
        CHECK(g_hash_table_add(names, (gpointer)spec->name), "'%s' listed twice", spec->name);
        CHECK(spec->ndim >= 1 && spec->ndim <= 4, "'%s': ndim %d", spec->name, spec->ndim);
    }
    CHECK(glance_tensor_spec(-1) == NULL && glance_tensor_spec(glance_tensor_count()) == NULL, "out of range");
    GlanceConfig c = { 0 };
    for (GlanceHead h = 0; h < GLANCE_N_HEADS; h++) {
        CHECK(glance_head_name(h) != NULL, "head %d has no name", h);
        glance_config_set_head(&c, h, 1);
        for (GlanceHead k = 0; k < GLANCE_N_HEADS; k++)
            CHECK(glance_config_has_head(&c, k) == (k <= h), "setting head %d changed head %d", h, k);
    }
    CHECK(glance_head_name(GLANCE_HEAD_NONE) == NULL && glance_config_has_head(&c, GLANCE_HEAD_NONE), "backbone");
    g_hash_table_destroy(names);
}

int main(void)
{
    check_table();
    const char *golden = g_getenv("GLANCE_GOLDEN_MODEL_FILE");
    CHECK(golden != NULL, "GLANCE_GOLDEN_MODEL_FILE is not set");
    if (golden)
        check_file(golden, 1);
    check_file(GLANCE_SOURCE_DATADIR "/models/glance-shapeworld.safetensors", 0);
    return check_summary("tensor schema");
}
