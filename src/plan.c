/*-------------------------------------------------------------------------
 *
 * plan.c
 *	  Tracking plans as code: export_tracking_plan(), diff_tracking_plan()
 *	  and apply_tracking_plan().
 *
 * A plan is the curated part of a project's catalog as one JSON document:
 * {"version": 1, "base_hash", "settings", "property_groups", "events"},
 * groups and events by name (byte order), properties by name, tags and
 * attached groups sorted, owners by email (by uuid when they have none).
 * Exported as jsonb, equal catalogs give byte-equal plans; base_hash is the
 * SHA-256 of the plan's text without it.
 *
 * A plan given to diff or apply is the whole catalog: a key it leaves out
 * has its default (an empty description, no tags, allow, ...).  It is
 * validated item by item with the API's own validators, errors naming the
 * item ("events__3__tags").  Each item is then made canonical (the export's
 * shape), and compared field by field with the catalog's export of the
 * same name, both as jsonb, in one merge over the two name orders.
 *
 * Memory is a small multiple of the plan and the answer, never of a tree
 * of the whole plan: one pass of PostgreSQL's JSON parser (no tree, no
 * copies) finds the plan's members and the spans of text of its items;
 * each item is then parsed on its own in a memory context reset for the
 * next, keeping only its name and canonical jsonb.  An item is one API
 * body (an event is what create_event_definition takes, a group what
 * create_property_group takes), so it has the API's limits of a body:
 * 2.5 MB and 100,000 values (PT413 naming the item).  The catalog is read
 * through a cursor, a row at a time; its hash is computed as it is read.
 *
 * Apply writes through the API's own functions, called as the caller, so
 * that every object gets the checks and the activity-log entry of a
 * single call.  Before it reads anything it locks what it reads, for the
 * transaction: the project's settings row (so two applies of one project
 * run one after the other), then the project's property groups and event
 * definitions by name and their attachments, FOR SHARE.  It then reads the
 * catalog (hash and diff) in one snapshot taken after the locks, and
 * writes.  So an ordinary edit of the catalog (update_event_definition,
 * update_property_group, a delete, a bulk update, an attachment's removal)
 * either committed before the locks, and the plan's base_hash no longer
 * matches (PT409, HTTP 409, nothing written), or waits for the apply to
 * end; the diff an apply answers is what it wrote over.  A second apply
 * that waited finds the first one's catalog, and answers PT409.
 *
 * In REPEATABLE READ (or SERIALIZABLE) the catalog is read in the
 * transaction's snapshot: an edit committed after that snapshot was taken
 * makes the lock fail with 40001 (could not serialize access), which the
 * caller retries in a new transaction, where the hash tells.  Rows locked
 * FOR SHARE also hold back ingestion's write of last_seen_at for them
 * until the apply ends.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "common/cryptohash.h"
#include "common/jsonapi.h"
#include "common/sha2.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/hsearch.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "definitions.h"
#include "event_definitions.h"
#include "governance.h"
#include "nameset.h"

#define ERRCODE_ED_CONFLICT		MAKE_SQLSTATE('P','T','4','0','9')

/* a plan argument: larger than a request body, still bounded */
#define ED_MAX_PLAN_BYTES		(16 * 1024 * 1024)
#define ED_MAX_PLAN_VALUES		500000

/* the plan's parts, in the order apply writes them */
typedef enum PlanKind
{
	PLAN_SETTINGS,
	PLAN_GROUP,
	PLAN_EVENT
} PlanKind;

static const char *const kind_names[] = {"settings", "property_group", "event"};

/* what a diff's entry says of an object: the lists of its answer */
typedef enum PlanAction
{
	PLAN_CREATE,
	PLAN_UPDATE,
	PLAN_DELETE
} PlanAction;

/* the fields compared, in the order a diff names them */
static const char *const settings_fields[] = {
	"event_name_pattern", "property_name_pattern", "stale_after_days", "unplanned_events",
	"violation_examples", NULL
};
static const char *const group_fields[] = {"description", NULL};
static const char *const event_fields[] = {
	"description", "tags", "owner", "verified", "hidden", "enforcement_mode",
	"promoted_property", "property_groups", NULL
};

/* the keys a plan's items may have */
static const char *const plan_keys[] = {"version", "base_hash", "settings", "property_groups", "events", NULL};
static const char *const group_keys[] = {"name", "description", "properties", NULL};
static const char *const event_keys[] = {
	"name", "description", "tags", "owner", "verified", "hidden", "enforcement_mode",
	"promoted_property", "property_groups", NULL
};

/* the plan's two lists of items, as the scan numbers them */
#define PLAN_LIST_GROUPS		0
#define PLAN_LIST_EVENTS		1
static const char *const list_keys[] = {"property_groups", "events"};

/* A JSON value of the plan's text: its bytes [start, start + len). */
typedef struct PlanSpan
{
	int			start;
	int			len;
} PlanSpan;

/* A member of the plan's object. */
typedef struct PlanMember
{
	char	   *key;
	PlanSpan	value;
} PlanMember;

/*
 * What one pass of PostgreSQL's JSON parser finds in a plan's text: the
 * members of its object, and the spans of the items of its two lists.
 */
typedef struct PlanScan
{
	const char *text;
	text	   *copy;			/* the argument, when detoasted (freed when read) */
	JsonLexContext *lex;
	bool		object;			/* the text is an object */
	int			boundary;		/* the next member's key is after this */
	NameSet		keys;
	PlanMember *members;
	int			nmembers;
	int			members_cap;
	int			list;			/* the member being read is this list (-1: none) */
	int			item_start;
	PlanSpan   *items[2];
	int			nitems[2];
	int			items_cap[2];
} PlanScan;

/* A property group or event of the plan, validated and canonical. */
typedef struct PlanItem
{
	int			index;			/* in the plan's list */
	char	   *path;			/* "events__3": names it in errors */
	char	   *name;
	Jsonb	   *canonical;		/* the export's shape */
	int32		owner;			/* events: the owner's user id */
	bool		owner_null;
} PlanItem;

/* A validated plan. */
typedef struct TrackingPlan
{
	char	   *base_hash;		/* NULL: none */
	Jsonb	   *settings;		/* canonical */
	EdPattern  *event_pattern;	/* the plan's naming patterns (NULL: none) */
	EdPattern  *property_pattern;
	int			ngroups;
	PlanItem   *groups;			/* by name */
	int			nevents;
	PlanItem   *events;			/* by name */
	HTAB	   *owners;			/* the owners named so far (PlanOwner), in cxt */
	MemoryContext cxt;			/* the plan's */
} TrackingPlan;

/* An owner a plan names, resolved (OwnerByName). */
typedef struct PlanOwner
{
	char		named[256];		/* as the plan names it (the key) */
	int32		id;
	char	   *spelling;		/* as an export names it */
} PlanOwner;

/* One write of an apply. */
typedef struct PlanWrite
{
	PlanKind	kind;
	char		action;			/* c(reate), u(pdate), d(elete) */
	PlanItem   *item;			/* create, update: the plan's item */
	Datum		id;				/* update, delete: the object */
	char	   *name;
	char	   *body;			/* create, update: the API call's body */
	Jsonb	   *groups_before;	/* event: attached groups, when they change */
	Jsonb	   *groups_after;
} PlanWrite;

/*
 * A diff being computed: its answer's entries, and (applying) the writes
 * that apply it.  What outlives a catalog row is in cxt; a row's values
 * are in row_cxt, one comparison's work in step_cxt, both reset after use.
 */
typedef struct PlanDiff
{
	StringInfoData entries[3][3];	/* [kind][action] */
	int64		unchanged;
	bool		prune;			/* apply: deletes are written (and answered) */
	bool		applying;
	bool		defer_names;	/* new names are checked once the hash matched */
	List	   *writes;
	Jsonb	   *no_groups;		/* [] */
	MemoryContext cxt;
	MemoryContext row_cxt;
	MemoryContext step_cxt;
	pg_cryptohash_ctx *hash;	/* the catalog's plan text, when checked */
	bool		hash_first;		/* no item of the list being read hashed yet */
} PlanDiff;

/*
 * Text of a jsonb value.
 */
static char *
JsonbText(Jsonb *j)
{
	return JsonbToCString(NULL, &j->root, VARSIZE(j));
}

/*
 * Jsonb of JSON text that is known to be valid.
 */
static Jsonb *
JsonbOf(const char *text)
{
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(text)));
}

/*
 * The value of key in a jsonb object (a JSON null when absent).
 */
static Jsonb *
FieldOf(Jsonb *obj, const char *key)
{
	JsonbValue *v = ed_jsonb_member(&obj->root, key);

	if (v == NULL)
		return JsonbOf("null");
	return JsonbValueToJsonb(v);
}

/*
 * Whether two jsonb values are equal (PostgreSQL's jsonb equality: numbers
 * by value, objects regardless of key order).
 */
static bool
JsonbEqual(Jsonb *a, Jsonb *b)
{
	return DatumGetBool(DirectFunctionCall2(jsonb_eq, JsonbPGetDatum(a), JsonbPGetDatum(b)));
}

/*
 * Append a JSON string literal.
 */
static void
AppendString(StringInfo buf, const char *s)
{
	if (s == NULL)
		appendStringInfoString(buf, "null");
	else
		ed_json_append_string(buf, s, strlen(s));
}

/*
 * Append a JSON list of strings.
 */
static void
AppendStrings(StringInfo buf, char **items, int n)
{
	int			i;

	appendStringInfoChar(buf, '[');
	for (i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (i > 0)
			appendStringInfoChar(buf, ',');
		AppendString(buf, items[i]);
	}
	appendStringInfoChar(buf, ']');
}

/*
 * A copy of a jsonb value in the current memory context, of its size.
 */
static Jsonb *
CopyJsonb(Jsonb *j)
{
	Jsonb	   *copy = palloc(VARSIZE(j));

	memcpy(copy, j, VARSIZE(j));
	return copy;
}

/*
 * ed_exec, staying in the caller's memory context (SPI leaves its own
 * procedure context current).
 */
static int
PlanExec(EdPlan *plan, Datum *values, const char *nulls, bool read_only, long count)
{
	MemoryContext cxt = CurrentMemoryContext;
	int			n = ed_exec(plan, values, nulls, read_only, count);

	MemoryContextSwitchTo(cxt);
	return n;
}

/*
 * A uuid of the last result, copied into cxt.
 */
static Datum
ResultUuid(int row, int col, MemoryContext cxt)
{
	bool		isnull;
	Datum		v = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, &isnull);
	MemoryContext old;

	if (isnull)
		return (Datum) 0;
	old = MemoryContextSwitchTo(cxt);
	v = datumCopy(v, false, UUID_LEN);
	MemoryContextSwitchTo(old);
	return v;
}

/*
 * ERROR on attr unless every key of item is one of keys.
 */
static void
CheckKeys(EdJson *item, const char *const *keys)
{
	int			i,
				k;

	for (i = 0; i < item->len; i++)
	{
		CHECK_FOR_INTERRUPTS();
		for (k = 0; keys[k] != NULL; k++)
			if (strcmp(item->keys[i], keys[k]) == 0)
				break;
		if (keys[k] == NULL)
			ed_field_error(item->keys[i], "Unknown field.");
	}
}

/*
 * Room for one more of an array of n elements of size bytes, *cap of them.
 */
static void *
Grow(void *array, int n, int *cap, Size size)
{
	if (n < *cap)
		return array;
	*cap = *cap > 0 ? *cap * 2 : 16;
	return array ? repalloc(array, size * *cap) : palloc(size * *cap);
}

/*
 * Scan: the plan's object begins (its first key follows the brace).
 */
static void
ScanObjectStart(void *arg)
{
	PlanScan   *st = arg;

	if (st->lex->lex_level == 0)
	{
		st->object = true;
		st->boundary = st->lex->token_start - st->text + 1;
	}
}

/*
 * Scan: a member of the plan's object begins, the lexer at its value.  Its
 * key is the first string after the previous member (the text is valid
 * JSON, the json type's input checked it); keys are decoded by jansson
 * when they have escapes, and must be distinct, as jansson would have it.
 */
static void
ScanFieldStart(void *arg, char *fname, bool isnull)
{
	PlanScan   *st = arg;
	const char *text = st->text;
	int			value = st->lex->token_start - text;
	int			start,
				end;
	PlanMember *m;
	int			k;

	if (st->lex->lex_level != 1)
		return;
	for (start = st->boundary; start < value && text[start] != '"'; start++)
		;
	for (end = start + 1; end < value && text[end] != '"'; end++)
		if (text[end] == '\\')
			end++;
	if (end >= value)
		elog(ERROR, "tracking plan: no key before the value at byte %d", value);
	end++;

	st->members = Grow(st->members, st->nmembers, &st->members_cap, sizeof(PlanMember));
	m = &st->members[st->nmembers++];
	if (memchr(text + start, '\\', end - start) == NULL)
		m->key = pnstrdup(text + start + 1, end - start - 2);
	else
		m->key = ed_json_parse_part(text, start, end - start, "tracking plan")->str;
	if (nameset_contains(&st->keys, m->key))
		ed_json_duplicate_key(text, start, end - start, "tracking plan");
	nameset_add(&st->keys, m->key);
	m->value.start = value;
	st->list = -1;
	for (k = 0; k < (int) lengthof(list_keys); k++)
		if (strcmp(m->key, list_keys[k]) == 0)
			st->list = k;
}

/*
 * Scan: a member of the plan's object ends.
 */
static void
ScanFieldEnd(void *arg, char *fname, bool isnull)
{
	PlanScan   *st = arg;
	PlanMember *m;

	if (st->lex->lex_level != 1)
		return;
	m = &st->members[st->nmembers - 1];
	st->boundary = st->lex->prev_token_terminator - st->text;
	m->value.len = st->boundary - m->value.start;
	st->list = -1;
}

/*
 * Scan: an element of one of the plan's lists begins.
 */
static void
ScanElementStart(void *arg, bool isnull)
{
	PlanScan   *st = arg;

	if (st->lex->lex_level == 2 && st->list >= 0)
		st->item_start = st->lex->token_start - st->text;
}

/*
 * Scan: an element of one of the plan's lists ends: an item's span.
 */
static void
ScanElementEnd(void *arg, bool isnull)
{
	PlanScan   *st = arg;
	int			list = st->list;
	PlanSpan   *span;

	if (st->lex->lex_level != 2 || list < 0)
		return;
	CHECK_FOR_INTERRUPTS();
	st->items[list] = Grow(st->items[list], st->nitems[list], &st->items_cap[list], sizeof(PlanSpan));
	span = &st->items[list][st->nitems[list]++];
	span->start = st->item_start;
	span->len = (st->lex->prev_token_terminator - st->text) - st->item_start;
}

/*
 * Read a plan's text with PostgreSQL's JSON parser into *st, building no
 * tree.  (The json type's input checked the syntax: an error here is not
 * expected.)
 */
static void
ScanPlan(const char *text, int len, PlanScan *st)
{
	JsonSemAction sem = {0};
	JsonParseErrorType rc;

	memset(st, 0, sizeof(*st));
	st->text = text;
	st->list = -1;
	st->lex = makeJsonLexContextCstringLen((char *) text, len, PG_UTF8, false);
	sem.semstate = st;
	sem.object_start = ScanObjectStart;
	sem.object_field_start = ScanFieldStart;
	sem.object_field_end = ScanFieldEnd;
	sem.array_element_start = ScanElementStart;
	sem.array_element_end = ScanElementEnd;
	rc = pg_parse_json(st->lex, &sem);
	if (rc != JSON_SUCCESS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_JSON_TEXT),
				 errmsg("invalid JSON in tracking plan"),
				 errdetail("%s", ed_value_prefix(json_errdetail(rc, st->lex)))));
}

/*
 * The member of the plan's object with this key (NULL: none).
 */
static PlanMember *
Member(PlanScan *st, const char *key)
{
	int			i;

	for (i = 0; i < st->nmembers; i++)
		if (strcmp(st->members[i].key, key) == 0)
			return &st->members[i];
	return NULL;
}

/*
 * Why the value at span is beyond the limits of one request body (NULL:
 * it is within them): an item of the plan is one API call's body.
 */
static char *
PartBeyondLimits(const char *text, PlanSpan span)
{
	if (span.len > ED_MAX_ARG_BYTES)
		return psprintf("It has %d bytes; at most %d bytes (2.5 MB, one request body) are accepted.",
						span.len, ED_MAX_ARG_BYTES);
	if (ed_json_count_values(text + span.start, span.len) > ED_MAX_JSON_VALUES)
		return psprintf("At most %d values (array items, object members and scalars, as in one request body) are accepted.",
						ED_MAX_JSON_VALUES);
	return NULL;
}

/*
 * ERROR with PT413 unless the value at span (the part of the plan named
 * attr) is within the limits of one request body.
 */
static void
CheckPartLimits(const char *text, PlanSpan span, const char *attr)
{
	char	   *detail = PartBeyondLimits(text, span);

	if (detail != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_ED_TOO_LARGE),
				 errmsg("%s of the tracking plan is too large", attr),
				 errdetail("%s", detail),
				 errhint("%s", ed_posthog_error("invalid_request", "request_too_large", detail, attr))));
}

/*
 * The plan's value at span, parsed.  An object is parsed when objects is
 * true within the limits of a body (else PT413, CheckPartLimits); any
 * other list or object only for its type and its JSON errors, and beyond
 * a body's limits not at all: an empty one of its type stands for it.
 */
static EdJson *
PlanValue(const char *text, PlanSpan span, const char *attr, bool objects)
{
	char		first = text[span.start];
	EdJson	   *v;

	if (first == '{' && objects)
		CheckPartLimits(text, span, attr);
	else if ((first == '[' || first == '{') && PartBeyondLimits(text, span) != NULL)
	{
		v = palloc0(sizeof(EdJson));
		v->type = first == '[' ? EDJ_ARRAY : EDJ_OBJECT;
		return v;
	}
	return ed_json_parse_part(text, span.start, span.len, "tracking plan");
}

/*
 * Order of plan items by name (byte order, as the export's COLLATE "C").
 */
static int
CompareItems(const void *a, const void *b)
{
	return strcmp(((const PlanItem *) a)->name, ((const PlanItem *) b)->name);
}

/*
 * Sort items by name; ERROR on the later of two with one name.
 */
static void
SortItems(PlanItem *items, int n, const char *what)
{
	int			i;

	qsort(items, n, sizeof(PlanItem), CompareItems);
	for (i = 1; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (strcmp(items[i - 1].name, items[i].name) == 0)
		{
			PlanItem   *later = items[i - 1].index > items[i].index ? &items[i - 1] : &items[i];

			ed_field_error(psprintf("%s__name", later->path),
						   psprintf("%s named '%s' is already in this plan.", what, ed_value_prefix(later->name)));
		}
	}
}

/*
 * The plan's settings, canonical: every key, defaults for the absent ones.
 * They are one update_project_settings body, within its limits.
 */
static void
ParseSettings(PlanScan *scan, TrackingPlan *p)
{
	PlanMember *m = Member(scan, "settings");
	EdJson	   *v = m ? PlanValue(scan->text, m->value, "settings", true) : NULL;
	SettingsInput in;
	StringInfoData buf;
	char	   *error;

	memset(&in, 0, sizeof(in));
	if (v != NULL && v->type != EDJ_NULL)
	{
		if (v->type != EDJ_OBJECT)
			ed_field_error("settings", psprintf("Invalid data. Expected a dictionary, but got %s.", ed_python_type(v)));
		ed_field_path("settings");
		CheckKeys(v, settings_fields);
		ed_parse_settings(v, &in);
		ed_field_path(NULL);
	}
	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"event_name_pattern\":");
	AppendString(&buf, in.has[0] ? in.patterns[0] : NULL);
	appendStringInfoString(&buf, ",\"property_name_pattern\":");
	AppendString(&buf, in.has[1] ? in.patterns[1] : NULL);
	appendStringInfo(&buf, ",\"stale_after_days\":%d,\"unplanned_events\":",
					 in.has[2] ? in.stale_after_days : 30);
	AppendString(&buf, in.has[3] ? in.unplanned : "allow");
	appendStringInfo(&buf, ",\"violation_examples\":%d}", in.has[4] ? in.violation_examples : 5);
	p->settings = JsonbOf(buf.data);
	if (in.has[0] && in.patterns[0] != NULL)
		p->event_pattern = ed_pattern_compile(in.patterns[0], CurrentMemoryContext, &error);
	if (in.has[1] && in.patterns[1] != NULL)
		p->property_pattern = ed_pattern_compile(in.patterns[1], CurrentMemoryContext, &error);
}

/*
 * Order of property indexes by the names they index (qsort_arg).
 */
static int
CompareIndexedNames(const void *a, const void *b, void *arg)
{
	char	  **names = arg;

	return strcmp(names[*(const int *) a], names[*(const int *) b]);
}

/*
 * A property group of the plan, validated and canonical.
 */
static void
ParseGroup(EdJson *item, TrackingPlan *p, PlanItem *out)
{
	GroupInput	in;
	StringInfoData buf;
	int		   *order;
	int			k;

	ed_field_path(out->path);
	CheckKeys(item, group_keys);
	ed_parse_group_body(item, true, p->property_pattern, &in);
	ed_field_path(NULL);

	out->name = in.name;
	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"name\":");
	AppendString(&buf, in.name);
	appendStringInfoString(&buf, ",\"description\":");
	AppendString(&buf, in.has_description ? in.description : "");
	appendStringInfoString(&buf, ",\"properties\":[");
	order = palloc(sizeof(int) * Max(in.nproperties, 1));
	for (k = 0; k < in.nproperties; k++)
		order[k] = k;
	qsort_arg(order, in.nproperties, sizeof(int), CompareIndexedNames, in.prop_names);
	for (k = 0; k < in.nproperties; k++)
	{
		int			j = order[k];

		CHECK_FOR_INTERRUPTS();
		if (k > 0)
			appendStringInfoChar(&buf, ',');
		appendStringInfoString(&buf, "{\"name\":");
		AppendString(&buf, in.prop_names[j]);
		appendStringInfoString(&buf, ",\"property_type\":");
		AppendString(&buf, in.prop_types[j]);
		appendStringInfo(&buf, ",\"is_required\":%s,\"is_optional_in_types\":%s,\"description\":",
						 in.prop_required[j] ? "true" : "false",
						 in.prop_optional_in_types[j] ? "true" : "false");
		AppendString(&buf, in.prop_descriptions[j]);
		appendStringInfo(&buf, ",\"rules\":%s}", in.prop_rules[j] ? in.prop_rules[j] : "null");
	}
	appendStringInfoString(&buf, "]}");
	out->canonical = JsonbOf(buf.data);
}

/*
 * The member of the project a plan names as an owner: by email, or by uuid
 * (what an export names a user without an email by).  Its id, and in
 * *spelling the name an export gives it; 400 on attr when there is none,
 * or more than one.  Each name is looked up once per plan (events share
 * owners); a name too long for the key is looked up each time.
 */
static int32
OwnerByName(int64 project_id, TrackingPlan *p, const char *owner, const char *attr, char **spelling)
{
	static EdPlan plan = {
		"SELECT u.id, event_definitions_private.plan_owner(u) FROM event_definitions_private.users u"
		" JOIN event_definitions_private.project_members m"
		"  ON m.user_id OPERATOR(pg_catalog.=) u.id AND m.project_id OPERATOR(pg_catalog.=) $1"
		" WHERE (u.email OPERATOR(pg_catalog.=) $2 AND u.email OPERATOR(pg_catalog.<>) '')"
		"  OR u.uuid::pg_catalog.text OPERATOR(pg_catalog.=) pg_catalog.lower($2) LIMIT 2",
		2, {INT8OID, TEXTOID}
	};
	Datum		values[2] = {Int64GetDatum(project_id), CStringGetTextDatum(owner)};
	bool		isnull;
	int			n;
	int32		id;
	bool		keep = strlen(owner) < sizeof(((PlanOwner *) NULL)->named);
	PlanOwner  *kept;

	if (keep && p->owners != NULL &&
		(kept = hash_search(p->owners, owner, HASH_FIND, NULL)) != NULL)
	{
		*spelling = kept->spelling;
		return kept->id;
	}
	n = PlanExec(&plan, values, NULL, true, 2);
	if (n == 0)
		ed_field_error(attr, psprintf("No member of the project has the email or uuid '%s'.", ed_value_prefix(owner)));
	if (n > 1)
		ed_field_error(attr, psprintf("More than one member of the project has the email '%s'.",
									  ed_value_prefix(owner)));
	id = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	*spelling = TextDatumGetCString(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	SPI_freetuptable(SPI_tuptable);
	if (keep)
	{
		if (p->owners == NULL)
		{
			HASHCTL		ctl;

			ctl.keysize = sizeof(kept->named);
			ctl.entrysize = sizeof(PlanOwner);
			ctl.hcxt = p->cxt;
			p->owners = hash_create("tracking plan owners", 64, &ctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
		}
		kept = hash_search(p->owners, owner, HASH_ENTER, NULL);
		kept->id = id;
		kept->spelling = MemoryContextStrdup(p->cxt, *spelling);
	}
	return id;
}

/*
 * Whether name is the name of one of the plan's property groups.
 */
static bool
PlanHasGroup(TrackingPlan *p, const char *name)
{
	int			lo = 0,
				hi = p->ngroups - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		int			c = strcmp(p->groups[mid].name, name);

		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return false;
}

/*
 * An event of the plan, validated and canonical.  Its attached groups
 * must be groups of the plan.
 */
static void
ParseEvent(int64 project_id, EdJson *item, TrackingPlan *p, PlanItem *out)
{
	EdJson		body = *item;
	DefinitionInput in;
	EdJson	   *v;
	char	   *owner = NULL;	/* as an export names it */
	char	  **groups = NULL;
	int			ngroups = 0;
	int			k;
	StringInfoData buf;

	ed_field_path(out->path);
	CheckKeys(item, event_keys);

	/* the API's validation, of every key but the two a plan spells its own way */
	body.keys = palloc(sizeof(char *) * Max(item->len, 1));
	body.items = palloc(sizeof(EdJson *) * Max(item->len, 1));
	body.len = 0;
	for (k = 0; k < item->len; k++)
		if (strcmp(item->keys[k], "owner") != 0 && strcmp(item->keys[k], "property_groups") != 0)
		{
			body.keys[body.len] = item->keys[k];
			body.items[body.len++] = item->items[k];
		}
	ed_parse_definition_body(&body, true, &in);
	out->name = in.name;

	out->owner_null = true;
	if ((v = ed_json_get(item, "owner")) != NULL)
	{
		char	   *named = ed_field_string(v, "owner", true, true, 254);

		if (named != NULL)
		{
			out->owner = OwnerByName(project_id, p, named, "owner", &owner);
			out->owner_null = false;
		}
	}
	if ((v = ed_json_get(item, "property_groups")) != NULL)
	{
		groups = ed_field_string_list(v, "property_groups", 0, &ngroups);
		ngroups = ed_sort_dedupe(groups, ngroups);
		for (k = 0; k < ngroups; k++)
			if (!PlanHasGroup(p, groups[k]))
				ed_field_error("property_groups",
							   psprintf("The property group '%s' is not in this plan.", ed_value_prefix(groups[k])));
	}
	ed_field_path(NULL);

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"name\":");
	AppendString(&buf, in.name);
	appendStringInfoString(&buf, ",\"description\":");
	AppendString(&buf, in.has_description ? in.description : "");
	appendStringInfoString(&buf, ",\"tags\":");
	AppendStrings(&buf, in.tags, in.has_tags ? in.ntags : 0);
	appendStringInfoString(&buf, ",\"owner\":");
	AppendString(&buf, owner);
	appendStringInfo(&buf, ",\"verified\":%s,\"hidden\":%s,\"enforcement_mode\":",
					 in.has_verified && in.verified ? "true" : "false",
					 !in.has_hidden ? "false" : in.hidden_null ? "null" : in.hidden ? "true" : "false");
	AppendString(&buf, in.has_enforcement_mode ? in.enforcement_mode : "allow");
	appendStringInfoString(&buf, ",\"promoted_property\":");
	AppendString(&buf, in.has_promoted ? in.promoted : NULL);
	appendStringInfoString(&buf, ",\"property_groups\":");
	AppendStrings(&buf, groups, ngroups);
	appendStringInfoChar(&buf, '}');
	out->canonical = JsonbOf(buf.data);
}

/*
 * The items of one of the plan's lists (absent: none), validated and
 * canonical, in the plan's order.  Each is parsed on its own, within the
 * limits of a body, in item_cxt, which is reset for the next: what is kept
 * of it is its name and canonical jsonb.
 */
static PlanItem *
ParseList(int64 project_id, PlanScan *scan, int list, TrackingPlan *p, MemoryContext item_cxt, int *n)
{
	const char *key = list_keys[list];
	const char *text = scan->text;
	PlanMember *m = Member(scan, key);
	PlanSpan   *spans = scan->items[list];
	PlanItem   *items;
	int			i;

	*n = 0;
	if (m == NULL)
		return NULL;
	if (text[m->value.start] != '[')
		ed_field_error(key, psprintf("Expected a list of items but got type \"%s\".",
									 ed_python_type(PlanValue(text, m->value, key, false))));
	for (i = 0; i < scan->nitems[list]; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (text[spans[i].start] != '{')
			ed_field_error(psprintf("%s__%d", key, i),
						   psprintf("Invalid data. Expected a dictionary, but got %s.",
									ed_python_type(PlanValue(text, spans[i], NULL, false))));
	}

	items = palloc0(sizeof(PlanItem) * Max(scan->nitems[list], 1));
	for (i = 0; i < scan->nitems[list]; i++)
	{
		PlanItem   *out = &items[i];
		MemoryContext old;
		EdJson	   *item;

		CHECK_FOR_INTERRUPTS();
		out->index = i;
		out->path = psprintf("%s__%d", key, i);
		old = MemoryContextSwitchTo(item_cxt);
		CheckPartLimits(text, spans[i], out->path);
		item = ed_json_parse_part(text, spans[i].start, spans[i].len, "tracking plan");
		if (list == PLAN_LIST_GROUPS)
			ParseGroup(item, p, out);
		else
			ParseEvent(project_id, item, p, out);
		MemoryContextSwitchTo(old);
		out->name = pstrdup(out->name);
		out->canonical = CopyJsonb(out->canonical);
		MemoryContextReset(item_cxt);
	}
	*n = scan->nitems[list];
	return items;
}

/*
 * Validate a plan, read by ScanPlan: the plan's own errors, then each
 * item's.  New names are checked against the plan's own naming patterns
 * when compared (AddCreate); the rest here.
 */
static void
ParsePlan(int64 project_id, PlanScan *scan, TrackingPlan *p, MemoryContext item_cxt)
{
	PlanMember *m;
	EdJson	   *v;
	int			i,
				k;

	memset(p, 0, sizeof(*p));
	p->cxt = CurrentMemoryContext;
	for (i = 0; i < scan->nmembers; i++)
	{
		CHECK_FOR_INTERRUPTS();
		for (k = 0; plan_keys[k] != NULL; k++)
			if (strcmp(scan->members[i].key, plan_keys[k]) == 0)
				break;
		if (plan_keys[k] == NULL)
			ed_field_error(scan->members[i].key, "Unknown field.");
	}
	if ((m = Member(scan, "version")) == NULL)
		ed_field_error("version", "This field is required.");
	v = PlanValue(scan->text, m->value, "version", false);
	if (v->type != EDJ_INTEGER || v->ival != 1)
		ed_field_error("version", "Unsupported plan version: use 1.");
	if ((m = Member(scan, "base_hash")) != NULL &&
		(v = PlanValue(scan->text, m->value, "base_hash", false))->type != EDJ_NULL)
	{
		if (v->type != EDJ_STRING)
			ed_field_error("base_hash", "Not a valid string.");
		p->base_hash = ed_field_string(v, "base_hash", false, false, 64);
	}

	ParseSettings(scan, p);

	p->groups = ParseList(project_id, scan, PLAN_LIST_GROUPS, p, item_cxt, &p->ngroups);
	SortItems(p->groups, p->ngroups, "A property group");
	p->events = ParseList(project_id, scan, PLAN_LIST_EVENTS, p, item_cxt, &p->nevents);
	SortItems(p->events, p->nevents, "An event");
}

/*
 * The plan argument, read: a JSON object of at most ED_MAX_PLAN_BYTES and
 * ED_MAX_PLAN_VALUES values.
 */
static void
PlanArg(FunctionCallInfo fcinfo, int argno, PlanScan *scan)
{
	text	   *t;
	const char *data;
	int			len;
	int			first;

	if (PG_ARGISNULL(argno))
		ed_field_error(NULL, "A tracking plan is required.");
	t = PG_GETARG_TEXT_PP(argno);
	data = VARDATA_ANY(t);
	len = VARSIZE_ANY_EXHDR(t);
	ed_check_arg_limit(len, ED_MAX_PLAN_BYTES, "16 MB", "tracking plan");
	ed_json_check_values(data, len, "tracking plan", ED_MAX_PLAN_VALUES);
	ScanPlan(data, len, scan);
	if ((Pointer) t != DatumGetPointer(PG_GETARG_DATUM(argno)))
		scan->copy = t;
	if (scan->object)
		return;
	/* not an object: say what it is (a scalar is parsed, a list need not be) */
	for (first = 0; first < len && (data[first] == ' ' || data[first] == '\t' ||
									data[first] == '\n' || data[first] == '\r'); first++)
		;
	ed_field_error(NULL, psprintf("Invalid data. Expected a dictionary, but got %s.",
								  first < len && data[first] == '[' ? "list" :
								  ed_python_type(ed_json_parse_part(data, 0, len, "tracking plan"))));
}

/*
 * The project's plan as it is now, read as the caller.
 */
static Jsonb *
ExportPlan(int64 project_id)
{
	static EdPlan plan = {
		"SELECT x OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('base_hash',"
		"  pg_catalog.encode(pg_catalog.sha256(pg_catalog.textsend(x::pg_catalog.text)), 'hex'))"
		" FROM (SELECT pg_catalog.jsonb_build_object('version', 1,"
		"  'settings', event_definitions.project_settings($1),"
		"  'property_groups', COALESCE((SELECT pg_catalog.jsonb_agg("
		"    event_definitions_private.property_group_snapshot(g.project_id, g.id) ORDER BY g.name)"
		"   FROM event_definitions_private.property_groups g"
		"   WHERE g.project_id OPERATOR(pg_catalog.=) $1), '[]'::pg_catalog.jsonb),"
		"  'events', COALESCE((SELECT pg_catalog.jsonb_agg("
		"    event_definitions_private.plan_event(d) ORDER BY d.name)"
		"   FROM event_definitions_private.event_definitions d"
		"   WHERE d.project_id OPERATOR(pg_catalog.=) $1), '[]'::pg_catalog.jsonb)) AS x) s",
		1, {INT8OID}
	};
	Datum		values[1] = {Int64GetDatum(project_id)};
	bool		isnull;

	ed_exec(&plan, values, NULL, true, 1);
	return DatumGetJsonbP(ed_copy_result(0, 1, &isnull));
}


/*
 * The value of key in a jsonb object as a C string (NULL unless a string).
 */
static char *
StringField(Jsonb *obj, const char *key)
{
	JsonbValue *v = ed_jsonb_member(&obj->root, key);

	if (v == NULL || v->type != jbvString)
		return NULL;
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/*
 * Append one change to a diff entry's list: a field's (or a property's)
 * value before and after.
 */
static void
AddChange(StringInfo changes, const char *field, const char *property, Jsonb *before, Jsonb *after)
{
	if (changes->len > 0)
		appendStringInfoChar(changes, ',');
	appendStringInfoString(changes, "{\"field\":");
	AppendString(changes, field);
	if (property != NULL)
	{
		appendStringInfoString(changes, ",\"property\":");
		AppendString(changes, property);
	}
	appendStringInfo(changes, ",\"before\":%s,\"after\":%s}",
					 before ? JsonbText(before) : "null", after ? JsonbText(after) : "null");
}

/*
 * Compare two lists of properties, both by name, into changes (one per
 * property added, removed or changed); answers whether any changed.
 */
static bool
CompareProperties(StringInfo changes, Jsonb *before, Jsonb *after)
{
	int			nb = JB_ROOT_COUNT(before),
				na = JB_ROOT_COUNT(after),
				i = 0,
				j = 0;
	bool		changed = false;

	while (i < nb || j < na)
	{
		Jsonb	   *b = i < nb ? JsonbValueToJsonb(getIthJsonbValueFromContainer(&before->root, i)) : NULL;
		Jsonb	   *a = j < na ? JsonbValueToJsonb(getIthJsonbValueFromContainer(&after->root, j)) : NULL;
		char	   *bn = b ? StringField(b, "name") : NULL;
		char	   *an = a ? StringField(a, "name") : NULL;
		int			c = b == NULL ? 1 : a == NULL ? -1 : strcmp(bn, an);

		CHECK_FOR_INTERRUPTS();
		if (c == 0 && JsonbEqual(b, a))
		{
			i++, j++;
			continue;
		}
		changed = true;
		AddChange(changes, "properties", c <= 0 ? bn : an, c <= 0 ? b : NULL, c >= 0 ? a : NULL);
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	return changed;
}

/*
 * Append "key": value to the body of an API call being built.
 */
static void
AddBodyField(StringInfo body, const char *key, const char *json)
{
	if (body->len > 0)
		appendStringInfoChar(body, ',');
	AppendString(body, key);
	appendStringInfo(body, ":%s", json);
}

/*
 * The owner of an event of the plan as the API's body spells it: a user id.
 */
static char *
OwnerJson(PlanItem *item)
{
	return item->owner_null ? "null" : psprintf("%d", item->owner);
}

/*
 * Append an entry to the answer of a diff: {type, name} (changes: and
 * the list of changes).
 */
static void
AddEntry(PlanDiff *d, PlanKind kind, PlanAction action, const char *name, const char *changes)
{
	StringInfo	buf = &d->entries[kind][action];

	if (buf->len > 0)
		appendStringInfoChar(buf, ',');
	appendStringInfoString(buf, "{\"type\":");
	AppendString(buf, kind_names[kind]);
	appendStringInfoString(buf, ",\"name\":");
	AppendString(buf, name);
	if (changes != NULL)
		appendStringInfo(buf, ",\"changes\":[%s]", changes);
	appendStringInfoChar(buf, '}');
}

/*
 * Add text to the hash of the catalog's plan (when one is computed), as
 * export_tracking_plan hashes it: the bytes textsend sends.
 */
static void
HashText(PlanDiff *d, const char *s)
{
	int			len = strlen(s);
	char	   *sent;

	if (d->hash == NULL)
		return;
	sent = pg_server_to_client(s, len);
	if (sent != s)
		len = strlen(sent);
	if (pg_cryptohash_update(d->hash, (const uint8 *) sent, len) < 0)
		elog(ERROR, "could not update SHA-256 hash: %s", pg_cryptohash_error(d->hash));
	if (sent != s)
		pfree(sent);
}

/*
 * Add an object of the catalog, as its list in the plan's text has it, to
 * the hash.
 */
static void
HashObject(PlanDiff *d, Jsonb *cur)
{
	if (d->hash == NULL)
		return;
	if (!d->hash_first)
		HashText(d, ", ");
	d->hash_first = false;
	HashText(d, JsonbText(cur));
}

/*
 * Compare the catalog's object cur with the plan's item over fields (and
 * a group's properties); a change adds an update to the diff and (when
 * applying) a write of the changed fields (PATCH) to its writes.
 */
static void
CompareObject(PlanDiff *d, PlanKind kind, const char *name, Datum id, Jsonb *cur,
			  Jsonb *planned, PlanItem *item, const char *const *fields)
{
	MemoryContext old = MemoryContextSwitchTo(d->step_cxt);
	StringInfoData changes;
	StringInfoData body;
	PlanWrite  *w;
	Jsonb	   *groups_before = NULL;
	Jsonb	   *groups_after = NULL;
	int			k;

	initStringInfo(&changes);
	initStringInfo(&body);
	for (k = 0; fields[k] != NULL; k++)
	{
		Jsonb	   *before = FieldOf(cur, fields[k]);
		Jsonb	   *after = FieldOf(planned, fields[k]);

		if (JsonbEqual(before, after))
			continue;
		AddChange(&changes, fields[k], NULL, before, after);
		if (kind == PLAN_EVENT && strcmp(fields[k], "property_groups") == 0)
		{
			groups_before = before;
			groups_after = after;
		}
		else
			AddBodyField(&body, fields[k], kind == PLAN_EVENT && strcmp(fields[k], "owner") == 0 ?
						 OwnerJson(item) : JsonbText(after));
	}
	if (kind == PLAN_GROUP &&
		CompareProperties(&changes, FieldOf(cur, "properties"), FieldOf(planned, "properties")))
		AddBodyField(&body, "properties", JsonbText(FieldOf(planned, "properties")));

	if (changes.len == 0)
		d->unchanged++;
	else
		AddEntry(d, kind, PLAN_UPDATE, name, changes.data);
	if (changes.len > 0 && d->applying)
	{
		MemoryContextSwitchTo(d->cxt);
		w = palloc0(sizeof(PlanWrite));
		w->kind = kind;
		w->action = 'u';
		w->item = item;
		w->id = id ? datumCopy(id, false, UUID_LEN) : (Datum) 0;
		w->name = name ? pstrdup(name) : NULL;
		w->body = psprintf("{%s}", body.data);
		w->groups_before = groups_before ? CopyJsonb(groups_before) : NULL;
		w->groups_after = groups_after ? CopyJsonb(groups_after) : NULL;
		d->writes = lappend(d->writes, w);
	}
	MemoryContextSwitchTo(old);
	MemoryContextReset(d->step_cxt);
}

/*
 * ERROR unless a new event's name matches the plan's naming pattern (the
 * match's work in d->step_cxt).
 */
static void
CheckNewName(PlanDiff *d, TrackingPlan *p, PlanItem *item)
{
	MemoryContext old = MemoryContextSwitchTo(d->step_cxt);

	ed_field_path(item->path);
	ed_check_name(p->event_pattern, item->name, "name", "Event");
	ed_field_path(NULL);
	MemoryContextSwitchTo(old);
	MemoryContextReset(d->step_cxt);
}

/*
 * A plan's item that the catalog does not have: an entry of "create", and
 * (when applying) its write, whose body CreateBody makes when it is
 * written.  A new event's name must match the plan's naming pattern
 * (checked in CheckBase when the hash is checked first).
 */
static void
AddCreate(PlanDiff *d, PlanKind kind, PlanItem *item, TrackingPlan *p)
{
	MemoryContext old;
	PlanWrite  *w;

	if (kind == PLAN_EVENT && !d->defer_names)
		CheckNewName(d, p, item);
	AddEntry(d, kind, PLAN_CREATE, item->name, NULL);
	if (!d->applying)
		return;
	old = MemoryContextSwitchTo(d->cxt);
	w = palloc0(sizeof(PlanWrite));
	w->kind = kind;
	w->action = 'c';
	w->item = item;
	w->name = item->name;
	d->writes = lappend(d->writes, w);
	MemoryContextSwitchTo(old);
}

/*
 * The body of a create, in the current memory context: a group's
 * canonical object, an event's fields but its groups (attached after).
 */
static void
CreateBody(PlanDiff *d, PlanWrite *w)
{
	PlanItem   *item = w->item;
	StringInfoData body;
	Jsonb	   *groups;
	int			k;

	if (w->kind == PLAN_GROUP)
	{
		w->body = JsonbText(item->canonical);
		return;
	}
	initStringInfo(&body);
	AddBodyField(&body, "name", JsonbText(FieldOf(item->canonical, "name")));
	for (k = 0; event_fields[k] != NULL; k++)
		if (strcmp(event_fields[k], "property_groups") != 0)
			AddBodyField(&body, event_fields[k], strcmp(event_fields[k], "owner") == 0 ?
						 OwnerJson(item) : JsonbText(FieldOf(item->canonical, event_fields[k])));
	w->body = psprintf("{%s}", body.data);
	groups = FieldOf(item->canonical, "property_groups");
	w->groups_before = d->no_groups;
	if (JB_ROOT_COUNT(groups) > 0)
		w->groups_after = groups;
}

/*
 * An object of the catalog that the plan does not have: an entry of
 * "delete" (of a diff, or of an apply that prunes), and its write.
 */
static void
AddDelete(PlanDiff *d, PlanKind kind, const char *name, Datum id)
{
	MemoryContext old;
	PlanWrite  *w;

	if (d->applying && !d->prune)
		return;
	AddEntry(d, kind, PLAN_DELETE, name, NULL);
	if (!d->applying)
		return;
	old = MemoryContextSwitchTo(d->cxt);
	w = palloc0(sizeof(PlanWrite));
	w->kind = kind;
	w->action = 'd';
	w->id = datumCopy(id, false, UUID_LEN);
	w->name = pstrdup(name);
	d->writes = lappend(d->writes, w);
	MemoryContextSwitchTo(old);
}

/*
 * Merge the catalog's groups or events (query: name, plan object, id, by
 * name) with the plan's items of that kind, a batch of a cursor at a time,
 * each row in row_cxt; each object is added to the hash.
 */
static void
MergeCatalog(int64 project_id, EdPlan *query, PlanKind kind, PlanItem *items, int n,
			 TrackingPlan *p, PlanDiff *d)
{
	Datum		values[1] = {Int64GetDatum(project_id)};
	MemoryContext cxt = CurrentMemoryContext;
	Portal		portal = SPI_cursor_open(NULL, ed_plan(query), values, NULL, true);
	int			j = 0;

	d->hash_first = true;
	for (;;)
	{
		uint64		r;

		SPI_cursor_fetch(portal, true, 1000);
		if (SPI_processed == 0)
			break;
		for (r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tuple = SPI_tuptable->vals[r];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			bool		isnull;
			char	   *name;
			Jsonb	   *cur;
			Datum		id;

			CHECK_FOR_INTERRUPTS();
			MemoryContextSwitchTo(d->row_cxt);
			name = TextDatumGetCString(SPI_getbinval(tuple, desc, 1, &isnull));
			cur = DatumGetJsonbP(SPI_getbinval(tuple, desc, 2, &isnull));
			id = SPI_getbinval(tuple, desc, 3, &isnull);
			HashObject(d, cur);
			while (j < n && strcmp(items[j].name, name) < 0)
			{
				CHECK_FOR_INTERRUPTS();
				AddCreate(d, kind, &items[j++], p);
			}
			if (j < n && strcmp(items[j].name, name) == 0)
			{
				CompareObject(d, kind, name, id, cur, items[j].canonical, &items[j],
							  kind == PLAN_GROUP ? group_fields : event_fields);
				j++;
			}
			else
				AddDelete(d, kind, name, id);
			MemoryContextSwitchTo(cxt);
			MemoryContextReset(d->row_cxt);
		}
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
	MemoryContextSwitchTo(cxt);
	while (j < n)
	{
		CHECK_FOR_INTERRUPTS();
		AddCreate(d, kind, &items[j++], p);
	}
}

/*
 * The diff of the catalog and a validated plan, read as the caller in the
 * active snapshot; with d->hash, the hash of the catalog's plan text,
 * which is that of export_tracking_plan: {"events": [...], "version": 1,
 * "settings": {...}, "property_groups": [...]} (jsonb's order of keys).
 * So the events are read first; the answer lists settings, groups, events.
 */
static void
DiffPlan(int64 project_id, TrackingPlan *p, PlanDiff *d)
{
	static EdPlan settings_plan = {
		"SELECT event_definitions.project_settings($1)", 1, {INT8OID}
	};
	static EdPlan groups_plan = {
		"SELECT g.name, event_definitions_private.property_group_snapshot(g.project_id, g.id), g.id"
		" FROM event_definitions_private.property_groups g"
		" WHERE g.project_id OPERATOR(pg_catalog.=) $1 ORDER BY g.name",
		1, {INT8OID}
	};
	static EdPlan events_plan = {
		"SELECT d.name, event_definitions_private.plan_event(d), d.id"
		" FROM event_definitions_private.event_definitions d"
		" WHERE d.project_id OPERATOR(pg_catalog.=) $1 ORDER BY d.name",
		1, {INT8OID}
	};
	Datum		values[1] = {Int64GetDatum(project_id)};
	bool		isnull;
	Jsonb	   *settings;
	int64		unchanged;

	HashText(d, "{\"events\": [");
	MergeCatalog(project_id, &events_plan, PLAN_EVENT, p->events, p->nevents, p, d);
	HashText(d, "], \"version\": 1, \"settings\": ");

	PlanExec(&settings_plan, values, NULL, true, 1);
	settings = DatumGetJsonbP(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	HashText(d, JsonbText(settings));
	/* the settings are not an object the answer counts */
	unchanged = d->unchanged;
	CompareObject(d, PLAN_SETTINGS, NULL, (Datum) 0, settings, p->settings, NULL, settings_fields);
	d->unchanged = unchanged;
	SPI_freetuptable(SPI_tuptable);

	HashText(d, ", \"property_groups\": [");
	MergeCatalog(project_id, &groups_plan, PLAN_GROUP, p->groups, p->ngroups, p, d);
	HashText(d, "]}");
}

/*
 * ERROR with PT409 unless the plan's base_hash is the hash of the catalog
 * the diff read (d->hash); then check the names the diff creates.
 */
static void
CheckBase(TrackingPlan *p, PlanDiff *d)
{
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
	char		now[PG_SHA256_DIGEST_LENGTH * 2 + 1];
	ListCell   *lc;
	int			i;

	if (pg_cryptohash_final(d->hash, digest, sizeof(digest)) < 0)
		elog(ERROR, "could not finalize SHA-256 hash: %s", pg_cryptohash_error(d->hash));
	pg_cryptohash_free(d->hash);
	d->hash = NULL;
	for (i = 0; i < PG_SHA256_DIGEST_LENGTH; i++)
		sprintf(now + 2 * i, "%02x", digest[i]);
	if (strcmp(now, p->base_hash) != 0)
	{
		char	   *detail = psprintf("The catalog changed after the plan was exported: the plan's base_hash is %s, the catalog's is now %s.",
									  ed_value_prefix(p->base_hash), now);

		ereport(ERROR,
				(errcode(ERRCODE_ED_CONFLICT),
				 errmsg("the tracking plan is stale"),
				 errdetail("%s", detail),
				 errhint("%s", ed_posthog_error("invalid_request", "conflict", detail, "base_hash"))));
	}
	foreach(lc, d->writes)
	{
		PlanWrite  *w = lfirst(lc);

		CHECK_FOR_INTERRUPTS();
		if (w->kind == PLAN_EVENT && w->action == 'c')
			CheckNewName(d, p, w->item);
	}
}

/*
 * The diff's answer, in the current memory context (jsonb_in's work in a
 * context of its own).
 */
static Datum
DiffAnswer(PlanDiff *d)
{
	static const char *const lists[] = {"create", "update", "delete"};
	MemoryContext cxt = CurrentMemoryContext;
	MemoryContext work = AllocSetContextCreate(cxt, "tracking plan answer", ALLOCSET_DEFAULT_SIZES);
	StringInfoData buf;
	Jsonb	   *answer;
	int			a,
				k;

	MemoryContextSwitchTo(work);
	initStringInfo(&buf);
	for (a = 0; a < (int) lengthof(lists); a++)
	{
		bool		first = true;

		appendStringInfo(&buf, "%s\"%s\":[", a == 0 ? "{" : "],", lists[a]);
		for (k = 0; k < 3; k++)
			if (d->entries[k][a].len > 0)
			{
				appendStringInfoString(&buf, first ? "" : ",");
				appendBinaryStringInfo(&buf, d->entries[k][a].data, d->entries[k][a].len);
				first = false;
			}
	}
	appendStringInfo(&buf, "],\"unchanged\":" INT64_FORMAT "}", d->unchanged);
	answer = JsonbOf(buf.data);
	MemoryContextSwitchTo(cxt);
	answer = CopyJsonb(answer);
	MemoryContextDelete(work);
	return JsonbPGetDatum(answer);
}

/*
 * Attach (attach) or detach the named groups of a plan's event, through
 * the API, and log the change of its groups in the activity log.
 */
static void
WriteEventGroups(int64 project_id, PlanWrite *w, Datum event_id)
{
	static EdPlan group_plan = {
		"SELECT g.id FROM event_definitions_private.property_groups g"
		" WHERE g.project_id OPERATOR(pg_catalog.=) $1 AND g.name OPERATOR(pg_catalog.=) $2",
		2, {INT8OID, TEXTOID}
	};
	static EdPlan attach_plan = {
		"SELECT event_definitions.add_event_schema($1, $2, $3)", 3, {INT8OID, UUIDOID, UUIDOID}
	};
	static EdPlan detach_plan = {
		"SELECT event_definitions.remove_event_schema($1, $2, $3)", 3, {INT8OID, UUIDOID, UUIDOID}
	};
	static EdPlan log_plan = {
		"INSERT INTO event_definitions_private.activity_log"
		" (project_id, scope, item_id, activity, user_id, detail)"
		" SELECT $1, '" ED_SCOPE_DEFINITION "', $2::pg_catalog.text, 'changed', $3,"
		"  pg_catalog.jsonb_build_object('name', $4::pg_catalog.text, 'changes',"
		"   event_definitions_private.changes(pg_catalog.jsonb_build_object('property_groups', $5),"
		"    pg_catalog.jsonb_build_object('property_groups', $6), 'changed', '" ED_SCOPE_DEFINITION "'))",
		6, {INT8OID, UUIDOID, INT4OID, TEXTOID, JSONBOID, JSONBOID}
	};
	Jsonb	   *lists[2] = {w->groups_after, w->groups_before};
	int			pass;
	Datum		values[6];
	char		nulls[6] = {' ', ' ', ' ', ' ', ' ', ' '};
	bool		isnull;
	EdUserSwitch as_owner;

	/* pass 0 attaches what only the plan has, pass 1 detaches what only the catalog has */
	for (pass = 0; pass < 2; pass++)
	{
		Jsonb	   *these = lists[pass];
		Jsonb	   *others = lists[1 - pass];
		int			n = JB_ROOT_COUNT(these);
		int			i;

		for (i = 0; i < n; i++)
		{
			JsonbValue *v = getIthJsonbValueFromContainer(&these->root, i);

			CHECK_FOR_INTERRUPTS();
			if (findJsonbValueFromContainer(&others->root, JB_FARRAY, v) != NULL)
				continue;
			values[0] = Int64GetDatum(project_id);
			values[1] = PointerGetDatum(cstring_to_text_with_len(v->val.string.val, v->val.string.len));
			if (PlanExec(&group_plan, values, NULL, false, 1) == 0)
				elog(ERROR, "property group of the plan not found");
			values[1] = event_id;
			values[2] = ResultUuid(0, 1, CurrentMemoryContext);
			SPI_freetuptable(SPI_tuptable);
			PlanExec(pass == 0 ? &attach_plan : &detach_plan, values, NULL, false, 1);
			SPI_freetuptable(SPI_tuptable);
		}
	}

	values[0] = Int64GetDatum(project_id);
	values[1] = event_id;
	values[2] = Int32GetDatum(ed_acting_user(&isnull));
	nulls[2] = isnull ? 'n' : ' ';
	values[3] = CStringGetTextDatum(w->name);
	values[4] = JsonbPGetDatum(w->groups_before);
	values[5] = JsonbPGetDatum(w->groups_after);
	ed_become_owner(&as_owner);
	PlanExec(&log_plan, values, nulls, false, 0);
	SPI_freetuptable(SPI_tuptable);
	ed_restore_user(&as_owner);
}

/*
 * Write a diff through the API's functions, as the caller, in order:
 * settings, groups, events (with their groups), then what is pruned; each
 * write's work in d->step_cxt, reset for the next.
 */
static void
WritePlan(int64 project_id, PlanDiff *d)
{
	/* [kind][c, u, d]: the API call of each write */
	static EdPlan calls[3][3] = {
		{{NULL}, {"SELECT event_definitions.update_project_settings($1, $2::pg_catalog.json)", 2, {INT8OID, TEXTOID}}, {NULL}},
		{{"SELECT event_definitions.create_property_group($1, $2::pg_catalog.json)", 2, {INT8OID, TEXTOID}},
		 {"SELECT event_definitions.update_property_group($1, $3, $2::pg_catalog.json)", 3, {INT8OID, TEXTOID, UUIDOID}},
		 {"SELECT event_definitions.delete_property_group($1, $3)", 3, {INT8OID, TEXTOID, UUIDOID}}},
		{{"SELECT ((event_definitions.create_event_definition($1, $2::pg_catalog.json))"
		  " OPERATOR(pg_catalog.->>) 'id')::pg_catalog.uuid", 2, {INT8OID, TEXTOID}},
		 {"SELECT event_definitions.update_event_definition($1, $3, $2::pg_catalog.json)", 3, {INT8OID, TEXTOID, UUIDOID}},
		 {"SELECT event_definitions.delete_event_definition($1, $3)", 3, {INT8OID, TEXTOID, UUIDOID}}}
	};
	int			order[][2] = {
		{PLAN_SETTINGS, 'u'}, {PLAN_GROUP, 'c'}, {PLAN_GROUP, 'u'}, {PLAN_EVENT, 'c'},
		{PLAN_EVENT, 'u'}, {PLAN_EVENT, 'd'}, {PLAN_GROUP, 'd'}
	};
	int			o;

	for (o = 0; o < (int) lengthof(order); o++)
	{
		ListCell   *lc;

		foreach(lc, d->writes)
		{
			PlanWrite  *w = lfirst(lc);
			int			a = w->action == 'c' ? 0 : w->action == 'u' ? 1 : 2;
			Datum		values[3];
			char		nulls[3] = {' ', ' ', ' '};
			MemoryContext old;

			if ((int) w->kind != order[o][0] || w->action != order[o][1])
				continue;
			CHECK_FOR_INTERRUPTS();
			old = MemoryContextSwitchTo(d->step_cxt);
			if (w->action == 'c')
				CreateBody(d, w);
			ed_field_path(w->item ? w->item->path : w->kind == PLAN_SETTINGS ? "settings" : NULL);
			values[0] = Int64GetDatum(project_id);
			values[1] = w->body ? CStringGetTextDatum(w->body) : (Datum) 0;
			nulls[1] = w->body ? ' ' : 'n';
			values[2] = w->id;
			nulls[2] = w->id ? ' ' : 'n';
			/* an event whose only change is its groups needs no PATCH */
			if (!(w->kind == PLAN_EVENT && w->action == 'u' && strcmp(w->body, "{}") == 0))
			{
				PlanExec(&calls[w->kind][a], values, nulls, false, 1);
				if (w->kind == PLAN_EVENT && w->action == 'c')
					w->id = ResultUuid(0, 1, d->cxt);
				SPI_freetuptable(SPI_tuptable);
			}
			if (w->groups_after != NULL)
				WriteEventGroups(project_id, w, w->id);
			ed_field_path(NULL);
			if (w->action == 'c')
			{
				/* CreateBody's, gone with the step */
				w->body = NULL;
				w->groups_after = NULL;
			}
			MemoryContextSwitchTo(old);
			MemoryContextReset(d->step_cxt);
		}
	}
}

/*
 * Lock, for the transaction, what an apply reads: the project's settings
 * row (made when missing), then its property groups and event definitions
 * by name and their attachments, FOR SHARE, each in one fixed order (names
 * in byte order, as ingestion writes definitions).  An edit in progress is
 * waited for; one that starts later waits for this transaction.
 */
static void
LockCatalog(int64 project_id)
{
	static EdPlan locks[] = {
		{"INSERT INTO event_definitions_private.project_settings AS s (project_id) VALUES ($1)"
		 " ON CONFLICT (project_id) DO UPDATE SET updated_at = s.updated_at", 1, {INT8OID}},
		{"SELECT pg_catalog.count(*) FROM (SELECT FROM event_definitions_private.property_groups g"
		 " WHERE g.project_id OPERATOR(pg_catalog.=) $1 ORDER BY g.name FOR SHARE) l", 1, {INT8OID}},
		{"SELECT pg_catalog.count(*) FROM (SELECT FROM event_definitions_private.event_definitions d"
		 " WHERE d.project_id OPERATOR(pg_catalog.=) $1 ORDER BY d.name FOR SHARE) l", 1, {INT8OID}},
		{"SELECT pg_catalog.count(*) FROM (SELECT FROM event_definitions_private.event_schemas s"
		 " WHERE s.project_id OPERATOR(pg_catalog.=) $1"
		 " ORDER BY s.event_definition_id, s.property_group_id FOR SHARE) l", 1, {INT8OID}}
	};
	Datum		values[1] = {Int64GetDatum(project_id)};
	EdUserSwitch as_owner;
	int			i;

	ed_become_owner(&as_owner);
	for (i = 0; i < (int) lengthof(locks); i++)
	{
		PlanExec(&locks[i], values, NULL, false, 0);
		SPI_freetuptable(SPI_tuptable);
	}
	ed_restore_user(&as_owner);
}

PG_FUNCTION_INFO_V1(ed_export_tracking_plan);

/*
 * export_tracking_plan(project_id): the project's plan, with its base_hash.
 */
Datum
ed_export_tracking_plan(PG_FUNCTION_ARGS)
{
	int64		project_id = ed_project_arg(fcinfo);
	Jsonb	   *result;

	SPI_connect();
	ed_require_project(project_id);
	result = ExportPlan(project_id);
	SPI_finish();
	PG_RETURN_JSONB_P(result);
}

/*
 * A diff with its memory contexts: its answer's entries in the current
 * context, the rest in cxt.
 */
static void
InitDiff(PlanDiff *d, bool apply, bool prune, MemoryContext cxt)
{
	MemoryContext old;
	int			k,
				a;

	memset(d, 0, sizeof(*d));
	d->applying = apply;
	d->prune = prune;
	for (k = 0; k < 3; k++)
		for (a = 0; a < 3; a++)
			initStringInfo(&d->entries[k][a]);
	d->cxt = cxt;
	d->row_cxt = AllocSetContextCreate(cxt, "tracking plan catalog row", ALLOCSET_DEFAULT_SIZES);
	d->step_cxt = AllocSetContextCreate(cxt, "tracking plan step", ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(cxt);
	d->no_groups = JsonbOf("[]");
	MemoryContextSwitchTo(old);
}

/*
 * Diff and, applying, write: the catalog is locked first, then read (its
 * hash, when the plan has a base_hash, and the diff) in one snapshot
 * taken after the locks, then written.
 */
static void
ApplyPlan(int64 project_id, TrackingPlan *p, PlanDiff *d)
{
	if (!d->applying)
	{
		DiffPlan(project_id, p, d);
		return;
	}
	LockCatalog(project_id);
	if (p->base_hash != NULL)
	{
		d->hash = pg_cryptohash_create(PG_SHA256);
		if (pg_cryptohash_init(d->hash) < 0)
			elog(ERROR, "could not initialize SHA-256 hash: %s", pg_cryptohash_error(d->hash));
		d->defer_names = true;
	}
	CommandCounterIncrement();
	PushActiveSnapshot(GetTransactionSnapshot());
	UpdateActiveSnapshotCommandId();
	DiffPlan(project_id, p, d);
	PopActiveSnapshot();
	if (p->base_hash != NULL)
		CheckBase(p, d);
	WritePlan(project_id, d);
}

/*
 * Diff (apply false) or apply a plan; the answer is the diff, of what was
 * written when applying.  The plan, its items and the writes live in a
 * context of their own, gone before the answer is made.
 */
static Datum
RunPlan(FunctionCallInfo fcinfo, bool apply, bool prune)
{
	int64		project_id = ed_project_arg(fcinfo);
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext spi;
	MemoryContext plan_cxt;
	MemoryContext item_cxt;
	PlanScan	scan;
	TrackingPlan p;
	PlanDiff	d;
	Datum		result;

	/* everything below lives in SPI's context of the call, gone at SPI_finish */
	SPI_connect();
	spi = CurrentMemoryContext;
	ed_require_project(project_id);
	MemoryContextSwitchTo(spi);
	plan_cxt = AllocSetContextCreate(spi, "tracking plan", ALLOCSET_DEFAULT_SIZES);
	item_cxt = AllocSetContextCreate(plan_cxt, "tracking plan item", ALLOCSET_DEFAULT_SIZES);
	InitDiff(&d, apply, prune, plan_cxt);
	PG_TRY();
	{
		MemoryContextSwitchTo(plan_cxt);
		PlanArg(fcinfo, 1, &scan);
		ParsePlan(project_id, &scan, &p, item_cxt);
		/* the items are parsed: their text is no longer needed */
		if (scan.copy != NULL)
			pfree(scan.copy);
		MemoryContextSwitchTo(plan_cxt);
		ApplyPlan(project_id, &p, &d);
	}
	PG_FINALLY();
	{
		ed_field_path(NULL);
	}
	PG_END_TRY();
	MemoryContextDelete(plan_cxt);
	/* the answer outlives SPI */
	MemoryContextSwitchTo(caller);
	result = DiffAnswer(&d);
	MemoryContextSwitchTo(spi);
	SPI_finish();
	if (apply)
		ed_set_response_status("200");
	return result;
}

PG_FUNCTION_INFO_V1(ed_diff_tracking_plan);

/*
 * diff_tracking_plan(project_id, plan): what applying it (with prune)
 * would change.
 */
Datum
ed_diff_tracking_plan(PG_FUNCTION_ARGS)
{
	return RunPlan(fcinfo, false, false);
}

PG_FUNCTION_INFO_V1(ed_apply_tracking_plan);

/*
 * apply_tracking_plan(project_id, plan, prune): make the catalog equal to
 * the plan (deleting what it lacks only with prune).
 */
Datum
ed_apply_tracking_plan(PG_FUNCTION_ARGS)
{
	return RunPlan(fcinfo, true, !PG_ARGISNULL(2) && PG_GETARG_BOOL(2));
}
