/* parse_addr.h — the entity address of a watcher as Ceph prints it:
 *   "10.10.104.191:0/47647874"            legacy / v1
 *   "v2:10.0.0.1:0/123", "v1:10.0.0.1:6801/7"
 *   "[v2:10.0.0.1:3300/0,v1:10.0.0.1:6789/0]" (an address vector)
 *   "[::1]:0/123", "v2:[fe80::1]:0/5"      IPv6
 * Pure parsing, no I/O. */
#ifndef RBDWHO_PARSE_ADDR_H
#define RBDWHO_PARSE_ADDR_H

#include <stdint.h>

struct watcher_addr {
	char ip[64];       /* numeric, without brackets: "10.0.0.1", "fe80::1" */
	int family;        /* AF_INET or AF_INET6 */
	unsigned port;
	uint32_t nonce;
	char proto[3];     /* "v1", "v2" or "" when the text gave none */
};

/* Returns 0, or -EINVAL when text is not an address (out is then untouched).
 * For a vector, every entry must parse and the first is taken (every entry of
 * one client shares its IP). ip is canonical (inet_ntop); an IPv6 "%zone" is
 * checked and dropped; "any:" gives proto "". No surrounding blanks allowed. */
int parse_watcher_addr(const char *text, struct watcher_addr *out);

#endif
