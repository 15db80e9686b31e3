/*-------------------------------------------------------------------------
 *
 * list.c
 *	  GET /event_definitions/: filters, ordering and the paginated page.
 *
 * The filters and the ordering are turned into one WHERE clause and one
 * ORDER BY from a fixed vocabulary; every value travels as a parameter.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_statistic.h"
#include "catalog/pg_type.h"
#include "common/jsonapi.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "storage/bufmgr.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "definitions.h"
#include "event_definitions.h"
#include "render.h"

#define LIST_MAX_PARAMS 64
/* the search terms, leaving room for every other parameter of the list */
#define LIST_MAX_SEARCH_TERMS (LIST_MAX_PARAMS - 16)

/* The query being built: its WHERE clause and its parameters. */
typedef struct ListQuery
{
	StringInfoData where;
	StringInfoData order;
	int			nparams;
	Oid			types[LIST_MAX_PARAMS];
	Datum		values[LIST_MAX_PARAMS];
} ListQuery;

/* The request's parameters as PostHog's query string would carry them. */
typedef struct ListLinkParams
{
	const char *event_type;
	bool		exclude_hidden;
	bool		exclude_stale;
	const char *excluded_properties;
	int64		limit;
	const char *names;
	const char *ordering;
	const char *search;
	const char *tags;
} ListLinkParams;

/*
 * Kept plans of the list's queries, by query text.  A request's filters
 * and ordering choose among a small set of query shapes (every value is a
 * parameter), so a backend plans each shape once.
 */
#define LIST_PLAN_SLOTS 64

typedef struct ListPlanSlot
{
	char	   *sql;			/* in TopMemoryContext */
	SPIPlanPtr	plan;
} ListPlanSlot;

static ListPlanSlot list_plans[LIST_PLAN_SLOTS];
static int	list_plans_next = 0;

/* list calls running in this backend (one may run inside another) */
static int	list_depth = 0;

/*
 * The kept plan for a query text, prepared on first use; when all slots
 * are taken the oldest is replaced.  A list call made from inside another
 * (say, by a caller's own function that a query runs) replaces nothing,
 * since the outer call may be running the plan: its new shapes get plans
 * that last until it ends.
 */
static SPIPlanPtr
CachedListPlan(const char *sql, int nargs, Oid *argtypes)
{
	ListPlanSlot *slot;
	SPIPlanPtr	plan;
	char	   *text;
	int			i;

	for (i = 0; i < LIST_PLAN_SLOTS; i++)
		if (list_plans[i].sql != NULL && strcmp(list_plans[i].sql, sql) == 0)
			return list_plans[i].plan;

	plan = SPI_prepare(sql, nargs, argtypes);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	if (list_depth > 1)
		return plan;
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed");

	/* copy the text first, so that a failure leaves the slot as it was */
	text = MemoryContextStrdup(TopMemoryContext, sql);
	slot = &list_plans[list_plans_next];
	list_plans_next = (list_plans_next + 1) % LIST_PLAN_SLOTS;
	if (slot->sql != NULL)
	{
		SPI_freeplan(slot->plan);
		pfree(slot->sql);
	}
	slot->sql = text;
	slot->plan = plan;
	return plan;
}

/*
 * Add a parameter; returns its number.
 */
static int
AddParam(ListQuery *q, Oid type, Datum value)
{
	if (q->nparams >= LIST_MAX_PARAMS)
		elog(ERROR, "too many list query parameters");
	q->types[q->nparams] = type;
	q->values[q->nparams] = value;
	return ++q->nparams;
}

/*
 * Names from a JSON list: strings as they are, numbers as their text,
 * anything else ignored.
 */
static char **
JsonNameList(EdJson *v, int *n)
{
	char	  **items = palloc(sizeof(char *) * Max(v->len, 1));
	int			i;

	*n = 0;
	for (i = 0; i < v->len; i++)
	{
		EdJson	   *item = v->items[i];

		if (item->type == EDJ_STRING)
			items[(*n)++] = item->str;
		else if (item->type == EDJ_INTEGER)
			items[(*n)++] = psprintf(INT64_FORMAT, item->ival);
	}
	return items;
}

/*
 * Split s on sep, dropping empty pieces.
 */
static char **
SplitNonEmpty(const char *s, char sep, int *n)
{
	char	   *copy = pstrdup(s);
	int			cap = 1;
	char	  **items;
	char	   *p;
	char	   *start;

	for (p = copy; *p; p++)
		if (*p == sep)
			cap++;
	items = palloc(sizeof(char *) * cap);
	*n = 0;
	start = copy;
	for (p = copy;; p++)
	{
		if (*p == sep || *p == '\0')
		{
			bool		end = (*p == '\0');

			*p = '\0';
			if (*start != '\0')
				items[(*n)++] = start;
			if (end)
				break;
			start = p + 1;
		}
	}
	return items;
}

/*
 * Append one ordering item; returns false for a field PostHog ignores.
 */
static bool
AppendOrdering(StringInfo order, const char *item, bool *has_name)
{
	bool		desc = (item[0] == '-');
	const char *field = desc ? item + 1 : item;
	const char *expr;

	if (strcmp(field, "name") == 0)
	{
		appendStringInfo(order, "%sd.name %s", order->len ? ", " : "", desc ? "DESC" : "ASC");
		*has_name = true;
		return true;
	}
	if (strcmp(field, "last_seen_at") == 0)
		expr = "d.last_seen_at";
	else if (strcmp(field, "last_seen_at::date") == 0)
		expr = "d.last_seen_date";
	else if (strcmp(field, "created_at") == 0)
		expr = "d.created_at";
	else if (strcmp(field, "created_at::date") == 0)
		expr = "(pg_catalog.timezone('UTC', d.created_at))::date";
	else
		return false;
	appendStringInfo(order, "%s%s %s", order->len ? ", " : "", expr,
					 desc ? "DESC NULLS LAST" : "ASC NULLS FIRST");
	return true;
}

/*
 * One key=value of a page link.
 */
static void
AppendLinkParam(StringInfo buf, const char *key, const char *value)
{
	appendStringInfo(buf, "%c%s=%s", buf->len == 0 ? '?' : '&', key, ed_query_string_escape(value));
}

/*
 * A page link: the request's parameters sorted by key, as Django REST
 * framework re-encodes them, with offset replaced (or dropped when < 0),
 * behind event_definitions.base_url when that is set.
 */
static char *
BuildLink(ListLinkParams *p, int64 project_id, int64 offset)
{
	StringInfoData qs;
	StringInfoData url;

	initStringInfo(&qs);
	if (p->event_type)
		AppendLinkParam(&qs, "event_type", p->event_type);
	if (p->exclude_hidden)
		AppendLinkParam(&qs, "exclude_hidden", "true");
	if (p->exclude_stale)
		AppendLinkParam(&qs, "exclude_stale", "true");
	if (p->excluded_properties)
		AppendLinkParam(&qs, "excluded_properties", p->excluded_properties);
	AppendLinkParam(&qs, "limit", psprintf(INT64_FORMAT, p->limit));
	if (p->names)
		AppendLinkParam(&qs, "names", p->names);
	if (offset >= 0)
		AppendLinkParam(&qs, "offset", psprintf(INT64_FORMAT, offset));
	if (p->ordering)
		AppendLinkParam(&qs, "ordering", p->ordering);
	if (p->search)
		AppendLinkParam(&qs, "search", p->search);
	if (p->tags)
		AppendLinkParam(&qs, "tags", p->tags);

	initStringInfo(&url);
	if (ed_base_url && ed_base_url[0])
	{
		const char *mark = strstr(ed_base_url, "{project_id}");

		if (mark)
		{
			appendBinaryStringInfo(&url, ed_base_url, mark - ed_base_url);
			appendStringInfo(&url, INT64_FORMAT "%s", project_id, mark + strlen("{project_id}"));
		}
		else
			appendStringInfoString(&url, ed_base_url);
	}
	appendBinaryStringInfo(&url, qs.data, qs.len);
	return url.data;
}

/*
 * Text of an optional text argument, or NULL.
 */
static char *
OptionalText(FunctionCallInfo fcinfo, int argno)
{
	if (PG_ARGISNULL(argno))
		return NULL;
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

/*
 * PostgREST passes GET query parameters to json arguments as JSON strings
 * (?tags=["a"] arrives as "[\"a\"]"): a string holding valid JSON stands
 * for that JSON, as the query-string text it came from.
 */
static void
UnwrapQueryParam(char **text, EdJson **v, const char *what)
{
	JsonLexContext *lex;

	if ((*v)->type != EDJ_STRING)
		return;
	lex = makeJsonLexContextCstringLen((*v)->str, (*v)->len, GetDatabaseEncoding(), false);
	if (pg_parse_json(lex, &nullSemAction) != JSON_SUCCESS)
		return;
	*text = (*v)->str;
	*v = ed_json_parse(*text, strlen(*text), what);
}

/*
 * The planner's estimate of a project's number of definitions: the
 * frequency of project_id among the column's most common values (or its
 * share of the rest), times the table's current size (its tuple density
 * from the last VACUUM/ANALYZE times its current pages).  0 when the table
 * has no statistics yet.  Only decides PostHog's large-project rules, so an
 * estimate is enough; reads catalogs, not the table.
 */
static double
EstimatedProjectSize(int64 project_id)
{
	Oid			relid = get_relname_relid("event_definitions",
										  get_namespace_oid("event_definitions_private", false));
	AttrNumber	attnum = get_attnum(relid, "project_id");
	HeapTuple	stats;
	Form_pg_statistic form;
	AttStatsSlot mcv;
	double		frequency = -1;
	double		mcv_total = 0;
	int			nmcv = 0;
	double		ndistinct;
	double		tuples;
	Relation	rel;
	BlockNumber pages;
	int			i;

	rel = table_open(relid, AccessShareLock);
	pages = RelationGetNumberOfBlocks(rel);
	tuples = rel->rd_rel->reltuples;
	if (tuples > 0 && rel->rd_rel->relpages > 0)
		tuples = tuples / rel->rd_rel->relpages * pages;
	table_close(rel, AccessShareLock);
	if (tuples <= 0)
		return 0;

	stats = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(relid), Int16GetDatum(attnum),
							BoolGetDatum(false));
	if (!HeapTupleIsValid(stats))
		return 0;
	form = (Form_pg_statistic) GETSTRUCT(stats);

	if (get_attstatsslot(&mcv, stats, STATISTIC_KIND_MCV, InvalidOid,
						 ATTSTATSSLOT_VALUES | ATTSTATSSLOT_NUMBERS))
	{
		nmcv = mcv.nvalues;
		for (i = 0; i < mcv.nvalues; i++)
		{
			mcv_total += mcv.numbers[i];
			if (DatumGetInt64(mcv.values[i]) == project_id)
				frequency = mcv.numbers[i];
		}
		free_attstatsslot(&mcv);
	}
	if (frequency < 0)
	{
		ndistinct = form->stadistinct > 0 ? form->stadistinct : -form->stadistinct * tuples;
		frequency = (1.0 - mcv_total - form->stanullfrac) / Max(ndistinct - nmcv, 1.0);
	}
	ReleaseSysCache(stats);
	return Max(frequency, 0.0) * tuples;
}

/*
 * list_event_definitions(project_id, limit, offset, search, event_type,
 * ordering, exclude_hidden, excluded_properties, names, tags, exclude_stale)
 *
 * With capped_counts (SQL version 1.1), large projects are listed as
 * PostHog lists them: above 50,000 definitions and without a narrowing
 * filter the count stops at 10,000 (count_is_capped) and next follows full
 * pages; above 100,000 the default order is by name, which an index serves.
 */
static Datum
ListDefinitions(FunctionCallInfo fcinfo, bool capped_counts)
{
	int64		project_id = ed_project_arg(fcinfo);
	int64		limit = PG_ARGISNULL(1) ? 100 : PG_GETARG_INT32(1);
	int64		offset = PG_ARGISNULL(2) ? 0 : PG_GETARG_INT32(2);
	char	   *search = OptionalText(fcinfo, 3);
	char	   *event_type = OptionalText(fcinfo, 4);
	char	   *ordering = OptionalText(fcinfo, 5);
	bool		exclude_hidden = PG_ARGISNULL(6) ? false : PG_GETARG_BOOL(6);
	char	   *excluded_properties = OptionalText(fcinfo, 7);
	char	   *names = OptionalText(fcinfo, 8);
	char	   *tags = OptionalText(fcinfo, 9);
	bool		exclude_stale = PG_ARGISNULL(10) ? false : PG_GETARG_BOOL(10);
	ListQuery	q;
	ListLinkParams link;
	bool		has_search = false;
	bool		explicit_order = false;
	bool		has_name = false;
	StringInfoData sql;
	int			limit_param,
				offset_param;
	int64		count;
	char	   *next = NULL;
	char	   *previous = NULL;
	char		nulls[LIST_MAX_PARAMS];
	bool		isnull;
	Datum		result;
	int			i,
				n;
	char	  **items;
	double		project_size = 0;
	bool		narrowed = false;
	bool		capped = false;
	SPITupleTable *page;
	uint64		nrows;
	JsonbParseState *state = NULL;

	if (limit < 1)
		ed_field_error("limit", "Ensure this value is greater than or equal to 1.");
	if (offset < 0)
		ed_field_error("offset", "Ensure this value is greater than or equal to 0.");

	memset(&link, 0, sizeof(link));
	memset(&q, 0, sizeof(q));
	initStringInfo(&q.where);
	initStringInfo(&q.order);
	link.limit = limit;

	SPI_connect();
	ed_require_project(project_id);

	appendStringInfo(&q.where, "d.project_id = $%d", AddParam(&q, INT8OID, Int64GetDatum(project_id)));

	/* search: every space-separated term, case-insensitively, anywhere */
	if (search)
	{
		link.search = search;
		items = SplitNonEmpty(search, ' ', &n);
		if (n > LIST_MAX_SEARCH_TERMS)
			ed_field_error("search", psprintf("Ensure this search has no more than %d terms.", LIST_MAX_SEARCH_TERMS));
		for (i = 0; i < n; i++)
			appendStringInfo(&q.where,
							 " AND d.name COLLATE \"default\" OPERATOR(pg_catalog.~~*) $%d::text",
							 AddParam(&q, TEXTOID, CStringGetTextDatum(psprintf("%%%s%%", items[i]))));
		has_search = ed_strip(search)[0] != '\0';
		narrowed |= has_search;
	}

	if (event_type && strcmp(event_type, "event") != 0)
	{
		link.event_type = event_type;
		if (strcmp(event_type, "event_custom") == 0)
			appendStringInfoString(&q.where, " AND NOT pg_catalog.starts_with(d.name, '$')");
		else if (strcmp(event_type, "event_posthog") == 0)
		{
			appendStringInfoString(&q.where, " AND pg_catalog.starts_with(d.name, '$')");
			narrowed = true;
		}
		else if (strcmp(event_type, "all") != 0 && strcmp(event_type, "action_event") != 0)
			ed_field_error("event_type", "Not a valid event type. Use one of: event, event_custom, event_posthog.");
	}

	if (exclude_hidden)
	{
		link.exclude_hidden = true;
		appendStringInfoString(&q.where, " AND d.hidden IS NOT TRUE");
	}

	if (excluded_properties)
	{
		EdJson	   *v = ed_json_parse(excluded_properties, strlen(excluded_properties), "excluded_properties");

		UnwrapQueryParam(&excluded_properties, &v, "excluded_properties");
		link.excluded_properties = excluded_properties;
		if (v->type != EDJ_ARRAY)
			ed_field_error("excluded_properties",
						   psprintf("Expected a list of items but got type \"%s\".", ed_python_type(v)));
		items = JsonNameList(v, &n);
		if (n > 0)
			appendStringInfo(&q.where, " AND NOT (d.name OPERATOR(pg_catalog.=) ANY ($%d::text[]))",
							 AddParam(&q, TEXTARRAYOID, ed_text_array(items, n)));
	}

	if (names)
	{
		link.names = names;
		items = SplitNonEmpty(names, ',', &n);
		n = ed_sort_dedupe(items, n);
		narrowed |= (n > 0);
		if (n > 0)
			appendStringInfo(&q.where, " AND d.name OPERATOR(pg_catalog.=) ANY ($%d::text[])",
							 AddParam(&q, TEXTARRAYOID, ed_text_array(items, n)));
	}

	/* tags: rows carrying any of the listed tags; a non-list is ignored */
	if (tags)
	{
		EdJson	   *v = ed_json_parse(tags, strlen(tags), "tags");

		UnwrapQueryParam(&tags, &v, "tags");
		link.tags = tags;
		if (v->type == EDJ_ARRAY)
		{
			char	  **tagv = palloc(sizeof(char *) * Max(v->len, 1));

			n = 0;
			for (i = 0; i < v->len; i++)
				if (v->items[i]->type == EDJ_STRING)
					tagv[n++] = v->items[i]->str;
			narrowed |= (n > 0);
			if (n > 0)
				appendStringInfo(&q.where, " AND d.tags OPERATOR(pg_catalog.&&) $%d::text[]",
								 AddParam(&q, TEXTARRAYOID, ed_text_array(tagv, n)));
		}
	}

	if (exclude_stale)
	{
		link.exclude_stale = true;
		narrowed = true;
		appendStringInfoString(&q.where,
							   " AND (d.last_seen_at IS NULL OR d.last_seen_at OPERATOR(pg_catalog.>)"
							   " (pg_catalog.now() OPERATOR(pg_catalog.-) '30 days'::interval))");
	}

	/* ordering: known fields in request order, then name as tiebreaker */
	if (ordering)
	{
		link.ordering = ordering;
		items = SplitNonEmpty(ordering, ',', &n);
		for (i = 0; i < n; i++)
		{
			char	   *item = ed_strip(items[i]);
			const char *field = item[0] == '-' ? item + 1 : item;
			int			j;
			bool		seen = false;

			/* a field already ordered by adds nothing */
			for (j = 0; j < i && !seen; j++)
			{
				char	   *prior = ed_strip(items[j]);

				seen = strcmp(prior[0] == '-' ? prior + 1 : prior, field) == 0;
			}
			if (!seen && AppendOrdering(&q.order, item, &has_name))
				explicit_order = true;
		}
	}
	/* the large-project rules apply to unnarrowed lists only: size them then */
	if (capped_counts && !narrowed)
		project_size = EstimatedProjectSize(project_id);
	capped = capped_counts && !narrowed && project_size > 50000;
	if (!explicit_order)
	{
		if (has_search)
			appendStringInfoString(&q.order, "pg_catalog.char_length(d.name) ASC, ");
		if (capped_counts && !narrowed && project_size > 100000)
			appendStringInfoString(&q.order, "d.name ASC");
		else
			appendStringInfoString(&q.order, "d.last_seen_date DESC NULLS LAST, d.name ASC");
	}
	else if (!has_name)
		appendStringInfoString(&q.order, ", d.name ASC");

	/* count: exact, or bounded at 10,000 for a large project */
	initStringInfo(&sql);
	if (capped)
		appendStringInfo(&sql,
						 "SELECT pg_catalog.count(*) FROM (SELECT 1 FROM event_definitions_private.event_definitions d"
						 " WHERE %s LIMIT 10000) s",
						 q.where.data);
	else
		appendStringInfo(&sql,
						 "SELECT pg_catalog.count(*) FROM event_definitions_private.event_definitions d WHERE %s",
						 q.where.data);
	memset(nulls, ' ', sizeof(nulls));
	if (SPI_execute_plan(CachedListPlan(sql.data, q.nparams, q.types), q.values, nulls, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not count event definitions");
	count = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	capped = capped && count >= 10000;

	/*
	 * Links.  With an exact count, next exists while rows remain; with a
	 * capped count it exists while pages are full, which the page query
	 * decides (it knows how many rows it found).
	 */
	if (capped || offset + limit < count)
		next = BuildLink(&link, project_id, offset + limit);
	if (offset > 0)
		previous = BuildLink(&link, project_id, offset - limit <= 0 ? -1 : offset - limit);

	/* the page's rows, rendered here: {count, next, previous, results} */
	limit_param = AddParam(&q, INT8OID, Int64GetDatum(limit));
	offset_param = AddParam(&q, INT8OID, Int64GetDatum(offset));
	resetStringInfo(&sql);
	appendStringInfo(&sql,
					 "SELECT " ED_DEFINITION_COLUMNS
					 " FROM event_definitions_private.event_definitions d WHERE %s"
					 " ORDER BY %s LIMIT $%d OFFSET $%d",
					 q.where.data, q.order.data, limit_param, offset_param);
	if (SPI_execute_plan(CachedListPlan(sql.data, q.nparams, q.types), q.values, nulls, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not list event definitions");
	page = SPI_tuptable;
	nrows = SPI_processed;

	/* with a capped count, a page that is not full is the last one */
	if (capped && nrows < (uint64) limit)
		next = NULL;
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	ed_push_int8_field(&state, "count", count);
	ed_push_cstring_field(&state, "next", next);
	ed_push_cstring_field(&state, "previous", previous);
	if (capped_counts)
		ed_push_bool_field(&state, "count_is_capped", capped);
	ed_push_definitions_field(&state, "results", page, nrows);
	result = ed_jsonb_result(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
	SPI_finish();
	return result;
}

/*
 * ListDefinitions, counted in list_depth while it runs.
 */
static Datum
ListDefinitionsCounted(FunctionCallInfo fcinfo, bool capped_counts)
{
	Datum		result;

	list_depth++;
	PG_TRY();
	{
		result = ListDefinitions(fcinfo, capped_counts);
	}
	PG_FINALLY();
	{
		list_depth--;
	}
	PG_END_TRY();
	return result;
}

PG_FUNCTION_INFO_V1(ed_list_event_definitions);

/*
 * list_event_definitions, SQL version 1.0: exact counts.
 */
Datum
ed_list_event_definitions(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(ListDefinitionsCounted(fcinfo, false));
}

PG_FUNCTION_INFO_V1(ed_list_event_definitions_v2);

/*
 * list_event_definitions, SQL version 1.1: capped counts for large projects
 * and count_is_capped in the page.
 */
Datum
ed_list_event_definitions_v2(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(ListDefinitionsCounted(fcinfo, true));
}
