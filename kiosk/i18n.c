#include "i18n.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* glibc bumps this when catalogs must be looked up again; LANGUAGE changes alone do not. */
extern int _nl_msg_cat_cntr;

bool i18n_init(const char *localedir, err *e)
{
    /* glibc ignores LANGUAGE under the "C" locale; C.UTF-8 is always there. */
    if (!setlocale(LC_ALL, "C.UTF-8"))
        return err_set(e, "the C.UTF-8 locale is missing; translations cannot be shown");
    setlocale(LC_NUMERIC, "C");
    if (!bindtextdomain("wegweiser", localedir) || !bind_textdomain_codeset("wegweiser", "UTF-8") ||
        !textdomain("wegweiser"))
        return err_set(e, "cannot use the translations in %s", localedir);
    return true;
}

void i18n_set_language(const char *lang)
{
    char value[64];
    /* No locale exists for Dari; its catalog is found under its own code or Persian's. */
    if (!strcmp(lang, "prs"))
        snprintf(value, sizeof value, "prs:fa_AF:fa");
    else
        snprintf(value, sizeof value, "%s", lang);
    setenv("LANGUAGE", value, 1);
    ++_nl_msg_cat_cntr;
}

void i18n_digits(const char *ascii, const char *digits, char *out, size_t size)
{
    unsigned base = !strcmp(digits, "arab") ? 0x0660 : !strcmp(digits, "arabext") ? 0x06F0 : 0;
    size_t k = 0;
    for (const char *p = ascii; *p && k + 3 < size; p++) {
        if (base && *p >= '0' && *p <= '9') {
            unsigned c = base + (unsigned)(*p - '0');
            out[k++] = (char)(0xC0 | (c >> 6));
            out[k++] = (char)(0x80 | (c & 0x3F));
        } else {
            out[k++] = *p;
        }
    }
    out[k] = 0;
}
