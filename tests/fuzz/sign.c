/* Keys, signatures and trusted comments (kiosk/sign.h) from any bytes: each parser, the
 * comment fields, and a verification with whatever parsed. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sign.h"

FUZZ_TARGET(sign)
{
    const char *text = (const char *)data;
    sign_pubkey pk;
    sign_seckey sk;
    sign_signature *sig = malloc(sizeof *sig);
    err e;
    bool have_pk = sign_pubkey_parse(text, size, &pk, &e);
    if (sign_seckey_parse(text, size, &sk, &e)) {
        sign_seckey_public(&sk, &pk);
        have_pk = true;
        sign_seckey_wipe(&sk);
    }
    if (sign_signature_parse(text, size, sig, &e)) {
        unsigned char hash[SIGN_HASH_BYTES] = {0};
        if (have_pk)
            sign_verify_hash(&pk, sig, hash, &e);
        char value[256];
        static const char *const keys[] = {"region", "version", "schema", "size", "comment", "", "wegweiser"};
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
            sign_comment_get(sig->trusted_comment, keys[i], value, sizeof value);
        sign_comment_get(sig->trusted_comment, "region", value, 2);
    }
    free(sig);
    /* The whole input as a trusted comment, and its lines as the fields of a new one. */
    char *s = fuzz_string(data, size);
    char value[64], comment[SIGN_TRUSTED_COMMENT_MAX];
    sign_comment_get(s, "region", value, sizeof value);
    sign_comment_get(s, "comment", value, sizeof value);
    pack_meta m = {0};
    char *save = NULL, *line = strtok_r(s, "\n", &save);
    if (line)
        snprintf(m.region, sizeof m.region, "%s", line);
    if (line && (line = strtok_r(NULL, "\n", &save)))
        snprintf(m.version, sizeof m.version, "%s", line);
    line = line ? strtok_r(NULL, "\n", &save) : NULL;
    sign_pack_comment(&m, (long long)size, line, comment, sizeof comment, &e);
    free(s);
}
