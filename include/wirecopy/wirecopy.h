/*
 * wirecopy.h - the library's umbrella header and global set-up.
 */
#ifndef WIRECOPY_H
#define WIRECOPY_H

#include "wirecopy/buf.h"
#include "wirecopy/error.h"

#define WIRECOPY_VERSION "0.1.0"

/*
 * Initialise libxml2 and libcurl once per process, before any thread
 * starts; call wc_global_cleanup() at exit. Not thread-safe.
 */
wc_status wc_global_init(wc_error *err);
void wc_global_cleanup(void);

/* The library version string. */
const char *wc_version(void);

/* A monotonic clock in seconds (for rates and timeouts, not dates). Thread-safe. */
double wc_time_mono(void);

#endif
