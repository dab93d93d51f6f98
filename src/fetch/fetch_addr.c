/*
 * fetch_addr.c - which network an address is on, for the redirect guard
 * against server-side request forgery: a page on the public web must not
 * send wirecopy, by a redirect, to an address only wirecopy's own machine
 * or network can reach (a router's admin page on 192.168.0.1, a cloud
 * metadata service on 169.254.169.254, a database on 127.0.0.1) and have
 * what it answers stored and exported.
 *
 * The rule (fetch_net_allowed): a hop may go to the public internet, or to
 * the same kind of network as the request's first hop; anything else is
 * refused unless the caller allows private addresses. So a feed on
 * 127.0.0.1 (a test, a local proxy) may redirect within 127.0.0.0/8, a feed
 * on the LAN within private ranges, and a public feed only to public
 * addresses. A hop's address is checked twice: a literal address in the
 * redirect's URL before anything is sent (fetch_url.c), and the address
 * actually connected to, whatever name led there, before the request goes
 * out (CURLOPT_PREREQFUNCTION, fetch_transfer.c).
 */
#include "fetch_internal.h"

#include <arpa/inet.h>
#include <string.h>

static fetch_net net_v4(const unsigned char a[4])
{
    if (a[0] == 127 || a[0] == 0)
        return FETCH_NET_LOOPBACK; /* 0.0.0.0 reaches this machine on Linux */
    if (a[0] == 169 && a[1] == 254)
        return FETCH_NET_LINK_LOCAL;
    if (a[0] == 10 || (a[0] == 172 && (a[1] & 0xF0) == 16) || (a[0] == 192 && a[1] == 168) ||
        (a[0] == 100 && (a[1] & 0xC0) == 64) /* carrier-grade NAT */ || a[0] >= 224 /* multicast,
                                                                       reserved, broadcast */)
        return FETCH_NET_PRIVATE;
    return FETCH_NET_PUBLIC;
}

fetch_net fetch_net_of(const char *ip)
{
    unsigned char a[16];
    char buf[64];
    size_t n;

    if (!ip || !*ip)
        return FETCH_NET_UNKNOWN;
    n = strlen(ip);
    if (ip[0] == '[' && n >= 2 && ip[n - 1] == ']' && n - 2 < sizeof(buf)) {
        memcpy(buf, ip + 1, n - 2); /* a URL's host: "[::1]" */
        buf[n - 2] = '\0';
        ip = buf;
    }
    if (inet_pton(AF_INET, ip, a) == 1)
        return net_v4(a);
    if (inet_pton(AF_INET6, ip, a) != 1)
        return FETCH_NET_UNKNOWN; /* a name */
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    static const unsigned char zero[16] = {0};
    if (!memcmp(a, mapped, 12))
        return net_v4(a + 12); /* ::ffff:a.b.c.d */
    if (!memcmp(a, zero, 15) && (a[15] == 1 || a[15] == 0))
        return FETCH_NET_LOOPBACK; /* ::1, :: */
    if (a[0] == 0xFE && (a[1] & 0xC0) == 0x80)
        return FETCH_NET_LINK_LOCAL; /* fe80::/10 */
    if ((a[0] & 0xFE) == 0xFC || a[0] == 0xFF)
        return FETCH_NET_PRIVATE; /* fc00::/7 unique local, ff00::/8 multicast */
    return FETCH_NET_PUBLIC;
}

const char *fetch_net_name(fetch_net n)
{
    switch (n) {
    case FETCH_NET_LOOPBACK:
        return "loopback";
    case FETCH_NET_PRIVATE:
        return "private";
    case FETCH_NET_LINK_LOCAL:
        return "link-local";
    case FETCH_NET_PUBLIC:
        return "public";
    default:
        return "unknown";
    }
}

bool fetch_net_allowed(fetch_net first, fetch_net hop)
{
    return hop == FETCH_NET_UNKNOWN || hop == FETCH_NET_PUBLIC || hop == first;
}
