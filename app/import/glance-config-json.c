/* glance-config-json.c — GlanceConfig -> glance.config JSON.
 *
 * Written by hand rather than with JsonGenerator because that prints every
 * double with 17 digits (1e-6 becomes 9.9999999999999995e-07); every value
 * here is a number, a bool or a fixed identifier, so no escaping is needed. */
#include "glance-config-json.h"
#include <stdlib.h>

/* The shortest decimal that reads back as the same float: 1e-06, not 9.99999997e-07. */
static void append_float(GString *s, float value)
{
    char buffer[G_ASCII_DTOSTR_BUF_SIZE];
    for (int digits = 6; digits <= 9; digits++) {
        char format[8];
        g_snprintf(format, sizeof format, "%%.%dg", digits);
        g_ascii_formatd(buffer, sizeof buffer, format, value);
        if ((float)g_ascii_strtod(buffer, NULL) == value)
            break;
    }
    g_string_append(s, buffer);
}

char *glance_config_to_json(const GlanceConfig *c)
{
    GString *s = g_string_new("{");
    const struct { const char *key; int value; } ints[] = {
        { "dim", c->dim },
        { "depth", c->depth },
        { "heads", c->heads },
        { "mlp_hidden", c->mlp_hidden },
        { "vlffn_start", c->vlffn_start },
        { "patch_size", c->patch_size },
        { "image_size", c->image_size },
        { "max_text_len", c->max_text_len },
        { "vocab_size", c->vocab_size },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(ints); i++)
        g_string_append_printf(s, "%s\"%s\":%d", i ? "," : "", ints[i].key, ints[i].value);
    g_string_append_printf(s, ",\"rel_pos\":%s", c->rel_pos ? "true" : "false");
    g_string_append_printf(s, ",\"rel_pos_text_len\":%d", c->rel_pos_text_len);
    g_string_append_printf(s, ",\"abs_pos\":%s", c->abs_pos ? "true" : "false");
    g_string_append_printf(s, ",\"layer_scale\":%s", c->layer_scale ? "true" : "false");
    g_string_append_printf(s, ",\"token_types\":%d", c->token_types);
    g_string_append(s, ",\"norm_eps\":");
    append_float(s, c->norm_eps);
    g_string_append(s, ",\"text_eps\":");
    append_float(s, c->text_eps);
    g_string_append(s, ",\"head_eps\":");
    append_float(s, c->head_eps);
    g_string_append_printf(s, ",\"num_answers\":%d", c->num_answers);

    g_string_append(s, ",\"heads_present\":[");
    gboolean first = TRUE;
    for (GlanceHead h = 0; h < GLANCE_N_HEADS; h++) {
        if (!glance_config_has_head(c, h))
            continue;
        g_string_append_printf(s, "%s\"%s\"", first ? "" : ",", glance_head_name(h));
        first = FALSE;
    }
    g_string_append(s, "]}");
    return g_string_free(s, FALSE);
}
