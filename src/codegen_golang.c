/*-------------------------------------------------------------------------
 *
 * codegen_golang.c
 *	  Go: package typed, with <Event>Capture(distinctId, required...,
 *	  options...) and <Event>CaptureFromBase(base, required..., options...)
 *	  per event, and an <Event>With<Prop>() option per optional property.
 *
 * Identifiers are PostHog's, computed from the JSON-escaped name.  Beyond
 * PostHog, every top-level identifier is unique across the whole file
 * (two events that map to the same name get 2, 3, ...), so the output
 * always compiles, and it is gofmt-clean.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"

#include "codegen.h"

static const char *const go_keywords[] = {
	"break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough",
	"for", "func", "go", "goto", "if", "import", "interface", "map", "package", "range",
	"return", "select", "struct", "switch", "type", "var", NULL
};

/*
 * Go type of a property type.
 */
static const char *
GoType(const char *type)
{
	static const char *const types[] = {
		"string", "float64", "bool", "time.Time", "[]interface{}", "map[string]interface{}", "interface{}"
	};

	return types[codegen_type(type)];
}

/*
 * A Go string literal: the JSON escaping, plus U+FEFF escaped (Go rejects a
 * byte order mark inside a source file).
 */
static char *
GoLiteral(const char *s)
{
	char	   *json = codegen_literal(s);
	StringInfoData buf;
	const char *p;

	if (strstr(json, "\xEF\xBB\xBF") == NULL)
		return json;
	initStringInfo(&buf);
	for (p = json; *p; p++)
	{
		if (strncmp(p, "\xEF\xBB\xBF", 3) == 0)
		{
			appendStringInfoString(&buf, "\\ufeff");
			p += 2;
		}
		else
			appendStringInfoChar(&buf, *p);
	}
	return buf.data;
}

/*
 * The literal without its quotes, for comments.
 */
static char *
GoCommentText(const char *s)
{
	char	   *lit = GoLiteral(s);

	return pnstrdup(lit + 1, strlen(lit) - 2);
}

/*
 * The alphanumeric runs of the escaped name, each with its first letter
 * upper-cased and the rest kept, joined ("" when there are none).
 */
static char *
JoinCapitalized(const char *name)
{
	int			n,
				i;
	char	  **parts = codegen_split_alnum(codegen_literal(name), &n);
	StringInfoData buf;

	initStringInfo(&buf);
	for (i = 0; i < n; i++)
	{
		parts[i][0] = pg_ascii_toupper((unsigned char) parts[i][0]);
		appendStringInfoString(&buf, parts[i]);
	}
	return buf.data;
}

/*
 * Exported function base: the capitalized runs; "Event" when empty, and
 * "Event" before one that does not start with a letter.
 */
static char *
GoFunc(const char *name)
{
	char	   *base = JoinCapitalized(name);

	if (base[0] == '\0')
		return "Event";
	if (!isalpha((unsigned char) base[0]))
		return psprintf("Event%s", base);
	return base;
}

/*
 * Parameter name: first run lower-cased ("param" before a leading digit),
 * later runs capitalized; "value" when empty; a keyword gets '_'.
 */
static char *
GoParam(const char *name)
{
	int			n,
				i;
	char	  **parts = codegen_split_alnum(codegen_literal(name), &n);
	StringInfoData buf;
	char	   *p;

	if (n == 0)
		return "value";
	initStringInfo(&buf);
	for (i = 0; i < n; i++)
	{
		for (p = parts[i]; *p; p++)
			*p = pg_ascii_tolower((unsigned char) *p);
		if (i == 0 && isdigit((unsigned char) parts[0][0]))
			appendStringInfoString(&buf, "param");
		if (i > 0)
			parts[i][0] = pg_ascii_toupper((unsigned char) parts[i][0]);
		appendStringInfoString(&buf, parts[i]);
	}
	if (codegen_in_list(buf.data, go_keywords))
		return psprintf("%s_", buf.data);
	return buf.data;
}

/*
 * Option suffix: the capitalized runs; "Prop" when empty.
 */
static char *
GoPascal(const char *name)
{
	char	   *suffix = JoinCapitalized(name);

	return suffix[0] == '\0' ? "Prop" : suffix;
}

/*
 * A function base for an event that keeps every derived top-level name
 * unique in the file.
 */
static char *
UniqueEventBase(NameSet *globals, const char *base)
{
	static const char *const suffixes[] = {"Option", "Capture", "CaptureFromBase", "WithExtraProps"};
	int			attempt = 1;

	for (;;)
	{
		char	   *candidate = attempt == 1 ? pstrdup(base) : psprintf("%s%d", base, attempt);
		bool		free = true;
		int			i;

		for (i = 0; i < (int) lengthof(suffixes) && free; i++)
			free = !nameset_contains(globals, psprintf("%s%s", candidate, suffixes[i]));
		if (free)
		{
			for (i = 0; i < (int) lengthof(suffixes); i++)
				nameset_add(globals, psprintf("%s%s", candidate, suffixes[i]));
			return candidate;
		}
		attempt++;
	}
}

/*
 * The capture functions and options of one event.
 */
static void
EmitEvent(CodegenEvent *event, NameSet *globals, StringInfo out)
{
	char	   *f = UniqueEventBase(globals, GoFunc(event->name));
	char	   *lit = GoLiteral(event->name);
	char	   *text = GoCommentText(event->name);
	char	  **params;
	char	  **base_params;
	static const char *const reserved[] = {"c", "props", "options", "option", "posthog", "time",
	"nil", "true", "false", NULL};
	NameSet		capture_names = {0};
	NameSet		base_names = {0};
	NameSet		option_names = {0};
	int			i;

	if (event->nfields == 0)
	{
		appendStringInfo(out,
						 "// %sCapture creates a capture for the \"%s\" event.\n"
						 "// This event has no defined schema properties.\n"
						 "func %sCapture(distinctId string, properties ...posthog.Properties) posthog.Capture {\n"
						 "\tprops := posthog.Properties{}\n"
						 "\tfor _, p := range properties {\n"
						 "\t\tfor k, v := range p {\n"
						 "\t\t\tprops[k] = v\n"
						 "\t\t}\n"
						 "\t}\n"
						 "\treturn posthog.Capture{DistinctId: distinctId, Event: %s, Properties: props}\n"
						 "}\n"
						 "\n"
						 "// %sCaptureFromBase turns base into a \"%s\" event, merging properties into it.\n"
						 "func %sCaptureFromBase(base posthog.Capture, properties ...posthog.Properties) posthog.Capture {\n"
						 "\tbase.Event = %s\n"
						 "\tif base.Properties == nil {\n"
						 "\t\tbase.Properties = posthog.Properties{}\n"
						 "\t}\n"
						 "\tfor _, p := range properties {\n"
						 "\t\tbase.Properties = base.Properties.Merge(p)\n"
						 "\t}\n"
						 "\treturn base\n"
						 "}\n",
						 f, text, f, lit, f, text, f, lit);
		return;
	}

	params = palloc(sizeof(char *) * event->nfields);
	base_params = palloc(sizeof(char *) * event->nfields);
	/* names the generated bodies use are never parameter names */
	for (i = 0; reserved[i]; i++)
	{
		nameset_add(&capture_names, reserved[i]);
		nameset_add(&base_names, reserved[i]);
		nameset_add(&option_names, reserved[i]);
	}
	nameset_add(&capture_names, "distinctId");
	nameset_add(&base_names, "base");
	for (i = 0; i < event->nfields; i++)
	{
		char	   *p = GoParam(event->fields[i].name);

		if (!event->fields[i].required)
			continue;
		params[i] = nameset_unique(&capture_names, p, "");
		base_params[i] = nameset_unique(&base_names, p, "");
	}

	appendStringInfo(out,
					 "// %sOption configures optional properties for a \"%s\" capture.\n"
					 "type %sOption func(*posthog.Capture)\n",
					 f, text, f);

	for (i = 0; i < event->nfields; i++)
	{
		CodegenProperty *prop = &event->fields[i];
		char	   *option;
		char	   *param;

		if (prop->required)
			continue;
		option = nameset_unique(globals, psprintf("%sWith%s", f, GoPascal(prop->name)), "");
		param = GoParam(prop->name);
		if (nameset_contains(&option_names, param))
			param = psprintf("%s2", param);
		appendStringInfo(out,
						 "\n"
						 "// %s sets the \"%s\" property on a \"%s\" event.\n"
						 "func %s(%s %s) %sOption {\n"
						 "\treturn func(c *posthog.Capture) {\n"
						 "\t\tif c.Properties == nil {\n"
						 "\t\t\tc.Properties = posthog.Properties{}\n"
						 "\t\t}\n"
						 "\t\tc.Properties[%s] = %s\n"
						 "\t}\n"
						 "}\n",
						 option, GoCommentText(prop->name), text,
						 option, param, GoType(prop->type), f,
						 GoLiteral(prop->name), param);
	}

	appendStringInfo(out,
					 "\n"
					 "// %sWithExtraProps adds untyped properties to a \"%s\" event.\n"
					 "func %sWithExtraProps(props posthog.Properties) %sOption {\n"
					 "\treturn func(c *posthog.Capture) {\n"
					 "\t\tif c.Properties == nil {\n"
					 "\t\t\tc.Properties = posthog.Properties{}\n"
					 "\t\t}\n"
					 "\t\tfor k, v := range props {\n"
					 "\t\t\tc.Properties[k] = v\n"
					 "\t\t}\n"
					 "\t}\n"
					 "}\n"
					 "\n"
					 "// %sCapture creates a capture for the \"%s\" event with its required properties.\n"
					 "func %sCapture(\n"
					 "\tdistinctId string,\n",
					 f, text, f, f, f, text, f);
	for (i = 0; i < event->nfields; i++)
		if (event->fields[i].required)
			appendStringInfo(out, "\t%s %s,\n", params[i], GoType(event->fields[i].type));
	appendStringInfo(out,
					 "\toptions ...%sOption,\n"
					 ") posthog.Capture {\n"
					 "\tprops := posthog.Properties{}\n",
					 f);
	for (i = 0; i < event->nfields; i++)
		if (event->fields[i].required)
			appendStringInfo(out, "\tprops[%s] = %s\n", GoLiteral(event->fields[i].name), params[i]);
	appendStringInfo(out,
					 "\tc := posthog.Capture{DistinctId: distinctId, Event: %s, Properties: props}\n"
					 "\tfor _, option := range options {\n"
					 "\t\toption(&c)\n"
					 "\t}\n"
					 "\treturn c\n"
					 "}\n"
					 "\n"
					 "// %sCaptureFromBase turns base into a \"%s\" event with its required properties.\n"
					 "func %sCaptureFromBase(\n"
					 "\tbase posthog.Capture,\n",
					 lit, f, text, f);
	for (i = 0; i < event->nfields; i++)
		if (event->fields[i].required)
			appendStringInfo(out, "\t%s %s,\n", base_params[i], GoType(event->fields[i].type));
	appendStringInfo(out,
					 "\toptions ...%sOption,\n"
					 ") posthog.Capture {\n"
					 "\tbase.Event = %s\n"
					 "\tif base.Properties == nil {\n"
					 "\t\tbase.Properties = posthog.Properties{}\n"
					 "\t}\n",
					 f, lit);
	for (i = 0; i < event->nfields; i++)
		if (event->fields[i].required)
			appendStringInfo(out, "\tbase.Properties[%s] = %s\n", GoLiteral(event->fields[i].name), base_params[i]);
	appendStringInfoString(out,
						   "\tfor _, option := range options {\n"
						   "\t\toption(&base)\n"
						   "\t}\n"
						   "\treturn base\n"
						   "}\n");
}

/*
 * The whole Go file.
 */
void
codegen_golang(CodegenSchema *schema, StringInfo out)
{
	NameSet		globals = {0};
	int			e;

	appendStringInfo(out,
					 "// Code generated by the event_definitions PostgreSQL extension " ED_EXTVERSION ". DO NOT EDIT.\n"
					 "//\n"
					 "// Generated at: %s\n"
					 "// Generator version: %s\n"
					 "//\n"
					 "// Typed constructors of posthog.Capture for this project's events: each\n"
					 "// <Event>Capture takes the event's required properties as arguments and\n"
					 "// its optional ones as <Event>With<Property> options.\n"
					 "\n"
					 "package typed\n"
					 "\n"
					 "import (\n",
					 schema->generated_at, ED_GENERATOR_VERSION);
	if (schema->has_datetime)
		appendStringInfoString(out, "\t\"time\"\n\n");
	appendStringInfoString(out, "\t\"github.com/posthog/posthog-go\"\n)\n\n");

	for (e = 0; e < schema->nevents; e++)
	{
		CHECK_FOR_INTERRUPTS();
		if (e > 0)
			appendStringInfoChar(out, '\n');
		EmitEvent(&schema->events[e], &globals, out);
	}
	if (schema->nevents > 0)
		appendStringInfoChar(out, '\n');
	else
		/* Go rejects an unused import */
		appendStringInfoString(out,
							   "// This project has no events yet; this keeps the import used.\n"
							   "var _ posthog.Capture\n"
							   "\n");
	appendStringInfoString(out,
						   "// USAGE GUIDE:\n"
						   "//\n"
						   "// Build a capture with its required properties, add optional ones as\n"
						   "// options, and enqueue it with the posthog-go client:\n"
						   "//\n"
						   "// ```go\n"
						   "// client, _ := posthog.NewWithConfig(\"<ph_project_api_key>\", posthog.Config{Endpoint: \"https://us.i.posthog.com\"})\n"
						   "// defer client.Close()\n"
						   "// err := client.Enqueue(typed.UserSignedUpCapture(\"user_456\", \"user@example.com\", \"premium\"))\n"
						   "// ```\n");
}
