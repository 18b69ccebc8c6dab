/* The update's result in words: one sentence per reason in English and German saying what is
 * wrong and what to do, the headline of the whole result, and the receipt line on the stick. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "update_private.h"

#define RECEIPT_PREFIX "wegweiser-receipt-"
#define RECEIPT_MAX (256 * 1024) /* a receipt this long is not appended to: years of updates */

static const char *const REASON_NAMES[UPDATE_REASON_COUNT] = {
    [UPDATE_OK] = "installed",
    [UPDATE_NO_STICK] = "no-stick",
    [UPDATE_NO_PACK] = "no-pack",
    [UPDATE_SYMLINK] = "symlink",
    [UPDATE_NOT_A_FILE] = "not-a-file",
    [UPDATE_TOO_LARGE] = "too-large",
    [UPDATE_NO_SIGNATURE] = "no-signature",
    [UPDATE_BAD_SIGNATURE] = "bad-signature",
    [UPDATE_UNKNOWN_KEY] = "wrong-key",
    [UPDATE_OTHER_REGION] = "other-region",
    [UPDATE_SCHEMA_NEWER] = "schema-newer",
    [UPDATE_SCHEMA_OLDER] = "schema-older",
    [UPDATE_OLDER] = "older",
    [UPDATE_SAME] = "already-installed",
    [UPDATE_TRUNCATED] = "truncated",
    [UPDATE_TAMPERED] = "damaged",
    [UPDATE_NOT_A_PACK] = "not-a-pack",
    [UPDATE_CORRUPT] = "corrupt",
    [UPDATE_STICK_REMOVED] = "stick-removed",
    [UPDATE_STICK_ERROR] = "stick-error",
    [UPDATE_DISK_FULL] = "disk-full",
    [UPDATE_DISK_ERROR] = "disk-error",
    [UPDATE_NO_KEYS] = "no-keys",
    [UPDATE_BUSY] = "busy",
    [UPDATE_CHANGED] = "changed",
    [UPDATE_LEGACY_SIGNATURE] = "legacy-signature",
    [UPDATE_MISMATCH] = "signature-mismatch",
    [UPDATE_UNREADABLE] = "unreadable",
    [UPDATE_SCHEMA_DIFFERS] = "schema-differs",
    [UPDATE_INVALID] = "invalid",
    [UPDATE_NO_MEMORY] = "no-memory",
};

const char *update_reason_name(update_reason r)
{
    return r >= 0 && r < UPDATE_REASON_COUNT && REASON_NAMES[r] ? REASON_NAMES[r] : "unknown";
}

/* One sentence per reason, in English and German, saying what is wrong and what to do. */
static void reason_sentences(ctx *c, update_reason why, const cand *k, char *en, char *de, size_t size)
{
    const char *f = k ? k->shown : "";
    char mine[200] = "";
    if (c->shown && !strcmp(c->shown->ptr.region, c->region))
        snprintf(mine, sizeof mine, "%s (%s)", c->shown->ptr.name, c->region);
    else
        snprintf(mine, sizeof mine, "%s", c->region);
    switch (why) {
    case UPDATE_OK:
        en[0] = de[0] = 0;
        break;
    case UPDATE_NO_STICK:
        snprintf(en, size, "The stick could not be read.");
        snprintf(de, size, "Der Stick konnte nicht gelesen werden.");
        break;
    case UPDATE_NO_PACK:
        snprintf(en, size, "There is no content pack on the stick (a file ending in .pack).");
        snprintf(de, size, "Auf dem Stick ist kein Inhaltspaket (eine Datei mit der Endung .pack).");
        break;
    case UPDATE_SYMLINK:
        snprintf(en, size, "%s on the stick is only a link to another file; the kiosk reads only real files. "
                           "Copy the pack itself and its .minisig onto the stick.", f);
        snprintf(de, size, "%s auf dem Stick ist nur eine Verknüpfung auf eine andere Datei; der Kiosk liest nur "
                           "echte Dateien. Kopieren Sie das Paket selbst und seine .minisig-Datei auf den Stick.", f);
        break;
    case UPDATE_NOT_A_FILE:
        snprintf(en, size, "%s on the stick is a folder or a special file, not a content pack.", f);
        snprintf(de, size, "%s auf dem Stick ist ein Ordner oder eine Sonderdatei, kein Inhaltspaket.", f);
        break;
    case UPDATE_TOO_LARGE: {
        char limit[48];
        if (c->max_bytes % (1 << 20) == 0)
            snprintf(limit, sizeof limit, "%lld MiB", c->max_bytes >> 20);
        else
            snprintf(limit, sizeof limit, "%lld bytes", c->max_bytes);
        snprintf(en, size, "%s is too large for a content pack (more than %s).", f, limit);
        snprintf(de, size, "%s ist zu groß für ein Inhaltspaket (mehr als %s).", f, limit);
        if (c->max_bytes % (1 << 20))
            snprintf(de, size, "%s ist zu groß für ein Inhaltspaket (mehr als %lld Bytes).", f, c->max_bytes);
        break;
    }
    case UPDATE_NO_SIGNATURE:
        snprintf(en, size, "%s has no signature: %s" SIGN_SUFFIX " is missing. Copy the .minisig file onto the "
                           "stick as well.", f, f);
        snprintf(de, size, "%s hat keine Signatur: %s" SIGN_SUFFIX " fehlt. Kopieren Sie die .minisig-Datei mit "
                           "auf den Stick.", f, f);
        break;
    case UPDATE_BAD_SIGNATURE:
        snprintf(en, size, "The signature %s" SIGN_SUFFIX " is damaged or not a signature. Copy it again, or sign "
                           "the pack again.", f);
        snprintf(de, size, "Die Signatur %s" SIGN_SUFFIX " ist beschädigt oder keine Signatur. Kopieren Sie sie "
                           "erneut oder signieren Sie das Paket neu.", f);
        break;
    case UPDATE_UNKNOWN_KEY:
        snprintf(en, size, "%s is signed with a key this kiosk does not trust (key %s). Sign it with your "
                           "office's key.", f, k ? k->claim.key_id : "");
        snprintf(de, size, "%s ist mit einem Schlüssel signiert, dem dieser Kiosk nicht vertraut (Schlüssel %s). "
                           "Signieren Sie es mit dem Schlüssel Ihres Amtes.", f, k ? k->claim.key_id : "");
        break;
    case UPDATE_OTHER_REGION:
        snprintf(en, size, "%s is for another region (%s); this kiosk shows %s.", f, k ? k->region : "", mine);
        snprintf(de, size, "%s ist für eine andere Region (%s); dieser Kiosk zeigt %s.", f, k ? k->region : "", mine);
        break;
    case UPDATE_SCHEMA_NEWER:
        snprintf(en, size, "%s needs newer kiosk software (its content format is newer than format %d, which "
                           "this kiosk reads). Update the kiosk software first.", f, PACK_SCHEMA_VERSION);
        snprintf(de, size, "%s braucht eine neuere Kiosk-Software (sein Inhaltsformat ist neuer als Format %d, "
                           "das dieser Kiosk liest). Aktualisieren Sie zuerst die Kiosk-Software.", f,
                 PACK_SCHEMA_VERSION);
        break;
    case UPDATE_SCHEMA_OLDER:
        snprintf(en, size, "%s is in an old content format. Build it again with the current wegweiser-pack.", f);
        snprintf(de, size, "%s hat ein altes Inhaltsformat. Erstellen Sie es mit dem aktuellen wegweiser-pack neu.", f);
        break;
    case UPDATE_OLDER:
        snprintf(en, size, "%s is version %s, older than the installed version %s.", f, k ? k->version : "",
                 c->shown ? c->shown->ptr.version : "");
        snprintf(de, size, "%s ist Version %s, älter als die installierte Version %s.", f, k ? k->version : "",
                 c->shown ? c->shown->ptr.version : "");
        break;
    case UPDATE_SAME:
        snprintf(en, size, "Version %s is already installed.", k ? k->version : "");
        snprintf(de, size, "Version %s ist bereits installiert.", k ? k->version : "");
        break;
    case UPDATE_TRUNCATED: {
        bool shorter = k && k->size < k->claim.size;
        snprintf(en, size, "%s is incomplete or too long (%lld bytes, the signed pack has %lld): %s. Copy it again.",
                 f, k ? k->size : 0, k ? k->claim.size : 0,
                 shorter ? "it was cut short while copying" : "something was added to it after signing");
        snprintf(de, size, "%s ist unvollständig oder zu lang (%lld Bytes, das signierte Paket hat %lld): %s. "
                           "Kopieren Sie es erneut.", f, k ? k->size : 0, k ? k->claim.size : 0,
                 shorter ? "es wurde beim Kopieren abgeschnitten" : "nach dem Signieren wurde etwas angehängt");
        break;
    }
    case UPDATE_TAMPERED:
        snprintf(en, size, "%s does not match its signature: it was changed after signing or is damaged. Copy it "
                           "again from the original.", f);
        snprintf(de, size, "%s passt nicht zu seiner Signatur: es wurde nach dem Signieren verändert oder ist "
                           "beschädigt. Kopieren Sie es erneut vom Original.", f);
        break;
    case UPDATE_NOT_A_PACK:
        snprintf(en, size, "%s is signed, but it is not a Wegweiser content pack.", f);
        snprintf(de, size, "%s ist signiert, aber kein Wegweiser-Inhaltspaket.", f);
        break;
    case UPDATE_SCHEMA_DIFFERS:
        snprintf(en, size, "%s is signed, but its tables are not the ones this kiosk reads: it was changed after it "
                           "was built, or built by another program. Build it again with wegweiser-pack and sign it "
                           "again.", f);
        snprintf(de, size, "%s ist signiert, aber seine Tabellen sind nicht die, die dieser Kiosk liest: es wurde "
                           "nach dem Erstellen verändert oder mit einem anderen Programm erstellt. Erstellen Sie es "
                           "mit wegweiser-pack neu und signieren Sie es neu.", f);
        break;
    case UPDATE_INVALID:
        snprintf(en, size, "%s is signed, but it breaks the rules of a content pack. Build it again with "
                           "wegweiser-pack and sign it again.", f);
        snprintf(de, size, "%s ist signiert, verstößt aber gegen die Regeln eines Inhaltspakets. Erstellen Sie es mit "
                           "wegweiser-pack neu und signieren Sie es neu.", f);
        break;
    case UPDATE_UNREADABLE:
        snprintf(en, size, "%s could not be read completely, or it changed while it was read. The stick itself can "
                           "be read: copy the pack and its .minisig onto it again, or use another stick.", f);
        snprintf(de, size, "%s konnte nicht vollständig gelesen werden oder hat sich beim Lesen verändert. Der Stick "
                           "selbst ist lesbar: Kopieren Sie das Paket und seine .minisig-Datei erneut darauf oder "
                           "nehmen Sie einen anderen Stick.", f);
        break;
    case UPDATE_NO_MEMORY:
        snprintf(en, size, "The kiosk ran out of memory. Restart it and try again; if that happens again, call "
                           "technical support.");
        snprintf(de, size, "Der Kiosk hat keinen Arbeitsspeicher mehr frei. Starten Sie ihn neu und versuchen Sie es "
                           "noch einmal; passiert das wieder, rufen Sie den technischen Support.");
        break;
    case UPDATE_CORRUPT:
        snprintf(en, size, "%s is signed, but its contents are damaged. Build and sign it again.", f);
        snprintf(de, size, "%s ist signiert, aber sein Inhalt ist beschädigt. Erstellen und signieren Sie es neu.", f);
        break;
    case UPDATE_STICK_REMOVED:
        snprintf(en, size, "The stick was removed before the update was finished.");
        snprintf(de, size, "Der Stick wurde abgezogen, bevor die Aktualisierung fertig war.");
        break;
    case UPDATE_STICK_ERROR:
        snprintf(en, size, "The stick could not be read; it may be damaged. Try another stick.");
        snprintf(de, size, "Der Stick konnte nicht gelesen werden; vielleicht ist er beschädigt. Versuchen Sie "
                           "einen anderen Stick.");
        break;
    case UPDATE_DISK_FULL:
        snprintf(en, size, "The kiosk's storage is full. Call technical support.");
        snprintf(de, size, "Der Speicher des Kiosks ist voll. Rufen Sie den technischen Support.");
        break;
    case UPDATE_DISK_ERROR:
        snprintf(en, size, "The kiosk's storage reported an error. Call technical support.");
        snprintf(de, size, "Der Speicher des Kiosks meldet einen Fehler. Rufen Sie den technischen Support.");
        break;
    case UPDATE_NO_KEYS:
        snprintf(en, size, "This kiosk has no trusted key to check packs with. Call technical support.");
        snprintf(de, size, "Dieser Kiosk hat keinen vertrauenswürdigen Schlüssel, um Pakete zu prüfen. Rufen Sie "
                           "den technischen Support.");
        break;
    case UPDATE_BUSY:
        snprintf(en, size, "Another update is running. Wait until it has finished.");
        snprintf(de, size, "Eine andere Aktualisierung läuft gerade. Warten Sie, bis sie fertig ist.");
        break;
    case UPDATE_CHANGED:
        snprintf(en, size, "The pack on the stick is no longer the one you confirmed: the stick changed. Take it "
                           "out and check it on the staff PC.");
        snprintf(de, size, "Das Paket auf dem Stick ist nicht mehr das bestätigte: Der Stick hat sich verändert. "
                           "Ziehen Sie ihn ab und prüfen Sie ihn am Büro-PC.");
        break;
    case UPDATE_LEGACY_SIGNATURE:
        snprintf(en, size, "The signature %s" SIGN_SUFFIX " is in minisign's old format, which signs the whole file; "
                           "this kiosk accepts only the current (prehashed) format. Sign the pack again with "
                           "wegweiser-pack sign or minisign -S (version 0.11 or later, without -l).", f);
        snprintf(de, size, "Die Signatur %s" SIGN_SUFFIX " hat das alte minisign-Format, das die ganze Datei "
                           "signiert; dieser Kiosk nimmt nur das aktuelle Format (mit Prüfsumme). Signieren Sie das "
                           "Paket neu mit wegweiser-pack sign oder minisign -S (ab Version 0.11, ohne -l).", f);
        break;
    case UPDATE_MISMATCH:
        snprintf(en, size, "%s is signed, but its signature describes another pack (region, version, size or "
                           "format differ from the pack itself). Sign the pack again with wegweiser-pack sign.", f);
        snprintf(de, size, "%s ist signiert, aber die Signatur beschreibt ein anderes Paket (Region, Version, Größe "
                           "oder Format weichen vom Paket selbst ab). Signieren Sie das Paket neu mit "
                           "wegweiser-pack sign.", f);
        break;
    case UPDATE_REASON_COUNT:
        en[0] = de[0] = 0;
        break;
    }
}

void update_say(ctx *c, update_reason why, const cand *k)
{
    update_result *r = c->r;
    r->reason = why;
    if (k)
        snprintf(r->file, sizeof r->file, "%s", k->shown);
    if (why == UPDATE_OK && c->o->downgrade_hash) {
        snprintf(r->en, sizeof r->en, "Older version installed: %s %s instead of %s: %d pages, %d languages. You can "
                                      "remove the stick.", r->new_name, r->new_version, r->old_version, r->pages, r->languages);
        snprintf(r->de, sizeof r->de, "Ältere Version installiert: %s %s statt %s: %d Seiten, %d Sprachen. Sie können "
                                      "den Stick jetzt abziehen.", r->new_name, r->new_version, r->old_version, r->pages,
                 r->languages);
        return;
    }
    if (why == UPDATE_OK) {
        if (r->old_version[0])
            snprintf(r->en, sizeof r->en, "Updated %s from %s to %s: %d pages, %d languages. You can remove the stick.",
                     r->new_name, r->old_version, r->new_version, r->pages, r->languages);
        else
            snprintf(r->en, sizeof r->en, "Installed %s %s: %d pages, %d languages. You can remove the stick.",
                     r->new_name, r->new_version, r->pages, r->languages);
        if (r->old_version[0])
            snprintf(r->de, sizeof r->de, "Aktualisiert: %s von %s auf %s: %d Seiten, %d Sprachen. Sie können den Stick "
                                          "jetzt abziehen.", r->new_name, r->old_version, r->new_version, r->pages,
                     r->languages);
        else
            snprintf(r->de, sizeof r->de, "Installiert: %s %s: %d Seiten, %d Sprachen. Sie können den Stick jetzt "
                                          "abziehen.", r->new_name, r->new_version, r->pages, r->languages);
        return;
    }
    char en[600], de[600], still_en[300], still_de[300];
    reason_sentences(c, why, k, en, de, sizeof en);
    if (r->downgrade_offered) {
        snprintf(r->en, sizeof r->en, "%s It is signed with a trusted key and passed every check. Install the older "
                                      "version anyway?", en);
        snprintf(r->de, sizeof r->de, "%s Es ist mit einem vertrauenswürdigen Schlüssel signiert und hat alle Prüfungen "
                                      "bestanden. Die ältere Version trotzdem installieren?", de);
        return;
    }
    if (c->shown) {
        snprintf(still_en, sizeof still_en, "Nothing was changed: the kiosk still shows %s %s.", c->shown->ptr.name,
                 c->shown->ptr.version);
        snprintf(still_de, sizeof still_de, "Es wurde nichts geändert: Der Kiosk zeigt weiter %s %s.",
                 c->shown->ptr.name, c->shown->ptr.version);
    } else {
        snprintf(still_en, sizeof still_en, "Nothing was changed.");
        snprintf(still_de, sizeof still_de, "Es wurde nichts geändert.");
    }
    bool removed = why == UPDATE_STICK_REMOVED;
    snprintf(r->en, sizeof r->en, "Not updated. %s %s %s", en, still_en,
             removed ? "Put the stick back in to try again." : "You can remove the stick.");
    snprintf(r->de, sizeof r->de, "Nicht aktualisiert. %s %s %s", de, still_de,
             removed ? "Stecken Sie den Stick wieder ein, um es noch einmal zu versuchen."
                     : "Sie können den Stick abziehen.");
}

/* Appends `data` to <stick_dir>/<prefix><kiosk>.<ext>, saying in `said` what was done, as
 * "<what> written to PATH" or "no <what>: why". O_NOFOLLOW: a link named like the file must not
 * lead the write elsewhere; O_NONBLOCK: a FIFO named like it must not hang the kiosk. Both, a
 * hard link and anything else but a plain file of its own, get nothing. */
static bool append_to_stick(const update_io *io, const char *stick_dir, const char *prefix, const char *kiosk_id,
                            const char *ext, const char *data, size_t n, long long max_size, const char *what,
                            char *said, size_t said_size)
{
    char id[64], path[PATH_MAX];
    update_kiosk_id(kiosk_id, id, sizeof id);
    int len = snprintf(path, sizeof path, "%s/%s%s.%s", stick_dir, prefix, id, ext);
    if (len < 0 || (size_t)len >= sizeof path) {
        snprintf(said, said_size, "no %s: the stick's path is too long", what);
        return false;
    }
    int fd = IO(io, open, path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_NONBLOCK, 0644);
    struct stat st;
    int en = 0;
    if (fd < 0)
        en = errno;
    else if (IO(io, fstat, fd, &st) != 0)
        en = errno;
    else if (!S_ISREG(st.st_mode) || st.st_nlink > 1)
        en = EINVAL;
    else if (st.st_size > max_size)
        en = EFBIG;
    else if (st.st_size + (long long)n > max_size)
        en = EOVERFLOW; /* stands for "would grow past the limit" below */
    else if ((en = update_write_all(io, fd, data, n)) == 0 && IO(io, fsync, fd) != 0)
        en = errno;
    if (fd >= 0 && IO(io, close, fd) != 0 && !en)
        en = errno;
    if (!en)
        snprintf(said, said_size, "%s written to %s", what, path);
    else if (en == EROFS || en == EACCES || en == EPERM)
        snprintf(said, said_size, "no %s: the stick is read-only", what);
    else if (en == ELOOP || en == EINVAL || en == ENXIO)
        snprintf(said, said_size, "no %s: %s is a link, FIFO or other special file", what, path);
    else if (en == EFBIG)
        snprintf(said, said_size, "no %s: %s is already longer than %lld KiB", what, path, max_size / 1024);
    else if (en == EOVERFLOW)
        snprintf(said, said_size, "no %s: %s would grow past %lld KiB", what, path, max_size / 1024);
    else
        snprintf(said, said_size, "no %s: cannot write %s: %s", what, path, strerror(en));
    return !en;
}

void update_kiosk_id(const char *given, char *out, size_t size)
{
    char host[256] = "";
    if (given && given[0])
        snprintf(host, sizeof host, "%s", given);
    else if (gethostname(host, sizeof host - 1) != 0 || !host[0])
        snprintf(host, sizeof host, "kiosk");
    update_copy_word(out, size, host);
}

bool update_stick_append(const char *stick_dir, const char *prefix, const char *kiosk_id, const char *ext,
                         const char *data, size_t n, long long max_size, const char *what, char *said,
                         size_t said_size)
{
    return append_to_stick(update_io_posix(), stick_dir, prefix, kiosk_id, ext, data, n, max_size, what, said,
                           said_size);
}

/* A line appended to wegweiser-receipt-<kiosk>.txt on the stick, so staff carrying one stick
 * round several kiosks can see afterwards what each did. Only on a stick that holds a pack
 * (never on someone's private stick), and a read-only stick is fine: then there is none. */
void update_write_receipt(ctx *c)
{
    update_result *r = c->r;
    if (c->o->no_receipt) {
        snprintf(r->receipt, sizeof r->receipt, "no receipt (not asked for)");
        return;
    }
    if (!update_staff_stick(r) || !c->o->stick_dir) {
        snprintf(r->receipt, sizeof r->receipt, "no receipt (%s)",
                 r->reason == UPDATE_STICK_REMOVED ? "the stick is gone" : "no pack on the stick");
        return;
    }
    char id[64], when[32], line[2048];
    update_kiosk_id(c->o->kiosk_id, id, sizeof id);
    update_iso_time(c->io->now(c->io->ctx), when, sizeof when);
    snprintf(line, sizeof line, "%s kiosk=%s result=%s old=%s%s%s new=%s%s%s file=%s | %s\n", when, id,
             update_reason_name(r->reason), r->old_region[0] ? r->old_region : "none", r->old_region[0] ? "/" : "",
             r->old_version, r->new_region[0] ? r->new_region : "none", r->new_region[0] ? "/" : "", r->new_version,
             r->file[0] ? r->file : "-", r->en);
    append_to_stick(c->io, c->o->stick_dir, RECEIPT_PREFIX, id, "txt", line, strlen(line), RECEIPT_MAX, "receipt",
                    r->receipt, sizeof r->receipt);
}

bool update_staff_stick(const update_result *r)
{
    return r->reason != UPDATE_NO_STICK && r->reason != UPDATE_NO_PACK && r->reason != UPDATE_STICK_REMOVED;
}

