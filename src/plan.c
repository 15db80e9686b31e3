/*-------------------------------------------------------------------------
 *
 * plan.c
 *	  Tracking plans as code: export_tracking_plan(), diff_tracking_plan()
 *	  and apply_tracking_plan().
 *
 * A plan is the curated part of a project's catalog as one JSON document:
 * {"version": 1, "base_hash", "settings", "property_groups", "events"},
 * groups and events by name (byte order), properties by name, tags and
 * attached groups sorted, owners by email.  Exported as jsonb, equal
 * catalogs give byte-equal plans; base_hash is the SHA-256 of the plan's
 * text without it.
 *
 * A plan given to diff or apply is the whole catalog: a key it leaves out
 * has its default (an empty description, no tags, allow, ...).  It is
 * validated item by item with the API's own validators, errors naming the
 * item ("events__3__tags").  Each item is then made canonical (the export's
 * shape), and compared field by field with the catalog's export of the
 * same name, both as jsonb, in one merge over the two name orders.
 *
 * Apply writes through the API's own functions, called as the caller, so
 * that every object gets the checks and the activity-log entry of a
 * single call.  Before it reads the catalog it locks the project's
 * settings row: two applies of one project run one after the other, and
 * the second one, reading the catalog again, finds that base_hash no
 * longer matches and answers PT409 (HTTP 409) without writing anything.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "definitions.h"
#include "event_definitions.h"
#include "governance.h"

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
} TrackingPlan;

/* One write of an apply. */
typedef struct PlanWrite
{
	PlanKind	kind;
	char		action;			/* c(reate), u(pdate), d(elete) */
	PlanItem   *item;			/* create, update: the plan's item */
	Datum		id;				/* update, delete: the object */
	char	   *name;
	StringInfo	body;			/* create, update: the API call's body */
	Jsonb	   *groups_before;	/* event: attached groups, when they change */
	Jsonb	   *groups_after;
} PlanWrite;

/* A diff being computed: its answer's lists, and the writes that apply it. */
typedef struct PlanDiff
{
	StringInfoData create;
	StringInfoData update;
	StringInfoData delete;
	int64		unchanged;
	bool		prune;			/* apply: deletes are written (and answered) */
	bool		applying;
	List	   *writes;
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
		if (i > 0)
			appendStringInfoChar(buf, ',');
		AppendString(buf, items[i]);
	}
	appendStringInfoChar(buf, ']');
}

/*
 * Append the separator of a JSON list being built.
 */
static void
ListSeparator(StringInfo buf)
{
	if (buf->len > 1)
		appendStringInfoChar(buf, ',');
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
		for (k = 0; keys[k] != NULL; k++)
			if (strcmp(item->keys[i], keys[k]) == 0)
				break;
		if (keys[k] == NULL)
			ed_field_error(item->keys[i], "Unknown field.");
	}
}

/*
 * The list under key of the plan (absent: empty), each item an object.
 */
static EdJson *
PlanList(EdJson *plan, const char *key)
{
	EdJson	   *v = ed_json_get(plan, key);
	int			i;

	if (v == NULL)
		return NULL;
	if (v->type != EDJ_ARRAY)
		ed_field_error(key, psprintf("Expected a list of items but got type \"%s\".", ed_python_type(v)));
	for (i = 0; i < v->len; i++)
		if (v->items[i]->type != EDJ_OBJECT)
			ed_field_error(psprintf("%s__%d", key, i),
						   psprintf("Invalid data. Expected a dictionary, but got %s.", ed_python_type(v->items[i])));
	return v;
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
		if (strcmp(items[i - 1].name, items[i].name) == 0)
		{
			PlanItem   *later = items[i - 1].index > items[i].index ? &items[i - 1] : &items[i];

			ed_field_error(psprintf("%s__name", later->path),
						   psprintf("%s named '%s' is already in this plan.", what, ed_value_prefix(later->name)));
		}
}

/*
 * The plan's settings, canonical: every key, defaults for the absent ones.
 */
static void
ParseSettings(EdJson *plan, TrackingPlan *p)
{
	EdJson	   *v = ed_json_get(plan, "settings");
	SettingsInput in;
	StringInfoData buf;
	char	   *error;

	memset(&in, 0, sizeof(in));
	if (v != NULL && v->type != EDJ_NULL)
	{
		if (v->type != EDJ_OBJECT)
			ed_field_error("settings", psprintf("Invalid data. Expected a dictionary, but got %s.", ed_python_type(v)));
		CheckKeys(v, settings_fields);
		ed_field_path("settings");
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
ParseGroup(EdJson *item, int i, TrackingPlan *p, PlanItem *out)
{
	GroupInput	in;
	StringInfoData buf;
	int		   *order;
	int			k;

	out->index = i;
	out->path = psprintf("property_groups__%d", i);
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
 * The id of the member of the project whose email this is; 400 on attr
 * when there is none, or more than one.
 */
static int32
OwnerByEmail(int64 project_id, const char *email, const char *attr)
{
	static EdPlan plan = {
		"SELECT u.id FROM event_definitions_private.users u"
		" JOIN event_definitions_private.project_members m"
		"  ON m.user_id OPERATOR(pg_catalog.=) u.id AND m.project_id OPERATOR(pg_catalog.=) $1"
		" WHERE u.email OPERATOR(pg_catalog.=) $2 LIMIT 2",
		2, {INT8OID, TEXTOID}
	};
	Datum		values[2] = {Int64GetDatum(project_id), CStringGetTextDatum(email)};
	bool		isnull;
	int			n = ed_exec(&plan, values, NULL, true, 2);

	if (n == 0)
		ed_field_error(attr, psprintf("No member of the project has the email '%s'.", ed_value_prefix(email)));
	if (n > 1)
		ed_field_error(attr, psprintf("More than one member of the project has the email '%s'.",
									  ed_value_prefix(email)));
	return DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
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
ParseEvent(int64 project_id, EdJson *item, int i, TrackingPlan *p, PlanItem *out)
{
	EdJson		body = *item;
	DefinitionInput in;
	EdJson	   *v;
	char	   *email = NULL;
	char	  **groups = NULL;
	int			ngroups = 0;
	int			k;
	StringInfoData buf;

	out->index = i;
	out->path = psprintf("events__%d", i);
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
		email = ed_field_string(v, "owner", true, true, 254);
		if (email != NULL)
		{
			out->owner = OwnerByEmail(project_id, email, "owner");
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
	AppendString(&buf, email);
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
 * Validate a plan.  New names are checked against the plan's own naming
 * patterns when compared (CompareEvents); the rest here.
 */
static void
ParsePlan(int64 project_id, EdJson *plan, TrackingPlan *p)
{
	EdJson	   *v;
	int			i;

	memset(p, 0, sizeof(*p));
	CheckKeys(plan, plan_keys);
	if ((v = ed_json_get(plan, "version")) == NULL)
		ed_field_error("version", "This field is required.");
	if (v->type != EDJ_INTEGER || v->ival != 1)
		ed_field_error("version", "Unsupported plan version: use 1.");
	if ((v = ed_json_get(plan, "base_hash")) != NULL && v->type != EDJ_NULL)
	{
		if (v->type != EDJ_STRING)
			ed_field_error("base_hash", "Not a valid string.");
		p->base_hash = ed_field_string(v, "base_hash", false, false, 64);
	}

	ParseSettings(plan, p);

	if ((v = PlanList(plan, "property_groups")) != NULL)
	{
		p->ngroups = v->len;
		p->groups = palloc0(sizeof(PlanItem) * Max(v->len, 1));
		for (i = 0; i < v->len; i++)
		{
			CHECK_FOR_INTERRUPTS();
			ParseGroup(v->items[i], i, p, &p->groups[i]);
		}
		SortItems(p->groups, p->ngroups, "A property group");
	}
	if ((v = PlanList(plan, "events")) != NULL)
	{
		p->nevents = v->len;
		p->events = palloc0(sizeof(PlanItem) * Max(v->len, 1));
		for (i = 0; i < v->len; i++)
		{
			CHECK_FOR_INTERRUPTS();
			ParseEvent(project_id, v->items[i], i, p, &p->events[i]);
		}
		SortItems(p->events, p->nevents, "An event");
	}
}

/*
 * The plan argument: a JSON object of at most ED_MAX_PLAN_BYTES.
 */
static EdJson *
PlanArg(FunctionCallInfo fcinfo, int argno)
{
	text	   *t;
	EdJson	   *v;

	if (PG_ARGISNULL(argno))
		ed_field_error(NULL, "A tracking plan is required.");
	t = PG_GETARG_TEXT_PP(argno);
	ed_check_arg_limit(VARSIZE_ANY_EXHDR(t), ED_MAX_PLAN_BYTES, "16 MB", "tracking plan");
	v = ed_json_parse_limited(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), "tracking plan", ED_MAX_PLAN_VALUES);
	if (v->type != EDJ_OBJECT)
		ed_field_error(NULL, psprintf("Invalid data. Expected a dictionary, but got %s.", ed_python_type(v)));
	return v;
}

/*
 * The project's plan as it is now, read as the caller; read_only false
 * reads the latest committed catalog (in READ COMMITTED).
 */
static Jsonb *
ExportPlan(int64 project_id, bool read_only)
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

	ed_exec(&plan, values, NULL, read_only, 1);
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
 * Compare the catalog's object cur with the plan's item over fields (and
 * a group's properties); a change adds an update to the diff and a write
 * of the changed fields (PATCH) to its writes.
 */
static void
CompareObject(PlanDiff *d, PlanKind kind, const char *name, Datum id, Jsonb *cur,
			  Jsonb *planned, PlanItem *item, const char *const *fields)
{
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
	{
		d->unchanged++;
		return;
	}
	ListSeparator(&d->update);
	appendStringInfoString(&d->update, "{\"type\":");
	AppendString(&d->update, kind_names[kind]);
	appendStringInfoString(&d->update, ",\"name\":");
	AppendString(&d->update, name);
	appendStringInfo(&d->update, ",\"changes\":[%s]}", changes.data);

	w = palloc0(sizeof(PlanWrite));
	w->kind = kind;
	w->action = 'u';
	w->item = item;
	w->id = id;
	w->name = name ? pstrdup(name) : NULL;
	w->body = makeStringInfo();
	appendStringInfo(w->body, "{%s}", body.data);
	w->groups_before = groups_before;
	w->groups_after = groups_after;
	d->writes = lappend(d->writes, w);
}

/*
 * A plan's item that the catalog does not have: an entry of "create", and
 * its write.  A new event's name must match the plan's naming pattern.
 */
static void
AddCreate(PlanDiff *d, PlanKind kind, PlanItem *item, TrackingPlan *p)
{
	PlanWrite  *w = palloc0(sizeof(PlanWrite));
	int			k;

	if (kind == PLAN_EVENT)
	{
		ed_field_path(item->path);
		ed_check_name(p->event_pattern, item->name, "name", "Event");
		ed_field_path(NULL);
	}
	ListSeparator(&d->create);
	appendStringInfoString(&d->create, "{\"type\":");
	AppendString(&d->create, kind_names[kind]);
	appendStringInfoString(&d->create, ",\"name\":");
	AppendString(&d->create, item->name);
	appendStringInfoChar(&d->create, '}');

	w->kind = kind;
	w->action = 'c';
	w->item = item;
	w->name = item->name;
	w->body = makeStringInfo();
	if (kind == PLAN_GROUP)
		appendStringInfoString(w->body, JsonbText(item->canonical));
	else
	{
		StringInfoData body;

		initStringInfo(&body);
		AddBodyField(&body, "name", JsonbText(FieldOf(item->canonical, "name")));
		for (k = 0; event_fields[k] != NULL; k++)
			if (strcmp(event_fields[k], "property_groups") != 0)
				AddBodyField(&body, event_fields[k], strcmp(event_fields[k], "owner") == 0 ?
							 OwnerJson(item) : JsonbText(FieldOf(item->canonical, event_fields[k])));
		appendStringInfo(w->body, "{%s}", body.data);
		w->groups_before = JsonbOf("[]");
		w->groups_after = FieldOf(item->canonical, "property_groups");
		if (JB_ROOT_COUNT(w->groups_after) == 0)
			w->groups_after = NULL;
	}
	d->writes = lappend(d->writes, w);
}

/*
 * An object of the catalog that the plan does not have: an entry of
 * "delete" (of a diff, or of an apply that prunes), and its write.
 */
static void
AddDelete(PlanDiff *d, PlanKind kind, const char *name, Datum id)
{
	PlanWrite  *w;

	if (d->applying && !d->prune)
		return;
	ListSeparator(&d->delete);
	appendStringInfoString(&d->delete, "{\"type\":");
	AppendString(&d->delete, kind_names[kind]);
	appendStringInfoString(&d->delete, ",\"name\":");
	AppendString(&d->delete, name);
	appendStringInfoChar(&d->delete, '}');
	w = palloc0(sizeof(PlanWrite));
	w->kind = kind;
	w->action = 'd';
	w->id = id;
	w->name = pstrdup(name);
	d->writes = lappend(d->writes, w);
}

/*
 * Merge the catalog's groups or events (query: name, plan object, id, by
 * name) with the plan's items of that kind, in batches of a cursor.
 */
static void
MergeCatalog(int64 project_id, EdPlan *query, PlanKind kind, PlanItem *items, int n,
			 TrackingPlan *p, PlanDiff *d, bool read_only)
{
	Datum		values[1] = {Int64GetDatum(project_id)};
	Portal		portal = SPI_cursor_open(NULL, ed_plan(query), values, NULL, read_only);
	int			j = 0;

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
			char	   *name = TextDatumGetCString(SPI_getbinval(tuple, desc, 1, &isnull));
			Jsonb	   *cur = DatumGetJsonbPCopy(SPI_getbinval(tuple, desc, 2, &isnull));
			Datum		id = ed_copy_result((int) r, 3, &isnull);

			CHECK_FOR_INTERRUPTS();
			while (j < n && strcmp(items[j].name, name) < 0)
				AddCreate(d, kind, &items[j++], p);
			if (j < n && strcmp(items[j].name, name) == 0)
			{
				CompareObject(d, kind, name, id, cur, items[j].canonical, &items[j],
							  kind == PLAN_GROUP ? group_fields : event_fields);
				j++;
			}
			else
				AddDelete(d, kind, name, id);
		}
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
	while (j < n)
		AddCreate(d, kind, &items[j++], p);
}

/*
 * The diff of the catalog and a validated plan, read as the caller.
 */
static void
DiffPlan(int64 project_id, TrackingPlan *p, PlanDiff *d, bool read_only)
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

	initStringInfo(&d->create);
	appendStringInfoChar(&d->create, '[');
	initStringInfo(&d->update);
	appendStringInfoChar(&d->update, '[');
	initStringInfo(&d->delete);
	appendStringInfoChar(&d->delete, '[');

	ed_exec(&settings_plan, values, NULL, read_only, 1);
	settings = DatumGetJsonbP(ed_copy_result(0, 1, &isnull));
	CompareObject(d, PLAN_SETTINGS, NULL, (Datum) 0, settings, p->settings, NULL, settings_fields);
	/* the settings are not an object the answer counts */
	if (d->writes == NIL)
		d->unchanged--;

	MergeCatalog(project_id, &groups_plan, PLAN_GROUP, p->groups, p->ngroups, p, d, read_only);
	MergeCatalog(project_id, &events_plan, PLAN_EVENT, p->events, p->nevents, p, d, read_only);
}

/*
 * The diff's answer.
 */
static Datum
DiffAnswer(PlanDiff *d)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"create\":%s],\"update\":%s],\"delete\":%s],\"unchanged\":" INT64_FORMAT "}",
					 d->create.data, d->update.data, d->delete.data, d->unchanged);
	return JsonbPGetDatum(JsonbOf(buf.data));
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
			if (ed_exec(&group_plan, values, NULL, false, 1) == 0)
				elog(ERROR, "property group of the plan not found");
			values[1] = event_id;
			values[2] = ed_copy_result(0, 1, &isnull);
			ed_exec(pass == 0 ? &attach_plan : &detach_plan, values, NULL, false, 1);
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
	ed_exec(&log_plan, values, nulls, false, 0);
	ed_restore_user(&as_owner);
}

/*
 * Write a diff through the API's functions, as the caller, in order:
 * settings, groups, events (with their groups), then what is pruned.
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
			bool		isnull;

			if ((int) w->kind != order[o][0] || w->action != order[o][1])
				continue;
			CHECK_FOR_INTERRUPTS();
			ed_field_path(w->item ? w->item->path : w->kind == PLAN_SETTINGS ? "settings" : NULL);
			values[0] = Int64GetDatum(project_id);
			values[1] = w->body ? CStringGetTextDatum(w->body->data) : (Datum) 0;
			nulls[1] = w->body ? ' ' : 'n';
			values[2] = w->id;
			nulls[2] = w->id ? ' ' : 'n';
			/* an event whose only change is its groups needs no PATCH */
			if (!(w->kind == PLAN_EVENT && w->action == 'u' && strcmp(w->body->data, "{}") == 0))
			{
				ed_exec(&calls[w->kind][a], values, nulls, false, 1);
				if (w->kind == PLAN_EVENT && w->action == 'c')
					w->id = ed_copy_result(0, 1, &isnull);
			}
			if (w->groups_after != NULL)
				WriteEventGroups(project_id, w, w->id);
			ed_field_path(NULL);
		}
	}
}

/*
 * ERROR with PT409 unless the plan's base_hash (when it has one) is the
 * hash of the catalog now.  First lock the project's settings row (making
 * it when missing) for the transaction: applies of one project take turns,
 * and one that waited reads the catalog its predecessor committed.
 */
static void
CheckBase(int64 project_id, TrackingPlan *p)
{
	static EdPlan lock_plan = {
		"INSERT INTO event_definitions_private.project_settings AS s (project_id) VALUES ($1)"
		" ON CONFLICT (project_id) DO UPDATE SET updated_at = s.updated_at",
		1, {INT8OID}
	};
	Datum		values[1] = {Int64GetDatum(project_id)};
	EdUserSwitch as_owner;
	char	   *now;

	ed_become_owner(&as_owner);
	ed_exec(&lock_plan, values, NULL, false, 0);
	ed_restore_user(&as_owner);
	if (p->base_hash == NULL)
		return;
	now = StringField(ExportPlan(project_id, false), "base_hash");
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
	result = ExportPlan(project_id, true);
	SPI_finish();
	PG_RETURN_JSONB_P(result);
}

/*
 * Diff (apply false) or apply a plan; the answer is the diff, of what was
 * written when applying.
 */
static Datum
RunPlan(FunctionCallInfo fcinfo, bool apply, bool prune)
{
	int64		project_id = ed_project_arg(fcinfo);
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext spi;
	EdJson	   *body;
	TrackingPlan p;
	PlanDiff	d;
	Datum		result;

	/* everything below lives in SPI's context of the call, gone at SPI_finish */
	SPI_connect();
	ed_require_project(project_id);
	memset(&d, 0, sizeof(d));
	d.applying = apply;
	d.prune = prune;
	PG_TRY();
	{
		body = PlanArg(fcinfo, 1);
		ParsePlan(project_id, body, &p);
		if (apply)
			CheckBase(project_id, &p);
		DiffPlan(project_id, &p, &d, !apply);
		if (apply)
			WritePlan(project_id, &d);
	}
	PG_FINALLY();
	{
		ed_field_path(NULL);
	}
	PG_END_TRY();
	/* the answer outlives SPI */
	spi = MemoryContextSwitchTo(caller);
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
