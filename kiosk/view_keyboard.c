/* On-screen keyboards for search, one per writing system a pack's languages use. */
#include <string.h>

#include "view_private.h"

/* Rows of keys, each key one character, separated by spaces. */
static const char *const GERMAN[] = {"q w e r t z u i o p ü", "a s d f g h j k l ö ä", "y x c v b n m ß", NULL};
static const char *const ENGLISH[] = {"q w e r t y u i o p", "a s d f g h j k l", "z x c v b n m", NULL};
static const char *const ARABIC[] = {"ض ص ث ق ف غ ع ه خ ح ج", "ش س ي ب ل ا ت ن م ك ط", "ئ ء ؤ ر ى ة و ز ظ د ذ", NULL};
static const char *const PERSIAN[] = {"ض ص ث ق ف غ ع ه خ ح ج چ", "ش س ی ب ل ا ت ن م ک گ", "ظ ط ز ر ذ د پ و ژ آ", NULL};
static const char *const UKRAINIAN[] = {"й ц у к е н г ш щ з х ї", "ф і в а п р о л д ж є", "я ч с м и т ь б ю ґ", NULL};

/* Tigrinya is typed consonant first, then one of its vowel forms: the first form of each
 * consonant row of the Ethiopic block that Tigrinya uses. */
static const uint32_t FIDEL[] = {0x1200, 0x1208, 0x1210, 0x1218, 0x1228, 0x1230, 0x1238, 0x1240, 0x1250,
                                 0x1260, 0x1268, 0x1270, 0x1278, 0x1290, 0x1298, 0x12A0, 0x12A8, 0x12B8,
                                 0x12C8, 0x12D0, 0x12D8, 0x12E0, 0x12E8, 0x12F0, 0x1300, 0x1308, 0x1320,
                                 0x1328, 0x1330, 0x1338, 0x1348, 0x1350};

const char *const *view_keyboard_rows(const pack_language *lang)
{
    if (!strcmp(lang->script, "Arab"))
        return !strcmp(lang->digits, "arabext") ? PERSIAN : ARABIC;
    if (!strcmp(lang->script, "Cyrl"))
        return UKRAINIAN;
    if (!strcmp(lang->script, "Ethi"))
        return NULL;
    return !strcmp(lang->code, "de") ? GERMAN : ENGLISH;
}

int view_fidel_consonants(const uint32_t **out)
{
    *out = FIDEL;
    return (int)(sizeof FIDEL / sizeof FIDEL[0]);
}

int view_fidel_forms(uint32_t base, uint32_t *out)
{
    /* ä u i a e ə o, and the labialised wa where the block has it. */
    int n = 0;
    for (uint32_t k = 0; k < 8; k++) {
        uint32_t c = base + k;
        /* Rows whose eighth place Unicode leaves empty. */
        if (k == 7 && (c == 0x1257 || c == 0x12BF || c == 0x12D7))
            continue;
        out[n++] = c;
    }
    return n;
}

bool view_script_is_latin(const pack_language *lang) { return !lang || !strcmp(lang->script, "Latn"); }

const char *const *view_keyboard_latin_rows(void) { return GERMAN; }
