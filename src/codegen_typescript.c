/*-------------------------------------------------------------------------
 *
 * codegen_typescript.c
 *	  TypeScript: an EventSchemas interface and a typed wrapper around
 *	  posthog-js whose capture() accepts only known events and requires
 *	  their required properties; captureRaw() stays untyped.
 *
 * Event and property names only appear as quoted keys, so no identifier
 * rules apply.  As PostHog's generator 1.1.0, the properties of several
 * groups are merged by name: the key's type is the union of the
 * occurrences' types (each split on " | " so that no part repeats), and
 * the key is optional when any occurrence is optional or
 * is_optional_in_types.  Beyond PostHog, a property with an enum rule is
 * typed by its values: a union of string, number or boolean literal types
 * (so a wrong literal is a compile error).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/memutils.h"

#include "codegen.h"

/* TypeScript's type of each property type (CodegenType order). */
static const char *const ts_types[CODEGEN_NTYPES] = {
	"any[]", "boolean", "string | Date", "number", "Record<string, any>", "string"
};

/* The part of the file that does not depend on the project. */
static const char *const ts_tail =
"\n"
"/** Names of the events this project defines. */\n"
"export type EventName = keyof EventSchemas\n"
"\n"
"/** The properties of event K: its schema, plus any untyped extras. */\n"
"export type EventProperties<K extends EventName> = EventSchemas[K] & Record<string, any>\n"
"\n"
"/** true when event K has at least one required property. */\n"
"type HasRequiredProperties<K extends EventName> = {} extends EventSchemas[K] ? false : true\n"
"\n"
"/** true only for the type string itself, not for string literal types. */\n"
"type IsExactlyString<T> = string extends T ? true : false\n"
"\n"
"/** The arguments after the event name: properties are mandatory when the schema requires some. */\n"
"type CaptureArgs<K extends EventName> = HasRequiredProperties<K> extends true\n"
"    ? [properties: EventProperties<K>, options?: CaptureOptions]\n"
"    : [properties?: EventProperties<K>, options?: CaptureOptions]\n"
"\n"
"/** posthog-js with a capture() that knows this project's events. */\n"
"interface TypedPostHog extends Omit<OriginalPostHog, 'capture'> {\n"
"    /** Capture a known event; its required properties must be given, typed. */\n"
"    capture<K extends EventName>(event_name: K, ...args: CaptureArgs<K>): CaptureResult | undefined\n"
"\n"
"    /** Capture with a name only known at run time (a plain string), untyped. */\n"
"    capture<T extends string>(\n"
"        event_name: IsExactlyString<T> extends true ? T : never,\n"
"        properties?: Properties | null,\n"
"        options?: CaptureOptions\n"
"    ): CaptureResult | undefined\n"
"\n"
"    /** Capture any event without type checks. */\n"
"    captureRaw(event_name: string, properties?: Properties | null, options?: CaptureOptions): CaptureResult | undefined\n"
"}\n"
"\n"
"function createTypedPostHog(original: OriginalPostHog): TypedPostHog {\n"
"    const captureRaw = (event_name: string, properties?: Properties | null, options?: CaptureOptions) =>\n"
"        original.capture(event_name, properties, options)\n"
"    return new Proxy(original, {\n"
"        get(target, property, receiver) {\n"
"            if (property === 'captureRaw') {\n"
"                return captureRaw\n"
"            }\n"
"            return Reflect.get(target, property, receiver)\n"
"        },\n"
"    }) as unknown as TypedPostHog\n"
"}\n"
"\n"
"const posthog: TypedPostHog = createTypedPostHog(originalPostHog)\n"
"\n"
"export default posthog\n"
"export type { EventSchemas, TypedPostHog }\n"
"export * from 'posthog-js'\n"
"\n"
"/*\n"
" * USAGE GUIDE\n"
" *\n"
" *   import posthog from './posthog-typed'\n"
" *\n"
" *   posthog.init('<ph_project_api_key>', { api_host: 'https://us.i.posthog.com' })\n"
" *   posthog.capture('file_downloaded', { file_name: 'report.pdf', file_size: 1024 })\n"
" *   posthog.captureRaw('anything_at_all', { free: 'form' })\n"
" *\n"
" * A misspelled event name or a missing required property is a compile error.\n"
" */\n";

/*
 * Add part (len bytes) to the union of a key unless it is there already.
 */
static void
AddPart(CgOut *out, NameSet *parts, const char *part, int len, bool *first)
{
	char	   *key = pnstrdup(part, len);

	if (nameset_contains(parts, key))
		return;
	nameset_add(parts, key);
	if (!*first)
		cg_lit(out, " | ");
	*first = false;
	cg_put(out, part, len);
}

/*
 * The type of a key: the union of its occurrences' types, or values when
 * an occurrence has an enum rule.
 */
static void
EmitType(CgOut *out, CodegenView *view, CodegenField *field)
{
	NameSet		parts = {0};
	bool		first = true;
	int			k,
				i;

	for (k = field->first; k < field->first + field->n; k++)
	{
		CodegenProperty *p = &view->props[k];

		if (field->n == 1 && p->enumeration == NULL)
		{
			cg_puts(out, ts_types[p->type]);
			return;
		}
		if (p->enumeration != NULL)
		{
			for (i = 0; i < p->enumeration->n; i++)
			{
				CgOut		lit = {palloc(6 * p->enumeration->values[i].len + 3), 0,
				6 * p->enumeration->values[i].len + 3};

				CHECK_FOR_INTERRUPTS();
				cg_value(&lit, &p->enumeration->values[i], false);
				if (field->n == 1)
				{
					/* the values of one rule are distinct */
					if (i > 0)
						cg_lit(out, " | ");
					cg_put(out, lit.data, lit.len);
				}
				else
					AddPart(out, &parts, lit.data, lit.len, &first);
			}
			continue;
		}
		/* "string | Date" is two parts */
		{
			const char *t = ts_types[p->type];
			const char *bar;

			while ((bar = strstr(t, " | ")) != NULL)
			{
				AddPart(out, &parts, t, bar - t, &first);
				t = bar + 3;
			}
			AddPart(out, &parts, t, strlen(t), &first);
		}
	}
}

/*
 * An estimate of the file's size, from the snapshot's sizes.
 */
size_t
codegen_typescript_size(CodegenSchema *schema)
{
	int64		names = schema->event_bytes + schema->field_bytes + schema->enum_bytes;

	return 4096 + strlen(ts_tail) + 32 * schema->nevents + 36 * schema->nfields +
		names + names / 8 + 5 * schema->enum_values;
}

/*
 * The whole TypeScript file.
 */
void
codegen_typescript(CodegenSchema *schema, CgOut *out)
{
	MemoryContext per_event = AllocSetContextCreate(CurrentMemoryContext, "codegen event", ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(per_event);
	int			e,
				f;

	cg_printf(out,
			  "/**\n"
			  " * GENERATED FILE - DO NOT EDIT\n"
			  " *\n"
			  " * This file was generated by the event_definitions PostgreSQL extension " ED_EXTVERSION "\n"
			  " * from the project's event definitions and property groups.\n"
			  " * Generated at: %s\n"
			  " * Generator version: " ED_TYPESCRIPT_GENERATOR_VERSION "\n"
			  " *\n"
			  " * capture() is type-safe for the events below; captureRaw() accepts anything.\n"
			  " */\n"
			  "import originalPostHog from 'posthog-js'\n"
			  "import type { CaptureOptions, CaptureResult, PostHog as OriginalPostHog, Properties } from 'posthog-js'\n"
			  "\n"
			  "/** The events of this project, with their required and optional properties. */\n"
			  "interface EventSchemas {\n",
			  schema->generated_at);

	for (e = 0; e < schema->nevents; e++)
	{
		CodegenView view;

		CHECK_FOR_INTERRUPTS();
		codegen_view(schema, e, &view);
		cg_lit(out, "    ");
		cg_json(out, view.event->name, view.event->len, true, false);
		if (view.nfields == 0)
		{
			cg_lit(out, ": Record<string, any>\n");
			MemoryContextReset(per_event);
			continue;
		}
		cg_lit(out, ": {\n");
		for (f = 0; f < view.nfields; f++)
		{
			CodegenField *field = &view.fields[f];

			cg_lit(out, "        ");
			cg_json(out, field->name, field->len, true, false);
			if (field->optional)
				cg_lit(out, "?: ");
			else
				cg_lit(out, ": ");
			EmitType(out, &view, field);
			cg_putc(out, '\n');
		}
		cg_lit(out, "    }\n");
		MemoryContextReset(per_event);
	}
	cg_lit(out, "}\n");
	cg_puts(out, ts_tail);
	MemoryContextSwitchTo(old);
	MemoryContextDelete(per_event);
}
