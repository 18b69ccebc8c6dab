/* recording: what a read-aloud recording must be for the kiosk to play it. Ogg Vorbis or WAV,
 * mono or stereo, decodable to its last sample and at most RECORDING_MAX_SECONDS long. The
 * bytes are decoded whole without any audio device, so the staff tool can refuse a file
 * before a pack ships instead of a visitor pressing a button that stays silent. */
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

#endif
