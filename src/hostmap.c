/* hostmap.c — from a watcher's IP to the hypervisor that holds the image open.
 * Order: the config file's explicit map, this machine's own addresses, Nova's
 * os-hypervisors host_ip, then reverse DNS. Each answer says where it came from,
 * because the Ceph public network and Nova's my_ip are often different subnets. */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rbdwho/deadline.h"
#include "rbdwho/hostmap.h"
#include "rbdwho/util.h"

bool hostmap_is_local_ip(const char *ip)
{
	struct in_addr a4;
	struct in6_addr a6;
	if (inet_pton(AF_INET, ip, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127)
		return true;
	if (inet_pton(AF_INET6, ip, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6))
		return true;

	struct ifaddrs *ifs = NULL;
	if (getifaddrs(&ifs) != 0)
		return false;
	bool found = false;
	for (struct ifaddrs *i = ifs; i && !found; i = i->ifa_next) {
		if (!i->ifa_addr)
			continue;
		char buf[INET6_ADDRSTRLEN] = "";
		int fam = i->ifa_addr->sa_family;
		if (fam == AF_INET)
			inet_ntop(fam, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, buf, sizeof buf);
		else if (fam == AF_INET6)
			inet_ntop(fam, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, buf, sizeof buf);
		found = buf[0] && strcmp(buf, ip) == 0;
	}
	freeifaddrs(ifs);
	return found;
}

char *hostmap_local_name(void)
{
	char name[256] = "";
	if (gethostname(name, sizeof name - 1) != 0 || !name[0])
		return xstrdup("localhost");
	return xstrdup(name);
}

/* getnameinfo may wait on a resolver for a long time: it runs under a deadline. */
static void *reverse_lookup(void *arg)
{
	const char *ip = arg;
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	socklen_t len;
	if (strchr(ip, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		if (inet_pton(AF_INET6, ip, &s6->sin6_addr) != 1)
			return NULL;
		len = sizeof *s6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		if (inet_pton(AF_INET, ip, &s4->sin_addr) != 1)
			return NULL;
		len = sizeof *s4;
	}
	char host[NI_MAXHOST];
	if (getnameinfo((struct sockaddr *)&ss, len, host, sizeof host, NULL, 0, NI_NAMEREQD) != 0)
		return NULL;
	/* Keep the short name: hypervisors are named by it in Nova and libvirt URIs. */
	char *dot = strchr(host, '.');
	if (dot)
		*dot = '\0';
	return xstrdup(host);
}

char *hostmap_reverse_dns(const char *ip, int timeout_ms)
{
	void *res = NULL;
	if (deadline_run(reverse_lookup, xstrdup(ip), free, free, timeout_ms, &res) != 0)
		return NULL;
	return res;
}

char *hostmap_from_hypervisors(const struct nova_hypervisor *hv, size_t n, const char *ip)
{
	for (size_t i = 0; i < n; i++) {
		if (hv[i].host_ip && strcmp(hv[i].host_ip, ip) == 0) {
			const char *name = hv[i].service_host ? hv[i].service_host : hv[i].hostname;
			return xstrdup(name);
		}
	}
	return NULL;
}
