#include "audio.h"

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recording.h"

struct audio {
    bool tried, open; /* SDL's audio: asked for once, and whether it came */
    SDL_AudioDeviceID device;
    int device_rate, device_channels;
    char hash[65];       /* what was asked for, "" for silence */
    unsigned char *data; /* the recording's bytes, decoded while they play */
    recording_stream *stream; /* read by the device's thread: changed only with the device locked */
    SDL_atomic_t ended;  /* the device's thread reached the end of the recording */
    bool failed;         /* the recording asked for could not play */
};

audio *audio_new(void) { return calloc(1, sizeof(audio)); }

/* The device's thread: decodes as the device asks; silence when nothing (more) plays. */
static void fill(void *user, Uint8 *out, int len)
{
    audio *au = user;
    int at = 0;
    while (au->stream && at < len && !SDL_AtomicGet(&au->ended)) {
        long got = recording_read(au->stream, out + at, (size_t)(len - at));
        if (got <= 0)
            SDL_AtomicSet(&au->ended, 1);
        else
            at += (int)got;
    }
    memset(out + at, 0, (size_t)(len - at));
}

static void stop(audio *au)
{
    if (au->device)
        SDL_LockAudioDevice(au->device);
    recording_close(au->stream);
    au->stream = NULL;
    if (au->device)
        SDL_UnlockAudioDevice(au->device);
    free(au->data);
    au->data = NULL;
    au->failed = false;
    SDL_AtomicSet(&au->ended, 0);
}

static bool start_sound(audio *au)
{
    if (au->tried)
        return au->open;
    au->tried = true;
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        fprintf(stderr, "wegweiser: no sound, recordings stay silent: %s\n", SDL_GetError());
        return false;
    }
    au->open = true;
    return true;
}

/* A device for the recording's rate and channels (SDL converts to what the hardware takes);
 * kept while recordings come in the same kind. */
static bool device_for(audio *au, int rate, int channels)
{
    if (au->device && au->device_rate == rate && au->device_channels == channels)
        return true;
    if (au->device)
        SDL_CloseAudioDevice(au->device);
    SDL_AudioSpec want = {.freq = rate, .format = AUDIO_S16SYS, .channels = (Uint8)channels, .samples = 2048,
                          .callback = fill, .userdata = au};
    au->device = SDL_OpenAudioDevice(NULL, 0, &want, NULL, 0);
    if (!au->device) {
        fprintf(stderr, "wegweiser: no sound, recordings stay silent: %s\n", SDL_GetError());
        return false;
    }
    au->device_rate = rate;
    au->device_channels = channels;
    SDL_PauseAudioDevice(au->device, 0);
    return true;
}

static void start(audio *au, pack *p)
{
    size_t size = 0;
    char kind[16];
    au->failed = true;
    if (!p || !start_sound(au))
        return;
    if (!pack_asset_get(p, au->hash, &au->data, &size, kind, sizeof kind) || strcmp(kind, "audio")) {
        fprintf(stderr, "wegweiser: the pack has no recording %.12s\n", au->hash);
        return;
    }
    recording_info info;
    err e;
    recording_stream *stream = recording_open(au->data, size, &info, &e);
    if (!stream) {
        fprintf(stderr, "wegweiser: cannot play recording %.12s: %s\n", au->hash, e.msg);
        return;
    }
    if (!device_for(au, info.rate, info.channels)) {
        recording_close(stream);
        return;
    }
    SDL_LockAudioDevice(au->device);
    au->stream = stream;
    SDL_UnlockAudioDevice(au->device);
    au->failed = false;
}

void audio_follow(audio *au, pack *p, const char *hash)
{
    if (!strcmp(au->hash, hash))
        return;
    stop(au);
    snprintf(au->hash, sizeof au->hash, "%s", hash);
    if (hash[0])
        start(au, p);
}

bool audio_done(const audio *au)
{
    return au->hash[0] && (au->failed || SDL_AtomicGet((SDL_atomic_t *)&au->ended));
}

void audio_free(audio *au)
{
    if (!au)
        return;
    stop(au);
    if (au->device)
        SDL_CloseAudioDevice(au->device);
    if (au->open)
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    free(au);
}
