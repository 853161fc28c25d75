/* engine-private.h — what the engine's files share and the public header hides. */
#ifndef GLANCE_ENGINE_PRIVATE_H
#define GLANCE_ENGINE_PRIVATE_H

#include "glance-engine.h"
#include <stdarg.h>

/* Fills err (may be NULL) and returns status, so callers can `return glance_fail(...)`. */
GlanceStatus glance_fail(GlanceError *err, GlanceStatus status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Test hook: called after every block with the residual stream (n rows of dim);
 * `call` counts block calls within one pass. */
typedef void (*GlanceBlockHook)(void *user_data, int call, const float *x, int n, int dim);
void glance_context_set_block_hook(GlanceContext *ctx, GlanceBlockHook hook, void *user_data);
/* Test hook: at most `rows` rows of FFN hidden activations at a time for the
 * reduced-precision FFNs (0: as many as the work buffer holds). */
void glance_context_set_ffn_rows(GlanceContext *ctx, int rows);
/* Test hook: contexts made from now on for at least `rows` tokens (0: all) run Q8 and
 * BF16 attention with q over xn and k v in head groups (forward.c; default 512). */
void glance_set_grouping_min_rows(int rows);

#endif
