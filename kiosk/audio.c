#include "audio.h"

#include <SDL.h>
#include <SDL_mixer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct audio {
    bool tried, open; /* the device: asked for once, and whether it came */
    char hash[65];    /* what was asked for, "" for silence */
    unsigned char *data; /* the recording's bytes: SDL_mixer streams from them while it plays */
    Mix_Music *music;
    bool failed; /* the recording asked for could not play */
};

audio *audio_new(void) { return calloc(1, sizeof(audio)); }

static void stop(audio *au)
{
    if (au->music) {
        Mix_HaltMusic();
        Mix_FreeMusic(au->music);
        au->music = NULL;
    }
    free(au->data);
    au->data = NULL;
    au->failed = false;
}

static bool open_device(audio *au)
{
    if (au->tried)
        return au->open;
    au->tried = true;
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        fprintf(stderr, "wegweiser: no sound, recordings stay silent: %s\n", SDL_GetError());
        return false;
    }
    /* 44.1 kHz stereo suits every recording the staff tool lets in; SDL_mixer resamples. */
    if (Mix_OpenAudio(44100, AUDIO_S16SYS, 2, 2048) != 0) {
        fprintf(stderr, "wegweiser: no sound, recordings stay silent: %s\n", Mix_GetError());
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
        return false;
    }
    au->open = true;
    return true;
}

static void start(audio *au, pack *p)
{
    size_t size = 0;
    char kind[16];
    au->failed = true;
    if (!p || !open_device(au))
        return;
    if (!pack_asset_get(p, au->hash, &au->data, &size, kind, sizeof kind) || strcmp(kind, "audio")) {
        fprintf(stderr, "wegweiser: the pack has no recording %.12s\n", au->hash);
        return;
    }
    SDL_RWops *rw = SDL_RWFromConstMem(au->data, (int)size);
    au->music = rw ? Mix_LoadMUS_RW(rw, 1) : NULL;
    if (!au->music || Mix_PlayMusic(au->music, 0) != 0) {
        fprintf(stderr, "wegweiser: cannot play recording %.12s: %s\n", au->hash, Mix_GetError());
        return;
    }
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
    return au->hash[0] && (au->failed || !au->music || !Mix_PlayingMusic());
}

void audio_free(audio *au)
{
    if (!au)
        return;
    stop(au);
    if (au->open) {
        Mix_CloseAudio();
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    }
    free(au);
}
