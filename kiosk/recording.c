#include "recording.h"

#include <SDL.h>
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

/* Decodes every packet: a file that breaks half way would stop the reading half way. */
static bool probe_vorbis(const unsigned char *data, size_t size, recording_info *out, err *e)
{
    memory m = {data, size, 0};
    ov_callbacks io = {mem_read, mem_seek, NULL, mem_tell};
    OggVorbis_File vf;
    int r = ov_open_callbacks(&m, &vf, NULL, 0, io);
    if (r == OV_ENOTVORBIS)
        return err_set(e, "an Ogg file, but not Ogg Vorbis (Opus or FLAC in Ogg are not played)" HOW_TO);
    if (r < 0)
        return err_set(e, "not a readable Ogg Vorbis file (broken or cut short)" HOW_TO);
    vorbis_info *vi = ov_info(&vf, -1);
    out->format = "Ogg Vorbis";
    out->channels = vi ? vi->channels : 0;
    out->rate = vi ? (int)vi->rate : 0;
    bool ok = channels_ok(out->channels, e);
    long long samples = 0;
    char pcm[8192];
    int section = 0;
    while (ok) {
        long got = ov_read(&vf, pcm, sizeof pcm, 0, 2, 1, &section);
        if (got == 0)
            break;
        if (got < 0 && got != OV_HOLE)
            ok = err_set(e, "the Ogg Vorbis data is broken after %.1f seconds" HOW_TO,
                         out->rate ? (double)samples / out->rate : 0);
        else if (got > 0)
            samples += got / (2 * out->channels);
        /* Decoding stops once it is clearly too long: no need to decode an hour to say so. */
        if (out->rate && samples / out->rate > RECORDING_MAX_SECONDS)
            break;
    }
    ov_clear(&vf);
    return ok && check_length(out, out->rate ? (double)samples / out->rate : 0, e);
}

static bool probe_wav(const unsigned char *data, size_t size, recording_info *out, err *e)
{
    SDL_AudioSpec spec;
    Uint8 *buf = NULL;
    Uint32 len = 0;
    SDL_RWops *rw = SDL_RWFromConstMem(data, (int)size);
    if (!rw || !SDL_LoadWAV_RW(rw, 1, &spec, &buf, &len))
        return err_set(e, "not a WAV file the kiosk can read (%s)" HOW_TO, SDL_GetError());
    SDL_FreeWAV(buf);
    out->format = "WAV";
    out->channels = spec.channels;
    out->rate = spec.freq;
    int frame = (int)SDL_AUDIO_BITSIZE(spec.format) / 8 * spec.channels;
    return channels_ok(spec.channels, e) &&
           check_length(out, frame && spec.freq ? (double)len / frame / spec.freq : 0, e);
}

bool recording_probe(const unsigned char *data, size_t size, recording_info *out, err *e)
{
    memset(out, 0, sizeof *out);
    if (size > INT32_MAX)
        return err_set(e, "the recording is too large" HOW_TO);
    if (size >= 4 && !memcmp(data, "OggS", 4))
        return probe_vorbis(data, size, out, e);
    if (size >= 12 && !memcmp(data, "RIFF", 4) && !memcmp(data + 8, "WAVE", 4))
        return probe_wav(data, size, out, e);
    if (size >= 3 && (!memcmp(data, "ID3", 3) || (data[0] == 0xFF && (data[1] & 0xE0) == 0xE0)))
        return err_set(e, "an MP3 file; the kiosk plays Ogg Vorbis and WAV" HOW_TO);
    return err_set(e, "not an Ogg Vorbis or WAV file" HOW_TO);
}
