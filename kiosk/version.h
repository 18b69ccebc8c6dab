/* version: the firmware's own version, compared with a pack's "minimum firmware". */
#ifndef WW_VERSION_H
#define WW_VERSION_H

#define WW_VERSION "0.1.0"

#endif
