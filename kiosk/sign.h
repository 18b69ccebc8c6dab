/* sign: detached signatures of content packs in minisign's format (Ed25519 over a BLAKE2b-512
 * prehash, libsodium), so staff can sign with `wegweiser-pack sign` or the standard `minisign`
 * tool and the kiosk checks either. Keys and .minisig files come from people and sticks, so
 * every parser here is bounded and says what is wrong instead of crashing. Formats:
 * content/SCHEMA.md, "Signing packs". */
#ifndef WW_SIGN_H
#define WW_SIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "pack.h"

#define SIGN_KEY_ID_BYTES 8
#define SIGN_PUBLIC_KEY_BYTES 32
#define SIGN_SECRET_KEY_BYTES 64 /* libsodium's: 32-byte seed followed by the public key */
#define SIGN_SIG_BYTES 64
#define SIGN_HASH_BYTES 64 /* BLAKE2b-512 of the signed file */
/* Room for a trusted comment and its NUL; minisign allows the same (8192 with its prefix). */
#define SIGN_TRUSTED_COMMENT_MAX 8176
#define SIGN_UNTRUSTED_COMMENT_MAX 1024
/* Largest .minisig the parsers accept; a real one is four lines, at most about 9 KiB. */
#define SIGN_SIG_FILE_MAX 16384
#define SIGN_KEY_FILE_MAX 4096
#define SIGN_SUFFIX ".minisig"

typedef struct sign_pubkey {
    unsigned char key_id[SIGN_KEY_ID_BYTES];
    unsigned char pk[SIGN_PUBLIC_KEY_BYTES];
} sign_pubkey;

/* A secret key in memory; wipe it with sign_seckey_wipe when done. */
typedef struct sign_seckey {
    unsigned char key_id[SIGN_KEY_ID_BYTES];
    unsigned char sk[SIGN_SECRET_KEY_BYTES];
} sign_seckey;

/* A parsed .minisig. The trusted comment is only trustworthy once sign_verify_hash accepted it. */
typedef struct sign_signature {
    unsigned char key_id[SIGN_KEY_ID_BYTES];
    unsigned char sig[SIGN_SIG_BYTES];        /* over the BLAKE2b-512 hash of the file */
    unsigned char global_sig[SIGN_SIG_BYTES]; /* over sig || trusted comment */
    char untrusted_comment[SIGN_UNTRUSTED_COMMENT_MAX];
    char trusted_comment[SIGN_TRUSTED_COMMENT_MAX];
} sign_signature;

/* Key ids are shown as minisign shows them: the 8 bytes as a little-endian number in hex. */
void sign_key_id_hex(const unsigned char id[SIGN_KEY_ID_BYTES], char out[17]);

/* Incremental BLAKE2b-512, so a caller copying a pack can hash it on the way. */
typedef struct sign_hasher sign_hasher;
sign_hasher *sign_hasher_new(err *e);
void sign_hasher_update(sign_hasher *h, const void *data, size_t n);
/* Writes the hash; the hasher is then spent (free it, do not update it again). */
void sign_hasher_final(sign_hasher *h, unsigned char hash[SIGN_HASH_BYTES]);
void sign_hasher_free(sign_hasher *h);
/* Hashes a whole file; `size` (may be NULL) gets the number of bytes hashed. */
bool sign_hash_file(const char *path, unsigned char hash[SIGN_HASH_BYTES], long long *size, err *e);
/* The same, keeping the file's first `head_size` bytes in `head` (zeros past its end). */
bool sign_hash_file_head(const char *path, unsigned char hash[SIGN_HASH_BYTES], long long *size, unsigned char *head,
                         size_t head_size, err *e);

/* Public key: minisign's two-line file ("untrusted comment: ..." then base64 of "Ed" || key id
 * || key), or the base64 line alone, as `minisign -P` takes it. */
bool sign_pubkey_parse(const char *text, size_t n, sign_pubkey *out, err *e);
bool sign_pubkey_load(const char *path, sign_pubkey *out, err *e);

/* Secret key: minisign's file. Reads unencrypted keys (ours, `minisign -G -W`); a key
 * protected by a password is refused with a message saying how to use it. */
bool sign_seckey_parse(const char *text, size_t n, sign_seckey *out, err *e);
bool sign_seckey_load(const char *path, sign_seckey *out, err *e);
void sign_seckey_wipe(sign_seckey *sk);
/* The public half of a secret key. */
void sign_seckey_public(const sign_seckey *sk, sign_pubkey *out);

/* Makes a new key pair and writes both files (secret key readable by its owner only).
 * Refuses to overwrite existing files unless `force`. */
bool sign_keygen(const char *pub_path, const char *sec_path, bool force, sign_pubkey *out, err *e);

/* Signature: minisign's four-line .minisig, prehashed ("ED") only. Messages for a malformed
 * file start with "malformed signature". */
bool sign_signature_parse(const char *text, size_t n, sign_signature *out, err *e);
/* A missing file gets a message starting with "no signature file". */
bool sign_signature_load(const char *path, sign_signature *out, err *e);
/* The text of a .minisig as it is, for checks beyond parsing: at most `cap` bytes, refused
 * like sign_signature_load refuses a missing, special or oversized file. */
bool sign_signature_read(const char *path, char *text, size_t cap, size_t *n, err *e);

/* Checks a signature against the hash of the signed file and the public key: the key id,
 * the signature over the hash, then the global signature over the trusted comment. Each
 * failure has its own message: "signed by another key ...", "the pack was changed after
 * signing or is damaged ...", "the trusted comment was changed ...". */
bool sign_verify_hash(const sign_pubkey *pk, const sign_signature *sig, const unsigned char hash[SIGN_HASH_BYTES],
                      err *e);

/* Writes a .minisig for a file whose hash is given; the file appears whole or not at all.
 * Comments are one line of printable UTF-8 (tabs allowed). */
bool sign_write(const char *sig_path, const sign_seckey *sk, const unsigned char hash[SIGN_HASH_BYTES],
                const char *trusted_comment, const char *untrusted_comment, err *e);

/* The trusted comment of a Wegweiser pack:
 * "wegweiser region=R version=V schema=S size=N[ comment=free text]". Fails when a field
 * cannot be written as a single word. */
bool sign_pack_comment(const pack_meta *m, long long size, const char *comment, char *out, size_t out_size,
                       err *e);
/* One field of such a comment ("region", "version", "schema", "size", "comment"); false when
 * absent or too long for `out`. "comment" runs to the end of the line, the others to a space. */
bool sign_comment_get(const char *trusted_comment, const char *key, char *out, size_t out_size);

#endif
