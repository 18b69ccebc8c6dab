/* Offices and partners: reading them from the pack, and "open now?" from their hours. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "pack.h"
#include "pack_private.h"

static void copy_column(char *dst, size_t size, sqlite3_stmt *st, int col)
{
    const unsigned char *v = sqlite3_column_text(st, col);
    snprintf(dst, size, "%s", v ? (const char *)v : "");
}

bool pack_office_get(pack *p, const char *id, pack_office *o)
{
    memset(o, 0, sizeof *o);
    sqlite3_stmt *st;
    const char *sql = "SELECT id, name, address, phones, email, web, step_free, appointment, closed_until, example"
                      " FROM offices WHERE id = ?1";
    if (sqlite3_prepare_v2(pack_db(p), sql, -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    if (found) {
        copy_column(o->id, sizeof o->id, st, 0);
        copy_column(o->name, sizeof o->name, st, 1);
        copy_column(o->address, sizeof o->address, st, 2);
        char phones[PACK_PHONES_MAX * 41];
        copy_column(phones, sizeof phones, st, 3);
        for (char *tok = strtok(phones, "\n"); tok && o->phone_count < PACK_PHONES_MAX; tok = strtok(NULL, "\n"))
            snprintf(o->phones[o->phone_count++], sizeof o->phones[0], "%s", tok);
        copy_column(o->email, sizeof o->email, st, 4);
        copy_column(o->web, sizeof o->web, st, 5);
        copy_column(o->step_free, sizeof o->step_free, st, 6);
        copy_column(o->appointment, sizeof o->appointment, st, 7);
        copy_column(o->closed_until, sizeof o->closed_until, st, 8);
        o->example = sqlite3_column_int(st, 9) != 0;
    }
    sqlite3_finalize(st);
    if (!found)
        return false;
    if (sqlite3_prepare_v2(pack_db(p), "SELECT day, open, close FROM office_hours WHERE office = ?1 ORDER BY day, open",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
            int day = sqlite3_column_int(st, 0);
            if (day < 0 || day > 6 || o->slot_count[day] == PACK_SLOTS_MAX)
                continue;
            int n = o->slot_count[day]++;
            o->slots[day][n].open = sqlite3_column_int(st, 1);
            o->slots[day][n].close = sqlite3_column_int(st, 2);
        }
        sqlite3_finalize(st);
    }
    if (sqlite3_prepare_v2(pack_db(p), "SELECT date FROM office_holidays WHERE office = ?1 ORDER BY date", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW && o->holiday_count < 16)
            copy_column(o->holidays[o->holiday_count++], sizeof o->holidays[0], st, 0);
        sqlite3_finalize(st);
    }
    return true;
}

pack_open_state pack_office_state(const pack_office *o, int weekday, int now_minute, const char *date, int *minute)
{
    *minute = 0;
    if (o->closed_until[0] && date && strcmp(date, o->closed_until) <= 0)
        return PACK_TEMPORARILY_CLOSED;
    /* Where every visit needs an appointment, hours only say when the phone is answered. */
    if (!strcmp(o->appointment, "only"))
        return PACK_BY_APPOINTMENT;
    bool holiday = false;
    for (int i = 0; date && i < o->holiday_count; i++)
        holiday |= !strcmp(o->holidays[i], date);
    int slots = 0;
    for (int d = 0; d < 7; d++)
        slots += o->slot_count[d];
    if (slots == 0)
        return o->appointment[0] ? PACK_BY_APPOINTMENT : PACK_CLOSED_TODAY;
    if (holiday || weekday < 0 || weekday > 6)
        return PACK_CLOSED_TODAY;
    for (int k = 0; k < o->slot_count[weekday]; k++) {
        if (now_minute < o->slots[weekday][k].open) {
            *minute = o->slots[weekday][k].open;
            return PACK_OPENS_LATER;
        }
        if (now_minute < o->slots[weekday][k].close) {
            *minute = o->slots[weekday][k].close;
            return PACK_OPEN_NOW;
        }
    }
    return PACK_CLOSED_TODAY;
}

void pack_office_qr_text(const pack_office *o, char *out, size_t size)
{
    if (!size)
        return;
    /* Any phone reads the code: Western digits, German day names as on the door. */
    static const char *const days[7] = {"Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"};
    int k = snprintf(out, size, "%s\n%s", o->name, o->address);
    for (int i = 0; i < o->phone_count && k < (int)size; i++)
        k += snprintf(out + k, size - (size_t)k, "\nTel. %s", o->phones[i]);
    for (int d = 0; d < 7 && k < (int)size; d++) {
        char hours[160];
        hours[0] = 0;
        for (int s = 0; s < o->slot_count[d]; s++)
            snprintf(hours + strlen(hours), sizeof hours - strlen(hours), "%s%02d:%02d-%02d:%02d", s ? ", " : "",
                     o->slots[d][s].open / 60, o->slots[d][s].open % 60, o->slots[d][s].close / 60,
                     o->slots[d][s].close % 60);
        if (hours[0])
            k += snprintf(out + k, size - (size_t)k, "\n%s %s", days[d], hours);
    }
}
