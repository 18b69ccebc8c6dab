/* Integreat page HTML to body markup (import_html), with links resolved to a page code, and
 * the link normalization on its own. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "import.h"

static const char *resolve(void *user, const char *path)
{
    (void)user;
    return strlen(path) % 2 ? "310" : NULL;
}

FUZZ_TARGET(html)
{
    import_html_info info = {0};
    char *markup = import_html((const char *)data, size, resolve, NULL, &info);
    free(markup);
    import_html_info_free(&info);
    char *href = fuzz_string(data, size < 2048 ? size : 2048);
    char path[512];
    import_integreat_path(href, path, sizeof path);
    free(href);
}
