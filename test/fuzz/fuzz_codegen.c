/*-------------------------------------------------------------------------
 *
 * fuzz_codegen.c
 *	  libFuzzer target: the three code generators (src/codegen_*.c with
 *	  src/codegen.c's identifier helpers) on a synthetic schema.
 *
 * Input: lines.  A line whose first byte is even names an event (the rest
 * of the line); an odd one adds a property to the last event, its type
 * and is_required taken from the first byte.  Lines that are not valid
 * UTF-8 are skipped (the server's text never is).  The schema is then
 * sorted and merged exactly as codegen.c's LoadSchema() reads it.
 *
 * Oracles beyond the sanitizers: the output is valid UTF-8 without raw
 * control characters other than newline and tab; Go's top-level
 * func/type names and Python's method names are unique.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "codegen.h"
#include "shim.h"

static const char *const types[] = {"String", "Numeric", "Boolean", "DateTime", "Object", "Array", "Other"};

static int
CompareEvents(const void *a, const void *b)
{
	return strcmp(((const CodegenEvent *) a)->name, ((const CodegenEvent *) b)->name);
}

/* ORDER BY p.name, p.property_type, p.is_required */
static int
CompareProps(const void *a, const void *b)
{
	const CodegenProperty *x = a;
	const CodegenProperty *y = b;
	int			c = strcmp(x->name, y->name);

	if (c == 0)
		c = strcmp(x->type, y->type);
	if (c == 0)
		c = (int) x->required - (int) y->required;
	return c;
}

static void
BuildSchema(const char *data, size_t size, CodegenSchema *schema)
{
	const char *p = data;
	const char *end = data + size;
	int			cap = 64;
	int			e,
				out;

	schema->events = palloc0(sizeof(CodegenEvent) * cap);
	schema->nevents = 0;
	schema->generated_at = "2024-01-02T03:04:05.123456";
	schema->has_datetime = false;

	while (p < end)
	{
		const char *nl = memchr(p, '\n', end - p);
		const char *line_end = nl ? nl : end;
		unsigned char tag = (unsigned char) *p;
		const char *name = p + 1;
		size_t		len = line_end > p ? line_end - p - 1 : 0;

		p = nl ? nl + 1 : end;
		if (line_end == name - 1 || !fuzz_valid_utf8(name, len))
			continue;
		if ((tag & 1) == 0 || schema->nevents == 0)
		{
			CodegenEvent *ev;

			if (schema->nevents == cap)
				break;
			ev = &schema->events[schema->nevents++];
			ev->name = pnstrdup(name, len);
			ev->props = palloc(sizeof(CodegenProperty) * 64);
			ev->nprops = 0;
			if ((tag & 1) == 0)
				continue;
		}
		{
			CodegenEvent *ev = &schema->events[schema->nevents - 1];
			CodegenProperty *prop;

			if (ev->nprops == 64)
				continue;
			prop = &ev->props[ev->nprops++];
			prop->name = pnstrdup(name, len);
			prop->type = (char *) types[(tag >> 1) % lengthof(types)];
			prop->required = (tag >> 4) & 1;
		}
	}

	/* one event per name, events by name; properties sorted, then merged */
	qsort(schema->events, schema->nevents, sizeof(CodegenEvent), CompareEvents);
	for (e = 0, out = 0; e < schema->nevents; e++)
	{
		if (out > 0 && strcmp(schema->events[out - 1].name, schema->events[e].name) == 0)
			continue;
		schema->events[out++] = schema->events[e];
	}
	schema->nevents = out;
	for (e = 0; e < schema->nevents; e++)
	{
		CodegenEvent *ev = &schema->events[e];
		int			i;

		qsort(ev->props, ev->nprops, sizeof(CodegenProperty), CompareProps);
		ev->fields = palloc(sizeof(CodegenProperty) * Max(ev->nprops, 1));
		ev->nfields = 0;
		for (i = 0; i < ev->nprops; i++)
		{
			if (ev->nfields > 0 && strcmp(ev->fields[ev->nfields - 1].name, ev->props[i].name) == 0)
				ev->fields[ev->nfields - 1].required |= ev->props[i].required;
			else
			{
				ev->fields[ev->nfields++] = ev->props[i];
				if (strcmp(ev->props[i].type, "DateTime") == 0)
					schema->has_datetime = true;
			}
		}
	}
}

static void
CheckText(const char *lang, StringInfo out)
{
	int			i;

	if (!fuzz_valid_utf8(out->data, out->len))
		fuzz_fail("%s output is not valid UTF-8", lang);
	for (i = 0; i < out->len; i++)
	{
		unsigned char c = (unsigned char) out->data[i];

		if (c < 0x20 && c != '\n' && c != '\t')
			fuzz_fail("%s output has a raw control character 0x%02x at %d", lang, c, i);
		if (c == 0x7f && strcmp(lang, "go") == 0)
			;					/* DEL is legal in Go source */
	}
}

/* identifiers that start lines beginning with prefix must be unique */
static void
CheckUnique(const char *lang, StringInfo out, const char *prefix)
{
	NameSet		seen = {0};
	size_t		plen = strlen(prefix);
	char	   *line = out->data;

	while (line && *line)
	{
		char	   *next = strchr(line, '\n');

		if (strncmp(line, prefix, plen) == 0)
		{
			const char *id = line + plen;
			size_t		n = strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
			char	   *name = pnstrdup(id, n);

			if (n == 0)
				fuzz_fail("%s: empty identifier after \"%s\"", lang, prefix);
			if (nameset_contains(&seen, name))
				fuzz_fail("%s: identifier %s defined twice", lang, name);
			nameset_add(&seen, name);
		}
		line = next ? next + 1 : NULL;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	CodegenSchema schema;
	StringInfoData ts,
				py,
				go;
	int			e;

	fuzz_begin();
	BuildSchema((const char *) data, size, &schema);

	for (e = 0; e < schema.nevents; e++)
	{
		char	   *lit = codegen_literal(schema.events[e].name);

		if (lit[0] != '"' || lit[strlen(lit) - 1] != '"')
			fuzz_fail("codegen_literal without quotes: %s", lit);
	}

	initStringInfo(&ts);
	codegen_typescript(&schema, &ts);
	CheckText("typescript", &ts);

	initStringInfo(&py);
	codegen_python(&schema, &py);
	CheckText("python", &py);
	CheckUnique("python", &py, "    def ");

	initStringInfo(&go);
	codegen_golang(&schema, &go);
	CheckText("go", &go);
	CheckUnique("go", &go, "func ");
	CheckUnique("go", &go, "type ");

	if (fuzz_error_count != 0)
		fuzz_fail("a code generator raised an ERROR");
	fuzz_end();
	return 0;
}
