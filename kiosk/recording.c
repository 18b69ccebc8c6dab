#include "recording.h"

#include <SDL.h>
#include <stdlib.h>
#include <string.h>
#include <vorbis/vorbisfile.h>

/* How to make a file the kiosk plays, for every refusal. */
#define HOW_TO "; save it as Ogg Vorbis (oggenc) or WAV"

typedef struct memory {
    const unsigned char *data;
    size_t size, at;
} memory;

static size_t mem_read(void *ptr, size_t size, size_t count, void *source)
{
    memory *m = source;
    size_t want = size * count, left = m->size - m->at;
    if (want > left)
        want = left;
    memcpy(ptr, m->data + m->at, want);
    m->at += want;
    return size ? want / size : 0;
}

static int mem_seek(void *source, ogg_int64_t offset, int whence)
{
    memory *m = source;
    long long base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (long long)m->at : (long long)m->size;
    long long to = base + offset;
    if (to < 0 || to > (long long)m->size)
        return -1;
    m->at = (size_t)to;
    return 0;
}

static long mem_tell(void *source) { return (long)((memory *)source)->at; }

static bool check_length(recording_info *out, double seconds, err *e)
{
    out->seconds = seconds;
    if (seconds <= 0)
        return err_set(e, "the recording has no sound in it" HOW_TO);
    if (seconds > RECORDING_MAX_SECONDS)
        return err_set(e, "the recording is %.0f minutes long; the kiosk plays at most %d: split the page or "
                          "shorten the reading",
                       seconds / 60, RECORDING_MAX_SECONDS / 60);
    return true;
}

static bool channels_ok(int channels, err *e)
{
    if (channels < 1 || channels > 2)
        return err_set(e, "the recording has %d channels; the kiosk plays mono or stereo" HOW_TO, channels);
    return true;
}

struct recording_stream {
    memory m;
    bool vorbis;
    OggVorbis_File vf;
    Uint8 *pcm; /* WAV: the whole recording as 16-bit samples */
    size_t pcm_size, pcm_at;
};

static recording_stream *open_vorbis(recording_stream *s, recording_info *out, err *e)
{
    ov_callbacks io = {mem_read, mem_seek, NULL, mem_tell};
    int r = ov_open_callbacks(&s->m, &s->vf, NULL, 0, io);
    if (r < 0) {
        free(s);
        err_set(e, r == OV_ENOTVORBIS ? "an Ogg file, but not Ogg Vorbis (Opus or FLAC in Ogg are not played)" HOW_TO
                                      : "not a readable Ogg Vorbis file (broken or cut short)" HOW_TO);
        return NULL;
    }
    s->vorbis = true;
    vorbis_info *vi = ov_info(&s->vf, -1);
    out->format = "Ogg Vorbis";
    out->channels = vi ? vi->channels : 0;
    out->rate = vi ? (int)vi->rate : 0;
    return s;
}

/* A WAV is small (the staff tool caps assets): converted to 16-bit samples whole, at open. */
static recording_stream *open_wav(recording_stream *s, recording_info *out, err *e)
{
    SDL_AudioSpec spec;
    Uint8 *buf = NULL;
    Uint32 len = 0;
    SDL_RWops *rw = SDL_RWFromConstMem(s->m.data, (int)s->m.size);
    if (!rw || !SDL_LoadWAV_RW(rw, 1, &spec, &buf, &len)) {
        free(s);
        err_set(e, "not a WAV file the kiosk can read (%s)" HOW_TO, SDL_GetError());
        return NULL;
    }
    out->format = "WAV";
    out->channels = spec.channels;
    out->rate = spec.freq;
    SDL_AudioCVT cvt;
    int built = SDL_BuildAudioCVT(&cvt, spec.format, spec.channels, spec.freq, AUDIO_S16SYS, spec.channels, spec.freq);
    s->pcm = built >= 0 ? SDL_malloc((size_t)len * (size_t)(cvt.len_mult > 0 ? cvt.len_mult : 1)) : NULL;
    if (!s->pcm) {
        SDL_FreeWAV(buf);
        free(s);
        err_set(e, "cannot convert the WAV file (%s)" HOW_TO, built < 0 ? SDL_GetError() : "out of memory");
        return NULL;
    }
    memcpy(s->pcm, buf, len);
    SDL_FreeWAV(buf);
    cvt.buf = s->pcm;
    cvt.len = (int)len;
    if (built > 0 && SDL_ConvertAudio(&cvt) != 0) {
        SDL_free(s->pcm);
        free(s);
        err_set(e, "cannot convert the WAV file (%s)" HOW_TO, SDL_GetError());
        return NULL;
    }
    s->pcm_size = built > 0 ? (size_t)cvt.len_cvt : len;
    return s;
}

recording_stream *recording_open(const unsigned char *data, size_t size, recording_info *out, err *e)
{
    memset(out, 0, sizeof *out);
    if (size > INT32_MAX) {
        err_set(e, "the recording is too large" HOW_TO);
        return NULL;
    }
    bool ogg = size >= 4 && !memcmp(data, "OggS", 4);
    bool wav = size >= 12 && !memcmp(data, "RIFF", 4) && !memcmp(data + 8, "WAVE", 4);
    if (!ogg && !wav) {
        if (size >= 3 && (!memcmp(data, "ID3", 3) || (data[0] == 0xFF && (data[1] & 0xE0) == 0xE0)))
            err_set(e, "an MP3 file; the kiosk plays Ogg Vorbis and WAV" HOW_TO);
        else
            err_set(e, "not an Ogg Vorbis or WAV file" HOW_TO);
        return NULL;
    }
    recording_stream *s = calloc(1, sizeof *s);
    if (!s) {
        err_set(e, "out of memory");
        return NULL;
    }
    s->m = (memory){data, size, 0};
    return ogg ? open_vorbis(s, out, e) : open_wav(s, out, e);
}

long recording_read(recording_stream *s, unsigned char *out, size_t size)
{
    if (!s->vorbis) {
        size_t n = s->pcm_size - s->pcm_at < size ? s->pcm_size - s->pcm_at : size;
        n -= n % 2;
        memcpy(out, s->pcm + s->pcm_at, n);
        s->pcm_at += n;
        return (long)n;
    }
    int section = 0;
    for (;;) {
        long got = ov_read(&s->vf, (char *)out, size > INT32_MAX ? INT32_MAX : (int)size,
                           SDL_BYTEORDER == SDL_BIG_ENDIAN, 2, 1, &section);
        if (got != OV_HOLE) /* a hole is a gap in the stream, not the end of it */
            return got < 0 ? -1 : got;
    }
}

void recording_close(recording_stream *s)
{
    if (!s)
        return;
    if (s->vorbis)
        ov_clear(&s->vf);
    SDL_free(s->pcm);
    free(s);
}

/* Decodes every sample: a file that breaks half way would stop the reading half way. */
bool recording_probe(const unsigned char *data, size_t size, recording_info *out, err *e)
{
    recording_stream *s = recording_open(data, size, out, e);
    if (!s)
        return false;
    bool ok = channels_ok(out->channels, e);
    long long bytes = 0;
    unsigned char pcm[8192];
    long long frame = 2LL * (out->channels > 0 ? out->channels : 1), rate = out->rate > 0 ? out->rate : 1;
    while (ok) {
        long got = recording_read(s, pcm, sizeof pcm);
        if (got == 0)
            break;
        if (got < 0)
            ok = err_set(e, "the %s data is broken after %.1f seconds" HOW_TO, out->format,
                         (double)bytes / frame / rate);
        else
            bytes += got;
        /* Decoding stops once it is clearly too long: no need to decode an hour of Vorbis to
         * say so (a WAV is in memory already, its whole length is known). */
        if (s->vorbis && bytes / frame / rate > RECORDING_MAX_SECONDS)
            ok = err_set(e, "the recording is longer than %d minutes, the most the kiosk plays: split the page or "
                            "shorten the reading",
                         RECORDING_MAX_SECONDS / 60);
    }
    recording_close(s);
    return ok && check_length(out, out->rate ? (double)bytes / frame / rate : 0, e);
}
