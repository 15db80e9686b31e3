/*-------------------------------------------------------------------------
 *
 * settings.c
 *	  A project's governance settings: project_settings(),
 *	  update_project_settings(), naming_violations(), and the settings as
 *	  the C code reads them (ed_settings), kept per backend with their
 *	  compiled patterns.
 *
 * A project without a settings row has the defaults.  What is kept is
 * forgotten whenever the ingestion configuration changes (see ingest.c's
 * ed_ingest_config_changed), which covers every write of project_settings.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "definitions.h"
#include "event_definitions.h"
#include "governance.h"
#include "render.h"

static const char *const unplanned_modes[] = {"allow", "flag", "reject", NULL};

/* The kept settings, by project, in their own memory context. */
typedef struct SettingsEntry
{
	int64		project_id;		/* hash key */
	EdSettings	settings;
} SettingsEntry;

#define SETTINGS_KEPT_MAX 1000

static HTAB *kept = NULL;
static MemoryContext kept_cxt = NULL;
static uint64 kept_generation = 0;	/* of the configuration kept was read in */

/*
 * Whether the installed SQL has the governance tables (release 1.3 and
 * later): with an older release this module still serves its functions,
 * with the default settings, no value rules and no violations log.
 */
bool
ed_governance_installed(void)
{
	Oid			nsp = get_namespace_oid("event_definitions_private", true);

	return OidIsValid(nsp) && OidIsValid(get_relname_relid("project_settings", nsp));
}

/*
 * Forget every kept settings (and free their compiled patterns).
 */
void
ed_settings_forget(void)
{
	if (kept_cxt != NULL)
		MemoryContextReset(kept_cxt);
	kept = NULL;
}

/*
 * The SQL that reads a project's settings row; one row, defaults for a
 * project without one.
 */
#define SETTINGS_SQL \
	"SELECT s.event_name_pattern, s.property_name_pattern," \
	" COALESCE(s.stale_after_days, 30), COALESCE(s.unplanned_events, 'allow')," \
	" COALESCE(s.violation_examples, 5)" \
	" FROM (SELECT $1::pg_catalog.int8 AS project_id) p" \
	" LEFT JOIN event_definitions_private.project_settings s" \
	"  ON s.project_id OPERATOR(pg_catalog.=) p.project_id"

/*
 * A stored pattern did not compile: a cancel (which interrupts a
 * compilation) ends the call now; settings without the pattern are not
 * kept.
 */
static void
PatternFailed(bool *keep)
{
	CHECK_FOR_INTERRUPTS();
	*keep = false;
}

/*
 * Read a project's settings (as the caller, or the owner) into *s,
 * compiling its patterns in cxt.  *keep is cleared when the answer may
 * not be kept.
 */
static void
LoadSettings(int64 project_id, EdSettings *s, MemoryContext cxt, bool *keep)
{
	static EdPlan plan = {SETTINGS_SQL, 1, {INT8OID}};
	Datum		values[1] = {Int64GetDatum(project_id)};
	HeapTuple	tuple;
	TupleDesc	desc;
	bool		isnull;
	char	   *error;
	Datum		v;
	char	   *unplanned;

	ed_exec_latest(&plan, values, NULL, keep, 1);
	tuple = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	memset(s, 0, sizeof(*s));
	v = SPI_getbinval(tuple, desc, 1, &isnull);
	if (!isnull && (s->event_name_pattern = ed_pattern_compile(TextDatumGetCString(v), cxt, &error)) == NULL)
		PatternFailed(keep);
	v = SPI_getbinval(tuple, desc, 2, &isnull);
	if (!isnull && (s->property_name_pattern = ed_pattern_compile(TextDatumGetCString(v), cxt, &error)) == NULL)
		PatternFailed(keep);
	s->stale_after_days = DatumGetInt32(SPI_getbinval(tuple, desc, 3, &isnull));
	unplanned = TextDatumGetCString(SPI_getbinval(tuple, desc, 4, &isnull));
	s->unplanned = strcmp(unplanned, "flag") == 0 ? ED_UNPLANNED_FLAG :
		strcmp(unplanned, "reject") == 0 ? ED_UNPLANNED_REJECT : ED_UNPLANNED_ALLOW;
	s->violation_examples = DatumGetInt32(SPI_getbinval(tuple, desc, 5, &isnull));
}

/*
 * The settings of a project, kept for the backend (at most 1,000 projects;
 * then they start again).  Called inside SPI.
 */
EdSettings *
ed_settings(int64 project_id)
{
	SettingsEntry *entry;
	EdSettings	loaded;
	bool		found;
	bool		keep = true;
	uint64		started = ed_ingest_config_generation();
	static EdSettings defaults = {NULL, NULL, 30, ED_UNPLANNED_ALLOW, 5};

	if (!ed_governance_installed())
		return &defaults;
	if (kept != NULL && kept_generation != started)
		ed_settings_forget();
	if (kept != NULL)
	{
		entry = hash_search(kept, &project_id, HASH_FIND, NULL);
		if (entry != NULL)
			return &entry->settings;
	}
	if (kept_cxt == NULL)
		kept_cxt = AllocSetContextCreate(TopMemoryContext, "event_definitions settings",
										 ALLOCSET_SMALL_SIZES);
	if (kept == NULL || hash_get_num_entries(kept) >= SETTINGS_KEPT_MAX)
	{
		HASHCTL		ctl;

		MemoryContextReset(kept_cxt);
		ctl.keysize = sizeof(int64);
		ctl.entrysize = sizeof(SettingsEntry);
		ctl.hcxt = kept_cxt;
		kept = hash_create("event_definitions settings", 16, &ctl,
						   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		kept_generation = started;
	}
	LoadSettings(project_id, &loaded, kept_cxt, &keep);
	/* an invalidation that arrived meanwhile may not be reflected: use, don't keep */
	if (!keep || ed_ingest_config_generation() != started)
	{
		EdSettings *once = palloc(sizeof(EdSettings));

		*once = loaded;
		return once;
	}
	entry = hash_search(kept, &project_id, HASH_ENTER, &found);
	entry->settings = loaded;
	return &entry->settings;
}

/*
 * Does name break the project's pattern (NULL: no pattern, never)?
 */
bool
ed_breaks_pattern(EdPattern *pattern, const char *name, int len)
{
	return pattern != NULL && !ed_pattern_match(pattern, name, len);
}

/*
 * A 400 on attr when name breaks the event (or property) naming pattern
 * of the project, PostHog-style.
 */
void
ed_check_name(EdPattern *pattern, const char *name, const char *attr, const char *what)
{
	if (ed_breaks_pattern(pattern, name, strlen(name)))
		ed_field_error(attr, psprintf("%s name '%s' does not match the project's naming pattern '%s'.",
									  what, ed_value_prefix(name), ed_value_prefix(pattern->source)));
}

/*
 * The settings of a project as the API answers them.
 */
static Datum
SettingsJsonb(int64 project_id, bool read_only)
{
	static EdPlan plan = {
		"SELECT pg_catalog.jsonb_build_object('event_name_pattern', s.event_name_pattern,"
		" 'property_name_pattern', s.property_name_pattern, 'stale_after_days', s.stale_after_days,"
		" 'unplanned_events', s.unplanned_events, 'violation_examples', s.violation_examples)"
		" FROM (" SETTINGS_SQL ") s(event_name_pattern, property_name_pattern, stale_after_days,"
		"  unplanned_events, violation_examples)",
		1, {INT8OID}
	};
	Datum		values[1] = {Int64GetDatum(project_id)};
	bool		isnull;

	ed_exec(&plan, values, NULL, read_only, 1);
	return ed_copy_result(0, 1, &isnull);
}

PG_FUNCTION_INFO_V1(ed_project_settings);

/*
 * project_settings(project_id): the project's governance settings.
 */
Datum
ed_project_settings(PG_FUNCTION_ARGS)
{
	int64		project_id = ed_project_arg(fcinfo);
	Datum		result;

	SPI_connect();
	ed_require_project(project_id);
	result = SettingsJsonb(project_id, true);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

static const char *const setting_names[] = {
	"event_name_pattern", "property_name_pattern", "stale_after_days", "unplanned_events",
	"violation_examples"
};

/*
 * An integer field within [min, max], DRF's IntegerField messages.
 */
static int32
IntegerField(EdJson *v, const char *attr, int64 min, int64 max)
{
	if (v->type == EDJ_NULL)
		ed_field_error(attr, "This field may not be null.");
	if (v->type != EDJ_INTEGER)
		ed_field_error(attr, "A valid integer is required.");
	if (v->ival < min)
		ed_field_error(attr, psprintf("Ensure this value is greater than or equal to " INT64_FORMAT ".", min));
	if (v->ival > max)
		ed_field_error(attr, psprintf("Ensure this value is less than or equal to " INT64_FORMAT ".", max));
	return (int32) v->ival;
}

/*
 * Validate an update_project_settings body (PATCH: only the keys present).
 */
void
ed_parse_settings(EdJson *body, SettingsInput *in)
{
	EdJson	   *v;
	int			i;

	memset(in, 0, sizeof(*in));
	for (i = 0; i < 2; i++)
	{
		if ((v = ed_json_get(body, setting_names[i])) == NULL)
			continue;
		in->has[i] = true;
		in->patterns[i] = ed_field_string(v, setting_names[i], true, false, 0);
		if (in->patterns[i] != NULL)
			ed_pattern_check(in->patterns[i], setting_names[i]);
	}
	if ((v = ed_json_get(body, setting_names[2])) != NULL)
	{
		in->has[2] = true;
		in->stale_after_days = IntegerField(v, setting_names[2], 1, 36500);
	}
	if ((v = ed_json_get(body, setting_names[3])) != NULL)
	{
		in->has[3] = true;
		if (!ed_field_choice(v, setting_names[3], unplanned_modes, &in->unplanned))
			ed_field_error(setting_names[3], "This field may not be null.");
	}
	if ((v = ed_json_get(body, setting_names[4])) != NULL)
	{
		in->has[4] = true;
		in->violation_examples = IntegerField(v, setting_names[4], 0, 100);
	}
}

/*
 * Write a validated settings body (as the extension's owner) and log the
 * change with scope Project; returns whether anything changed.
 */
bool
ed_store_settings(int64 project_id, SettingsInput *in, Datum user, bool user_null)
{
	static EdPlan plan = {
		"WITH old AS ("
		" SELECT jsonb_build_object('event_name_pattern', s.event_name_pattern,"
		"  'property_name_pattern', s.property_name_pattern, 'stale_after_days', s.stale_after_days,"
		"  'unplanned_events', s.unplanned_events, 'violation_examples', s.violation_examples) AS snap"
		" FROM (" SETTINGS_SQL ") s(event_name_pattern, property_name_pattern, stale_after_days,"
		"  unplanned_events, violation_examples)),"
		" up AS ("
		" INSERT INTO event_definitions_private.project_settings AS s"
		"  (project_id, event_name_pattern, property_name_pattern, stale_after_days, unplanned_events,"
		"   violation_examples, updated_by_id)"
		" VALUES ($1, $3, $5, COALESCE($7, 30), COALESCE($9, 'allow'), COALESCE($11, 5), $12)"
		" ON CONFLICT (project_id) DO UPDATE SET"
		"  event_name_pattern = CASE WHEN $2 THEN $3 ELSE s.event_name_pattern END,"
		"  property_name_pattern = CASE WHEN $4 THEN $5 ELSE s.property_name_pattern END,"
		"  stale_after_days = CASE WHEN $6 THEN $7 ELSE s.stale_after_days END,"
		"  unplanned_events = CASE WHEN $8 THEN $9 ELSE s.unplanned_events END,"
		"  violation_examples = CASE WHEN $10 THEN $11 ELSE s.violation_examples END,"
		"  updated_by_id = $12, updated_at = now()"
		" RETURNING pg_catalog.jsonb_build_object('event_name_pattern', s.event_name_pattern,"
		"  'property_name_pattern', s.property_name_pattern, 'stale_after_days', s.stale_after_days,"
		"  'unplanned_events', s.unplanned_events, 'violation_examples', s.violation_examples) AS snap),"
		" log AS ("
		" INSERT INTO event_definitions_private.activity_log"
		"  (project_id, scope, item_id, activity, user_id, detail)"
		" SELECT $1, 'Project', $1::text, 'changed', $12,"
		"  jsonb_build_object('name', (SELECT p.name FROM event_definitions_private.projects p"
		"   WHERE p.project_id = $1), 'changes', c.changes)"
		" FROM old, up, LATERAL (SELECT event_definitions_private.changes(old.snap, up.snap,"
		"  'changed', 'Project') AS changes) c"
		" WHERE c.changes <> '[]'::jsonb"
		" RETURNING 1)"
		" SELECT count(*) FROM log",
		12, {INT8OID, BOOLOID, TEXTOID, BOOLOID, TEXTOID, BOOLOID, INT4OID, BOOLOID, TEXTOID,
			BOOLOID, INT4OID, INT4OID}
	};
	Datum		values[12];
	char		nulls[12];
	bool		isnull;
	int			i;

	memset(nulls, ' ', sizeof(nulls));
	values[0] = Int64GetDatum(project_id);
	for (i = 0; i < 5; i++)
		values[1 + 2 * i] = BoolGetDatum(in->has[i]);
	for (i = 0; i < 2; i++)
	{
		values[2 + 2 * i] = in->patterns[i] ? CStringGetTextDatum(in->patterns[i]) : (Datum) 0;
		nulls[2 + 2 * i] = in->patterns[i] ? ' ' : 'n';
	}
	values[6] = Int32GetDatum(in->stale_after_days);
	nulls[6] = in->has[2] ? ' ' : 'n';
	values[8] = in->unplanned ? CStringGetTextDatum(in->unplanned) : (Datum) 0;
	nulls[8] = in->unplanned ? ' ' : 'n';
	values[10] = Int32GetDatum(in->violation_examples);
	nulls[10] = in->has[4] ? ' ' : 'n';
	values[11] = user;
	nulls[11] = user_null ? 'n' : ' ';
	ed_exec(&plan, values, nulls, false, 0);
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)) > 0;
}

PG_FUNCTION_INFO_V1(ed_update_project_settings);

/*
 * update_project_settings(project_id, body): PATCH of the settings; every
 * change is logged with scope Project.  Answers the settings.
 */
Datum
ed_update_project_settings(PG_FUNCTION_ARGS)
{
	int64		project_id = ed_project_arg(fcinfo);
	SettingsInput in;
	bool		user_null;
	Datum		user;
	EdUserSwitch as_owner;
	Datum		result;

	SPI_connect();
	ed_require_project(project_id);
	ed_parse_settings(ed_body_arg(fcinfo, 1, "project settings body"), &in);
	user = Int32GetDatum(ed_acting_user(&user_null));
	ed_become_owner(&as_owner);
	(void) ed_store_settings(project_id, &in, user, user_null);
	ed_restore_user(&as_owner);
	result = SettingsJsonb(project_id, false);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

PG_FUNCTION_INFO_V1(ed_naming_violations);

/*
 * naming_violations(project_id): the existing event names and property
 * names (of the project's property groups) that break its naming patterns,
 * which a pattern set later does not change: {"event_name_pattern",
 * "events": [names], "property_name_pattern", "properties": [{"property_group",
 * "name"}]}, by name.
 */
Datum
ed_naming_violations(PG_FUNCTION_ARGS)
{
	static EdPlan events_plan = {
		"SELECT d.name FROM event_definitions_private.event_definitions d"
		" WHERE d.project_id = $1 AND NOT d.name ~ $2 ORDER BY d.name",
		2, {INT8OID, TEXTOID}
	};
	static EdPlan properties_plan = {
		"SELECT g.name, p.name FROM event_definitions_private.property_group_properties p"
		" JOIN event_definitions_private.property_groups g ON g.project_id = p.project_id AND g.id = p.property_group_id"
		" WHERE p.project_id = $1 AND NOT p.name ~ $2 ORDER BY g.name, p.name",
		2, {INT8OID, TEXTOID}
	};
	int64		project_id = ed_project_arg(fcinfo);
	Datum		values[2] = {Int64GetDatum(project_id), (Datum) 0};
	EdSettings *settings;
	JsonbParseState *state = NULL;
	Datum		result;
	int			n,
				i;

	SPI_connect();
	ed_require_project(project_id);
	settings = ed_settings(project_id);
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	ed_push_cstring_field(&state, "event_name_pattern",
						  settings->event_name_pattern ? settings->event_name_pattern->source : NULL);
	ed_push_key(&state, "events");
	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	n = 0;
	if (settings->event_name_pattern)
	{
		values[1] = CStringGetTextDatum(settings->event_name_pattern->source);
		n = ed_exec(&events_plan, values, NULL, true, 0);
	}
	for (i = 0; i < n; i++)
	{
		char	   *name = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		JsonbValue	jv;

		CHECK_FOR_INTERRUPTS();
		jv.type = jbvString;
		jv.val.string.val = name;
		jv.val.string.len = strlen(name);
		pushJsonbValue(&state, WJB_ELEM, &jv);
	}
	pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	ed_push_cstring_field(&state, "property_name_pattern",
						  settings->property_name_pattern ? settings->property_name_pattern->source : NULL);
	ed_push_key(&state, "properties");
	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	n = 0;
	if (settings->property_name_pattern)
	{
		values[1] = CStringGetTextDatum(settings->property_name_pattern->source);
		n = ed_exec(&properties_plan, values, NULL, true, 0);
	}
	for (i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
		ed_push_cstring_field(&state, "property_group",
							  SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1));
		ed_push_cstring_field(&state, "name",
							  SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2));
		pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	}
	pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	result = ed_jsonb_result(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
	SPI_finish();
	PG_RETURN_DATUM(result);
}
