/*-------------------------------------------------------------------------
 *
 * ingest.c
 *	  ingest_event() and ingest_events(): what an ingestion pipeline (or a
 *	  trigger on an application's events table) calls for the events it
 *	  sees.
 *
 * An event's definition is created on first sight (created_at), its
 * last_seen_at moved forward; then the event's properties are checked
 * against the property groups attached to it: missing required properties,
 * type mismatches (with PostHog's coercions), and the properties' value
 * rules.  A name without a definition is also checked against the
 * project's naming pattern, and handled as its unplanned_events setting
 * says.  Under enforcement_mode "reject" an event with violations is not
 * accepted; under "allow" it is, and the violations are still reported.
 * Violations are counted per (project, event, property, violation), one
 * row per backend, with a few example payloads.
 *
 * Each backend keeps what an event's checks need: its definition (id,
 * whether it has been seen, how recently, its enforcement mode, its
 * attached property groups), each property group's properties (kept once,
 * however many definitions it is attached to) with their rules (compiled
 * once for all properties with the same rules); the project's settings
 * (settings.c); which projects exist.  What is kept, and what one call
 * reads, grows with the catalog's size, never with its groups' properties
 * times the definitions they are attached to.  So an event of a known
 * name costs no statement at all, and last_seen_at is written at most once
 * per name per event_definitions.last_seen_interval (an hour by default):
 * steady ingestion does not churn the table.  Every change of what is kept
 * (enforcement modes, attached groups, properties and rules, settings,
 * deleted definitions and projects) fires a trigger that sends a relcache
 * invalidation of project_settings (ed_ingest_config_changed), which makes
 * every backend forget all of it; a definition created elsewhere needs no
 * invalidation, since an unknown name is read.  One call answers at most
 * ED_MAX_CALL_VIOLATIONS violations and keeps at most
 * ED_MAX_CALL_EXAMPLE_BYTES of example payloads (then their sizes), so that
 * neither its answer nor what it writes grows with its events times their
 * groups' properties beyond a bound.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/backendid.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/datum.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "definitions.h"
#include "event_definitions.h"
#include "governance.h"
#include "render.h"

/* an ingest_events batch: at most this many events, this many bytes */
#define ED_MAX_BATCH_EVENTS 10000
#define ED_MAX_BATCH_BYTES (32 * 1024 * 1024)
/* an example payload larger than this is kept as its size only */
#define ED_MAX_EXAMPLE_BYTES 4096
/* a call keeps at most this many bytes of example payloads, then their sizes */
#define ED_MAX_CALL_EXAMPLE_BYTES (4 * 1024 * 1024)
/* a call answers at most this many violations */
#define ED_MAX_CALL_VIOLATIONS 100000
/* beyond this many kept definitions, or this much memory, the cache starts again */
#define INGEST_KEPT_MAX 100000
#define INGEST_KEPT_BYTES (64 * 1024 * 1024)

int			ed_last_seen_interval = 3600;	/* event_definitions.last_seen_interval */

/* A property of a property group, as the checks read it. */
typedef struct IngestProperty
{
	char	   *name;
	const char *type;			/* String, Numeric, Boolean, DateTime, Object, Array */
	bool		required;
	EdRules    *rules;			/* NULL: none; shared by every property with these rules */
} IngestProperty;

/* The key of a kept property group. */
typedef struct IngestGroupKey
{
	int64		project_id;
	pg_uuid_t	id;
} IngestGroupKey;

/* A property group's properties, by name, shared by its definitions. */
typedef struct IngestGroup
{
	IngestGroupKey key;
	bool		loaded;			/* props are read */
	int			nprops;
	IngestProperty *props;
} IngestGroup;

/* The key of kept compiled rules: the stored jsonb's bytes. */
typedef struct IngestRulesKey
{
	Size		len;
	const char *data;			/* copied into the cache's context on entry */
} IngestRulesKey;

typedef struct IngestRulesEntry
{
	IngestRulesKey key;
	EdRules    *rules;
} IngestRulesEntry;

/* The key of a kept definition. */
typedef struct IngestKey
{
	int64		project_id;
	const char *name;			/* copied into the cache's context on entry */
} IngestKey;

/* What ingestion keeps of one definition. */
typedef struct IngestEntry
{
	IngestKey	key;
	pg_uuid_t	id;
	bool		created;		/* created_at is set */
	bool		ever_seen;		/* last_seen_at is set */
	TimestampTz last_seen;		/* at least this (another backend may know later) */
	bool		reject;			/* enforcement_mode is not "allow" */
	int			ngroups;
	IngestGroup **groups;		/* attached, by id */
} IngestEntry;

/* A project known to exist (for an admin, who is no member). */
typedef struct ProjectEntry
{
	int64		project_id;		/* hash key */
} ProjectEntry;

static HTAB *definitions = NULL;
static HTAB *groups = NULL;
static HTAB *rules_kept = NULL;
static HTAB *projects = NULL;
static MemoryContext ingest_cxt = NULL;
static bool config_stale = false;
static bool loading = false;	/* a load that did not end (an error) left the kept half-made */
static uint64 config_generation = 0;
static Oid	config_relid = InvalidOid;
static bool callback_registered = false;
static bool wrote_in_xact = false;	/* WriteSeen kept what this transaction wrote */

/*
 * Relcache invalidation of project_settings (or of every relation): what
 * is kept is stale.  Nothing is freed here; the next call starts again.
 */
static void
IngestConfigCallback(Datum arg, Oid relid)
{
	/* until project_settings' oid is known (before 1.3), any relation counts */
	if (!OidIsValid(relid) || relid == config_relid || !OidIsValid(config_relid))
	{
		config_stale = true;
		config_generation++;
	}
}

/*
 * End of a transaction or subtransaction: what WriteSeen kept of rows this
 * transaction wrote (a new definition, a later last_seen_at) is wrong once
 * it aborts, and nothing else would tell: an insert sends no invalidation.
 * Then start again at the next call.
 */
static void
IngestXactCallback(XactEvent event, void *arg)
{
	if ((event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT) && wrote_in_xact)
		config_stale = true;
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_PARALLEL_COMMIT ||
		event == XACT_EVENT_PREPARE || event == XACT_EVENT_ABORT ||
		event == XACT_EVENT_PARALLEL_ABORT)
		wrote_in_xact = false;
}

static void
IngestSubXactCallback(SubXactEvent event, SubTransactionId mySubid,
					  SubTransactionId parentSubid, void *arg)
{
	/* the write may have been the parent's: starting again is always right */
	if (event == SUBXACT_EVENT_ABORT_SUB && wrote_in_xact)
		config_stale = true;
}

/*
 * Listen for invalidations of the ingestion configuration and for aborts
 * (once per backend), and learn project_settings' oid again after a reset.
 */
static void
WatchConfig(bool relearn)
{
	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(IngestConfigCallback, (Datum) 0);
		RegisterXactCallback(IngestXactCallback, NULL);
		RegisterSubXactCallback(IngestSubXactCallback, NULL);
		callback_registered = true;
		relearn = true;
	}
	if (relearn || !OidIsValid(config_relid))
		config_relid = get_relname_relid("project_settings",
										 get_namespace_oid("event_definitions_private", false));
}

/*
 * A number that changes whenever what ingestion keeps (and settings.c
 * keeps) becomes stale.
 */
uint64
ed_ingest_config_generation(void)
{
	WatchConfig(false);
	return config_generation;
}

/*
 * Hash and match of an IngestKey; its name is copied on entry.
 */
static uint32
IngestKeyHash(const void *key, Size keysize)
{
	const IngestKey *k = key;

	return hash_combine(hash_bytes_uint32((uint32) k->project_id),
						hash_bytes((const unsigned char *) k->name, strlen(k->name)));
}

static int
IngestKeyMatch(const void *a, const void *b, Size keysize)
{
	const IngestKey *x = a;
	const IngestKey *y = b;

	return x->project_id == y->project_id && strcmp(x->name, y->name) == 0 ? 0 : 1;
}

static void *
IngestKeyCopy(void *dest, const void *src, Size keysize)
{
	IngestKey  *d = dest;
	const IngestKey *s = src;

	d->project_id = s->project_id;
	d->name = MemoryContextStrdup(ingest_cxt, s->name);
	return dest;
}

/*
 * Hash, match and copy of an IngestRulesKey.
 */
static uint32
RulesKeyHash(const void *key, Size keysize)
{
	const IngestRulesKey *k = key;

	return hash_bytes((const unsigned char *) k->data, (int) k->len);
}

static int
RulesKeyMatch(const void *a, const void *b, Size keysize)
{
	const IngestRulesKey *x = a;
	const IngestRulesKey *y = b;

	return x->len == y->len && memcmp(x->data, y->data, x->len) == 0 ? 0 : 1;
}

static void *
RulesKeyCopy(void *dest, const void *src, Size keysize)
{
	IngestRulesKey *d = dest;
	const IngestRulesKey *s = src;
	char	   *data = MemoryContextAlloc(ingest_cxt, s->len);

	memcpy(data, s->data, s->len);
	d->len = s->len;
	d->data = data;
	return dest;
}

/*
 * Start what is kept again: the definitions, the groups, the rules, the
 * projects and the settings (their compiled patterns freed with them).
 */
static void
ResetKept(void)
{
	HASHCTL		ctl;

	WatchConfig(true);
	if (ingest_cxt == NULL)
		ingest_cxt = AllocSetContextCreate(TopMemoryContext, "event_definitions ingestion",
										   ALLOCSET_DEFAULT_SIZES);
	else
		MemoryContextReset(ingest_cxt);
	ed_settings_forget();

	ctl.keysize = sizeof(IngestKey);
	ctl.entrysize = sizeof(IngestEntry);
	ctl.hash = IngestKeyHash;
	ctl.match = IngestKeyMatch;
	ctl.keycopy = IngestKeyCopy;
	ctl.hcxt = ingest_cxt;
	definitions = hash_create("event_definitions ingestion definitions", 256, &ctl,
							  HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_KEYCOPY | HASH_CONTEXT);
	ctl.keysize = sizeof(IngestRulesKey);
	ctl.entrysize = sizeof(IngestRulesEntry);
	ctl.hash = RulesKeyHash;
	ctl.match = RulesKeyMatch;
	ctl.keycopy = RulesKeyCopy;
	rules_kept = hash_create("event_definitions ingestion rules", 64, &ctl,
							 HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_KEYCOPY | HASH_CONTEXT);
	ctl.keysize = sizeof(IngestGroupKey);
	ctl.entrysize = sizeof(IngestGroup);
	groups = hash_create("event_definitions ingestion groups", 64, &ctl,
						 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	ctl.keysize = sizeof(int64);
	ctl.entrysize = sizeof(ProjectEntry);
	projects = hash_create("event_definitions ingestion projects", 16, &ctl,
						   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	config_stale = false;
	loading = false;
}

/*
 * Make what is kept current: start again when it went stale (at the start
 * of a call only, so nothing a call holds is freed under it) or grew too
 * large.
 */
static void
CheckKept(void)
{
	if (definitions == NULL || config_stale || loading || hash_get_num_entries(definitions) >= INGEST_KEPT_MAX ||
		MemoryContextMemAllocated(ingest_cxt, true) > INGEST_KEPT_BYTES)
		ResetKept();
}

/*
 * PT404 unless the caller may ingest into the project: a member's projects
 * exist; an admin's project is read once and kept.  Called inside SPI.
 */
static void
RequireProject(int64 project_id)
{
	EdAccess	access = ed_project_access(project_id);
	bool		found;

	if (access == ED_ACCESS_MEMBER)
		return;
	if (access == ED_ACCESS_ALL && hash_search(projects, &project_id, HASH_FIND, NULL) != NULL)
		return;
	ed_require_project(project_id);
	(void) hash_search(projects, &project_id, HASH_ENTER, &found);
}

/*
 * qsort comparators: properties by name (byte order), uuid Datums.
 */
static int
CompareProperties(const void *a, const void *b)
{
	return strcmp(((const IngestProperty *) a)->name, ((const IngestProperty *) b)->name);
}

static int
CompareUuidDatums(const void *a, const void *b)
{
	return memcmp(DatumGetUUIDP(*(const Datum *) a), DatumGetUUIDP(*(const Datum *) b), UUID_LEN);
}

/*
 * The compiled rules of a stored rules document, compiled once for every
 * property that has the same rules.
 */
static EdRules *
KeptRules(Jsonb *stored)
{
	IngestRulesKey key = {VARSIZE(stored), (const char *) stored};
	bool		found;
	IngestRulesEntry *entry = hash_search(rules_kept, &key, HASH_ENTER, &found);

	if (!found)
	{
		entry->rules = NULL;
		entry->rules = ed_rules_compile(stored, ingest_cxt);
	}
	return entry->rules;
}

/*
 * Read the properties of the groups that are not loaded yet (ids, n of
 * them), in one query (as the caller, under row-level security), and keep
 * them: each group's by name.  Answers whether the answer may be kept.
 */
static bool
LoadGroups(int64 project_id, Datum *ids, int n)
{
#define LOAD_GROUPS_SQL(rules) \
		"SELECT p.property_group_id, p.name, p.property_type, p.is_required, " rules \
		" FROM event_definitions_private.property_group_properties p" \
		" WHERE p.project_id OPERATOR(pg_catalog.=) $1" \
		"  AND p.property_group_id OPERATOR(pg_catalog.=) ANY ($2)" \
		" ORDER BY p.property_group_id"
	static EdPlan plans[2] = {
		/* releases before 1.3 have no value rules */
		{LOAD_GROUPS_SQL("NULL::pg_catalog.jsonb"), 2, {INT8OID, UUIDARRAYOID}},
		{LOAD_GROUPS_SQL("p.rules"), 2, {INT8OID, UUIDARRAYOID}}
	};
	static const char *const types[] = {"String", "Numeric", "Boolean", "DateTime", "Object", "Array"};
	EdPlan	   *plan = &plans[ed_governance_installed() ? 1 : 0];
	Datum		values[2] = {Int64GetDatum(project_id),
	PointerGetDatum(construct_array(ids, n, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR))};
	bool		keep = true;
	int			nrows = ed_exec_latest(plan, values, NULL, &keep, 0);
	SPITupleTable *rows = SPI_tuptable;
	int			row = 0;
	int			i;

	while (row < nrows)
	{
		TupleDesc	desc = rows->tupdesc;
		IngestGroupKey key;
		IngestGroup *group;
		bool		isnull;
		int			first = row;

		CHECK_FOR_INTERRUPTS();
		memset(&key, 0, sizeof(key));
		key.project_id = project_id;
		key.id = *DatumGetUUIDP(SPI_getbinval(rows->vals[row], desc, 1, &isnull));
		while (row < nrows &&
			   memcmp(DatumGetUUIDP(SPI_getbinval(rows->vals[row], desc, 1, &isnull)), &key.id, UUID_LEN) == 0)
			row++;
		group = hash_search(groups, &key, HASH_FIND, NULL);
		if (group == NULL || group->loaded)
			continue;
		group->props = MemoryContextAlloc(ingest_cxt, sizeof(IngestProperty) * (row - first));
		group->nprops = 0;
		for (i = first; i < row; i++)
		{
			HeapTuple	t = rows->vals[i];
			IngestProperty *p = &group->props[group->nprops++];
			char	   *type = SPI_getvalue(t, desc, 3);
			Datum		rules;
			int			k;

			CHECK_FOR_INTERRUPTS();
			p->name = MemoryContextStrdup(ingest_cxt, SPI_getvalue(t, desc, 2));
			p->type = "";
			for (k = 0; k < (int) lengthof(types); k++)
				if (strcmp(type, types[k]) == 0)
					p->type = types[k];
			p->required = DatumGetBool(SPI_getbinval(t, desc, 4, &isnull));
			rules = SPI_getbinval(t, desc, 5, &isnull);
			p->rules = isnull ? NULL : KeptRules(DatumGetJsonbP(rules));
		}
		qsort(group->props, group->nprops, sizeof(IngestProperty), CompareProperties);
		group->loaded = true;
	}
	SPI_freetuptable(rows);
	/* a group without properties has no rows */
	for (i = 0; i < n; i++)
	{
		IngestGroupKey key;
		IngestGroup *group;

		memset(&key, 0, sizeof(key));
		key.project_id = project_id;
		key.id = *DatumGetUUIDP(ids[i]);
		group = hash_search(groups, &key, HASH_FIND, NULL);
		if (!group->loaded)
		{
			group->nprops = 0;
			group->props = NULL;
			group->loaded = true;
		}
	}
	return keep;
}

/*
 * The kept group of an id (made, not loaded, when new); *load collects the
 * ids to read.
 */
static IngestGroup *
KeptGroup(int64 project_id, pg_uuid_t *id, Datum *load, int *nload)
{
	IngestGroupKey key;
	bool		found;
	IngestGroup *group;

	memset(&key, 0, sizeof(key));
	key.project_id = project_id;
	key.id = *id;
	group = hash_search(groups, &key, HASH_ENTER, &found);
	if (!found)
	{
		group->loaded = false;
		group->nprops = 0;
		group->props = NULL;
	}
	if (!group->loaded)
		load[(*nload)++] = UUIDPGetDatum(&group->key.id);
	return group;
}

/*
 * Load the definitions of names (those not kept) with their attached
 * groups, in one query (as the caller, under row-level security), then
 * the properties of the groups not kept, and keep them.  A name without a
 * definition stays unknown.
 */
static void
LoadDefinitions(int64 project_id, char **names, int n)
{
	static EdPlan plan = {
		"SELECT d.name, d.id, d.created_at IS NOT NULL, d.last_seen_at, d.enforcement_mode,"
		" ARRAY(SELECT s.property_group_id FROM event_definitions_private.event_schemas s"
		"  WHERE s.project_id OPERATOR(pg_catalog.=) d.project_id"
		"   AND s.event_definition_id OPERATOR(pg_catalog.=) d.id ORDER BY s.property_group_id)"
		" FROM event_definitions_private.event_definitions d"
		" WHERE d.project_id OPERATOR(pg_catalog.=) $1 AND d.name OPERATOR(pg_catalog.=) ANY ($2)",
		2, {INT8OID, TEXTARRAYOID}
	};
	Datum		values[2] = {Int64GetDatum(project_id), ed_text_array(names, n)};
	bool		keep = true;
	uint64		started = config_generation;
	int			nrows;
	SPITupleTable *rows;
	ArrayType **attached;
	int			nattached = 0;
	Datum	   *load;
	int			nload = 0;
	int			row;
	int			i;

	loading = true;
	nrows = ed_exec_latest(&plan, values, NULL, &keep, 0);
	rows = SPI_tuptable;
	attached = palloc(sizeof(ArrayType *) * Max(nrows, 1));

	/* the groups of the definitions: those not loaded are read once each */
	for (row = 0; row < nrows; row++)
	{
		bool		isnull;

		attached[row] = DatumGetArrayTypeP(SPI_getbinval(rows->vals[row], rows->tupdesc, 6, &isnull));
		nattached += ArrayGetNItems(ARR_NDIM(attached[row]), ARR_DIMS(attached[row]));
	}
	load = palloc(sizeof(Datum) * Max(nattached, 1));
	for (row = 0; row < nrows; row++)
	{
		HeapTuple	tuple = rows->vals[row];
		TupleDesc	desc = rows->tupdesc;
		IngestKey	key;
		IngestEntry *entry;
		Datum	   *ids;
		int			nids;
		bool		isnull;
		bool		found;

		CHECK_FOR_INTERRUPTS();
		deconstruct_array(attached[row], UUIDOID, UUID_LEN, false, TYPALIGN_CHAR, &ids, NULL, &nids);
		key.project_id = project_id;
		key.name = SPI_getvalue(tuple, desc, 1);
		entry = hash_search(definitions, &key, HASH_ENTER, &found);
		entry->id = *DatumGetUUIDP(SPI_getbinval(tuple, desc, 2, &isnull));
		entry->created = DatumGetBool(SPI_getbinval(tuple, desc, 3, &isnull));
		entry->last_seen = DatumGetTimestampTz(SPI_getbinval(tuple, desc, 4, &isnull));
		entry->ever_seen = !isnull;
		entry->reject = strcmp(SPI_getvalue(tuple, desc, 5), "allow") != 0;
		entry->ngroups = nids;
		entry->groups = MemoryContextAlloc(ingest_cxt, sizeof(IngestGroup *) * Max(nids, 1));
		for (i = 0; i < nids; i++)
			entry->groups[i] = KeptGroup(project_id, DatumGetUUIDP(ids[i]), load, &nload);
	}
	if (nload > 0)
	{
		/* each group once */
		qsort(load, nload, sizeof(Datum), CompareUuidDatums);
		for (i = 1, row = 1; i < nload; i++)
			if (CompareUuidDatums(&load[row - 1], &load[i]) != 0)
				load[row++] = load[i];
		nload = row;
		if (!LoadGroups(project_id, load, nload))
			keep = false;
	}
	if (!keep || config_generation != started)
		config_stale = true;	/* use now, forget at the next call */
	loading = false;
}

/*
 * Is a value readable as the declared property type?  Numbers may come as
 * numeric strings, booleans as "true"/"false", DateTime as an ISO-8601
 * string or an epoch number.
 */
static bool
ValueFitsType(JsonbValue *v, const char *type)
{
	if (strcmp(type, "String") == 0)
		return v->type == jbvString;
	if (strcmp(type, "Numeric") == 0)
	{
		if (v->type == jbvNumeric)
			return true;
		if (v->type == jbvString)
		{
			char	   *s = pnstrdup(v->val.string.val, v->val.string.len);
			char	   *end;

			/* decimal only: strtod() also reads hex, "inf" and "nan" */
			if (*s == '\0' || s[strspn(s, "0123456789+-.eE")] != '\0')
				return false;
			(void) strtod(s, &end);
			return *end == '\0';
		}
		return false;
	}
	if (strcmp(type, "Boolean") == 0)
	{
		if (v->type == jbvBool)
			return true;
		return v->type == jbvString &&
			((v->val.string.len == 4 && strncmp(v->val.string.val, "true", 4) == 0) ||
			 (v->val.string.len == 5 && strncmp(v->val.string.val, "false", 5) == 0));
	}
	if (strcmp(type, "DateTime") == 0)
	{
		if (v->type == jbvNumeric)
			return true;
		if (v->type == jbvString)
			return ed_is_iso8601(pnstrdup(v->val.string.val, v->val.string.len));
		return false;
	}
	if (strcmp(type, "Object") == 0)
		return v->type == jbvBinary && JsonContainerIsObject(v->val.binary.data);
	if (strcmp(type, "Array") == 0)
		return v->type == jbvBinary && JsonContainerIsArray(v->val.binary.data);
	return true;
}

/* One event of a call, as read from its arguments. */
typedef struct IngestEvent
{
	char	   *name;
	Jsonb	   *properties;		/* NULL: none */
	TimestampTz ts;
} IngestEvent;

/* A violation found, for the answer and the violations log. */
typedef struct Violation
{
	const char *property;		/* NULL: the event itself */
	const char *violation;
	const char *expected;		/* type_mismatch */
	const char *got;
	const char *rule;			/* a value rule's keyword */
	const char *pattern;		/* naming */
} Violation;

/* An event's outcome. */
typedef struct Outcome
{
	bool		accepted;
	int			nviolations;
	int			maxviolations;	/* room in violations */
	Violation  *violations;
} Outcome;

/* the violations of the call so far (ED_MAX_CALL_VIOLATIONS at most) */
static int64 call_violations = 0;

/*
 * Add a violation to an outcome; PT413 when the call has found more than
 * it answers.
 */
static Violation *
AddViolation(Outcome *o, const char *property, const char *violation)
{
	Violation  *v;

	if (++call_violations > ED_MAX_CALL_VIOLATIONS)
	{
		char	   *detail = psprintf("The events have more than %d violations, which is the most one call answers; send fewer events.",
									  ED_MAX_CALL_VIOLATIONS);

		ereport(ERROR,
				(errcode(ERRCODE_ED_TOO_LARGE),
				 errmsg("the events have too many violations"),
				 errdetail("%s", detail),
				 errhint("%s", ed_posthog_error("invalid_request", "request_too_large", detail, NULL))));
	}
	if (o->nviolations == o->maxviolations)
	{
		o->maxviolations = Max(o->maxviolations * 2, 4);
		o->violations = o->violations == NULL ?
			palloc(sizeof(Violation) * o->maxviolations) :
			repalloc(o->violations, sizeof(Violation) * o->maxviolations);
	}
	v = &o->violations[o->nviolations++];
	memset(v, 0, sizeof(*v));
	v->property = property;
	v->violation = violation;
	return v;
}

/*
 * Check one property of an event (required when any of the event's groups
 * requires it): missing, type mismatch, value rules.
 */
static void
CheckProperty(IngestProperty *p, bool required, Jsonb *properties, Outcome *o)
{
	JsonbValue *value = NULL;
	EdRuleViolation found[8];
	int			nfound,
				k;

	if (properties != NULL)
		value = ed_jsonb_member(&properties->root, p->name);
	if (value == NULL || value->type == jbvNull)
	{
		if (required)
			AddViolation(o, p->name, "missing_required");
		return;
	}
	if (!ValueFitsType(value, p->type))
	{
		Violation  *v = AddViolation(o, p->name, "type_mismatch");

		v->expected = p->type;
		v->got = JsonbTypeName(value);
		return;
	}
	nfound = ed_rules_check(p->rules, p->type, value, found);
	for (k = 0; k < nfound; k++)
		AddViolation(o, p->name, found[k].violation)->rule = found[k].rule;
}

/* A group's next property, in the merge of an event's groups by name. */
typedef struct GroupCursor
{
	IngestGroup *group;
	int			order;			/* the group's place among the event's */
	int			next;
} GroupCursor;

/*
 * Whether cursor a comes before b: by property name, then group order.
 */
static bool
CursorBefore(GroupCursor *a, GroupCursor *b)
{
	int			c = strcmp(a->group->props[a->next].name, b->group->props[b->next].name);

	return c < 0 || (c == 0 && a->order < b->order);
}

/*
 * Restore the heap order of cursors below i.
 */
static void
SiftDown(GroupCursor *heap, int n, int i)
{
	for (;;)
	{
		int			least = i;
		int			child;
		GroupCursor swap;

		for (child = 2 * i + 1; child <= 2 * i + 2 && child < n; child++)
			if (CursorBefore(&heap[child], &heap[least]))
				least = child;
		if (least == i)
			return;
		swap = heap[i];
		heap[i] = heap[least];
		heap[least] = swap;
		i = least;
	}
}

/*
 * Check an event's properties against its definition's groups, merged by
 * name: a property of several groups is required when any requires it,
 * and checked by the type and rules of the first group that requires it
 * (else of the first).  The groups' lists are merged as they are kept, in
 * time linear in their properties.
 */
static void
CheckProperties(IngestEntry *entry, Jsonb *properties, Outcome *o)
{
	GroupCursor *heap = palloc(sizeof(GroupCursor) * Max(entry->ngroups, 1));
	int			n = 0;
	int			i;

	for (i = 0; i < entry->ngroups; i++)
		if (entry->groups[i]->nprops > 0)
		{
			heap[n].group = entry->groups[i];
			heap[n].order = i;
			heap[n].next = 0;
			n++;
		}
	for (i = n / 2 - 1; i >= 0; i--)
		SiftDown(heap, n, i);
	while (n > 0)
	{
		const char *name = heap[0].group->props[heap[0].next].name;
		IngestProperty *chosen = NULL;
		bool		required = false;

		CHECK_FOR_INTERRUPTS();
		/* every group's copy of the name, in the groups' order */
		while (n > 0 && strcmp(heap[0].group->props[heap[0].next].name, name) == 0)
		{
			IngestProperty *p = &heap[0].group->props[heap[0].next];

			if (chosen == NULL || (p->required && !chosen->required))
				chosen = p;
			required |= p->required;
			if (++heap[0].next == heap[0].group->nprops)
				heap[0] = heap[--n];
			SiftDown(heap, n, 0);
		}
		CheckProperty(chosen, required, properties, o);
	}
	pfree(heap);
}

/*
 * Push an outcome: {"accepted": bool, "violations": [...]}; answers the
 * object pushed (the document, when it is one).
 */
static JsonbValue *
PushOutcome(JsonbParseState **state, Outcome *o)
{
	int			i;

	pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
	ed_push_bool_field(state, "accepted", o->accepted);
	ed_push_key(state, "violations");
	pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
	for (i = 0; i < o->nviolations; i++)
	{
		Violation  *v = &o->violations[i];

		pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
		if (v->property)
			ed_push_cstring_field(state, "property", v->property);
		ed_push_cstring_field(state, "violation", v->violation);
		if (v->expected)
		{
			ed_push_cstring_field(state, "expected", v->expected);
			ed_push_cstring_field(state, "got", v->got);
		}
		if (v->rule)
			ed_push_cstring_field(state, "rule", v->rule);
		if (v->pattern)
			ed_push_cstring_field(state, "pattern", v->pattern);
		pushJsonbValue(state, WJB_END_OBJECT, NULL);
	}
	pushJsonbValue(state, WJB_END_ARRAY, NULL);
	return pushJsonbValue(state, WJB_END_OBJECT, NULL);
}

/*
 * The bucket of last_seen_interval a timestamp falls in (the timestamp
 * itself when the interval is 0).
 */
static int64
SeenBucket(TimestampTz ts)
{
	return ed_last_seen_interval > 0 ? ts / ((int64) ed_last_seen_interval * USECS_PER_SEC) : ts;
}

/* A name whose definition a call writes: first sight, or a later bucket. */
typedef struct SeenName
{
	char	   *name;
	TimestampTz first;			/* the first event's timestamp (in input order) */
	TimestampTz last;			/* the latest timestamp */
} SeenName;

/*
 * The calls' writes of definitions, in one statement, as the extension's
 * owner: insert the new ones (logged "created"), move created_at and
 * last_seen_at of the others, in name order (so that concurrent batches
 * lock rows alike).  last_seen_at moves only into a later bucket.  Keeps
 * what it learns.
 */
static void
WriteSeen(int64 project_id, SeenName *seen, int n, Datum user, bool user_null)
{
	static EdPlan plan = {
		"WITH up AS ("
		" INSERT INTO event_definitions_private.event_definitions AS d"
		"  (project_id, name, created_at, last_seen_at)"
		" SELECT $1, u.name, u.first, u.last"
		" FROM ROWS FROM (unnest($2::text[]), unnest($3::timestamptz[]), unnest($4::timestamptz[]))"
		"  AS u(name, first, last) ORDER BY u.name COLLATE \"C\""
		" ON CONFLICT (project_id, name) DO UPDATE SET"
		"  created_at = COALESCE(d.created_at, EXCLUDED.created_at),"
		"  last_seen_at = GREATEST(d.last_seen_at, EXCLUDED.last_seen_at)"
		" WHERE d.created_at IS NULL OR d.last_seen_at IS NULL"
		"  OR CASE WHEN $6 = 0 THEN d.last_seen_at < EXCLUDED.last_seen_at"
		"     ELSE floor(extract(epoch FROM d.last_seen_at) / $6)"
		"      < floor(extract(epoch FROM EXCLUDED.last_seen_at) / $6) END"
		" RETURNING d.id, d.name, d.xmax = 0 AS inserted, d.last_seen_at, d.enforcement_mode,"
		"  CASE WHEN d.xmax = 0 THEN event_definitions_private.snapshot(d) END AS snap),"
		" log AS ("
		" INSERT INTO event_definitions_private.activity_log"
		"  (project_id, scope, item_id, activity, user_id, detail)"
		" SELECT $1, '" ED_SCOPE_DEFINITION "', up.id::text, 'created', $5,"
		"  jsonb_build_object('name', up.name, 'changes',"
		"   event_definitions_private.changes(NULL, up.snap, 'created', '" ED_SCOPE_DEFINITION "'))"
		" FROM up WHERE up.inserted)"
		" SELECT name, id, inserted, last_seen_at, enforcement_mode FROM up",
		6, {INT8OID, TEXTARRAYOID, TIMESTAMPTZARRAYOID, TIMESTAMPTZARRAYOID, INT4OID, INT4OID}
	};
	Datum		values[6];
	char		nulls[6] = {' ', ' ', ' ', ' ', user_null ? 'n' : ' ', ' '};
	Datum	   *firsts = palloc(sizeof(Datum) * n);
	Datum	   *lasts = palloc(sizeof(Datum) * n);
	char	  **names = palloc(sizeof(char *) * n);
	int			rows,
				i;

	for (i = 0; i < n; i++)
	{
		names[i] = seen[i].name;
		firsts[i] = TimestampTzGetDatum(seen[i].first);
		lasts[i] = TimestampTzGetDatum(seen[i].last);
	}
	values[0] = Int64GetDatum(project_id);
	values[1] = ed_text_array(names, n);
	values[2] = PointerGetDatum(construct_array(firsts, n, TIMESTAMPTZOID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	values[3] = PointerGetDatum(construct_array(lasts, n, TIMESTAMPTZOID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	values[4] = user;
	values[5] = Int32GetDatum(ed_last_seen_interval);
	rows = ed_exec(&plan, values, nulls, false, 0);
	wrote_in_xact = true;

	/* what the rows say now; a name not returned was seen at least as late */
	for (i = 0; i < n; i++)
	{
		IngestKey	key = {project_id, seen[i].name};
		IngestEntry *entry = hash_search(definitions, &key, HASH_FIND, NULL);

		if (entry != NULL)
		{
			entry->created = true;
			if (!entry->ever_seen || entry->last_seen < seen[i].last)
				entry->last_seen = seen[i].last;
			entry->ever_seen = true;
		}
	}
	for (i = 0; i < rows; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		IngestKey	key = {project_id, SPI_getvalue(tuple, desc, 1)};
		bool		isnull;
		bool		found;
		IngestEntry *entry = hash_search(definitions, &key, HASH_ENTER, &found);

		if (!found)
		{
			/* a new definition: no properties yet */
			entry->id = *DatumGetUUIDP(SPI_getbinval(tuple, desc, 2, &isnull));
			entry->ngroups = 0;
			entry->groups = NULL;
			entry->reject = strcmp(SPI_getvalue(tuple, desc, 5), "allow") != 0;
		}
		entry->created = true;
		entry->ever_seen = true;
		entry->last_seen = DatumGetTimestampTz(SPI_getbinval(tuple, desc, 4, &isnull));
	}
}

/* The violations a call counts, by (event, property, violation). */
typedef struct CountKey
{
	const char *event;
	const char *property;		/* "" for the event itself */
	const char *violation;
} CountKey;

typedef struct CountEntry
{
	CountKey	key;
	int64		count;
	TimestampTz first;
	TimestampTz last;
	int			nexamples;
	int			maxexamples;	/* room in examples */
	Datum	   *examples;		/* jsonb, at most violation_examples */
} CountEntry;

/*
 * Hash and match of a CountKey (its strings outlive the call's counting).
 */
static uint32
CountKeyHash(const void *key, Size keysize)
{
	const CountKey *k = key;

	return hash_combine(hash_combine(hash_bytes((const unsigned char *) k->event, strlen(k->event)),
									 hash_bytes((const unsigned char *) k->property, strlen(k->property))),
						hash_bytes((const unsigned char *) k->violation, strlen(k->violation)));
}

static int
CountKeyMatch(const void *a, const void *b, Size keysize)
{
	const CountKey *x = a;
	const CountKey *y = b;

	return strcmp(x->event, y->event) == 0 && strcmp(x->property, y->property) == 0 &&
		strcmp(x->violation, y->violation) == 0 ? 0 : 1;
}

/* the bytes of whole example payloads the call keeps (ED_MAX_CALL_EXAMPLE_BYTES at most) */
static Size call_example_bytes = 0;

/*
 * The example payload of ExamplePayload(), in the current context.
 */
static Datum
BuildExample(IngestEvent *e, bool whole)
{
	JsonbParseState *state = NULL;
	char	   *ts = ed_format_iso8601(e->ts);

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	ed_push_cstring_field(&state, "timestamp", ts);
	if (e->properties != NULL && (!whole || VARSIZE(e->properties) > ED_MAX_EXAMPLE_BYTES))
		ed_push_int8_field(&state, "properties_bytes", VARSIZE(e->properties));
	else if (e->properties != NULL)
	{
		JsonbValue	v;

		ed_push_key(&state, "properties");
		v.type = jbvBinary;
		v.val.binary.data = &e->properties->root;
		v.val.binary.len = VARSIZE(e->properties) - VARHDRSZ;
		pushJsonbValue(&state, WJB_VALUE, &v);
	}
	return JsonbPGetDatum(JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL)));
}

/*
 * An example payload of an event: {"timestamp", "properties"}, or
 * {"timestamp", "properties_bytes"} (the properties' size) when the
 * properties are large or whole is false.  Built in a scratch context: a
 * jsonb built by pushJsonbValue costs several times its size.
 */
static Datum
ExamplePayload(IngestEvent *e, bool whole)
{
	MemoryContext scratch = AllocSetContextCreate(CurrentMemoryContext, "event_definitions example",
												  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(scratch);
	Datum		result = BuildExample(e, whole);

	MemoryContextSwitchTo(old);
	result = datumCopy(result, false, -1);
	MemoryContextDelete(scratch);
	return result;
}

/*
 * Count an outcome's violations in the call's table, with an example of
 * the event for each that has fewer than max_examples: the event's
 * payload (made once for all its violations) while the call has kept less
 * than ED_MAX_CALL_EXAMPLE_BYTES of payloads, then the payload's size (so
 * that an event's properties are not stored once per property it breaks
 * beyond a bound).
 */
static void
CountViolations(HTAB *counts, IngestEvent *e, Outcome *o, int max_examples)
{
	Datum		whole = (Datum) 0;
	Datum		sized = (Datum) 0;
	Size		bytes = e->properties != NULL ? VARSIZE(e->properties) : 0;
	int			i;

	for (i = 0; i < o->nviolations; i++)
	{
		CountKey	key = {e->name, o->violations[i].property ? o->violations[i].property : "",
		o->violations[i].violation};
		bool		found;
		CountEntry *c = hash_search(counts, &key, HASH_ENTER, &found);

		CHECK_FOR_INTERRUPTS();
		if (!found)
		{
			c->count = 0;
			c->first = c->last = e->ts;
			c->nexamples = 0;
			c->maxexamples = 0;
			c->examples = NULL;
		}
		c->count++;
		c->first = Min(c->first, e->ts);
		c->last = Max(c->last, e->ts);
		if (c->nexamples >= max_examples)
			continue;
		if (c->nexamples == c->maxexamples)
		{
			c->maxexamples = Min(Max(c->maxexamples * 2, 1), max_examples);
			c->examples = c->examples == NULL ? palloc(sizeof(Datum) * c->maxexamples) :
				repalloc(c->examples, sizeof(Datum) * c->maxexamples);
		}
		if (bytes <= ED_MAX_EXAMPLE_BYTES && call_example_bytes + bytes <= ED_MAX_CALL_EXAMPLE_BYTES)
		{
			if (whole == (Datum) 0)
				whole = ExamplePayload(e, true);
			call_example_bytes += bytes;
			c->examples[c->nexamples++] = whole;
		}
		else
		{
			if (sized == (Datum) 0)
				sized = ExamplePayload(e, false);
			c->examples[c->nexamples++] = sized;
		}
	}
}

/*
 * A jsonb array of jsonb values.
 */
static Datum
JsonbArray(Datum *items, int n)
{
	JsonbParseState *state = NULL;
	int			i;

	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	for (i = 0; i < n; i++)
	{
		Jsonb	   *item = DatumGetJsonbP(items[i]);
		JsonbValue	v;

		v.type = jbvBinary;
		v.val.binary.data = &item->root;
		v.val.binary.len = VARSIZE(item) - VARHDRSZ;
		pushJsonbValue(&state, WJB_ELEM, &v);
	}
	return JsonbPGetDatum(JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_ARRAY, NULL)));
}

/*
 * Write the call's counts into this backend's rows of the violations log
 * (its shard: no other backend writes them, so concurrent ingestion never
 * waits on a count), in key order, keeping at most max_examples examples a
 * row.
 */
static void
WriteCounts(int64 project_id, HTAB *counts, int max_examples)
{
	static EdPlan plan = {
		"INSERT INTO event_definitions_private.ingestion_violations AS v"
		" (project_id, event, property, violation, shard, count, first_seen, last_seen, examples)"
		" SELECT $1, u.event, u.property, u.violation, $2, u.count, u.first, u.last, u.examples"
		" FROM ROWS FROM (unnest($3::text[]), unnest($4::text[]), unnest($5::text[]), unnest($6::int8[]),"
		"  unnest($7::timestamptz[]), unnest($8::timestamptz[]), unnest($9::jsonb[]))"
		"  AS u(event, property, violation, count, first, last, examples)"
		" ORDER BY u.event COLLATE \"C\", u.property COLLATE \"C\", u.violation COLLATE \"C\""
		" ON CONFLICT (project_id, event, property, violation, shard) DO UPDATE SET"
		"  count = v.count + EXCLUDED.count,"
		"  first_seen = LEAST(v.first_seen, EXCLUDED.first_seen),"
		"  last_seen = GREATEST(v.last_seen, EXCLUDED.last_seen),"
		"  examples = CASE WHEN jsonb_array_length(v.examples) < $10"
		"   THEN (SELECT COALESCE(jsonb_agg(e.value ORDER BY e.ord), '[]'::jsonb)"
		"         FROM jsonb_array_elements(v.examples || EXCLUDED.examples) WITH ORDINALITY AS e(value, ord)"
		"         WHERE e.ord <= $10)"
		"   ELSE v.examples END",
		10, {INT8OID, INT4OID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, INT8ARRAYOID,
			TIMESTAMPTZARRAYOID, TIMESTAMPTZARRAYOID, JSONBARRAYOID, INT4OID}
	};
	int			n = hash_get_num_entries(counts);
	char	  **events = palloc(sizeof(char *) * Max(n, 1));
	char	  **props = palloc(sizeof(char *) * Max(n, 1));
	char	  **kinds = palloc(sizeof(char *) * Max(n, 1));
	Datum	   *nums = palloc(sizeof(Datum) * Max(n, 1));
	Datum	   *firsts = palloc(sizeof(Datum) * Max(n, 1));
	Datum	   *lasts = palloc(sizeof(Datum) * Max(n, 1));
	Datum	   *examples = palloc(sizeof(Datum) * Max(n, 1));
	Datum		values[10];
	HASH_SEQ_STATUS seq;
	CountEntry *c;
	MemoryContext scratch;
	int			i = 0;

	if (n == 0)
		return;
	/* each row's examples are built in a scratch context, and copied */
	scratch = AllocSetContextCreate(CurrentMemoryContext, "event_definitions examples",
									ALLOCSET_DEFAULT_SIZES);
	hash_seq_init(&seq, counts);
	while ((c = hash_seq_search(&seq)) != NULL)
	{
		MemoryContext old;
		Datum		array;

		CHECK_FOR_INTERRUPTS();
		events[i] = (char *) c->key.event;
		props[i] = (char *) c->key.property;
		kinds[i] = (char *) c->key.violation;
		nums[i] = Int64GetDatum(c->count);
		firsts[i] = TimestampTzGetDatum(c->first);
		lasts[i] = TimestampTzGetDatum(c->last);
		old = MemoryContextSwitchTo(scratch);
		array = JsonbArray(c->examples, c->nexamples);
		MemoryContextSwitchTo(old);
		examples[i] = datumCopy(array, false, -1);
		MemoryContextReset(scratch);
		i++;
	}
	MemoryContextDelete(scratch);
	values[0] = Int64GetDatum(project_id);
	values[1] = Int32GetDatum(MyBackendId);
	values[2] = ed_text_array(events, n);
	values[3] = ed_text_array(props, n);
	values[4] = ed_text_array(kinds, n);
	values[5] = PointerGetDatum(construct_array(nums, n, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	values[6] = PointerGetDatum(construct_array(firsts, n, TIMESTAMPTZOID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	values[7] = PointerGetDatum(construct_array(lasts, n, TIMESTAMPTZOID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	values[8] = PointerGetDatum(construct_array(examples, n, JSONBOID, -1, false, TYPALIGN_INT));
	values[9] = Int32GetDatum(max_examples);
	ed_exec(&plan, values, NULL, false, 0);
}

/*
 * Read the definitions of the call's names that are not kept, each name
 * once, in one query.
 */
static void
LoadUnknown(int64 project_id, IngestEvent *events, int n)
{
	char	  **missing = palloc(sizeof(char *) * Max(n, 1));
	int			nmissing = 0;
	HTAB	   *names;
	HASHCTL		ctl;
	int			i;

	ctl.keysize = sizeof(IngestKey);
	ctl.entrysize = sizeof(IngestKey);
	ctl.hash = IngestKeyHash;
	ctl.match = IngestKeyMatch;
	ctl.hcxt = CurrentMemoryContext;
	names = hash_create("event_definitions ingested names", Max(n, 16), &ctl,
						HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_CONTEXT);
	for (i = 0; i < n; i++)
	{
		IngestKey	key = {project_id, events[i].name};
		bool		found;

		CHECK_FOR_INTERRUPTS();
		if (hash_search(definitions, &key, HASH_FIND, NULL) != NULL)
			continue;
		(void) hash_search(names, &key, HASH_ENTER, &found);
		if (!found)
			missing[nmissing++] = events[i].name;
	}
	if (nmissing > 0)
		LoadDefinitions(project_id, missing, nmissing);
	hash_destroy(names);
}

/*
 * Ingest a call's events (one for ingest_event, a batch for
 * ingest_events), in input order, with exactly the outcome each would
 * have alone: check what is kept, read the names not kept (one query),
 * decide each event, then write the definitions that a name's first sight
 * or a later bucket changes (one statement) and the violation counts (one
 * statement).
 */
static Outcome *
Ingest(int64 project_id, IngestEvent *events, int n)
{
	EdSettings *settings;
	Outcome    *outcomes = palloc0(sizeof(Outcome) * Max(n, 1));
	SeenName   *seen = palloc(sizeof(SeenName) * Max(n, 1));
	int			nseen = 0;
	HTAB	   *seen_index;
	HTAB	   *counts;
	HASHCTL		ctl;
	EdUserSwitch as_owner;
	bool		user_null;
	Datum		user;
	int			i;

	CheckKept();
	call_violations = 0;
	call_example_bytes = 0;
	RequireProject(project_id);
	user = Int32GetDatum(ed_acting_user(&user_null));
	/* reads as the caller (under row-level security), writes as the owner */
	settings = ed_settings(project_id);

	LoadUnknown(project_id, events, n);

	/* each event's outcome, and the names to write */
	ctl.keysize = sizeof(IngestKey);
	ctl.hash = IngestKeyHash;
	ctl.match = IngestKeyMatch;
	ctl.hcxt = CurrentMemoryContext;
	ctl.entrysize = sizeof(IngestKey) + sizeof(int);
	seen_index = hash_create("event_definitions names written", Max(n, 16), &ctl,
							 HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_CONTEXT);
	ctl.keysize = sizeof(CountKey);
	ctl.entrysize = sizeof(CountEntry);
	ctl.hash = CountKeyHash;
	ctl.match = CountKeyMatch;
	counts = hash_create("event_definitions violation counts", 16, &ctl,
						 HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_CONTEXT);
	for (i = 0; i < n; i++)
	{
		IngestEvent *e = &events[i];
		IngestKey	key = {project_id, e->name};
		IngestEntry *entry = hash_search(definitions, &key, HASH_FIND, NULL);
		Outcome    *o = &outcomes[i];
		bool		writes;
		bool		found;
		int		   *slot;

		CHECK_FOR_INTERRUPTS();
		o->accepted = true;
		/* an earlier event of this call writes the name: as if it were written already */
		slot = hash_search(seen_index, &key, HASH_FIND, NULL);
		if (slot != NULL)
			slot = (int *) ((char *) slot + sizeof(IngestKey));
		if (entry == NULL && slot == NULL)
		{
			/* a name without a definition: unplanned, perhaps misnamed */
			if (ed_breaks_pattern(settings->event_name_pattern, e->name, strlen(e->name)))
				AddViolation(o, NULL, "naming")->pattern = settings->event_name_pattern->source;
			if (settings->unplanned != ED_UNPLANNED_ALLOW)
				AddViolation(o, NULL, "unplanned_event");
			if (settings->unplanned == ED_UNPLANNED_REJECT)
				o->accepted = false;
			writes = settings->unplanned != ED_UNPLANNED_REJECT;
		}
		else
		{
			/* a definition created by this call has no properties, and allows */
			if (entry != NULL)
			{
				CheckProperties(entry, e->properties, o);
				o->accepted = !(entry->reject && o->nviolations > 0);
			}
			if (slot != NULL)
				writes = SeenBucket(e->ts) > SeenBucket(seen[*slot].last);
			else
				writes = !entry->created || !entry->ever_seen ||
					SeenBucket(e->ts) > SeenBucket(entry->last_seen);
		}
		if (o->nviolations > 0)
			CountViolations(counts, e, o, settings->violation_examples);
		if (!writes)
			continue;
		if (slot == NULL)
		{
			slot = (int *) ((char *) hash_search(seen_index, &key, HASH_ENTER, &found) + sizeof(IngestKey));
			*slot = nseen;
			seen[nseen].name = e->name;
			seen[nseen].first = seen[nseen].last = e->ts;
			nseen++;
		}
		else
			seen[*slot].last = Max(seen[*slot].last, e->ts);
	}
	if (nseen > 0 || hash_get_num_entries(counts) > 0)
	{
		ed_become_owner(&as_owner);
		if (nseen > 0)
			WriteSeen(project_id, seen, nseen, user, user_null);
		/* releases before 1.3 have no violations log */
		if (ed_governance_installed())
			WriteCounts(project_id, counts, settings->violation_examples);
		ed_restore_user(&as_owner);
	}
	return outcomes;
}

/*
 * An event name argument: not blank, at most 400 characters.
 */
static char *
EventName(text *event, const char *attr)
{
	if (event == NULL || VARSIZE_ANY_EXHDR(event) == 0)
		ed_field_error(attr, "This field may not be blank.");
	if (ed_text_longer_than(event, ED_MAX_NAME_LENGTH))
		ed_field_error(attr, psprintf("Ensure this field has no more than %d characters.", ED_MAX_NAME_LENGTH));
	return text_to_cstring(event);
}

/*
 * An event's timestamp: a finite time between the years 1 and 9999.
 */
static TimestampTz
EventTime(TimestampTz ts, const char *attr)
{
	struct pg_tm tm;
	fsec_t		fsec;

	if (TIMESTAMP_NOT_FINITE(ts) || timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0 ||
		tm.tm_year < 1 || tm.tm_year > 9999)
		ed_field_error(attr, "Ensure this value is a date and time between the years 1 and 9999.");
	return ts;
}

PG_FUNCTION_INFO_V1(ed_ingest_event);

/*
 * ingest_event(project_id, event, properties jsonb, timestamp) ->
 * {"accepted": bool, "violations": [{"property", "violation", ...}]}
 */
Datum
ed_ingest_event(PG_FUNCTION_ARGS)
{
	int64		project_id = ed_project_arg(fcinfo);
	IngestEvent e;
	Outcome    *o;
	JsonbParseState *state = NULL;
	Datum		result;

	e.name = EventName(PG_ARGISNULL(1) ? NULL : PG_GETARG_TEXT_PP(1), "event");
	e.properties = PG_ARGISNULL(2) ? NULL : PG_GETARG_JSONB_P(2);
	if (e.properties != NULL)
	{
		ed_check_arg_size(VARSIZE_ANY_EXHDR(e.properties), "properties");
		if (!JB_ROOT_IS_OBJECT(e.properties))
			ed_field_error("properties", "Expected a dictionary of items.");
	}
	e.ts = EventTime(PG_ARGISNULL(3) ? GetCurrentTransactionStartTimestamp() : PG_GETARG_TIMESTAMPTZ(3),
					 "timestamp");

	SPI_connect();
	o = Ingest(project_id, &e, 1);
	result = ed_jsonb_result(PushOutcome(&state, o));
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/*
 * Read the i-th element of an ingest_events batch: {"event", "properties",
 * "timestamp"} (timestamp an ISO-8601 string or epoch seconds; absent or
 * null: now()).
 */
static void
BatchEvent(JsonbValue *elem, int i, IngestEvent *e)
{
	JsonbValue *v;
	JsonbContainer *obj;
	char	   *attr;

	if (elem->type != jbvBinary || !JsonContainerIsObject(elem->val.binary.data))
		ed_field_error(psprintf("events__%d", i), "Invalid data. Expected a dictionary.");
	obj = elem->val.binary.data;

	attr = psprintf("events__%d__event", i);
	v = ed_jsonb_member(obj, "event");
	if (v == NULL || v->type == jbvNull)
		ed_field_error(attr, "This field is required.");
	if (v->type != jbvString)
		ed_field_error(attr, "Not a valid string.");
	e->name = EventName(cstring_to_text_with_len(v->val.string.val, v->val.string.len), attr);

	v = ed_jsonb_member(obj, "properties");
	e->properties = NULL;
	if (v != NULL && v->type != jbvNull)
	{
		if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
			ed_field_error(psprintf("events__%d__properties", i), "Expected a dictionary of items.");
		e->properties = JsonbValueToJsonb(v);
	}

	attr = psprintf("events__%d__timestamp", i);
	v = ed_jsonb_member(obj, "timestamp");
	if (v == NULL || v->type == jbvNull)
		e->ts = GetCurrentTransactionStartTimestamp();
	else if (v->type == jbvString)
	{
		char	   *s = pnstrdup(v->val.string.val, v->val.string.len);

		if (!ed_is_iso8601(s))
			ed_field_error(attr, "Datetime has wrong format. Use an ISO 8601 date and time.");
		e->ts = DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in, CStringGetDatum(s),
														ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
	}
	else if (v->type == jbvNumeric)
		e->ts = DatumGetTimestampTz(DirectFunctionCall1(float8_timestamptz,
														DirectFunctionCall1(numeric_float8,
																			NumericGetDatum(v->val.numeric))));
	else
		ed_field_error(attr, "Datetime has wrong format. Use an ISO 8601 date and time.");
	e->ts = EventTime(e->ts, attr);
}

PG_FUNCTION_INFO_V1(ed_ingest_events);

/*
 * ingest_events(project_id, events jsonb): a batch of at most 10,000
 * {"event", "properties", "timestamp"}, with exactly the semantics of
 * ingest_event once per element, in one statement's work ->
 * {"accepted": n, "rejected": n, "results": [{"accepted", "violations"}, ...]}
 * in input order.
 */
Datum
ed_ingest_events(PG_FUNCTION_ARGS)
{
	int64		project_id = ed_project_arg(fcinfo);
	Jsonb	   *batch;
	IngestEvent *events;
	Outcome    *outcomes;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	JsonbParseState *state = NULL;
	int			n = 0,
				i,
				accepted = 0;
	Datum		result;

	if (PG_ARGISNULL(1))
		ed_field_error("events", "This field may not be null.");
	batch = PG_GETARG_JSONB_P(1);
	if (VARSIZE_ANY_EXHDR(batch) > ED_MAX_BATCH_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_ED_TOO_LARGE),
				 errmsg("events is too large"),
				 errdetail("It has %zu bytes; at most %d bytes (32 MB) are accepted.",
						   (size_t) VARSIZE_ANY_EXHDR(batch), ED_MAX_BATCH_BYTES),
				 errhint("%s", ed_posthog_error("invalid_request", "request_too_large",
												"A batch of events may have at most 32 MB.", NULL))));
	if (!JB_ROOT_IS_ARRAY(batch) || JB_ROOT_IS_SCALAR(batch))
		ed_field_error("events", "Expected a list of items.");
	if (JB_ROOT_COUNT(batch) > ED_MAX_BATCH_EVENTS)
		ed_field_error("events", psprintf("Ensure this field has no more than %d elements.", ED_MAX_BATCH_EVENTS));

	events = palloc(sizeof(IngestEvent) * Max(JB_ROOT_COUNT(batch), 1));
	it = JsonbIteratorInit(&batch->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		CHECK_FOR_INTERRUPTS();
		BatchEvent(&v, n, &events[n]);
		n++;
	}

	SPI_connect();
	outcomes = Ingest(project_id, events, n);
	for (i = 0; i < n; i++)
		accepted += outcomes[i].accepted;
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	ed_push_int8_field(&state, "accepted", accepted);
	ed_push_int8_field(&state, "rejected", n - accepted);
	ed_push_key(&state, "results");
	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	for (i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		PushOutcome(&state, &outcomes[i]);
	}
	pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	result = ed_jsonb_result(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
	SPI_finish();
	PG_RETURN_DATUM(result);
}

PG_FUNCTION_INFO_V1(ed_ingest_config_changed);

/*
 * Statement trigger on what ingestion keeps (enforcement modes, deleted
 * definitions and projects, attached groups, properties, settings): tell
 * every backend (at commit) and this one (at once) to forget it.
 */
Datum
ed_ingest_config_changed(PG_FUNCTION_ARGS)
{
	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "ingest_config_changed() must be called as a trigger");
	CacheInvalidateRelcacheByRelid(get_relname_relid("project_settings",
													 get_namespace_oid("event_definitions_private", false)));
	return PointerGetDatum(NULL);
}
