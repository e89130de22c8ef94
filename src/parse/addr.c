/* addr.c — parses a watcher's entity address as Ceph prints it (legacy, v1/v2/any
 * prefixes, [v2:…,v1:…] vectors, bracketed IPv6). Strict: what Ceph would never
 * print is rejected, because the result feeds host lookups and libvirt URIs. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "rbdwho/parse_addr.h"

/* Longest entry we accept: "any:[" + 45-char IPv6 + "%zone" + "]:65535/4294967295". */
#define ADDR_ENTRY_MAX 96
#define ADDR_ZONE_MAX 16

/* Parses 1..maxdigits decimal digits at *p into *val (<= max), advancing *p. */
static bool addr_parse_uint(const char **p, unsigned maxdigits, uint64_t max, uint64_t *val)
{
	const char *s = *p;
	uint64_t v = 0;
	unsigned n = 0;

	while (*s >= '0' && *s <= '9') {
		if (++n > maxdigits)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		s++;
	}
	if (n == 0 || v > max)
		return false;
	*p = s;
	*val = v;
	return true;
}

/* Skips the optional "v1:", "v2:" or "any:" type prefix, recording the protocol. */
static const char *addr_skip_proto(const char *s, char proto[3])
{
	proto[0] = '\0';
	if (strncmp(s, "v1:", 3) == 0 || strncmp(s, "v2:", 3) == 0) {
		proto[0] = 'v';
		proto[1] = s[1];
		proto[2] = '\0';
		return s + 3;
	}
	if (strncmp(s, "any:", 4) == 0)
		return s + 4;
	return s;
}

/* A link-local IPv6 address may carry "%zone"; the zone names an interface of the
 * printing host, useless here, so it is checked for sanity and dropped. */
static bool addr_zone_ok(const char *zone, size_t len)
{
	if (len == 0 || len > ADDR_ZONE_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)zone[i]) && !strchr("_.-", zone[i]))
			return false;
	return true;
}

/* Parses the IP part at *p (IPv4, or IPv6 in brackets) into out->ip/family. */
static bool addr_parse_ip(const char **p, struct watcher_addr *out)
{
	const char *s = *p, *end;
	char text[INET6_ADDRSTRLEN + ADDR_ZONE_MAX + 2];
	unsigned char bin[sizeof(struct in6_addr)];
	size_t len;

	if (*s == '[') {
		end = strchr(++s, ']');
		out->family = AF_INET6;
	} else {
		end = strchr(s, ':');
		out->family = AF_INET;
	}
	if (!end || (len = (size_t)(end - s)) == 0 || len >= sizeof(text))
		return false;
	memcpy(text, s, len);
	text[len] = '\0';
	if (out->family == AF_INET6) {
		char *zone = strchr(text, '%');
		if (zone) {
			if (!addr_zone_ok(zone + 1, strlen(zone + 1)))
				return false;
			*zone = '\0';
		}
		end++; /* past ']' */
	}
	if (inet_pton(out->family, text, bin) != 1)
		return false;
	/* Store the canonical form, so that "FE80::0:1" and "fe80::1" compare equal. */
	if (!inet_ntop(out->family, bin, out->ip, sizeof(out->ip)))
		return false;
	*p = end;
	return true;
}

/* Parses one "[type:]ip:port/nonce" entry of exactly len bytes. */
static int addr_parse_entry(const char *text, size_t len, struct watcher_addr *out)
{
	char entry[ADDR_ENTRY_MAX + 1];
	const char *p;
	uint64_t port, nonce;

	if (len == 0 || len > ADDR_ENTRY_MAX)
		return -EINVAL;
	memcpy(entry, text, len);
	entry[len] = '\0';
	p = addr_skip_proto(entry, out->proto);
	if (!addr_parse_ip(&p, out) || *p++ != ':')
		return -EINVAL;
	if (!addr_parse_uint(&p, 5, 65535, &port) || *p++ != '/')
		return -EINVAL;
	if (!addr_parse_uint(&p, 10, UINT32_MAX, &nonce) || *p != '\0')
		return -EINVAL;
	out->port = (unsigned)port;
	out->nonce = (uint32_t)nonce;
	return 0;
}

/* "[e1,e2,…]": every entry must parse (one client's vector shares its IP), the
 * first is returned. */
static int addr_parse_vector(const char *text, size_t len, struct watcher_addr *out)
{
	struct watcher_addr tmp;
	const char *s = text + 1, *end = text + len - 1; /* inside the brackets */
	bool first = true;

	if (s == end)
		return -EINVAL;
	while (s <= end) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		size_t n = comma ? (size_t)(comma - s) : (size_t)(end - s);
		if (addr_parse_entry(s, n, first ? out : &tmp) < 0)
			return -EINVAL;
		first = false;
		s += n + 1;
		if (!comma)
			break;
	}
	return 0;
}

int parse_watcher_addr(const char *text, struct watcher_addr *out)
{
	struct watcher_addr res;
	size_t len;
	int rc;

	if (!text || !out)
		return -EINVAL;
	memset(&res, 0, sizeof(res));
	len = strlen(text);
	if (len == 0)
		return -EINVAL;
	/* "[::1]:0/1" also opens with '[', but only a vector ends with ']'. */
	if (text[0] == '[' && text[len - 1] == ']')
		rc = addr_parse_vector(text, len, &res);
	else
		rc = addr_parse_entry(text, len, &res);
	if (rc < 0)
		return rc;
	*out = res;
	return 0;
}
