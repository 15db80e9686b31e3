/*-------------------------------------------------------------------------
 *
 * fuzz_codegen.c
 *	  libFuzzer target: the three code generators (src/codegen_*.c with
 *	  the views and survey of src/codegen_view.c and the output helpers of
 *	  src/codegen_out.c) on a synthetic snapshot.
 *
 * Input: lines.  A line whose first byte is even names an event (the rest
 * of the line); an odd one adds a property to the last event's last group
 * (bit 1: to a new group of that event), with its type from bits 2-4,
 * is_required from bit 5 and is_optional_in_types from bit 6; with bit 7
 * the line is "name,value,value..." and the values are an enum rule (kept
 * when they fit the type, as the write-time validation would).  Lines that
 * are not valid UTF-8 are skipped (the server's text never is).  The
 * snapshot is then ordered as codegen_load.c orders it: events by name,
 * one per name; a group's properties by name, one per name.
 *
 * Oracles beyond the sanitizers: the output is valid UTF-8 without raw
 * control characters other than newline and tab; Go's top-level func,
 * type and var names and Python's method names are unique.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "codegen.h"
#include "shim.h"

#define MAX_EVENTS 64
#define MAX_GROUPS 128
#define MAX_PROPS 512

/* A line's event, and the groups it made. */
typedef struct FuzzEvent
{
	const char *name;
	int			len;
	int			groups[8];
	int			ngroups;
} FuzzEvent;

static int
CompareFuzzEvents(const void *a, const void *b)
{
	return strcmp(((const FuzzEvent *) a)->name, ((const FuzzEvent *) b)->name);
}

static int
ComparePropertyPlaces(const void *a, const void *b)
{
	const CodegenProperty *x = a;
	const CodegenProperty *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return strcmp(x->name, y->name);
}

/*
 * The values of an enum rule from "v1,v2,...", those that fit the type.
 */
static CodegenEnum *
EnumOf(const char *values, uint8 type)
{
	CodegenEnum *e = palloc(sizeof(CodegenEnum));
	char	   *copy = pstrdup(values);
	char	   *v;
	char	   *save = NULL;

	e->n = 0;
	e->values = palloc(sizeof(CodegenValue) * (strlen(values) + 1));
	for (v = strtok_r(copy, ",", &save); v; v = strtok_r(NULL, ",", &save))
	{
		CodegenValue *value = &e->values[e->n];

		if (type == CODEGEN_STRING)
			value->kind = 's';
		else if (type == CODEGEN_BOOLEAN)
		{
			value->kind = 'b';
			v = (strlen(v) & 1) ? "true" : "false";
		}
		else if (type == CODEGEN_NUMERIC && v[strspn(v, "-0123456789.")] == '\0' &&
				 strspn(v, "0123456789") > 0)
			value->kind = 'n';
		else
			continue;
		value->text = v;
		value->len = strlen(v);
		e->n++;
	}
	return e->n > 0 ? e : NULL;
}

/*
 * Add a property line to the last event.
 */
static void
AddProperty(CodegenSchema *schema, FuzzEvent *ev, unsigned char tag, const char *line, size_t len)
{
	CodegenProperty *p;
	char	   *name = pnstrdup(line, len);
	char	   *comma = (tag & 0x80) ? strchr(name, ',') : NULL;

	if (ev->ngroups == 0 || (tag & 2))
	{
		if (ev->ngroups == lengthof(ev->groups) || schema->ngroups == MAX_GROUPS)
			return;
		ev->groups[ev->ngroups++] = schema->ngroups++;
	}
	if (schema->nprops == MAX_PROPS)
		return;
	p = &schema->props[schema->nprops++];
	if (comma)
		*comma = '\0';
	p->name = name;
	p->len = strlen(name);
	p->group = ev->groups[ev->ngroups - 1];
	p->type = ((tag >> 2) & 7) % CODEGEN_NTYPES;
	p->required = (tag >> 5) & 1;
	p->optional_in_types = (tag >> 6) & 1;
	p->enumeration = comma ? EnumOf(comma + 1, p->type) : NULL;
}

/*
 * Place the properties by group (one per name) and the events by name
 * (one per name), with their group references, as codegen_load.c does.
 */
static void
Order(CodegenSchema *schema, FuzzEvent *events, int nevents)
{
	int			i,
				out = 0;

	qsort(schema->props, schema->nprops, sizeof(CodegenProperty), ComparePropertyPlaces);
	for (i = 0; i < schema->nprops; i++)
		if (out == 0 || schema->props[out - 1].group != schema->props[i].group ||
			strcmp(schema->props[out - 1].name, schema->props[i].name) != 0)
			schema->props[out++] = schema->props[i];
	schema->nprops = out;
	schema->groups = palloc0(sizeof(CodegenGroup) * MAX_GROUPS);
	for (i = 0; i < schema->nprops; i++)
	{
		CodegenGroup *g = &schema->groups[schema->props[i].group];

		if (g->nprops++ == 0)
			g->first = i;
	}

	qsort(events, nevents, sizeof(FuzzEvent), CompareFuzzEvents);
	schema->events = palloc(sizeof(CodegenEvent) * Max(nevents, 1));
	schema->refs = palloc(sizeof(int) * MAX_EVENTS * 8);
	schema->nevents = 0;
	for (i = 0; i < nevents; i++)
	{
		CodegenEvent *e;
		int			k;

		if (i > 0 && strcmp(events[i - 1].name, events[i].name) == 0)
			continue;
		e = &schema->events[schema->nevents++];
		e->name = events[i].name;
		e->len = events[i].len;
		e->first = i * 8;
		e->ngroups = 0;
		for (k = 0; k < events[i].ngroups; k++)
			if (schema->groups[events[i].groups[k]].nprops > 0)
				schema->refs[e->first + e->ngroups++] = events[i].groups[k];
	}
}

static void
BuildSchema(const char *data, size_t size, CodegenSchema *schema)
{
	const char *p = data;
	const char *end = data + size;
	FuzzEvent  *events = palloc0(sizeof(FuzzEvent) * MAX_EVENTS);
	int			nevents = 0;

	memset(schema, 0, sizeof(CodegenSchema));
	schema->props = palloc(sizeof(CodegenProperty) * MAX_PROPS);
	schema->generated_at = "2024-01-02T03:04:05.123456";
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
		if ((tag & 1) == 0 || nevents == 0)
		{
			if (nevents == MAX_EVENTS)
				break;
			events[nevents].name = pnstrdup(name, len);
			events[nevents++].len = len;
			if ((tag & 1) == 0)
				continue;
		}
		AddProperty(schema, &events[nevents - 1], tag, name, len);
	}
	Order(schema, events, nevents);
	codegen_survey(schema, NULL, NULL);
}

static void
CheckText(const char *lang, CgOut *out)
{
	size_t		i;

	if (!fuzz_valid_utf8(out->data, out->len))
		fuzz_fail("%s output is not valid UTF-8", lang);
	for (i = 0; i < out->len; i++)
	{
		unsigned char c = (unsigned char) out->data[i];

		if (c < 0x20 && c != '\n' && c != '\t')
			fuzz_fail("%s output has a raw control character 0x%02x at %zu", lang, c, i);
	}
}

/* identifiers that start lines beginning with prefix must be unique */
static void
CheckUnique(const char *lang, CgOut *out, const char *prefix)
{
	NameSet		seen = {0};
	size_t		plen = strlen(prefix);
	char	   *text = pnstrdup(out->data, out->len);
	char	   *line = text;

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

/*
 * Run one generator into a buffer of its estimated size (it grows when the
 * estimate falls short) and check the text.
 */
static CgOut
Run(const char *lang, void (*generate) (CodegenSchema *, CgOut *), size_t (*estimate) (CodegenSchema *),
	CodegenSchema *schema)
{
	size_t		size = estimate(schema);
	CgOut		out = {palloc(size), 0, size};

	generate(schema, &out);
	CheckText(lang, &out);
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	CodegenSchema schema;
	CgOut		py,
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

	Run("typescript", codegen_typescript, codegen_typescript_size, &schema);
	py = Run("python", codegen_python, codegen_python_size, &schema);
	CheckUnique("python", &py, "    def ");
	go = Run("go", codegen_golang, codegen_golang_size, &schema);
	CheckUnique("go", &go, "func ");
	CheckUnique("go", &go, "type ");
	CheckUnique("go", &go, "var ");

	if (fuzz_error_count != 0)
		fuzz_fail("a code generator raised an ERROR");
	fuzz_end();
	return 0;
}
