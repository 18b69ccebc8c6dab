/* Read aloud: what the staff tool lets in, what the app and view do with it, and real
 * playback through SDL_mixer into SDL's disk audio driver. */
#include <SDL.h>
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "audio.h"
#include "recording.h"
#include "session.h"
#include "test.h"

static void put16(FILE *f, unsigned v) { fputc((int)(v & 0xFF), f), fputc((int)(v >> 8 & 0xFF), f); }
static void put32(FILE *f, unsigned long v) { put16(f, (unsigned)(v & 0xFFFF)), put16(f, (unsigned)(v >> 16)); }

/* A PCM WAV file: 16-bit mono, a 440 Hz tone (or silence when amplitude is 0). */
static void write_wav(const char *path, int rate, double seconds, double amplitude)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f)
        return;
    unsigned long samples = (unsigned long)(rate * seconds), bytes = samples * 2;
    fputs("RIFF", f);
    put32(f, 36 + bytes);
    fputs("WAVEfmt ", f);
    put32(f, 16);
    put16(f, 1);
    put16(f, 1);
    put32(f, (unsigned long)rate);
    put32(f, (unsigned long)rate * 2);
    put16(f, 2);
    put16(f, 16);
    fputs("data", f);
    put32(f, bytes);
    for (unsigned long i = 0; i < samples; i++)
        put16(f, (unsigned)(short)(amplitude * 32767 * sin(2 * M_PI * 440 * (double)i / rate)) & 0xFFFF);
    fclose(f);
}

static bool probe_file(const char *path, recording_info *info, err *e)
{
    size_t size = 0;
    unsigned char *data = (unsigned char *)test_read_file(path, &size);
    bool ok = recording_probe(data, size, info, e);
    free(data);
    return ok;
}

TEST(recording_probe_takes_vorbis_and_wav_and_refuses_the_rest)
{
    recording_info info;
    err e;
    CHECK(probe_file("content/kaiserslautern/assets/800-ar.ogg", &info, &e));
    CHECK_STR(info.format, "Ogg Vorbis");
    CHECK_INT(info.channels, 1);
    CHECK_INT(info.rate, 16000);
    /* ogginfo says 1m09.5s for this file. */
    CHECK(info.seconds > 60 && info.seconds < 80);

    char path[600];
    snprintf(path, sizeof path, "%s/tone.wav", test_tmpdir());
    write_wav(path, 22050, 0.5, 0.5);
    CHECK(probe_file(path, &info, &e));
    CHECK_STR(info.format, "WAV");
    CHECK(fabs(info.seconds - 0.5) < 0.01);

    /* An Ogg file cut short in the middle of its sound. */
    size_t size = 0;
    unsigned char *ogg = (unsigned char *)test_read_file("content/kaiserslautern/assets/800-ar.ogg", &size);
    CHECK(ogg != NULL && size > 4000);
    CHECK(!recording_probe(ogg, 3000, &info, &e) || info.seconds < 10);
    /* Not Vorbis inside: the second page's codec header says otherwise. */
    unsigned char *other = malloc(size);
    memcpy(other, ogg, size);
    for (size_t i = 28; i + 7 < size && i < 200; i++)
        if (!memcmp(other + i, "\x01vorbis", 7))
            memcpy(other + i, "\x01opusxx", 7);
    CHECK(!recording_probe(other, size, &info, &e));
    free(other);
    free(ogg);

    CHECK(!recording_probe((const unsigned char *)"ID3\x04 an mp3", 11, &info, &e));
    CHECK(strstr(e.msg, "MP3") != NULL);
    CHECK(!recording_probe((const unsigned char *)"hello world!", 12, &info, &e));
    CHECK(strstr(e.msg, "not an Ogg Vorbis or WAV file") != NULL);
    CHECK(strstr(e.msg, "oggenc") != NULL);

    /* Absurdly long: eleven minutes of quiet, small enough for a pack but not for a reading. */
    snprintf(path, sizeof path, "%s/long.wav", test_tmpdir());
    write_wav(path, 4000, 11 * 60, 0);
    CHECK(!probe_file(path, &info, &e));
    CHECK(strstr(e.msg, "11 minutes long") != NULL);
}

static pack *demo(void)
{
    err e;
    pack *p = pack_open(test_demo_pack(), &e);
    CHECK(p != NULL);
    return p;
}

static const char *state(session *s)
{
    static char out[256];
    session_display(s);
    session_describe(s, out, sizeof out);
    return out;
}

static void run(session *s, const char *line)
{
    err e;
    if (!session_script_line(s, line, NULL, NULL, &e))
        test_fail(__FILE__, __LINE__, e.msg);
}

static const view_cmd *read_button(session *s)
{
    const view_list *l = session_display(s);
    for (int i = 0; i < l->count; i++)
        if (l->cmds[i].button && l->cmds[i].tap.type == APP_EV_READ_ALOUD)
            return &l->cmds[i];
    return NULL;
}

static void start_on(session *s, pack *p, const char *lang, const char *page, int w, int h)
{
    err e;
    CHECK(session_init(s, p, test_fonts(), w, h, 90000, &e));
    app_event ev = {.type = APP_EV_LANGUAGE};
    snprintf(ev.arg, sizeof ev.arg, "%s", lang);
    app_handle(&s->app, &ev);
    ev = (app_event){.type = APP_EV_OPEN};
    snprintf(ev.arg, sizeof ev.arg, "%s", page);
    app_handle(&s->app, &ev);
}

TEST(session_read_aloud_button_starts_and_stops_the_recording)
{
    pack *p = demo();
    if (!p)
        return;
    session s;
    start_on(&s, p, "ar", "800", 1280, 800);
    const view_cmd *b = read_button(&s);
    CHECK(b != NULL);
    if (!b)
        return;
    /* Arabic: the button starts at the right edge, near the top of the article. */
    CHECK(b->rect.x > 1280 / 2);
    CHECK(b->rect.y < 800 / 3);
    CHECK(view_find_text(session_display(&s), "استمع") != NULL);
    session_tap(&s, b->rect.x + b->rect.w / 2, b->rect.y + b->rect.h / 2);
    CHECK_STR(state(&s), "screen=page page=800 lang=ar scroll=0 reading=800/ar");
    pack_text t;
    CHECK(pack_text_get(p, "800", "ar", &t, NULL));
    CHECK_STR(s.app.reading, t.audio);
    pack_text_free(&t);
    CHECK(view_find_text(session_display(&s), "إيقاف الاستماع") != NULL);
    b = read_button(&s);
    CHECK(b != NULL);
    if (b)
        session_tap(&s, b->rect.x + b->rect.w / 2, b->rect.y + b->rect.h / 2);
    CHECK_STR(state(&s), "screen=page page=800 lang=ar scroll=0");
    /* The recording's end puts the button back. */
    run(&s, "key read");
    run(&s, "audio-end");
    CHECK_STR(state(&s), "screen=page page=800 lang=ar scroll=0");
    CHECK(view_find_text(session_display(&s), "استمع") != NULL);
    session_free(&s);

    /* German, left to right: the button at the left. */
    start_on(&s, p, "de", "1100", 800, 480);
    b = read_button(&s);
    CHECK(b != NULL && b->rect.x < 800 / 2);
    CHECK(view_find_text(session_display(&s), "Vorlesen") != NULL);
    session_free(&s);
    pack_close(p);
}

TEST(session_read_aloud_only_where_there_is_a_recording)
{
    pack *p = demo();
    if (!p)
        return;
    session s;
    /* No Tigrinya voice made the demo's recordings: no button, and the key does nothing. */
    start_on(&s, p, "ti", "800", 720, 1280);
    CHECK(read_button(&s) == NULL);
    run(&s, "key read");
    CHECK_STR(state(&s), "screen=page page=800 lang=ti scroll=0");
    session_free(&s);
    /* A page without any recording, and the home screen. */
    start_on(&s, p, "ar", "110", 720, 1280);
    CHECK(read_button(&s) == NULL);
    run(&s, "key read");
    CHECK_STR(state(&s), "screen=page page=110 lang=ar scroll=0");
    run(&s, "key home");
    run(&s, "key read");
    CHECK_STR(state(&s), "screen=home page= lang=ar scroll=0");
    session_free(&s);
    pack_close(p);
}

TEST(session_read_aloud_stops_when_the_page_or_language_goes)
{
    pack *p = demo();
    if (!p)
        return;
    session s;
    start_on(&s, p, "prs", "800", 1280, 800);
    run(&s, "key read");
    CHECK(strstr(state(&s), "reading=800/prs") != NULL);
    /* Scrolling, larger text and German beside keep the reading: the visitor's language plays. */
    run(&s, "swipe 640 600 640 300");
    run(&s, "key large");
    run(&s, "key german");
    CHECK(strstr(state(&s), "reading=800/prs") != NULL);
    run(&s, "swipe 640 200 640 700"); /* back to the top, where the button is */
    CHECK(read_button(&s) != NULL);
    CHECK(view_find_text(session_display(&s), "توقف") != NULL);
    /* Another page. */
    app_handle(&s.app, &(app_event){.type = APP_EV_OPEN, .arg = "1100"});
    CHECK_STR(state(&s), "screen=page page=1100 lang=prs scroll=0");
    /* Back. */
    run(&s, "key read");
    CHECK(strstr(state(&s), "reading=1100/prs") != NULL);
    run(&s, "key back");
    CHECK_STR(state(&s), "screen=page page=800 lang=prs scroll=0");
    /* The language screen, and another language for the same page. */
    run(&s, "key read");
    run(&s, "key language");
    CHECK(s.app.reading[0] == 0);
    app_handle(&s.app, &(app_event){.type = APP_EV_LANGUAGE, .arg = "ar"});
    CHECK_STR(state(&s), "screen=page page=800 lang=ar scroll=0");
    /* The visit is forgotten while it reads: the recording ends with it. */
    run(&s, "key read");
    CHECK(strstr(state(&s), "reading=800/ar") != NULL);
    run(&s, "wait 90000");
    CHECK_STR(state(&s), "screen=language page= lang= scroll=0");
    CHECK(s.app.reading[0] == 0);
    session_free(&s);
    pack_close(p);
}

/* Everything SDL's disk driver wrote from `from` on, as 16-bit samples: the loudest one. */
static int loudest(const char *raw, long from, long *size)
{
    size_t n = 0;
    unsigned char *data = (unsigned char *)test_read_file(raw, &n);
    *size = (long)n;
    int peak = 0;
    for (size_t i = (size_t)from & ~(size_t)1; data && i + 1 < n; i += 2) {
        int v = abs((int)(short)(data[i] | data[i + 1] << 8));
        peak = v > peak ? v : peak;
    }
    free(data);
    return peak;
}

static bool wait_for(audio *au, int ms)
{
    for (int t = 0; t < ms; t += 20) {
        if (audio_done(au))
            return true;
        SDL_Delay(20);
    }
    return audio_done(au);
}

TEST(audio_plays_recordings_from_the_pack_into_the_disk_driver)
{
    /* A pack with a half-second tone as the German page's recording. */
    char dir[600], cmd[1400], pack_path[700];
    snprintf(dir, sizeof dir, "%s/tone-region", test_tmpdir());
    snprintf(cmd, sizeof cmd,
             "mkdir -p %s/assets %s/pages/a && "
             "printf 'name: Ton\\nregion: ton\\nversion: 2026-01-01\\npublisher: Amt\\ndemo: no\\n"
             "language: de | Deutsch | ltr | Latn | latn\\n' > %s/region.txt && "
             "printf 'code: 10\\nparent:\\norder: 1\\nicon: work\\nkind: article\\n' > %s/pages/a/page.txt && "
             "printf 'title: Ton\\nsummary: Ton\\nversion: 1\\naudio: tone.wav\\n\\nText\\n' > %s/pages/a/de.txt",
             dir, dir, dir, dir, dir);
    CHECK(system(cmd) == 0);
    char wav[700];
    snprintf(wav, sizeof wav, "%s/assets/tone.wav", dir);
    write_wav(wav, 22050, 0.4, 0.5);
    snprintf(pack_path, sizeof pack_path, "%s/tone.pack", test_tmpdir());
    err e;
    CHECK(pack_build(dir, pack_path, &e));
    pack *p = pack_open(pack_path, &e);
    CHECK(p != NULL);
    if (!p)
        return;
    pack_text t;
    CHECK(pack_text_get(p, "10", "de", &t, NULL));

    char raw[700];
    snprintf(raw, sizeof raw, "%s/out.raw", test_tmpdir());
    char *driver = getenv("SDL_AUDIODRIVER");
    char saved[64];
    snprintf(saved, sizeof saved, "%s", driver ? driver : "");
    setenv("SDL_AUDIODRIVER", "disk", 1);
    setenv("SDL_DISKAUDIOFILE", raw, 1);

    audio *au = audio_new();
    CHECK(au != NULL);
    CHECK(!audio_done(au)); /* nothing asked for: nothing to be over */
    audio_follow(au, p, t.audio);
    CHECK(!audio_done(au));
    /* The tone plays to its end by itself, and the device wrote it out. */
    CHECK(wait_for(au, 5000));
    long size = 0;
    CHECK(loudest(raw, 0, &size) > 8000);
    /* Silence once stopped: whatever the device writes from here on is quiet. */
    audio_follow(au, p, "");
    CHECK(!audio_done(au));
    SDL_Delay(100);
    long stopped_at = 0, after = 0;
    loudest(raw, 0, &stopped_at);
    SDL_Delay(300);
    CHECK_INT(loudest(raw, stopped_at, &after), 0);
    CHECK(after > stopped_at); /* the device went on running, quietly */

    /* A real Vorbis recording from the demo pack, stopped in the middle, on a device of its own
     * writing a file of its own. (Not on the tone's device: the recording's rate differs, so
     * the device is opened again, and SDL's disk driver then starts its file anew; whether an
     * offset into the old file was still inside the new one depended on how long building the
     * demo pack took, which made this test fail when run alone.) */
    audio_free(au);
    snprintf(raw, sizeof raw, "%s/vorbis.raw", test_tmpdir());
    setenv("SDL_DISKAUDIOFILE", raw, 1);
    au = audio_new();
    CHECK(au != NULL);
    pack *d = demo();
    pack_text dt;
    if (au && d && pack_text_get(d, "800", "de", &dt, NULL)) {
        long now = 0, quiet_from = 0;
        audio_follow(au, d, dt.audio);
        SDL_Delay(1500);
        CHECK(!audio_done(au)); /* a minute long: still speaking */
        CHECK(loudest(raw, 0, &now) > 1000);
        audio_follow(au, d, "");
        SDL_Delay(100);
        loudest(raw, 0, &quiet_from);
        SDL_Delay(300);
        CHECK_INT(loudest(raw, quiet_from, &now), 0);
        CHECK(now > quiet_from);
        pack_text_free(&dt);
    }
    audio_free(au);
    pack_close(d);

    /* No sound device at all: the kiosk carries on, the reading is simply over. */
    setenv("SDL_AUDIODRIVER", "no-such-driver", 1);
    au = audio_new();
    audio_follow(au, p, t.audio);
    CHECK(audio_done(au));
    audio_follow(au, p, "");
    audio_free(au);

    if (saved[0])
        setenv("SDL_AUDIODRIVER", saved, 1);
    else
        unsetenv("SDL_AUDIODRIVER");
    unsetenv("SDL_DISKAUDIOFILE");
    pack_text_free(&t);
    pack_close(p);
}
