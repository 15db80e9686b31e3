/*-------------------------------------------------------------------------
 *
 * fuzz_real.c
 *	  libFuzzer target: ed_json_real_text (src/ed_json.c), the text a JSON
 *	  float becomes in a string field.
 *
 * Oracles: the text reads back (strtod) to the same double, sign included,
 * and it is what Python's repr() writes: fixed notation with at least one
 * decimal for exponents -4..15, else d[.ddd]e[+-]XX.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "ed_json.h"
#include "shim.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	double		d = 0;
	char	   *text;
	const char *e;

	fuzz_begin();
	memcpy(&d, data, Min(size, sizeof(d)));
	text = ed_json_real_text(d);
	if (isnan(d) || isinf(d))
	{
		if (strcmp(text, "null") != 0)
			fuzz_fail("non-finite %g written as %s", d, text);
		fuzz_end();
		return 0;
	}
	if (strtod(text, NULL) != d || signbit(strtod(text, NULL)) != signbit(d))
		fuzz_fail("%s does not read back as %.17g", text, d);
	e = strchr(text, 'e');
	if (d != 0 && fabs(d) >= 1e-4 && fabs(d) < 1e16)
	{
		if (e != NULL || strchr(text, '.') == NULL)
			fuzz_fail("%.17g written as %s, Python writes fixed notation with a decimal point", d, text);
	}
	else if (d != 0)
	{
		if (e == NULL || (e[1] != '+' && e[1] != '-') || strlen(e + 2) < 2)
			fuzz_fail("%.17g written as %s, Python writes an exponent", d, text);
	}
	fuzz_end();
	return 0;
}
