/*-------------------------------------------------------------------------
 *
 * codegen_load.c
 *	  The code generators' input: one query (a kept plan) over a project's
 *	  group properties and selected events, whose rows go straight from
 *	  the executor into a compact snapshot (no result table, no per-row
 *	  attribute lookups), then sorted in place; and PostHog's schema hash,
 *	  computed in the pass over the events' views that surveys them
 *	  (codegen_view.c).
 *
 * The query returns the properties of the project's groups in no order
 * (they are placed by group in C, so that no sort of the executor holds
 * them all; a group no selected event has costs a little, a semi-join with
 * the event schemas would cost every call more), and one row per selected
 * event and attached group (or none) in name order; C sorts the events'
 * rows too, which costs one pass when they come sorted (a UNION ALL
 * promises no order).  Events are every name not starting with '$', plus
 * $pageview, $pageleave and $screen, hidden and unverified ones included.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "common/cryptohash.h"
#include "common/sha2.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "nodes/params.h"
#include "tcop/dest.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "codegen.h"
#include "event_definitions.h"

#define ARENA_BLOCK (64 * 1024)

/* One row of an event: its name and the slot of one attached group (or -1). */
typedef struct EventRow
{
	const char *name;
	int			len;
	int			slot;
} EventRow;

/* A group seen by the loader: its properties are counted, then placed. */
typedef struct LoadGroup
{
	pg_uuid_t	id;				/* the hash key */
	int			slot;			/* in order of first sight */
} LoadGroup;

/* The receiver of the query's rows, and what it builds. */
typedef struct Loader
{
	DestReceiver pub;
	MemoryContext cxt;
	char	   *arena;			/* names: the rest of the current block */
	size_t		arena_left;
	CodegenProperty *props;
	int			nprops;
	int			cap_props;
	HTAB	   *group_slots;	/* group id -> LoadGroup */
	pg_uuid_t  *slot_ids;		/* each slot's group id */
	int		   *slot_counts;	/* and its number of properties */
	int		   *slot_firsts;	/* and where its first one is */
	bool		scattered;		/* some group's properties are not together */
	int			nslots;
	int			cap_slots;
	EventRow   *rows;
	int			nrows;
	int			cap_rows;
} Loader;

/*
 * A copy of len bytes and a NUL, from blocks of the loader's context (no
 * chunk header per name).
 */
static char *
ArenaCopy(Loader *l, const char *s, int len)
{
	char	   *p;

	if ((size_t) len + 1 > l->arena_left)
	{
		size_t		size = Max(ARENA_BLOCK, (size_t) len + 1);

		l->arena = MemoryContextAlloc(l->cxt, size);
		l->arena_left = size;
	}
	p = l->arena;
	memcpy(p, s, len);
	p[len] = '\0';
	l->arena += len + 1;
	l->arena_left -= len + 1;
	return p;
}

/*
 * A text Datum, copied into the arena.
 */
static const char *
ArenaText(Loader *l, Datum d, int *len)
{
	text	   *t = DatumGetTextPP(d);

	*len = VARSIZE_ANY_EXHDR(t);
	return ArenaCopy(l, VARDATA_ANY(t), *len);
}

/*
 * The CodegenType of a property type's name (the table's CHECK allows
 * only these).
 */
static uint8
TypeOf(Datum d)
{
	text	   *t = DatumGetTextPP(d);
	int			len = VARSIZE_ANY_EXHDR(t);
	int			i;

	for (i = 0; i < CODEGEN_NTYPES; i++)
		if (strncmp(VARDATA_ANY(t), codegen_type_names[i], len) == 0 &&
			codegen_type_names[i][len] == '\0')
			return (uint8) i;
	elog(ERROR, "unknown property type \"%s\"", text_to_cstring(t));
	pg_unreachable();
}

/*
 * The values of an enum rule (a jsonb array), or NULL when it is not one.
 */
static CodegenEnum *
EnumOf(Loader *l, Datum d)
{
	Jsonb	   *jb = DatumGetJsonbP(d);
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;
	CodegenEnum *e;

	if (!JB_ROOT_IS_ARRAY(jb) || JB_ROOT_IS_SCALAR(jb) || JB_ROOT_COUNT(jb) == 0)
		return NULL;
	e = palloc(sizeof(CodegenEnum));
	e->n = 0;
	e->values = palloc(sizeof(CodegenValue) * JB_ROOT_COUNT(jb));
	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		CodegenValue *value = &e->values[e->n];

		CHECK_FOR_INTERRUPTS();
		if (tok != WJB_ELEM)
			continue;
		if (v.type == jbvString)
		{
			value->kind = 's';
			value->len = v.val.string.len;
			value->text = ArenaCopy(l, v.val.string.val, v.val.string.len);
		}
		else if (v.type == jbvNumeric)
		{
			char	   *s = DatumGetCString(DirectFunctionCall1(numeric_out,
																NumericGetDatum(v.val.numeric)));

			value->kind = 'n';
			value->len = strlen(s);
			value->text = ArenaCopy(l, s, value->len);
		}
		else if (v.type == jbvBool)
		{
			value->kind = 'b';
			value->text = v.val.boolean ? "true" : "false";
			value->len = strlen(value->text);
		}
		else
			continue;
		e->n++;
	}
	return e->n > 0 ? e : NULL;
}

/*
 * The slot of a group, made at its first sight (by a property or an event);
 * last is the slot of the previous property (a group's properties mostly
 * come together).  count: a property of the group is counted.
 */
static int
SlotOf(Loader *l, pg_uuid_t *id, int last, bool count)
{
	LoadGroup  *g;
	bool		found;

	if (last >= 0 && memcmp(&l->slot_ids[last], id, sizeof(pg_uuid_t)) == 0)
	{
		l->slot_counts[last] += count;
		return last;
	}
	g = hash_search(l->group_slots, id, HASH_ENTER, &found);
	if (!found)
	{
		if (l->nslots == l->cap_slots)
		{
			l->cap_slots *= 2;
			l->slot_ids = repalloc_huge(l->slot_ids, sizeof(pg_uuid_t) * l->cap_slots);
			l->slot_counts = repalloc_huge(l->slot_counts, sizeof(int) * l->cap_slots);
			l->slot_firsts = repalloc_huge(l->slot_firsts, sizeof(int) * l->cap_slots);
		}
		g->slot = l->nslots++;
		l->slot_ids[g->slot] = *id;
		l->slot_counts[g->slot] = 0;
	}
	if (count && l->slot_counts[g->slot] == 0)
		l->slot_firsts[g->slot] = l->nprops;
	else if (count)
		l->scattered = true;
	l->slot_counts[g->slot] += count;
	return g->slot;
}

/*
 * One row of the query: a group's property (kind 0) or an event's group
 * (kind 1).  Columns: kind, event, group, property, type, is_required,
 * is_optional_in_types, enum.
 */
static bool
ReceiveRow(TupleTableSlot *slot, DestReceiver *self)
{
	Loader	   *l = (Loader *) self;
	MemoryContext old = MemoryContextSwitchTo(l->cxt);
	Datum	   *v;
	bool	   *n;

	CHECK_FOR_INTERRUPTS();
	slot_getallattrs(slot);
	v = slot->tts_values;
	n = slot->tts_isnull;
	if (DatumGetInt32(v[0]) == 0)
	{
		CodegenProperty *p;

		if (l->nprops == l->cap_props)
		{
			l->cap_props *= 2;
			l->props = repalloc_huge(l->props, sizeof(CodegenProperty) * l->cap_props);
		}
		p = &l->props[l->nprops];
		p->name = ArenaText(l, v[3], &p->len);
		p->group = SlotOf(l, DatumGetUUIDP(v[2]), l->nprops > 0 ? p[-1].group : -1, true);
		l->nprops++;
		p->type = TypeOf(v[4]);
		p->required = DatumGetBool(v[5]);
		p->optional_in_types = DatumGetBool(v[6]);
		p->enumeration = n[7] ? NULL : EnumOf(l, v[7]);
	}
	else
	{
		EventRow   *r;

		if (l->nrows == l->cap_rows)
		{
			l->cap_rows *= 2;
			l->rows = repalloc_huge(l->rows, sizeof(EventRow) * l->cap_rows);
		}
		r = &l->rows[l->nrows++];
		r->name = ArenaText(l, v[1], &r->len);
		r->slot = n[2] ? -1 : SlotOf(l, DatumGetUUIDP(v[2]), -1, false);
	}
	MemoryContextSwitchTo(old);
	return true;
}

/* The receiver's other callbacks have nothing to do. */
static void
ReceiverStartup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
}

static void
ReceiverShutdown(DestReceiver *self)
{
}

/*
 * qsort comparators: slots by group id; a group's properties by name
 * (unique in a group); event rows by name, then group.  The long sorts
 * check for interrupts.
 */
static pg_uuid_t *sorting_ids;

static int
CompareSlots(const void *a, const void *b)
{
	CHECK_FOR_INTERRUPTS();
	return memcmp(&sorting_ids[*(const int *) a], &sorting_ids[*(const int *) b], sizeof(pg_uuid_t));
}

static int
ComparePropertyNames(const void *a, const void *b)
{
	return strcmp(((const CodegenProperty *) a)->name, ((const CodegenProperty *) b)->name);
}

static int
CompareEventRows(const void *a, const void *b)
{
	const EventRow *x = a;
	const EventRow *y = b;
	int			c = strcmp(x->name, y->name);

	CHECK_FOR_INTERRUPTS();
	if (c != 0)
		return c;
	if (x->slot < 0 || y->slot < 0)
		return (x->slot >= 0) - (y->slot >= 0);
	return memcmp(&sorting_ids[x->slot], &sorting_ids[y->slot], sizeof(pg_uuid_t));
}

/*
 * Run the query into the loader.  bench/cases/codegen_load_7.sql runs the
 * same query alone (make bench's floor of the generators): keep them equal.
 */
static void
RunQuery(int64 project_id, Loader *l)
{
	static EdPlan plan = {
		"SELECT 0 AS kind, NULL::pg_catalog.text COLLATE \"C\" AS event, p.property_group_id,"
		"  p.name, p.property_type, p.is_required, p.is_optional_in_types,"
		"  p.rules OPERATOR(pg_catalog.->) 'enum'"
		" FROM event_definitions_private.property_group_properties p"
		" WHERE p.project_id OPERATOR(pg_catalog.=) $1"
		" UNION ALL"
		" (SELECT 1, d.name, s.property_group_id, NULL, NULL, NULL, NULL, NULL"
		" FROM event_definitions_private.event_definitions d"
		" LEFT JOIN event_definitions_private.event_schemas s"
		"  ON s.project_id OPERATOR(pg_catalog.=) d.project_id"
		"   AND s.event_definition_id OPERATOR(pg_catalog.=) d.id"
		" WHERE d.project_id OPERATOR(pg_catalog.=) $1"
		"  AND (NOT pg_catalog.starts_with(d.name, '$')"
		"       OR d.name OPERATOR(pg_catalog.=) ANY ('{$pageview,$pageleave,$screen}'::pg_catalog.text[]))"
		"  ORDER BY d.name, s.property_group_id)",
		1, {INT8OID}
	};
	ParamListInfo params = makeParamList(1);
	SPIExecuteOptions options = {0};
	int			rc;

	params->params[0].value = Int64GetDatum(project_id);
	params->params[0].isnull = false;
	params->params[0].pflags = PARAM_FLAG_CONST;
	params->params[0].ptype = INT8OID;
	params->numParams = 1;

	l->pub.receiveSlot = ReceiveRow;
	l->pub.rStartup = ReceiverStartup;
	l->pub.rShutdown = ReceiverShutdown;
	l->pub.rDestroy = ReceiverShutdown;
	/* any kind but DestNone (SPI would discard) and DestSPI (its table) */
	l->pub.mydest = DestTuplestore;
	l->cap_props = l->cap_rows = l->cap_slots = 256;
	l->props = MemoryContextAlloc(l->cxt, sizeof(CodegenProperty) * l->cap_props);
	l->slot_ids = MemoryContextAlloc(l->cxt, sizeof(pg_uuid_t) * l->cap_slots);
	l->slot_counts = MemoryContextAlloc(l->cxt, sizeof(int) * l->cap_slots);
	l->slot_firsts = MemoryContextAlloc(l->cxt, sizeof(int) * l->cap_slots);
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(pg_uuid_t);
		ctl.entrysize = sizeof(LoadGroup);
		ctl.hcxt = l->cxt;
		l->group_slots = hash_create("codegen groups", 256, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	l->rows = MemoryContextAlloc(l->cxt, sizeof(EventRow) * l->cap_rows);

	options.params = params;
	options.read_only = true;
	options.dest = (DestReceiver *) l;
	rc = SPI_execute_plan_extended(ed_plan(&plan), &options);
	if (rc < 0)
		elog(ERROR, "SPI_execute_plan_extended failed: %s", SPI_result_code_string(rc));
}

/*
 * Sort what the query returned and make the groups, the events and their
 * group references of the snapshot.
 */
static void
Build(Loader *l, CodegenSchema *schema)
{
	int		   *order = MemoryContextAlloc(l->cxt, sizeof(int) * Max(l->nslots, 1));
	int		   *index = MemoryContextAlloc(l->cxt, sizeof(int) * Max(l->nslots, 1));
	int		   *next = MemoryContextAlloc(l->cxt, sizeof(int) * Max(l->nslots, 1));
	int			i;

	/* the groups by id: their slots sorted, each one's place counted out */
	for (i = 0; i < l->nslots; i++)
		order[i] = i;
	sorting_ids = l->slot_ids;
	qsort(order, l->nslots, sizeof(int), CompareSlots);
	schema->groups = MemoryContextAlloc(l->cxt, sizeof(CodegenGroup) * Max(l->nslots, 1));
	schema->ngroups = l->nslots;
	for (i = 0; i < l->nslots; i++)
	{
		CodegenGroup *g = &schema->groups[i];

		g->id = l->slot_ids[order[i]];
		g->nprops = l->slot_counts[order[i]];
		/* together as they came, or placed one after the other */
		g->first = !l->scattered ? l->slot_firsts[order[i]] : i == 0 ? 0 : g[-1].first + g[-1].nprops;
		next[order[i]] = g->first;
		index[order[i]] = i;
	}

	/*
	 * When some group's properties came apart, every property goes into its
	 * group's place, in place: each one's group field says where it goes,
	 * and the cycles of that permutation are followed.  Then each group's
	 * properties by name.
	 */
	for (i = 0; l->scattered && i < l->nprops; i++)
		l->props[i].group = next[l->props[i].group]++;
	for (i = 0; l->scattered && i < l->nprops; i++)
	{
		CHECK_FOR_INTERRUPTS();
		while (l->props[i].group != i)
		{
			CodegenProperty p = l->props[l->props[i].group];

			l->props[l->props[i].group] = l->props[i];
			l->props[i] = p;
		}
	}
	schema->props = l->props;
	schema->nprops = l->nprops;
	for (i = 0; i < schema->ngroups; i++)
	{
		CodegenGroup *g = &schema->groups[i];
		int			k;

		CHECK_FOR_INTERRUPTS();
		for (k = g->first; k < g->first + g->nprops; k++)
			schema->props[k].group = i;
		qsort(schema->props + g->first, g->nprops, sizeof(CodegenProperty), ComparePropertyNames);
	}

	/* the events by name, each with its groups that have properties */
	qsort(l->rows, l->nrows, sizeof(EventRow), CompareEventRows);
	schema->events = MemoryContextAlloc(l->cxt, sizeof(CodegenEvent) * Max(l->nrows, 1));
	schema->refs = MemoryContextAlloc(l->cxt, sizeof(int) * Max(l->nrows, 1));
	schema->nevents = 0;
	for (i = 0; i < l->nrows; i++)
	{
		EventRow   *r = &l->rows[i];
		CodegenEvent *e;

		CHECK_FOR_INTERRUPTS();
		if (i == 0 || strcmp(l->rows[i - 1].name, r->name) != 0)
		{
			e = &schema->events[schema->nevents++];
			e->name = r->name;
			e->len = r->len;
			e->first = i;
			e->ngroups = 0;
		}
		e = &schema->events[schema->nevents - 1];
		if (r->slot >= 0 && schema->groups[index[r->slot]].nprops > 0)
			schema->refs[e->first + e->ngroups++] = index[r->slot];
	}
	pfree(l->rows);
	pfree(order);
	pfree(index);
	pfree(next);
	hash_destroy(l->group_slots);
}

/* PostHog's schema hash as it is written: SHA-256 over a buffer flushed in pieces. */
typedef struct Hasher
{
	pg_cryptohash_ctx *ctx;
	CgOut		buf;
} Hasher;

/*
 * Write the buffer to the hash.
 */
static void
HashFlush(Hasher *h)
{
	if (pg_cryptohash_update(h->ctx, (uint8 *) h->buf.data, h->buf.len) < 0)
		elog(ERROR, "could not compute SHA-256: %s", pg_cryptohash_error(h->ctx));
	h->buf.len = 0;
}

/*
 * Hash one event: [event, [[name, type, is_required, is_optional_in_types],
 * ...]] with its view's properties (in PostHog's sorted order).
 */
static void
HashEvent(CodegenView *view, int e, void *arg)
{
	Hasher	   *h = arg;
	int			p;

	if (e > 0)
		cg_putc(&h->buf, ',');
	cg_putc(&h->buf, '[');
	cg_json(&h->buf, view->event->name, view->event->len, true, false);
	cg_lit(&h->buf, ",[");
	for (p = 0; p < view->nprops; p++)
	{
		CodegenProperty *prop = &view->props[p];

		if (h->buf.len > 32768)
			HashFlush(h);
		if (p > 0)
			cg_putc(&h->buf, ',');
		cg_putc(&h->buf, '[');
		cg_json(&h->buf, prop->name, prop->len, true, false);
		cg_printf(&h->buf, ",\"%s\",%s,%s]", codegen_type_names[prop->type],
				  prop->required ? "true" : "false", prop->optional_in_types ? "true" : "false");
	}
	cg_lit(&h->buf, "]]");
}

/*
 * PostHog's schema_hash (calculate_schema_hash of its generators' base):
 * the SHA-256 of the compact, key-sorted JSON (orjson, OPT_SORT_KEYS)
 * {"schemas": [[event, [[name, type, is_required, is_optional_in_types],
 * ...]], ...], "version": version}, events by name, each one's properties
 * (all its groups') sorted as tuples; its first 32 hex digits.  The
 * language and the value rules are not part of it.  Computed in the same
 * pass over the views as the survey.
 */
static void
SchemaHash(CodegenSchema *schema, MemoryContext cxt, const char *version)
{
	Hasher		h = {pg_cryptohash_create(PG_SHA256), {MemoryContextAlloc(cxt, 65536), 0, 65536}};
	uint8		digest[PG_SHA256_DIGEST_LENGTH];

	if (h.ctx == NULL || pg_cryptohash_init(h.ctx) < 0)
		elog(ERROR, "could not compute SHA-256: %s", pg_cryptohash_error(h.ctx));
	cg_lit(&h.buf, "{\"schemas\":[");
	codegen_survey(schema, HashEvent, &h);
	cg_printf(&h.buf, "],\"version\":%j}", version);
	HashFlush(&h);
	if (pg_cryptohash_final(h.ctx, digest, sizeof(digest)) < 0)
		elog(ERROR, "could not compute SHA-256: %s", pg_cryptohash_error(h.ctx));
	pg_cryptohash_free(h.ctx);
	hex_encode((char *) digest, 16, schema->hash);
	schema->hash[32] = '\0';
}

/*
 * Read the project's snapshot, in one query (so one snapshot of the
 * tables), into the current memory context, and survey it for a generator
 * of the given version.
 */
void
codegen_load(int64 project_id, const char *version, CodegenSchema *schema)
{
	Loader		l = {{0}};

	memset(schema, 0, sizeof(CodegenSchema));
	l.cxt = CurrentMemoryContext;
	schema->generated_at = ed_local_isoformat(GetCurrentTransactionStartTimestamp());
	RunQuery(project_id, &l);
	Build(&l, schema);
	SchemaHash(schema, l.cxt, version);
}
