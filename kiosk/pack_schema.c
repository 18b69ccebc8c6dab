/* The pack's schema in one place: the builder creates it, and validation of a pack from a
 * stick compares the pack's own schema with the one this function creates (content/SCHEMA.md
 * says why each table is as it is). */
#include <sqlite3.h>

#include "pack.h"
#include "pack_private.h"

static const char SCHEMA_SQL[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE languages(code TEXT PRIMARY KEY, position INTEGER NOT NULL, native_name TEXT NOT NULL,"
    " direction TEXT NOT NULL CHECK(direction IN ('ltr','rtl')), script TEXT NOT NULL, digits TEXT NOT NULL)"
    " WITHOUT ROWID;"
    "CREATE TABLE pages(code TEXT PRIMARY KEY, parent TEXT, position INTEGER NOT NULL, icon TEXT NOT NULL,"
    " kind TEXT NOT NULL, office TEXT) WITHOUT ROWID;"
    "CREATE TABLE offices(id TEXT PRIMARY KEY, name TEXT NOT NULL, address TEXT NOT NULL, phones TEXT NOT NULL,"
    " email TEXT NOT NULL, web TEXT NOT NULL, step_free TEXT NOT NULL, appointment TEXT NOT NULL,"
    " closed_until TEXT NOT NULL, example INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE office_hours(office TEXT NOT NULL, day INTEGER NOT NULL, open INTEGER NOT NULL,"
    " close INTEGER NOT NULL, PRIMARY KEY(office, day, open)) WITHOUT ROWID;"
    "CREATE TABLE office_holidays(office TEXT NOT NULL, date TEXT NOT NULL, PRIMARY KEY(office, date))"
    " WITHOUT ROWID;"
    /* A rowid table: a row holds up to a page (4 KB) before it spills, where a WITHOUT ROWID
     * row spilled past 1 KB. Ids run in (language, page code) order, so one language's texts
     * are one range of ids; the body comes last, so reading a title never reads it. */
    "CREATE TABLE texts(id INTEGER PRIMARY KEY, page TEXT NOT NULL, lang TEXT NOT NULL, title TEXT NOT NULL,"
    " summary TEXT NOT NULL, tile_title TEXT, review TEXT NOT NULL, source_version INTEGER NOT NULL,"
    " audio TEXT, body TEXT NOT NULL, UNIQUE(lang, page));"
    "CREATE TABLE assets(hash TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, data BLOB NOT NULL)"
    " WITHOUT ROWID;"
    /* Contentless (the words are in texts already): a row's rowid is its text's id. Prefix
     * indexes of one and two letters answer a short last word without merging every word
     * it begins. */
    "CREATE VIRTUAL TABLE search USING fts5(title, body, content='', prefix='1 2',"
    " tokenize='unicode61 remove_diacritics 2');"
    /* Words so common that ranking all their pages would take longer than a keystroke may:
     * the pages a search for them shows, ranked when the pack was built. */
    "CREATE TABLE common_prefixes(lang TEXT NOT NULL, prefix TEXT NOT NULL, hits INTEGER NOT NULL,"
    " found TEXT NOT NULL, PRIMARY KEY(lang, prefix)) WITHOUT ROWID;"
    /* Every word of a language's texts as the index holds it, and in how many of them: where
     * a search that finds nothing looks for the words the visitor may have meant. */
    "CREATE TABLE vocabulary(lang TEXT NOT NULL, term TEXT NOT NULL, docs INTEGER NOT NULL,"
    " PRIMARY KEY(lang, term)) WITHOUT ROWID;"
    /* Staff's synonyms.txt, normalized: typing `synonym` finds the texts with `word`. */
    "CREATE TABLE synonyms(lang TEXT NOT NULL, synonym TEXT NOT NULL, word TEXT NOT NULL,"
    " PRIMARY KEY(lang, synonym, word)) WITHOUT ROWID;";

bool pack_schema_create(sqlite3 *db, const pack_language *languages, int language_count)
{
    return sqlite3_exec(db, SCHEMA_SQL, NULL, NULL, NULL) == SQLITE_OK;
}
