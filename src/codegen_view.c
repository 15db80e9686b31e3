/*-------------------------------------------------------------------------
 *
 * codegen_view.c
 *	  An event as the code generators see it: the properties of all its
 *	  groups in PostHog's order, and its fields (one per property name,
 *	  merged over the name's occurrences); and the survey of every
 *	  event's fields that sizes and heads a file.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/memutils.h"

#include "codegen.h"

/* qsort comparator of an event's properties: PostHog's tuple order, then group */
static int
CompareProperties(const void *a, const void *b)
{
	const CodegenProperty *x = a;
	const CodegenProperty *y = b;
	int			c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->required != y->required)
		return x->required ? 1 : -1;
	if (x->optional_in_types != y->optional_in_types)
		return x->optional_in_types ? 1 : -1;
	return (x->group > y->group) - (x->group < y->group);
}

/*
 * The union of the enums of props[0 .. n) of the given type, in order of
 * first appearance; NULL when one of them has no enum rule.
 */
static CodegenEnum *
MergeEnums(CodegenProperty *props, int n, uint8 type)
{
	CodegenEnum *only = NULL;
	CodegenEnum *merged;
	NameSet		seen = {0};
	int			count = 0;
	int			i,
				k;

	for (i = 0; i < n; i++)
	{
		if (props[i].type != type)
			continue;
		if (props[i].enumeration == NULL)
			return NULL;
		only = props[i].enumeration;
		count += only->n;
	}
	if (only == NULL || count == only->n)
		return only;
	merged = palloc(sizeof(CodegenEnum));
	merged->n = 0;
	merged->values = palloc(sizeof(CodegenValue) * count);
	for (i = 0; i < n; i++)
	{
		if (props[i].type != type)
			continue;
		for (k = 0; k < props[i].enumeration->n; k++)
		{
			CodegenValue *v = &props[i].enumeration->values[k];
			char	   *key = psprintf("%c%s", v->kind, v->text);

			CHECK_FOR_INTERRUPTS();
			if (nameset_contains(&seen, key))
				continue;
			nameset_add(&seen, key);
			merged->values[merged->n++] = *v;
		}
	}
	return merged;
}

/*
 * The view of event e: every property of its groups, sorted by PostHog's
 * tuple order (name, type, is_required, is_optional_in_types), and its
 * fields.  Memory comes from the current context (a per-event one).
 */
void
codegen_view(CodegenSchema *schema, int e, CodegenView *view)
{
	CodegenEvent *event = &schema->events[e];
	int			i;

	view->event = event;
	view->nprops = 0;
	if (event->ngroups == 1)
	{
		CodegenGroup *g = &schema->groups[schema->refs[event->first]];

		/* one group: already sorted (its names are unique) */
		view->props = &schema->props[g->first];
		view->nprops = g->nprops;
	}
	else if (event->ngroups > 1)
	{
		for (i = 0; i < event->ngroups; i++)
			view->nprops += schema->groups[schema->refs[event->first + i]].nprops;
		view->props = palloc(sizeof(CodegenProperty) * view->nprops);
		view->nprops = 0;
		for (i = 0; i < event->ngroups; i++)
		{
			CodegenGroup *g = &schema->groups[schema->refs[event->first + i]];

			memcpy(view->props + view->nprops, &schema->props[g->first], sizeof(CodegenProperty) * g->nprops);
			view->nprops += g->nprops;
		}
		qsort(view->props, view->nprops, sizeof(CodegenProperty), CompareProperties);
	}

	view->fields = palloc(sizeof(CodegenField) * Max(view->nprops, 1));
	view->nfields = 0;
	for (i = 0; i < view->nprops; i++)
	{
		CodegenProperty *p = &view->props[i];
		CodegenField *f;

		/* one group's names are unique */
		if (i == 0 || event->ngroups == 1 || strcmp(view->props[i - 1].name, p->name) != 0)
		{
			f = &view->fields[view->nfields++];
			f->name = p->name;
			f->len = p->len;
			f->type = p->type;
			f->required = false;
			f->optional = false;
			f->first = i;
			f->n = 0;
		}
		f = &view->fields[view->nfields - 1];
		f->required |= p->required;
		f->optional |= !p->required || p->optional_in_types;
		f->n++;
	}
	for (i = 0; i < view->nfields; i++)
	{
		CodegenField *f = &view->fields[i];

		f->enumeration = f->n == 1 ? view->props[f->first].enumeration :
			MergeEnums(view->props + f->first, f->n, f->type);
	}
}

/*
 * Add a field's facts and sizes (codegen.h) to the schema's.
 */
static void
SurveyField(CodegenSchema *schema, CodegenView *view, CodegenField *field)
{
	int			k,
				i;

	schema->field_bytes += field->len;
	schema->field_event_bytes += view->event->len;
	schema->has_datetime |= field->type == CODEGEN_DATETIME;
	/* TypeScript lists every occurrence's values */
	for (k = field->first; k < field->first + field->n; k++)
	{
		CodegenEnum *en = view->props[k].enumeration;

		for (i = 0; en != NULL && i < en->n; i++)
		{
			schema->enum_values++;
			schema->enum_bytes += en->values[i].len;
		}
	}
	if (field->enumeration != NULL &&
		(field->type != CODEGEN_NUMERIC || codegen_integer_enum(field->enumeration)))
		schema->has_literal = true;
}

/*
 * The facts and sizes of the snapshot's fields (codegen.h), from every
 * event's view; each (when not NULL) is called with each view, in event
 * order.
 */
void
codegen_survey(CodegenSchema *schema, void (*each) (CodegenView *view, int e, void *arg), void *arg)
{
	MemoryContext per_event = AllocSetContextCreate(CurrentMemoryContext, "codegen survey", ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(per_event);
	int			e,
				f;

	for (e = 0; e < schema->nevents; e++)
	{
		CodegenView view;

		CHECK_FOR_INTERRUPTS();
		codegen_view(schema, e, &view);
		schema->event_bytes += view.event->len;
		schema->nfields += view.nfields;
		for (f = 0; f < view.nfields; f++)
			SurveyField(schema, &view, &view.fields[f]);
		if (each)
			each(&view, e, arg);
		MemoryContextReset(per_event);
	}
	MemoryContextSwitchTo(old);
	MemoryContextDelete(per_event);
}
