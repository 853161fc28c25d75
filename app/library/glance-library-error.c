/* glance-library-error.c — the library's error domain, in a file of its own so the
 * query parser can be built (and fuzzed) without SQLite or the engine. */
#include "glance-library.h"

G_DEFINE_QUARK(glance-library-error-quark, glance_library_error)
