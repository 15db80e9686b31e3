/*-------------------------------------------------------------------------
 *
 * codegen_python.c
 *	  Python: a PosthogTyped subclass of posthog.Posthog with one
 *	  capture_<event>() method per event, whose keyword-only parameters are
 *	  the event's properties, typed (required ones without a default).
 *
 * Identifiers follow PostHog's rules; beyond them, the names self,
 * extra_properties, kwargs, properties, the names of the body's local
 * annotation (Dict, str, Any) and the SDK's capture keywords (distinct_id,
 * timestamp, ...) are never used for a property parameter.  A property
 * with an enum rule is typed Literal[...] of its values (strings, booleans
 * and integers: Literal cannot spell other numbers, which stay float).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/memutils.h"

#include "codegen.h"

static const char *const python_keywords[] = {
	"False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
	"continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
	"if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
	"return", "try", "while", "with", "yield", NULL
};

/* the keys of posthog.args.OptionalCaptureArgs */
static const char *const sdk_kwargs[] = {
	"distinct_id", "timestamp", "uuid", "groups", "send_feature_flags", "disable_geoip", NULL
};

/* Python's type of each property type (CodegenType order). */
static const char *const py_types[CODEGEN_NTYPES] = {
	"List[Any]", "bool", "datetime", "float", "Dict[str, Any]", "str"
};

/*
 * Method suffix: alphanumeric runs, lower-cased, joined by '_'; "event"
 * when empty; "event_" before a leading digit.
 */
static char *
PyMethodBase(const char *name)
{
	int			n;
	char	   *base = codegen_join_alnum(name, "_", &n);
	char	   *p;

	if (n == 0)
		return "event";
	for (p = base; *p; p++)
		*p = pg_ascii_tolower((unsigned char) *p);
	if (isdigit((unsigned char) base[0]))
		return psprintf("event_%s", base);
	return base;
}

/*
 * Parameter name: runs of other characters become '_', '_' stripped at both
 * ends, case kept; "value" when empty; "prop_" before a leading digit; a
 * keyword gets a trailing '_'.
 */
static char *
PyParamBase(const char *name)
{
	int			n;
	char	   *base = codegen_join_alnum(name, "_", &n);

	if (n == 0)
		return "value";
	if (isdigit((unsigned char) base[0]))
		return psprintf("prop_%s", base);
	if (codegen_in_list(base, python_keywords))
		return psprintf("%s_", base);
	return base;
}

/*
 * A field's type: Literal[...] of its enum's values when Python can spell
 * them, else the property type's.
 */
static void
EmitType(CgOut *out, CodegenField *field)
{
	CodegenEnum *e = field->enumeration;
	int			i;

	if (e == NULL || (field->type == CODEGEN_NUMERIC && !codegen_integer_enum(e)))
	{
		cg_puts(out, py_types[field->type]);
		return;
	}
	cg_lit(out, "Literal[");
	for (i = 0; i < e->n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (i > 0)
			cg_lit(out, ", ");
		if (e->values[i].kind == 'b')
			cg_puts(out, e->values[i].text[0] == 't' ? "True" : "False");
		else
			cg_value(out, &e->values[i], false);
	}
	cg_putc(out, ']');
}

/*
 * The parameter names of an event's fields: required ones named first,
 * then optional ones; never a name in taken (the method's signature and
 * body use those).
 */
static char **
ParamNames(CodegenView *view, const NameSet *taken)
{
	char	  **params = palloc(sizeof(char *) * Max(view->nfields, 1));
	NameSet		used;
	int			f,
				pass;

	nameset_copy(&used, taken);
	for (pass = 0; pass < 2; pass++)
		for (f = 0; f < view->nfields; f++)
			if (view->fields[f].required == (pass == 0))
				params[f] = nameset_unique(&used, PyParamBase(view->fields[f].name), "_");
	return params;
}

/*
 * One capture_<event> method of an event with fields.
 */
static void
EmitMethod(CodegenView *view, const char *method, const NameSet *taken, CgOut *out)
{
	const char *name = view->event->name;
	char	  **params = ParamNames(view, taken);
	bool		any = false;
	int			f;

	cg_printf(out, "    def %s(\n        self,\n        *,\n", method);
	for (f = 0; f < view->nfields; f++)
	{
		if (!view->fields[f].required)
			continue;
		if (!any)
			cg_lit(out, "        # Required event properties\n");
		any = true;
		cg_printf(out, "        %s: ", params[f]);
		EmitType(out, &view->fields[f]);
		cg_lit(out, ",\n");
	}
	any = false;
	for (f = 0; f < view->nfields; f++)
	{
		if (view->fields[f].required)
			continue;
		if (!any)
			cg_lit(out, "        # Optional event properties\n");
		any = true;
		cg_printf(out, "        %s: Optional[", params[f]);
		EmitType(out, &view->fields[f]);
		cg_lit(out, "] = None,\n");
	}
	cg_printf(out,
			  "        # Additional untyped properties\n"
			  "        extra_properties: Optional[Dict[str, Any]] = None,\n"
			  "        # SDK kwargs (distinct_id, timestamp, etc.)\n"
			  "        **kwargs: Unpack[OptionalCaptureArgs],\n"
			  "    ) -> Optional[str]:\n"
			  "        \"\"\"Capture a `%J` event with type-safe properties.\"\"\"\n"
			  "        properties: Dict[str, Any] = {",
			  name);
	any = false;
	for (f = 0; f < view->nfields; f++)
	{
		if (!view->fields[f].required)
			continue;
		cg_printf(out, "%s%j: %s", any ? ", " : "", view->fields[f].name, params[f]);
		any = true;
	}
	cg_lit(out, "}\n");
	for (f = 0; f < view->nfields; f++)
		if (!view->fields[f].required)
			cg_printf(out,
					  "        if %s is not None:\n"
					  "            properties[%j] = %s\n",
					  params[f], view->fields[f].name, params[f]);
	cg_printf(out,
			  "        if extra_properties is not None:\n"
			  "            properties.update(extra_properties)\n"
			  "        return self.capture(%j, properties=properties, **kwargs)\n",
			  name);
}

/*
 * An estimate of the file's size, from the snapshot's sizes.
 */
size_t
codegen_python_size(CodegenSchema *schema)
{
	int64		names = 4 * (schema->event_bytes + schema->field_bytes) + schema->enum_bytes;

	return 4096 + 640 * schema->nevents + 112 * schema->nfields + names + names / 8 +
		6 * schema->enum_values;
}

/*
 * The whole Python module.
 */
void
codegen_python(CodegenSchema *schema, CgOut *out)
{
	MemoryContext outer = CurrentMemoryContext;
	MemoryContext per_event = AllocSetContextCreate(outer, "codegen event", ALLOCSET_DEFAULT_SIZES);
	NameSet		methods = {0};
	NameSet		taken = {0};
	int			e;

	/* names a method's signature and body use are never parameters */
	nameset_add(&taken, "self");
	nameset_add(&taken, "extra_properties");
	nameset_add(&taken, "kwargs");
	nameset_add(&taken, "properties");
	nameset_add(&taken, "Dict");
	nameset_add(&taken, "str");
	nameset_add(&taken, "Any");
	/* nor the keys of OptionalCaptureArgs, which **kwargs takes */
	for (e = 0; sdk_kwargs[e]; e++)
		nameset_add(&taken, sdk_kwargs[e]);

	cg_printf(out,
			  "\"\"\"\n"
			  "GENERATED FILE - DO NOT EDIT\n"
			  "\n"
			  "This file was generated by the event_definitions PostgreSQL extension " ED_EXTVERSION "\n"
			  "from the project's event definitions and property groups.\n"
			  "Generated at: %s\n"
			  "Generator version: " ED_PYTHON_GENERATOR_VERSION "\n"
			  "\n"
			  "PosthogTyped is posthog.Posthog with one capture_<event>() method per\n"
			  "event, whose keyword arguments are the event's properties, typed.\n"
			  "\n"
			  "USAGE:\n"
			  "    from posthog_typed import PosthogTyped\n"
			  "\n"
			  "    client = PosthogTyped(\"<ph_project_api_key>\", host=\"https://us.i.posthog.com\")\n"
			  "    client.capture_downloaded_file(distinct_id=\"user_123\", file_name=\"report.pdf\")\n"
			  "\"\"\"\n"
			  "%s"
			  "from typing import Any, Dict, List, %sOptional\n"
			  "\n"
			  "from typing_extensions import Unpack\n"
			  "\n"
			  "from posthog import Posthog\n"
			  "from posthog.args import OptionalCaptureArgs\n"
			  "\n"
			  "\n"
			  "class PosthogTyped(Posthog):\n"
			  "    \"\"\"\n"
			  "    PostHog client with a type-checked capture method for every event.\n"
			  "    Each capture_<event>() takes the event's properties as keyword\n"
			  "    arguments; capture() is still there for anything else.\n"
			  "\n"
			  "    \"\"\"\n"
			  "\n",
			  schema->generated_at,
			  schema->has_datetime ? "from datetime import datetime\n" : "",
			  schema->has_literal ? "Literal, " : "");
	if (schema->nevents == 0)
		cg_lit(out, "    pass\n");

	/* methods of posthog.Posthog are never overridden */
	nameset_add(&methods, "capture");
	nameset_add(&methods, "capture_exception");
	MemoryContextSwitchTo(per_event);
	for (e = 0; e < schema->nevents; e++)
	{
		CodegenView view;
		char	   *method;

		CHECK_FOR_INTERRUPTS();
		codegen_view(schema, e, &view);
		method = nameset_unique(&methods, psprintf("capture_%s", PyMethodBase(view.event->name)), "_");

		if (e > 0)
			cg_putc(out, '\n');
		if (view.nfields > 0)
			EmitMethod(&view, method, &taken, out);
		else
			cg_printf(out,
					  "    def %s(\n"
					  "        self,\n"
					  "        *,\n"
					  "        extra_properties: Optional[Dict[str, Any]] = None,\n"
					  "        **kwargs: Unpack[OptionalCaptureArgs],\n"
					  "    ) -> Optional[str]:\n"
					  "        \"\"\"Capture a `%J` event.\"\"\"\n"
					  "        return self.capture(%j, properties=extra_properties, **kwargs)\n",
					  method, view.event->name, view.event->name);
		MemoryContextReset(per_event);
	}
	MemoryContextSwitchTo(outer);
	MemoryContextDelete(per_event);
}
