/*
 * global.c - process-wide set-up of the libraries wirecopy builds on.
 *
 * libxml2 and libcurl each keep global state that must be initialised
 * once, before threads start (xmlInitParser, curl_global_init). This is
 * the only place that touches it.
 */
#include "wirecopy/wirecopy.h"

#include <curl/curl.h>
#include <libxml/parser.h>

#include "internal.h"

wc_status wc_global_init(wc_error *err)
{
    CURLcode rc;

    xmlInitParser();
    rc = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK)
        return wc_error_set(err, WC_ERR_NET, "cannot initialise libcurl: %s",
                            curl_easy_strerror(rc));
    return WC_OK;
}

void wc_global_cleanup(void)
{
    curl_global_cleanup();
    xmlCleanupParser();
}

const char *wc_version(void)
{
    return WIRECOPY_VERSION;
}
