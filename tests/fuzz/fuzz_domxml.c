/* fuzz_domxml.c — libFuzzer target for parse_domain_xml: the bytes go in as they
 * come (with length, NULs included), as virDomainGetXMLDesc's text would. */
#include <stdlib.h>

#include "fuzz_common.h"
#include "rbdwho/parse_domxml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct domain_xml d;

	if (parse_domain_xml((const char *)data, size, &d) == 0) {
		for (size_t i = 0; i < d.disks.n; i++)
			if (!d.disks.v[i].pool || !d.disks.v[i].image)
				abort();
		domain_xml_clear(&d);
	}
	return 0;
}
