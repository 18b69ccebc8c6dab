/* wegweiser-pack: the staff tool. Builds content packs from content sources, shows what is
 * in them, signs and verifies them, and shows what the text engine does with a paragraph. */
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sys/stat.h>

#include "check.h"
#include "fetch.h"
#include "handout.h"
#include "import.h"
#include "pack.h"
#include "paths.h"
#include "po.h"
#include "publish.h"
#include "sign.h"
#include "stats.h"
#include "text.h"
#include "update.h"
#include "verify.h"

static const char USAGE[] =
    "usage: wegweiser-pack VERB [options]\n"
    "  build SRC -o PACK     build a content pack from content/<region>/ sources\n"
    "  check SRC|PACK        every problem in content sources (file:line) or a pack, and a table\n"
    "                        of translations per language\n"
    "  info PACK             what is inside a pack, per language\n"
    "  diff OLD NEW          pages added, changed and removed per language between two packs\n"
    "  keygen -p PUBKEY -s SECKEY [-f]\n"
    "                        make a key pair for signing packs (minisign format)\n"
    "  sign PACK --key SECKEY [--comment TEXT]\n"
    "                        write PACK.minisig, a signature kiosks check before using the pack\n"
    "  publish PACK --key SECKEY -o DIR [--expires-days N]\n"
    "                        the pack, its signature and a signed index.json for a web server\n"
    "  fleet DIR             the status reports kiosks write with report_url=, as one table\n"
    "  verify PACK --pubkey PUBKEY\n"
    "                        every check a kiosk makes on PACK and PACK.minisig\n"
    "  import-integreat --name NAME -o DIR EXPORT.json...   content sources from Integreat exports\n"
    "  stats STICK_OR_FILE... -o REPORT [--csv] [--pack PACK]\n"
    "                        the office's usage report from the figures kiosks wrote to sticks\n"
    "  po-export SRC --lang L -o L.po | --pot -o REGION.pot | --stats\n"
    "                        gettext PO files for translators (docs/translating.md)\n"
    "  po-import SRC L.po    a translated PO file back into the sources\n"
    "  recording-script SRC --lang L\n"
    "                        the pages still to record in L, as a speaker reads them\n"
    "  layout --lang CODE    lay out paragraphs from standard input, one per line, and print\n"
    "                        each visual line in visual order\n"
    "  handout PACK --lang CODE [--pages 310,903|--all] -o FILE.pdf\n"
    "                        A4 sheets of page codes for caseworkers and the lobby wall\n"
    "Each verb explains itself with --help.\n";

/* Prints the verb's help when it was asked for; the verb then returns 0. */
static bool help_asked(int argc, char **argv, const char *help)
{
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(help, stdout);
            return true;
        }
    return false;
}

static int cmd_build(int argc, char **argv)
{
    static const char help[] = "usage: wegweiser-pack build SRC -o PACK\n"
                               "Reads content sources (content/README.md) from SRC and writes the pack to PACK.\n"
                               "Refuses sources with errors and names the file and line of the first one.\n";
    if (help_asked(argc, argv, help))
        return 0;
    const char *src = NULL, *out = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc)
            out = argv[++i];
        else if (!src && argv[i][0] != '-')
            src = argv[i];
        else {
            fprintf(stderr, "wegweiser-pack build: unexpected '%s'\n%s", argv[i], help);
            return 2;
        }
    }
    if (!src || !out) {
        fputs(help, stderr);
        return 2;
    }
    err e;
    if (!pack_build(src, out, &e)) {
        fprintf(stderr, "wegweiser-pack build: %s\n", e.msg);
        return 1;
    }
    return 0;
}

static int cmd_info(int argc, char **argv)
{
    static const char help[] = "usage: wegweiser-pack info PACK\n"
                               "Prints the pack's region, version and, per language, how many pages it has.\n";
    if (help_asked(argc, argv, help))
        return 0;
    if (argc != 3) {
        fputs(help, stderr);
        return 2;
    }
    err e;
    pack *p = pack_open(argv[2], &e);
    if (!p) {
        fprintf(stderr, "wegweiser-pack info: %s\n", e.msg);
        return 1;
    }
    const pack_meta *m = pack_get_meta(p);
    printf("region: %s (%s)\nversion: %s\ncreated: %s\nschema: %d\nminimum firmware: %s\ndemo: %s\npages: %d\n",
           m->region, m->name, m->version, m->created, m->schema_version, m->min_firmware, m->demo ? "yes" : "no",
           pack_page_count(p));
    printf("%-6s %-16s %-4s %-5s %s\n", "lang", "name", "dir", "pages", "machine-drafted");
    for (int i = 0; i < pack_language_count(p); i++) {
        const pack_language *l = pack_language_at(p, i);
        int have = 0, machine = 0;
        pack_language_stats(p, l->code, &have, &machine);
        printf("%-6s %-16s %-4s %-5d %d\n", l->code, l->native_name, l->rtl ? "rtl" : "ltr", have, machine);
    }
    pack_close(p);
    return 0;
}

static int cmd_keygen(int argc, char **argv)
{
    static const char help[] =
        "usage: wegweiser-pack keygen -p PUBKEY -s SECKEY [-f]\n"
        "Makes a key pair for signing packs, in minisign's format: `minisign -S -s SECKEY` can sign\n"
        "with it and `minisign -V -p PUBKEY` can check. The secret key has no password: keep it on\n"
        "the signing PC only (the file is readable by its owner only). Existing files are kept\n"
        "unless -f is given.\n";
    if (help_asked(argc, argv, help))
        return 0;
    const char *pub = NULL, *sec = NULL;
    bool force = false;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "-p") && i + 1 < argc)
            pub = argv[++i];
        else if (!strcmp(argv[i], "-s") && i + 1 < argc)
            sec = argv[++i];
        else if (!strcmp(argv[i], "-f"))
            force = true;
        else {
            fprintf(stderr, "wegweiser-pack keygen: unexpected '%s'\n%s", argv[i], help);
            return 2;
        }
    }
    if (!pub || !sec) {
        fputs(help, stderr);
        return 2;
    }
    err e;
    sign_pubkey pk;
    if (!sign_keygen(pub, sec, force, &pk, &e)) {
        fprintf(stderr, "wegweiser-pack keygen: %s\n", e.msg);
        return 1;
    }
    char id[17];
    sign_key_id_hex(pk.key_id, id);
    printf("key id %s\nsecret key: %s (keep it secret: whoever has it can sign packs for your kiosks)\n"
           "public key: %s (copy it to the kiosks)\n", id, sec, pub);
    return 0;
}

/* The file the signature of `pack` lives in: PACK.minisig, as minisign names it. */
static bool sig_path_of(const char *pack_path, char *out, size_t size)
{
    return snprintf(out, size, "%s%s", pack_path, SIGN_SUFFIX) < (int)size;
}

/* Hashes the pack and writes its signature; the trusted comment names the pack it is for. */
static bool sign_pack(const char *pack_path, const sign_seckey *sk, const char *comment, const char *sig_path,
                      char *trusted, size_t trusted_size, err *e)
{
    pack *p = pack_open(pack_path, e);
    if (!p)
        return false;
    pack_meta meta = *pack_get_meta(p);
    pack_close(p);
    unsigned char hash[SIGN_HASH_BYTES];
    long long size;
    return sign_hash_file(pack_path, hash, &size, e) &&
           sign_pack_comment(&meta, size, comment, trusted, trusted_size, e) &&
           sign_write(sig_path, sk, hash, trusted, NULL, e);
}

static int cmd_sign(int argc, char **argv)
{
    static const char help[] =
        "usage: wegweiser-pack sign PACK --key SECKEY [--comment TEXT]\n"
        "Writes PACK.minisig: a minisign signature of the pack (Ed25519 over its BLAKE2b-512 hash)\n"
        "whose trusted comment names the pack's region, version, schema and size, for example\n"
        "  wegweiser region=kaiserslautern version=2026-11-22 schema=1 size=123456\n"
        "--comment adds ' comment=TEXT' to it (one line), signed as well. SECKEY is a key from\n"
        "'wegweiser-pack keygen' or 'minisign -G -W' (a key with a password: use 'minisign -S').\n";
    if (help_asked(argc, argv, help))
        return 0;
    const char *pack_path = NULL, *key = NULL, *comment = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--key") && i + 1 < argc)
            key = argv[++i];
        else if (!strcmp(argv[i], "--comment") && i + 1 < argc)
            comment = argv[++i];
        else if (!pack_path && argv[i][0] != '-')
            pack_path = argv[i];
        else {
            fprintf(stderr, "wegweiser-pack sign: unexpected '%s'\n%s", argv[i], help);
            return 2;
        }
    }
    char sig_path[4096], trusted[SIGN_TRUSTED_COMMENT_MAX];
    if (!pack_path || !key || !sig_path_of(pack_path, sig_path, sizeof sig_path)) {
        fputs(help, stderr);
        return 2;
    }
    err e;
    sign_seckey sk;
    if (!sign_seckey_load(key, &sk, &e)) {
        fprintf(stderr, "wegweiser-pack sign: %s\n", e.msg);
        return 1;
    }
    bool ok = sign_pack(pack_path, &sk, comment, sig_path, trusted, sizeof trusted, &e);
    sign_seckey_wipe(&sk);
    if (!ok) {
        fprintf(stderr, "wegweiser-pack sign: %s\n", e.msg);
        return 1;
    }
    printf("wrote %s\ntrusted comment: %s\n", sig_path, trusted);
    return 0;
}

static int cmd_publish(int argc, char **argv)
{
    static const char help[] =
        "usage: wegweiser-pack publish PACK --key SECKEY -o DIR [--expires-days N]\n"
        "Writes into DIR (any folder a web server serves as static files; docs/fleet.md):\n"
        "  REGION-VERSION.pack and its .minisig   the pack, signed as 'wegweiser-pack sign' does\n"
        "  index.json and index.json.minisig      region, version, file name, size, BLAKE2b hash and\n"
        "                                         expiry of the newest pack, signed with the same key\n"
        "Kiosks with update_url= pointing at DIR fetch the index, and the pack when it is newer.\n"
        "The index expires after N days (default 30): a kiosk that cannot get a fresh one says so\n"
        "on its staff overlay, so publish again (the same pack will do) before that day.\n";
    if (help_asked(argc, argv, help))
        return 0;
    const char *pack_path = NULL, *key = NULL, *dir = NULL;
    int days = PUBLISH_EXPIRES_DAYS_DEFAULT;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--key") && i + 1 < argc)
            key = argv[++i];
        else if (!strcmp(argv[i], "-o") && i + 1 < argc)
            dir = argv[++i];
        else if (!strcmp(argv[i], "--expires-days") && i + 1 < argc) {
            char *end;
            long d = strtol(argv[++i], &end, 10);
            if (*end || d < 1 || d > PUBLISH_EXPIRES_DAYS_MAX) {
                fprintf(stderr, "wegweiser-pack publish: --expires-days wants 1 to %d, not '%s'\n",
                        PUBLISH_EXPIRES_DAYS_MAX, argv[i]);
                return 2;
            }
            days = (int)d;
        } else if (!pack_path && argv[i][0] != '-')
            pack_path = argv[i];
        else {
            fprintf(stderr, "wegweiser-pack publish: unexpected '%s'\n%s", argv[i], help);
            return 2;
        }
    }
    if (!pack_path || !key || !dir) {
        fputs(help, stderr);
        return 2;
    }
    err e;
    sign_seckey sk;
    if (!sign_seckey_load(key, &sk, &e)) {
        fprintf(stderr, "wegweiser-pack publish: %s\n", e.msg);
        return 1;
    }
    publish_result r;
    bool ok = publish_pack(pack_path, &sk, dir, days, time(NULL), &r, &e);
    sign_seckey_wipe(&sk);
    if (!ok) {
        fprintf(stderr, "wegweiser-pack publish: %s\n", e.msg);
        return 1;
    }
    printf("wrote %s (+ .minisig): %s %s, %lld bytes\nwrote %s (+ .minisig): expires %s\n"
           "upload all four files (index.json last) to the folder kiosks poll\n",
           r.pack_path, r.region, r.version, r.size, r.index_path, r.expires);
    return 0;
}

/* The file name a kiosk would look at: `*.pack` in a stick's top folder, not hidden. */
static bool kiosk_would_see(const char *path)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t n = strlen(base);
    return base[0] != '.' && n > 5 && !strcasecmp(base + n - 5, ".pack");
}

static int cmd_verify(int argc, char **argv)
{
    static const char help[] =
        "usage: wegweiser-pack verify PACK --pubkey PUBKEY [--pubkey PUBKEY...]\n"
        "Runs on PACK every check a kiosk runs on a pack from a USB stick, with the kiosk's own code:\n"
        "the signature in PACK.minisig (by one of the public keys, from 'wegweiser-pack keygen' or\n"
        "minisign), its trusted comment against the pack (region, version, schema, size), the SQLite\n"
        "header, the whole schema against the one this version reads, SQLite's quick_check and the\n"
        "metadata. Then it says what only a kiosk can check: whether it trusts the key, shows the\n"
        "pack's region and has an older version installed. Exit status 0 only when every check passes.\n";
    if (help_asked(argc, argv, help))
        return 0;
    const char *pack_path = NULL, *pubs[UPDATE_KEYS_MAX];
    int pub_count = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--pubkey") && i + 1 < argc && pub_count < UPDATE_KEYS_MAX)
            pubs[pub_count++] = argv[++i];
        else if (!pack_path && argv[i][0] != '-')
            pack_path = argv[i];
        else {
            fprintf(stderr, "wegweiser-pack verify: unexpected '%s'\n%s", argv[i], help);
            return 2;
        }
    }
    char sig_path[4096];
    if (!pack_path || !pub_count || !sig_path_of(pack_path, sig_path, sizeof sig_path)) {
        fputs(help, stderr);
        return 2;
    }
    static sign_pubkey keys[UPDATE_KEYS_MAX];
    static char text[SIGN_SIG_FILE_MAX];
    static verify_claim claim;
    err e = {""};
    size_t n = 0;
    for (int i = 0; i < pub_count; i++)
        if (!sign_pubkey_load(pubs[i], &keys[i], &e)) {
            fprintf(stderr, "wegweiser-pack verify: %s\n", e.msg);
            return 1;
        }
    struct stat st;
    if (stat(pack_path, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "wegweiser-pack verify: %s is not a file\n", pack_path);
        return 1;
    }
    /* The kiosk's default limit; a kiosk started with a larger --max-size takes more. */
    if ((long long)st.st_size > UPDATE_MAX_PACK_BYTES_DEFAULT) {
        fprintf(stderr, "wegweiser-pack verify: %s: %lld bytes; kiosks refuse packs larger than %lld MiB unless "
                        "started with a larger --max-size\n", pack_path, (long long)st.st_size,
                UPDATE_MAX_PACK_BYTES_DEFAULT >> 20);
        return 1;
    }
    unsigned char hash[SIGN_HASH_BYTES], header[VERIFY_HEADER_BYTES];
    long long size = 0;
    pack *p = NULL;
    verify_status vs = VERIFY_UNREADABLE;
    if (sign_signature_read(sig_path, text, sizeof text, &n, &e))
        vs = verify_signature(text, n, keys, pub_count, (long long)st.st_size, &claim, &e);
    if (vs == VERIFY_OK) {
        if (!sign_hash_file_head(pack_path, hash, &size, header, sizeof header, &e))
            vs = VERIFY_UNREADABLE;
        else if (size != (long long)st.st_size)
            vs = VERIFY_UNREADABLE, err_set(&e, "it changed while it was read");
        else
            vs = verify_pack(&claim, &keys[claim.key], hash, header, size, pack_path, &p, &e);
    }
    if (vs != VERIFY_OK) {
        fprintf(stderr, "wegweiser-pack verify: %s: %s\n", pack_path, e.msg);
        return 1;
    }
    const pack_meta *m = pack_get_meta(p);
    printf("signature ok (key %s)\ntrusted comment: %s\n", claim.key_id, claim.sig.trusted_comment);
    printf("pack ok: %s, region %s, version %s, content schema %d, %d pages, %d languages, %lld bytes\n",
           m->name[0] ? m->name : m->region, m->region, m->version, m->schema_version, pack_page_count(p),
           pack_language_count(p), size);
    printf("Only a kiosk can check the rest; it installs the pack when\n"
           "  - it trusts key %s (a .pub file in its folder of trusted keys),\n"
           "  - it shows region %s, or has no pack installed yet,\n"
           "  - the version it has installed is older than %s (an older pack needs staff to confirm on the\n"
           "    kiosk's screen),\n"
           "  - the pack is at most its --max-size (default %lld MiB).\n",
           claim.key_id, m->region, m->version, UPDATE_MAX_PACK_BYTES_DEFAULT >> 20);
    if (!kiosk_would_see(pack_path))
        printf("Note: kiosks only look at files named *.pack in a stick's top folder: rename it, and its .minisig "
               "with it, before copying it onto a stick.\n");
    pack_close(p);
    return 0;
}

static void print_json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

/* A run's range in the input's code points: the isolates the engine added do not count. */
static void run_source(const text_layout *l, const text_run *r, int *start, int *end)
{
    *start = *end = -1;
    for (int i = r->start; i < r->end; i++)
        if (l->source[i] >= 0) {
            if (*start < 0)
                *start = l->source[i];
            *end = l->source[i] + 1;
        }
}

static int paragraph_number;

static void print_json_line(const text_layout *l, int line, const char *visual)
{
    const text_line *ln = &l->lines[line];
    printf("{\"paragraph\":%d,\"line\":%d,\"text\":", paragraph_number, line);
    print_json_string(visual);
    printf(",\"x\":%d,\"width\":%d,\"runs\":[", ln->x, ln->width);
    for (int r = ln->first_run; r < ln->first_run + ln->run_count; r++) {
        const text_run *run = &l->runs[r];
        int start, end;
        run_source(l, run, &start, &end);
        printf("%s{\"start\":%d,\"end\":%d,\"level\":%d,\"script\":\"%s\",\"font\":\"%s\",\"x\":%d,\"width\":%d}",
               r > ln->first_run ? "," : "", start, end, run->level, run->script, text_face_file(run->face, run->bold),
               run->x, run->width);
    }
    printf("]}\n");
}

static int cmd_layout(int argc, char **argv)
{
    static const char help[] =
        "usage: wegweiser-pack layout --lang CODE [--width PX] [--size PX] [--pack PACK] [--json]\n"
        "Reads paragraphs from standard input, one per line. For each it prints its visual lines,\n"
        "one output line each: the characters in visual order, left to right, as they stand in the\n"
        "input (no mirrored brackets, no presentation forms, no bidi controls), then an empty line.\n"
        "The paragraph direction comes from the language in the pack (default: the demo pack).\n"
        "With no --width a paragraph is one line. --json prints one object per visual line instead:\n"
        "{\"paragraph\", \"line\", \"text\" (visual order), \"x\", \"width\", \"runs\": [{\"start\", \"end\"\n"
        "(code points of the input paragraph), \"level\", \"script\", \"font\", \"x\", \"width\"}]}.\n";
    if (help_asked(argc, argv, help))
        return 0;
    const char *lang = NULL, *pack_path = NULL;
    int width = 0, size = 32;
    bool json = false;
    for (int i = 2; i < argc; i++) {
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (next && !strcmp(argv[i], "--lang"))
            lang = argv[++i];
        else if (next && !strcmp(argv[i], "--width"))
            width = atoi(argv[++i]);
        else if (next && !strcmp(argv[i], "--size"))
            size = atoi(argv[++i]);
        else if (next && !strcmp(argv[i], "--pack"))
            pack_path = argv[++i];
        else if (!strcmp(argv[i], "--json"))
            json = true;
        else {
            fprintf(stderr, "wegweiser-pack layout: unexpected '%s'\n%s", argv[i], help);
            return 2;
        }
    }
    if (!lang || width < 0 || size < 4 || size > 400) {
        fputs(help, stderr);
        return 2;
    }
    char assets[1024], demo[1024];
    paths_assets(assets, sizeof assets);
    paths_demo_pack(demo, sizeof demo);
    err e;
    text_dir dir = TEXT_DIR_AUTO;
    pack *p = pack_open(pack_path ? pack_path : demo, &e);
    if (p) {
        const pack_language *l = pack_language_find(p, lang);
        if (l)
            dir = l->rtl ? TEXT_DIR_RTL : TEXT_DIR_LTR;
        else
            fprintf(stderr, "wegweiser-pack layout: the pack has no language '%s'; direction from the text\n", lang);
        pack_close(p);
    } else if (pack_path) {
        fprintf(stderr, "wegweiser-pack layout: %s\n", e.msg);
        return 1;
    }
    text_fonts *fonts = text_fonts_open(assets, &e);
    if (!fonts) {
        fprintf(stderr, "wegweiser-pack layout: %s\n", e.msg);
        return 1;
    }
    text_style style = {size, false, dir, TEXT_ALIGN_START, 0};
    size_t cap = 1 << 16;
    char *line = malloc(cap), *out = malloc(cap * 2);
    int status = 0;
    while (line && out && fgets(line, (int)cap, stdin)) {
        line[strcspn(line, "\n")] = 0;
        text_layout *l = text_layout_new(fonts, line, NULL, 0, &style, width, &e);
        if (!l) {
            fprintf(stderr, "wegweiser-pack layout: %s\n", e.msg);
            status = 1;
            break;
        }
        for (int i = 0; i < l->line_count; i++) {
            text_line_visual(l, i, out, cap * 2);
            if (json)
                print_json_line(l, i, out);
            else
                printf("%s\n", out);
        }
        if (!json)
            printf("\n");
        text_layout_free(l);
        paragraph_number++;
    }
    free(line);
    free(out);
    text_fonts_close(fonts);
    TTF_Quit();
    return status;
}

static int cmd_diff(int argc, char **argv)
{
    static const char help[] = "usage: wegweiser-pack diff OLD.pack NEW.pack\n"
                               "Shows what carrying NEW to the kiosks changes: per language the pages added (+),\n"
                               "changed (~) and removed (-), and offices whose details or hours changed.\n"
                               "Exit status 0 when the packs could be compared.\n";
    if (help_asked(argc, argv, help))
        return 0;
    if (argc != 4) {
        fputs(help, stderr);
        return 2;
    }
    err e;
    pack *old = pack_open(argv[2], &e);
    if (!old) {
        fprintf(stderr, "wegweiser-pack diff: %s\n", e.msg);
        return 1;
    }
    pack *new = pack_open(argv[3], &e);
    if (!new) {
        fprintf(stderr, "wegweiser-pack diff: %s\n", e.msg);
        pack_close(old);
        return 1;
    }
    pack_diff(old, new, stdout);
    pack_close(old);
    pack_close(new);
    return 0;
}

static int cmd_check(int argc, char **argv)
{
    static const char help[] =
        "usage: wegweiser-pack check SRC|PACK\n"
        "For content sources (a folder): lists every error and warning with its file and line (codes,\n"
        "parents and cycles of parents, links, keys, UTF-8, fields and texts over the limits of\n"
        "content/SCHEMA.md, invisible direction controls, missing, outdated and machine-drafted\n"
        "translations, characters no bundled font covers, titles too long for a tile at 800x480,\n"
        "unknown icons), then a table\n"
        "per language, and one of translation units (titles, headings, list items, paragraphs:\n"
        "translated, reviewed, machine-drafted, outdated, missing, words to do; docs/translating.md).\n"
        "For a pack (a file): checks it opens as a valid pack, that every text keeps the\n"
        "limits a kiosk has (content/SCHEMA.md), and prints the table.\n"
        "Exit status 0 when there is no error (warnings allowed), 1 when there is one.\n";
    if (help_asked(argc, argv, help))
        return 0;
    if (argc != 3) {
        fputs(help, stderr);
        return 2;
    }
    struct stat st;
    if (stat(argv[2], &st) != 0) {
        fprintf(stderr, "wegweiser-pack check: %s does not exist\n", argv[2]);
        return 2;
    }
    char assets[1024];
    paths_assets(assets, sizeof assets);
    err e;
    if (!S_ISDIR(st.st_mode)) {
        pack *p = pack_open(argv[2], &e);
        if (!p) {
            printf("error: %s\n", e.msg);
            return 1;
        }
        pack_report r = {0};
        bool ok = pack_check_texts(p, &r);
        r.lang_count = pack_translation_stats(p, r.langs, PACK_LANGUAGES_MAX);
        check_print(&r, stdout);
        pack_report_free(&r);
        pack_close(p);
        return ok ? 0 : 1;
    }
    text_fonts *fonts = text_fonts_open(assets, &e);
    if (!fonts) {
        fprintf(stderr, "wegweiser-pack check: %s\n", e.msg);
        return 1;
    }
    pack_report r = {0};
    bool ok = check_sources(argv[2], fonts, &r);
    check_print(&r, stdout);
    if (ok) {
        po_stats units[PACK_LANGUAGES_MAX];
        int n = po_stats_all(argv[2], units, PACK_LANGUAGES_MAX, &e);
        if (n >= 0)
            po_stats_print(units, n, stdout);
    }
    pack_report_free(&r);
    text_fonts_close(fonts);
    TTF_Quit();
    return ok ? 0 : 1;
}

static int cmd_handout(int argc, char **argv)
{
    static const char help[] =
        "usage: wegweiser-pack handout PACK --lang CODE [--pages 310,903|--all] -o FILE.pdf\n"
        "Writes A4 sheets in the language CODE as a PDF, for a caseworker's desk and the lobby wall.\n"
        "First an index of every page code of the pack: the code in the language's digits (Western\n"
        "digits beside them where those differ, as for Dari), the page's icon and its title in the\n"
        "language and in the pack's source language. Then, for each page of --pages (codes separated\n"
        "by commas, in that order) or every page with --all, a sheet of its own: the code large, the\n"
        "icon, both titles, the summary and, for an office, its address, phones, e-mail, web address,\n"
        "opening hours and the QR code the kiosk's office card shows. Without --pages or --all only\n"
        "the index is written. Text uses the kiosk's fonts (assets/fonts) whatever the PC has; the\n"
        "same pack gives the same file.\n"
        "Example: wegweiser-pack handout build/demo.pack --lang prs --pages 903,310 -o handout-prs.pdf\n";
    if (help_asked(argc, argv, help))
        return 0;
    const char *pack_path = NULL, *lang = NULL, *out = NULL, *list = NULL;
    bool all = false;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(argv[i], "--lang") && i + 1 < argc)
            lang = argv[++i];
        else if (!strcmp(argv[i], "--pages") && i + 1 < argc)
            list = argv[++i];
        else if (!strcmp(argv[i], "--all"))
            all = true;
        else if (!pack_path && argv[i][0] != '-')
            pack_path = argv[i];
        else {
            fprintf(stderr, "wegweiser-pack handout: unexpected '%s'\n%s", argv[i], help);
            return 2;
        }
    }
    if (!pack_path || !lang || !out || (all && list)) {
        if (all && list)
            fputs("wegweiser-pack handout: --pages and --all exclude each other\n", stderr);
        fputs(help, stderr);
        return 2;
    }
    /* "310,903" → codes; empty pieces (a trailing comma) are skipped. */
    char codes[PACK_PAGES_MAX > 256 ? 256 : PACK_PAGES_MAX][PACK_CODE_MAX];
    const char *pages[sizeof codes / sizeof *codes];
    int count = 0;
    for (const char *p = list; p && *p;) {
        size_t n = strcspn(p, ",");
        if (n >= PACK_CODE_MAX) {
            fprintf(stderr, "wegweiser-pack handout: '%.*s' is not a page code\n", (int)n, p);
            return 2;
        }
        if (n && count == (int)(sizeof codes / sizeof *codes)) {
            fprintf(stderr, "wegweiser-pack handout: more than %d pages; use --all\n", count);
            return 2;
        }
        if (n) {
            memcpy(codes[count], p, n);
            codes[count][n] = 0;
            pages[count] = codes[count];
            count++;
        }
        p += n + (p[n] == ',');
    }
    char assets[1024], locale[1024];
    paths_assets(assets, sizeof assets);
    paths_locale(locale, sizeof locale);
    err e;
    pack *p = pack_open(pack_path, &e);
    if (!p) {
        fprintf(stderr, "wegweiser-pack handout: %s\n", e.msg);
        return 1;
    }
    handout_opts opts = {lang, pages, count, all, assets, locale};
    int written = handout_write(p, &opts, out, &e);
    pack_close(p);
    TTF_Quit();
    if (written < 0) {
        fprintf(stderr, "wegweiser-pack handout: %s\n", e.msg);
        return 1;
    }
    printf("%s: %d A4 pages\n", out, written);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(USAGE, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "build"))
        return cmd_build(argc, argv);
    if (!strcmp(argv[1], "info"))
        return cmd_info(argc, argv);
    if (!strcmp(argv[1], "check"))
        return cmd_check(argc, argv);
    if (!strcmp(argv[1], "diff"))
        return cmd_diff(argc, argv);
    if (!strcmp(argv[1], "keygen"))
        return cmd_keygen(argc, argv);
    if (!strcmp(argv[1], "sign"))
        return cmd_sign(argc, argv);
    if (!strcmp(argv[1], "publish"))
        return cmd_publish(argc, argv);
    if (!strcmp(argv[1], "fleet"))
        return fetch_fleet_main(argc, argv);
    if (!strcmp(argv[1], "verify"))
        return cmd_verify(argc, argv);
    if (!strcmp(argv[1], "import-integreat"))
        return import_main(argc, argv);
    if (!strcmp(argv[1], "po-export"))
        return po_export_main(argc, argv);
    if (!strcmp(argv[1], "po-import"))
        return po_import_main(argc, argv);
    if (!strcmp(argv[1], "recording-script"))
        return po_script_main(argc, argv);
    if (!strcmp(argv[1], "layout"))
        return cmd_layout(argc, argv);
    if (!strcmp(argv[1], "handout"))
        return cmd_handout(argc, argv);
    if (!strcmp(argv[1], "stats"))
        return stats_main(argc, argv);
    fprintf(stderr, "wegweiser-pack: unknown verb '%s'\n%s", argv[1], USAGE);
    return 2;
}
