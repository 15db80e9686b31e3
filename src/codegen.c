/*-------------------------------------------------------------------------
 *
 * codegen.c
 *	  The code generators' common part: one snapshot of a project's events
 *	  and their typed properties, PostHog's schema hash, the result object,
 *	  and the SQL entry points.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "common/cryptohash.h"
#include "common/sha2.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

#include "codegen.h"
#include "definitions.h"
#include "event_definitions.h"
#include "render.h"

/*
 * A property type as a CodegenType.
 */
CodegenType
codegen_type(const char *type)
{
	static const char *const names[] = {"String", "Numeric", "Boolean", "DateTime", "Array", "Object"};
	int			i;

	for (i = 0; i < (int) lengthof(names); i++)
		if (strcmp(type, names[i]) == 0)
			return (CodegenType) i;
	return CODEGEN_OTHER;
}

/*
 * A JSON string literal of s (quotes included), escaped as orjson does;
 * valid as a TypeScript, Python and Go string literal.
 */
char *
codegen_literal(const char *s)
{
	StringInfoData buf;

	initStringInfo(&buf);
	ed_json_append_string(&buf, s, strlen(s));
	return buf.data;
}

/* [0-9A-Za-z], whatever the server's LC_CTYPE says about other bytes */
static inline bool
IsAsciiAlnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/*
 * The runs of ASCII letters and digits in s, in order.
 */
char **
codegen_split_alnum(const char *s, int *nparts)
{
	int			len = strlen(s);
	char	  **parts = palloc(sizeof(char *) * (len / 2 + 1));
	int			i = 0;

	*nparts = 0;
	while (i < len)
	{
		int			start;

		while (i < len && !IsAsciiAlnum((unsigned char) s[i]))
			i++;
		start = i;
		while (i < len && IsAsciiAlnum((unsigned char) s[i]))
			i++;
		if (i > start)
			parts[(*nparts)++] = pnstrdup(s + start, i - start);
	}
	return parts;
}

/*
 * The runs of ASCII letters and digits in s joined by sep; *nparts runs.
 */
char *
codegen_join_alnum(const char *s, const char *sep, int *nparts)
{
	char	  **parts = codegen_split_alnum(s, nparts);
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < *nparts; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, sep);
		appendStringInfoString(&buf, parts[i]);
	}
	return buf.data;
}

/*
 * Is s one of the words of a NULL-terminated list?
 */
bool
codegen_in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

/*
 * Read the project's selected events with their properties, in one query
 * (so one snapshot): every name not starting with '$', plus $pageview,
 * $pageleave and $screen, hidden and unverified ones included.
 */
static void
LoadSchema(int64 project_id, CodegenSchema *schema)
{
	static EdPlan plan = {
		"SELECT d.name, p.name, p.property_type, p.is_required"
		" FROM event_definitions_private.event_definitions d"
		" LEFT JOIN event_definitions_private.event_schemas s"
		"  ON s.project_id = d.project_id AND s.event_definition_id = d.id"
		" LEFT JOIN event_definitions_private.property_group_properties p"
		"  ON p.project_id = s.project_id AND p.property_group_id = s.property_group_id"
		" WHERE d.project_id = $1"
		"  AND (NOT pg_catalog.starts_with(d.name, '$')"
		"       OR d.name OPERATOR(pg_catalog.=) ANY ('{$pageview,$pageleave,$screen}'::text[]))"
		" ORDER BY d.name, p.name, p.property_type COLLATE \"C\", p.is_required",
		1, {INT8OID}
	};
	Datum		values[1] = {Int64GetDatum(project_id)};
	int			nrows = ed_exec(&plan, values, NULL, true, 0);
	TupleDesc	tupdesc = SPI_tuptable->tupdesc;
	CodegenEvent *event = NULL;
	int			row;
	CodegenProperty *props;
	CodegenProperty *fields;

	/* every row is at most one property: one array each, shared by the events */
	props = palloc(sizeof(CodegenProperty) * Max(nrows, 1));
	fields = palloc(sizeof(CodegenProperty) * Max(nrows, 1));
	schema->events = palloc0(sizeof(CodegenEvent) * Max(nrows, 1));
	schema->nevents = 0;
	schema->has_datetime = false;
	schema->generated_at = ed_local_isoformat(GetCurrentTransactionStartTimestamp());

	for (row = 0; row < nrows; row++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[row];
		char	   *name = SPI_getvalue(tuple, tupdesc, 1);
		char	   *prop = SPI_getvalue(tuple, tupdesc, 2);

		CHECK_FOR_INTERRUPTS();
		if (event == NULL || strcmp(event->name, name) != 0)
		{
			event = &schema->events[schema->nevents++];
			event->name = name;
			event->props = props + row;
			event->fields = fields + row;
		}
		if (prop != NULL)
		{
			CodegenProperty *p = &event->props[event->nprops++];
			bool		isnull;

			p->name = prop;
			p->type = SPI_getvalue(tuple, tupdesc, 3);
			p->required = DatumGetBool(SPI_getbinval(tuple, tupdesc, 4, &isnull));

			/* one field per name: the first type, required if any group requires it */
			if (event->nfields > 0 && strcmp(event->fields[event->nfields - 1].name, prop) == 0)
				event->fields[event->nfields - 1].required |= p->required;
			else
			{
				event->fields[event->nfields++] = *p;
				/* only the merged fields are typed in the output (Go must use "time") */
				if (codegen_type(p->type) == CODEGEN_DATETIME)
					schema->has_datetime = true;
			}
		}
	}
}

/*
 * PostHog's schema_hash: SHA-256 of the compact, key-sorted JSON
 * {"schemas": [[event, [[prop, type, required], ...]], ...], "version": ...},
 * first 32 hex digits.  Events and properties are already sorted.
 */
static char *
SchemaHash(CodegenSchema *schema)
{
	StringInfoData buf;
	pg_cryptohash_ctx *ctx;
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
	char	   *hex = palloc(PG_SHA256_DIGEST_LENGTH * 2 + 1);
	int			e,
				p;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"schemas\":[");
	for (e = 0; e < schema->nevents; e++)
	{
		CodegenEvent *event = &schema->events[e];

		CHECK_FOR_INTERRUPTS();
		if (e > 0)
			appendStringInfoChar(&buf, ',');
		appendStringInfoChar(&buf, '[');
		ed_json_append_string(&buf, event->name, strlen(event->name));
		appendStringInfoString(&buf, ",[");
		for (p = 0; p < event->nprops; p++)
		{
			CodegenProperty *prop = &event->props[p];

			if (p > 0)
				appendStringInfoChar(&buf, ',');
			appendStringInfoChar(&buf, '[');
			ed_json_append_string(&buf, prop->name, strlen(prop->name));
			appendStringInfo(&buf, ",\"%s\",%s]", prop->type, prop->required ? "true" : "false");
		}
		appendStringInfoString(&buf, "]]");
	}
	appendStringInfoString(&buf, "],\"version\":\"" ED_GENERATOR_VERSION "\"}");

	ctx = pg_cryptohash_create(PG_SHA256);
	if (ctx == NULL || pg_cryptohash_init(ctx) < 0 ||
		pg_cryptohash_update(ctx, (uint8 *) buf.data, buf.len) < 0 ||
		pg_cryptohash_final(ctx, digest, sizeof(digest)) < 0)
		elog(ERROR, "could not compute SHA-256: %s", pg_cryptohash_error(ctx));
	pg_cryptohash_free(ctx);

	hex_encode((char *) digest, 16, hex);
	hex[32] = '\0';
	return hex;
}

typedef void (*CodegenFunction) (CodegenSchema *schema, StringInfo out);

/*
 * Run one generator for a project and build
 * {content, event_count, schema_hash, generator_version}.
 */
static Datum
Generate(FunctionCallInfo fcinfo, CodegenFunction generate)
{
	int64		project_id = ed_project_arg(fcinfo);
	CodegenSchema schema;
	StringInfoData content;
	JsonbParseState *state = NULL;
	Datum		result;

	SPI_connect();
	ed_require_project(project_id);
	LoadSchema(project_id, &schema);

	initStringInfo(&content);
	generate(&schema, &content);

	/* built as jsonb directly: the file is not escaped only to be parsed again */
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	ed_push_cstring_field(&state, "content", content.data);
	ed_push_int8_field(&state, "event_count", schema.nevents);
	ed_push_cstring_field(&state, "schema_hash", SchemaHash(&schema));
	ed_push_cstring_field(&state, "generator_version", ED_GENERATOR_VERSION);
	result = ed_jsonb_result(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
	SPI_finish();
	return result;
}

PG_FUNCTION_INFO_V1(ed_event_definitions_typescript);

/*
 * event_definitions_typescript(project_id): GET /event_definitions/typescript/
 */
Datum
ed_event_definitions_typescript(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(Generate(fcinfo, codegen_typescript));
}

PG_FUNCTION_INFO_V1(ed_event_definitions_python);

/*
 * event_definitions_python(project_id): GET /event_definitions/python/
 */
Datum
ed_event_definitions_python(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(Generate(fcinfo, codegen_python));
}

PG_FUNCTION_INFO_V1(ed_event_definitions_golang);

/*
 * event_definitions_golang(project_id): GET /event_definitions/golang/
 */
Datum
ed_event_definitions_golang(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(Generate(fcinfo, codegen_golang));
}
