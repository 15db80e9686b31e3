/*-------------------------------------------------------------------------
 *
 * tags.c
 *	  Tag normalization: PostHog's tagify() (strip, lower-case), then
 *	  deduplicated and sorted by code point.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/formatting.h"

#include "event_definitions.h"

/*
 * qsort comparator: byte order of UTF-8, which is code point order.
 */
static int
CompareStrings(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/*
 * Sort strings in place and drop duplicates; returns the new count.
 */
int
ed_sort_dedupe(char **items, int n)
{
	int			i,
				out = 0;

	if (n <= 1)
		return n;
	qsort(items, n, sizeof(char *), CompareStrings);
	for (i = 0; i < n; i++)
	{
		if (out == 0 || strcmp(items[out - 1], items[i]) != 0)
			items[out++] = items[i];
	}
	return out;
}

/*
 * Normalize a JSON list of tags.  Each item must be a string or a number
 * (numbers become their text); it is stripped of Unicode whitespace, must
 * not be blank nor longer than 255 characters, and is lower-cased with the
 * database's own case mapping.  At most 100 tags per request.  The result
 * is sorted and free of duplicates.
 */
char **
ed_normalize_tags(EdJson *list, const char *attr, int *ntags)
{
	char	  **tags;
	int			i;

	if (list->type == EDJ_NULL)
		ed_field_error(attr, "This field may not be null.");
	if (list->type != EDJ_ARRAY)
		ed_field_error(attr, psprintf("Expected a list of items but got type \"%s\".", ed_python_type(list)));
	if (list->len > ED_MAX_TAGS)
		ed_field_error(attr, psprintf("Ensure this field has no more than %d elements.", ED_MAX_TAGS));

	tags = palloc(sizeof(char *) * Max(list->len, 1));
	for (i = 0; i < list->len; i++)
	{
		char	   *tag = ed_field_string(list->items[i], attr, false, false, ED_MAX_TAG_LENGTH);

		CHECK_FOR_INTERRUPTS();
		tags[i] = str_tolower(tag, strlen(tag), DEFAULT_COLLATION_OID);
	}
	*ntags = ed_sort_dedupe(tags, list->len);
	return tags;
}

/*
 * The tags of an already validated list (ed_normalize_tags) as the
 * request sent them: normalized, each once, in the order of their first
 * appearance.  PostHog's activity log records a PATCH's tags this way.
 */
char **
ed_tags_as_sent(EdJson *list, int *ntags)
{
	char	  **tags = palloc(sizeof(char *) * Max(list->len, 1));
	int			i,
				j;

	*ntags = 0;
	for (i = 0; i < list->len; i++)
	{
		char	   *tag = ed_field_string(list->items[i], "tags", false, false, ED_MAX_TAG_LENGTH);
		bool		seen = false;

		CHECK_FOR_INTERRUPTS();
		tag = str_tolower(tag, strlen(tag), DEFAULT_COLLATION_OID);
		/* at most ED_MAX_TAGS tags: the scan stays small */
		for (j = 0; j < *ntags && !seen; j++)
			seen = strcmp(tags[j], tag) == 0;
		if (!seen)
			tags[(*ntags)++] = tag;
	}
	return tags;
}
