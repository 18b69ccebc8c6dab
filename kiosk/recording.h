/* recording: read-aloud recordings decoded (Ogg Vorbis through libvorbisfile, WAV through
 * SDL), and what one must be for the kiosk to play it: mono or stereo, decodable to its last
 * sample and at most RECORDING_MAX_SECONDS long. The staff tool decodes every recording whole
 * without any audio device, so it can refuse a file before a pack ships instead of a visitor
 * pressing a button that stays silent; the kiosk plays through the same decoder. */
#ifndef WW_RECORDING_H
#define WW_RECORDING_H

#include <stddef.h>

#include "err.h"

/* A page read aloud takes minutes; an hour is a wrong file, and it would sit in every pack. */
#define RECORDING_MAX_SECONDS 600

typedef struct recording_info {
    const char *format; /* "Ogg Vorbis" or "WAV" */
    int channels, rate;
    double seconds;
} recording_info;

/* True when the kiosk can play these bytes; otherwise false with what is wrong and how to
 * make a file it can play. */
bool recording_probe(const unsigned char *data, size_t size, recording_info *out, err *e);

typedef struct recording_stream recording_stream;

/* Opens the bytes for decoding (they must outlive the stream); NULL with the reason when they
 * are not a recording the kiosk plays. `out` gets format, channels and rate. */
recording_stream *recording_open(const unsigned char *data, size_t size, recording_info *out, err *e);
/* Up to `size` bytes of signed 16-bit samples in the machine's byte order, channels
 * interleaved; 0 at the end, -1 where the data is broken. */
long recording_read(recording_stream *s, unsigned char *out, size_t size);
void recording_close(recording_stream *s);

#endif
