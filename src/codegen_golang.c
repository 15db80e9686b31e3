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
 * always compiles, and it is exactly what gofmt leaves unchanged, for any
 * names: identifiers are ASCII, names appear only in string literals and
 * in comments as escaped text, and the layout is gofmt's (tabs, no
 * alignment, one final newline).
 *
 * Beyond PostHog, a property with an enum rule gets a type of its own with
 * one exported value per allowed value.  The type is a struct with an
 * unexported field, not a named string type: an untyped constant converts
 * silently to a named string type ("enterprise" would compile), but
 * nothing outside this package can make a value of such a struct, so a
 * wrong value fails to compile.  A Numeric enum whose values float64
 * cannot hold stays float64.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include "codegen.h"

static const char *const go_keywords[] = {
	"break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough",
	"for", "func", "go", "goto", "if", "import", "interface", "map", "package", "range",
	"return", "select", "struct", "switch", "type", "var", NULL
};

/* names the generated bodies use, never parameters (strcmp order) */
static const char *const go_reserved[] = {
	"c", "false", "nil", "option", "options", "posthog", "props", "time", "true", NULL
};

/* Go's type of each property type (CodegenType order). */
static const char *const go_types[CODEGEN_NTYPES] = {
	"[]interface{}", "bool", "time.Time", "float64", "map[string]interface{}", "string"
};

/*
 * The alphanumeric runs of the escaped name, each with its first letter
 * upper-cased and the rest kept, joined ("" when there are none).
 */
static char *
JoinCapitalized(const char *name)
{
	return codegen_join_runs(codegen_literal(name), true);
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
	char	   *param = codegen_join_runs(codegen_literal(name), false);

	if (param[0] == '\0')
		return "value";
	if (codegen_in_list(param, go_keywords))
		return psprintf("%s_", param);
	return param;
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
 * The suffix of an enum value's name: a string's capitalized runs, a
 * number with '-' as "Minus" and '.' as '_', True or False; "Value" when
 * that is empty.
 */
static char *
ValueSuffix(const CodegenValue *v)
{
	StringInfoData buf;
	const char *p;

	if (v->kind == 's')
	{
		char	   *s = JoinCapitalized(v->text);

		return s[0] == '\0' ? "Value" : s;
	}
	if (v->kind == 'b')
		return v->text[0] == 't' ? "True" : "False";
	initStringInfo(&buf);
	for (p = v->text; *p; p++)
	{
		if (*p == '-')
			appendStringInfoString(&buf, "Minus");
		else if (*p == '.')
			appendStringInfoChar(&buf, '_');
		else if (isdigit((unsigned char) *p))
			appendStringInfoChar(&buf, *p);
	}
	return buf.data;
}

/*
 * Can Go spell a field's enum: strings and booleans always, numbers when
 * float64 holds each one (a constant that overflows, or a non-zero one
 * that rounds to zero, is a compile error).
 */
static bool
GoEnum(CodegenField *field)
{
	int			i;

	if (field->enumeration == NULL)
		return false;
	for (i = 0; field->type == CODEGEN_NUMERIC && i < field->enumeration->n; i++)
	{
		const char *text = field->enumeration->values[i].text;
		double		d = strtod(text, NULL);

		if (isinf(d) || (d == 0 && strpbrk(text, "123456789") != NULL))
			return false;
	}
	return true;
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

/* What the generators know of one event with fields while writing it. */
typedef struct GoEvent
{
	CodegenView *view;
	const char *f;				/* the function base */
	char	  **types;			/* each field's Go type */
	char	  **values;			/* how each field's parameter becomes a value */
	char	  **params;			/* Capture's parameters (required fields) */
	char	  **base_params;	/* CaptureFromBase's */
} GoEvent;

/*
 * The type of a field with an enum rule, and its values.
 */
static void
EmitEnum(GoEvent *ev, CodegenField *field, NameSet *globals, CgOut *out, char **type)
{
	CodegenEnum *e = field->enumeration;
	int			i;

	*type = nameset_unique(globals, psprintf("%s%s", ev->f, GoPascal(field->name)), "");
	cg_printf(out,
			  "\n"
			  "// %s is a value that the %g property of a %g event allows:\n"
			  "// use one of the %s variables below. Its field is unexported, so that\n"
			  "// no other value can be made outside this package and a wrong one fails to\n"
			  "// compile (a named string type would take any string literal). Its zero\n"
			  "// value holds no value and is sent as null.\n"
			  "type %s struct{ v interface{} }\n",
			  *type, field->name, ev->view->event->name, *type, *type);
	for (i = 0; i < e->n; i++)
	{
		char	   *value;

		CHECK_FOR_INTERRUPTS();
		value = nameset_unique(globals, psprintf("%s%s", *type, ValueSuffix(&e->values[i])), "");
		cg_printf(out, "\n// %s is ", value);
		cg_value(out, &e->values[i], true);
		cg_printf(out, ".\nvar %s = %s{v: %s", value, *type, e->values[i].kind == 'n' ? "float64(" : "");
		cg_value(out, &e->values[i], true);
		cg_puts(out, e->values[i].kind == 'n' ? ")}\n" : "}\n");
	}
}

/*
 * The parameter names of an event's required fields, for Capture and for
 * CaptureFromBase: never a name the generated bodies use.
 */
static void
ParamNames(GoEvent *ev, const NameSet *capture_base, const NameSet *base_base)
{
	CodegenView *view = ev->view;
	NameSet		capture_names;
	NameSet		base_names;
	int			i;

	ev->params = palloc0(sizeof(char *) * view->nfields);
	ev->base_params = palloc0(sizeof(char *) * view->nfields);
	nameset_copy(&capture_names, capture_base);
	nameset_copy(&base_names, base_base);
	for (i = 0; i < view->nfields; i++)
	{
		char	   *p;

		if (!view->fields[i].required)
			continue;
		p = GoParam(view->fields[i].name);
		ev->params[i] = nameset_unique(&capture_names, p, "");
		ev->base_params[i] = nameset_unique(&base_names, p, "");
	}
}

/*
 * The options of an event's optional fields, and WithExtraProps.
 */
static void
EmitOptions(GoEvent *ev, NameSet *globals, CgOut *out)
{
	CodegenView *view = ev->view;
	const char *f = ev->f;
	int			i;

	for (i = 0; i < view->nfields; i++)
	{
		CodegenField *field = &view->fields[i];
		char	   *option;
		char	   *param;

		if (field->required)
			continue;
		option = nameset_unique(globals, psprintf("%sWith%s", f, GoPascal(field->name)), "");
		param = GoParam(field->name);
		if (codegen_in_list(param, go_reserved))
			param = psprintf("%s2", param);
		cg_printf(out,
				  "\n"
				  "// %s sets the %g property on a %g event.\n"
				  "func %s(%s %s) %sOption {\n"
				  "\treturn func(c *posthog.Capture) {\n"
				  "\t\tif c.Properties == nil {\n"
				  "\t\t\tc.Properties = posthog.Properties{}\n"
				  "\t\t}\n"
				  "\t\tc.Properties[%g] = %s%s\n"
				  "\t}\n"
				  "}\n",
				  option, field->name, view->event->name,
				  option, param, ev->types[i], f,
				  field->name, param, ev->values[i]);
	}
	cg_printf(out,
			  "\n"
			  "// %sWithExtraProps adds untyped properties to a %g event.\n"
			  "func %sWithExtraProps(props posthog.Properties) %sOption {\n"
			  "\treturn func(c *posthog.Capture) {\n"
			  "\t\tif c.Properties == nil {\n"
			  "\t\t\tc.Properties = posthog.Properties{}\n"
			  "\t\t}\n"
			  "\t\tfor k, v := range props {\n"
			  "\t\t\tc.Properties[k] = v\n"
			  "\t\t}\n"
			  "\t}\n"
			  "}\n",
			  f, view->event->name, f, f);
}

/*
 * Capture and CaptureFromBase of an event with fields.
 */
static void
EmitCaptures(GoEvent *ev, CgOut *out)
{
	CodegenView *view = ev->view;
	const char *f = ev->f;
	const char *name = view->event->name;
	int			i;

	cg_printf(out,
			  "\n"
			  "// %sCapture creates a capture for the %g event with its required properties.\n"
			  "func %sCapture(\n"
			  "\tdistinctId string,\n",
			  f, name, f);
	for (i = 0; i < view->nfields; i++)
		if (view->fields[i].required)
			cg_printf(out, "\t%s %s,\n", ev->params[i], ev->types[i]);
	cg_printf(out,
			  "\toptions ...%sOption,\n"
			  ") posthog.Capture {\n"
			  "\tprops := posthog.Properties{}\n",
			  f);
	for (i = 0; i < view->nfields; i++)
		if (view->fields[i].required)
			cg_printf(out, "\tprops[%g] = %s%s\n", view->fields[i].name, ev->params[i], ev->values[i]);
	cg_printf(out,
			  "\tc := posthog.Capture{DistinctId: distinctId, Event: %g, Properties: props}\n"
			  "\tfor _, option := range options {\n"
			  "\t\toption(&c)\n"
			  "\t}\n"
			  "\treturn c\n"
			  "}\n"
			  "\n"
			  "// %sCaptureFromBase turns base into a %g event with its required properties.\n"
			  "func %sCaptureFromBase(\n"
			  "\tbase posthog.Capture,\n",
			  name, f, name, f);
	for (i = 0; i < view->nfields; i++)
		if (view->fields[i].required)
			cg_printf(out, "\t%s %s,\n", ev->base_params[i], ev->types[i]);
	cg_printf(out,
			  "\toptions ...%sOption,\n"
			  ") posthog.Capture {\n"
			  "\tbase.Event = %g\n"
			  "\tif base.Properties == nil {\n"
			  "\t\tbase.Properties = posthog.Properties{}\n"
			  "\t}\n",
			  f, name);
	for (i = 0; i < view->nfields; i++)
		if (view->fields[i].required)
			cg_printf(out, "\tbase.Properties[%g] = %s%s\n", view->fields[i].name, ev->base_params[i],
					  ev->values[i]);
	cg_lit(out,
		   "\tfor _, option := range options {\n"
		   "\t\toption(&base)\n"
		   "\t}\n"
		   "\treturn base\n"
		   "}\n");
}

/*
 * The capture functions of an event without fields.
 */
static void
EmitUntyped(const char *f, const char *name, CgOut *out)
{
	cg_printf(out,
			  "// %sCapture creates a capture for the %g event.\n"
			  "// This event has no defined schema properties.\n"
			  "func %sCapture(distinctId string, properties ...posthog.Properties) posthog.Capture {\n"
			  "\tprops := posthog.Properties{}\n"
			  "\tfor _, p := range properties {\n"
			  "\t\tfor k, v := range p {\n"
			  "\t\t\tprops[k] = v\n"
			  "\t\t}\n"
			  "\t}\n"
			  "\treturn posthog.Capture{DistinctId: distinctId, Event: %g, Properties: props}\n"
			  "}\n"
			  "\n"
			  "// %sCaptureFromBase turns base into a %g event, merging properties into it.\n"
			  "func %sCaptureFromBase(base posthog.Capture, properties ...posthog.Properties) posthog.Capture {\n"
			  "\tbase.Event = %g\n"
			  "\tif base.Properties == nil {\n"
			  "\t\tbase.Properties = posthog.Properties{}\n"
			  "\t}\n"
			  "\tfor _, p := range properties {\n"
			  "\t\tbase.Properties = base.Properties.Merge(p)\n"
			  "\t}\n"
			  "\treturn base\n"
			  "}\n",
			  f, name, f, name, f, name, f, name);
}

/* The names Capture's and CaptureFromBase's parameters never take. */
typedef struct GoTaken
{
	NameSet		capture;
	NameSet		base;
} GoTaken;

/*
 * The declarations of one event; globals holds every top-level name so far
 * (in memory of its own), the rest is in the current (per-event) context.
 */
static void
EmitEvent(CodegenView *view, NameSet *globals, GoTaken *taken, CgOut *out)
{
	GoEvent		ev;
	int			i;

	ev.view = view;
	ev.f = UniqueEventBase(globals, GoFunc(view->event->name));
	if (view->nfields == 0)
	{
		EmitUntyped(ev.f, view->event->name, out);
		return;
	}
	ev.types = palloc(sizeof(char *) * view->nfields);
	ev.values = palloc(sizeof(char *) * view->nfields);
	cg_printf(out,
			  "// %sOption configures optional properties for a %g capture.\n"
			  "type %sOption func(*posthog.Capture)\n",
			  ev.f, view->event->name, ev.f);
	for (i = 0; i < view->nfields; i++)
	{
		CodegenField *field = &view->fields[i];

		ev.types[i] = (char *) go_types[field->type];
		ev.values[i] = "";
		if (GoEnum(field))
		{
			EmitEnum(&ev, field, globals, out, &ev.types[i]);
			ev.values[i] = ".v";
		}
	}
	ParamNames(&ev, &taken->capture, &taken->base);
	EmitOptions(&ev, globals, out);
	EmitCaptures(&ev, out);
}

/*
 * An estimate of the file's size, from the snapshot's sizes.
 */
size_t
codegen_golang_size(CodegenSchema *schema)
{
	return 4096 + 1500 * schema->nevents + 300 * schema->nfields + 12 * schema->event_bytes +
		6 * schema->field_event_bytes + 8 * schema->field_bytes + 3 * schema->enum_bytes +
		160 * schema->enum_values;
}

/*
 * The whole Go file.
 */
void
codegen_golang(CodegenSchema *schema, CgOut *out)
{
	MemoryContext outer = CurrentMemoryContext;
	MemoryContext per_event = AllocSetContextCreate(outer, "codegen event", ALLOCSET_DEFAULT_SIZES);
	NameSet		globals = {0};
	GoTaken		taken = {{0}, {0}};
	int			e;

	globals.cxt = outer;

	for (e = 0; go_reserved[e]; e++)
	{
		nameset_add(&taken.capture, go_reserved[e]);
		nameset_add(&taken.base, go_reserved[e]);
	}
	nameset_add(&taken.capture, "distinctId");
	nameset_add(&taken.base, "base");

	cg_printf(out,
			  "// Code generated by the event_definitions PostgreSQL extension " ED_EXTVERSION ". DO NOT EDIT.\n"
			  "//\n"
			  "// Generated at: %s\n"
			  "// Generator version: " ED_GOLANG_GENERATOR_VERSION "\n"
			  "//\n"
			  "// Typed constructors of posthog.Capture for this project's events: each\n"
			  "// <Event>Capture takes the event's required properties as arguments and\n"
			  "// its optional ones as <Event>With<Property> options.\n"
			  "\n"
			  "package typed\n"
			  "\n"
			  "import (\n"
			  "%s"
			  "\t\"github.com/posthog/posthog-go\"\n"
			  ")\n"
			  "\n",
			  schema->generated_at, schema->has_datetime ? "\t\"time\"\n\n" : "");

	MemoryContextSwitchTo(per_event);
	for (e = 0; e < schema->nevents; e++)
	{
		CodegenView view;

		CHECK_FOR_INTERRUPTS();
		codegen_view(schema, e, &view);
		if (e > 0)
			cg_putc(out, '\n');
		EmitEvent(&view, &globals, &taken, out);
		MemoryContextReset(per_event);
	}
	MemoryContextSwitchTo(outer);
	MemoryContextDelete(per_event);
	if (schema->nevents > 0)
		cg_putc(out, '\n');
	else
		/* Go rejects an unused import */
		cg_lit(out,
			   "// This project has no events yet; this keeps the import used.\n"
			   "var _ posthog.Capture\n"
			   "\n");
	cg_lit(out,
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
