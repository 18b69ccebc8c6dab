/* Internals shared by the pack module's files; not for other modules. */
#ifndef WW_PACK_PRIVATE_H
#define WW_PACK_PRIVATE_H

#include <sqlite3.h>
#include <stddef.h>

#include "pack.h"

sqlite3 *pack_db(pack *p);
/* The words of a body for the search index: link targets and markup signs removed. */
void pack_index_words(const char *body, char *out, size_t size);

#endif
