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
 * timestamp, ...) are never used for a property parameter.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"

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

/*
 * Python type of a property type.
 */
static const char *
PyType(const char *type)
{
	static const char *const types[] = {
		"str", "float", "bool", "datetime", "List[Any]", "Dict[str, Any]", "Any"
	};

	return types[codegen_type(type)];
}

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
 * One capture_<event> method.
 */
static void
EmitMethod(CodegenEvent *event, const char *method, StringInfo out)
{
	char	   *literal = codegen_literal(event->name);
	char	  **params = palloc(sizeof(char *) * Max(event->nfields, 1));
	NameSet		used = {0};
	int			f;
	bool		any_required = false;
	bool		any_optional = false;

	if (event->nfields == 0)
	{
		appendStringInfo(out,
						 "    def %s(\n"
						 "        self,\n"
						 "        *,\n"
						 "        extra_properties: Optional[Dict[str, Any]] = None,\n"
						 "        **kwargs: Unpack[OptionalCaptureArgs],\n"
						 "    ) -> Optional[str]:\n"
						 "        \"\"\"Capture a `%.*s` event.\"\"\"\n"
						 "        return self.capture(%s, properties=extra_properties, **kwargs)\n",
						 method, (int) strlen(literal) - 2, literal + 1, literal);
		return;
	}

	/* required parameters are named first, then optional ones */
	/* names the method's signature and body use are never parameter names */
	nameset_add(&used, "self");
	nameset_add(&used, "extra_properties");
	nameset_add(&used, "kwargs");
	nameset_add(&used, "properties");
	nameset_add(&used, "Dict");
	nameset_add(&used, "str");
	nameset_add(&used, "Any");
	/* nor the keys of OptionalCaptureArgs, which **kwargs takes */
	for (f = 0; sdk_kwargs[f]; f++)
		nameset_add(&used, sdk_kwargs[f]);
	for (f = 0; f < event->nfields; f++)
		if (event->fields[f].required)
			params[f] = nameset_unique(&used, PyParamBase(event->fields[f].name), "_");
	for (f = 0; f < event->nfields; f++)
		if (!event->fields[f].required)
			params[f] = nameset_unique(&used, PyParamBase(event->fields[f].name), "_");

	appendStringInfo(out, "    def %s(\n        self,\n        *,\n", method);
	for (f = 0; f < event->nfields; f++)
	{
		if (!event->fields[f].required)
			continue;
		if (!any_required)
			appendStringInfoString(out, "        # Required event properties\n");
		any_required = true;
		appendStringInfo(out, "        %s: %s,\n", params[f], PyType(event->fields[f].type));
	}
	for (f = 0; f < event->nfields; f++)
	{
		if (event->fields[f].required)
			continue;
		if (!any_optional)
			appendStringInfoString(out, "        # Optional event properties\n");
		any_optional = true;
		appendStringInfo(out, "        %s: Optional[%s] = None,\n", params[f], PyType(event->fields[f].type));
	}
	appendStringInfo(out,
					 "        # Additional untyped properties\n"
					 "        extra_properties: Optional[Dict[str, Any]] = None,\n"
					 "        # SDK kwargs (distinct_id, timestamp, etc.)\n"
					 "        **kwargs: Unpack[OptionalCaptureArgs],\n"
					 "    ) -> Optional[str]:\n"
					 "        \"\"\"Capture a `%.*s` event with type-safe properties.\"\"\"\n"
					 "        properties: Dict[str, Any] = {",
					 (int) strlen(literal) - 2, literal + 1);
	any_required = false;
	for (f = 0; f < event->nfields; f++)
	{
		if (!event->fields[f].required)
			continue;
		appendStringInfo(out, "%s%s: %s", any_required ? ", " : "",
						 codegen_literal(event->fields[f].name), params[f]);
		any_required = true;
	}
	appendStringInfoString(out, "}\n");
	for (f = 0; f < event->nfields; f++)
	{
		if (event->fields[f].required)
			continue;
		appendStringInfo(out,
						 "        if %s is not None:\n"
						 "            properties[%s] = %s\n",
						 params[f], codegen_literal(event->fields[f].name), params[f]);
	}
	appendStringInfo(out,
					 "        if extra_properties is not None:\n"
					 "            properties.update(extra_properties)\n"
					 "        return self.capture(%s, properties=properties, **kwargs)\n",
					 literal);
}

/*
 * The whole Python module.
 */
void
codegen_python(CodegenSchema *schema, StringInfo out)
{
	NameSet		methods = {0};
	int			e;

	appendStringInfo(out,
					 "\"\"\"\n"
					 "GENERATED FILE - DO NOT EDIT\n"
					 "\n"
					 "This file was generated by the event_definitions PostgreSQL extension " ED_EXTVERSION "\n"
					 "from the project's event definitions and property groups.\n"
					 "Generated at: %s\n"
					 "Generator version: %s\n"
					 "\n"
					 "PosthogTyped is posthog.Posthog with one capture_<event>() method per\n"
					 "event, whose keyword arguments are the event's properties, typed.\n"
					 "\n"
					 "USAGE:\n"
					 "    from posthog_typed import PosthogTyped\n"
					 "\n"
					 "    client = PosthogTyped(\"<ph_project_api_key>\", host=\"https://us.i.posthog.com\")\n"
					 "    client.capture_downloaded_file(distinct_id=\"user_123\", file_name=\"report.pdf\")\n"
					 "\"\"\"\n",
					 schema->generated_at, ED_GENERATOR_VERSION);
	if (schema->has_datetime)
		appendStringInfoString(out, "from datetime import datetime\n");
	appendStringInfoString(out,
						   "from typing import Any, Dict, List, Optional\n"
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
						   "\n");
	if (schema->nevents == 0)
		appendStringInfoString(out, "    pass\n");

	/* methods of posthog.Posthog are never overridden */
	nameset_add(&methods, "capture");
	nameset_add(&methods, "capture_exception");
	for (e = 0; e < schema->nevents; e++)
	{
		char	   *method = nameset_unique(&methods,
											psprintf("capture_%s", PyMethodBase(schema->events[e].name)),
											"_");

		CHECK_FOR_INTERRUPTS();

		if (e > 0)
			appendStringInfoChar(out, '\n');
		EmitMethod(&schema->events[e], method, out);
	}
}
