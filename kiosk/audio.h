/* audio: plays read-aloud recordings out of the pack on an SDL audio device; only the platform uses
 * it. The sound device opens at the first recording, not at start-up, and a kiosk without one
 * carries on silently (one line in the log): sound is a help, never a reason to stop. */
#ifndef WW_AUDIO_H
#define WW_AUDIO_H

#include "pack.h"

typedef struct audio audio;

/* NULL only when out of memory; opens no device yet. */
audio *audio_new(void);
/* Stops what plays and closes the device. */
void audio_free(audio *au);

/* Makes the asset `hash` of `p` play, from its start, or stops playing when `hash` is "".
 * Nothing changes while it is asked for what it already plays. */
void audio_follow(audio *au, pack *p, const char *hash);

/* True once the recording asked for is over: played to its end, or it could not play. */
bool audio_done(const audio *au);

#endif
