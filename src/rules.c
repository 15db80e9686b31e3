/*-------------------------------------------------------------------------
 *
 * rules.c
 *	  Value rules of a property group's properties: a subset of JSON
 *	  Schema (enum, pattern, minimum, maximum, exclusiveMinimum,
 *	  exclusiveMaximum, minLength, maxLength, minItems, maxItems, format),
 *	  validated when written, compiled once (regular expressions included)
 *	  and checked by ingestion.
 *
 * A rule must fit its property's type: enum for String, Numeric and
 * Boolean; pattern, minLength, maxLength and format for String; the four
 * bounds for Numeric; minItems and maxItems for Array.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/hashfn.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "event_definitions.h"
#include "governance.h"

#define ED_MAX_ENUM_VALUES 1000
/* beyond this many compiled patterns of rules, the kept ones start again */
#define ED_KEPT_PATTERNS_MAX 256

const char *ed_rules_keywords =
"enum, pattern, minimum, maximum, exclusiveMinimum, exclusiveMaximum, minLength, maxLength, minItems, maxItems, format";

/* Which property types each keyword applies to. */
static const struct
{
	const char *keyword;
	const char *types;			/* a list of property types, each followed by ',' */
}			keyword_types[] = {
	{"enum", "String,Numeric,Boolean,"},
	{"pattern", "String,"},
	{"minLength", "String,"},
	{"maxLength", "String,"},
	{"format", "String,"},
	{"minimum", "Numeric,"},
	{"maximum", "Numeric,"},
	{"exclusiveMinimum", "Numeric,"},
	{"exclusiveMaximum", "Numeric,"},
	{"minItems", "Array,"},
	{"maxItems", "Array,"},
};

static const char *const formats[] = {"date-time", "email", "uri", "uuid", NULL};

/*
 * qsort comparator of C strings.
 */
static int
CompareStrings(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/*
 * A rule's number (minimum, ...), as a double.
 */
static double
RuleNumber(EdJson *v, const char *attr, const char *keyword)
{
	if (v->type == EDJ_INTEGER)
		return (double) v->ival;
	if (v->type == EDJ_REAL)
		return v->rval;
	ed_field_error(attr, psprintf("The rule '%s' must be a number.", keyword));
	pg_unreachable();
}

/*
 * A rule's count (minLength, ...): a non-negative integer.
 */
static int64
RuleCount(EdJson *v, const char *attr, const char *keyword)
{
	if (v->type != EDJ_INTEGER || v->ival < 0 || v->ival > PG_INT32_MAX)
		ed_field_error(attr, psprintf("The rule '%s' must be a non-negative integer.", keyword));
	return v->ival;
}

/*
 * Validate enum's values for the property's type: a non-empty list of
 * distinct values of that type.
 */
static void
ValidateEnum(EdJson *v, const char *type, const char *attr)
{
	char	  **strings;
	int			i;

	if (v->type != EDJ_ARRAY || v->len == 0)
		ed_field_error(attr, "The rule 'enum' must be a non-empty list.");
	if (v->len > ED_MAX_ENUM_VALUES)
		ed_field_error(attr, psprintf("The rule 'enum' may list at most %d values.", ED_MAX_ENUM_VALUES));
	strings = palloc(sizeof(char *) * v->len);
	for (i = 0; i < v->len; i++)
	{
		EdJson	   *item = v->items[i];
		bool		fits = strcmp(type, "String") == 0 ? item->type == EDJ_STRING :
			strcmp(type, "Numeric") == 0 ? (item->type == EDJ_INTEGER || item->type == EDJ_REAL) :
			(item->type == EDJ_TRUE || item->type == EDJ_FALSE);

		CHECK_FOR_INTERRUPTS();
		if (!fits)
			ed_field_error(attr, psprintf("The values of 'enum' must be of the property's type (%s).", type));
		strings[i] = ed_json_serialize(item);
	}
	qsort(strings, v->len, sizeof(char *), CompareStrings);
	for (i = 1; i < v->len; i++)
		if (strcmp(strings[i - 1], strings[i]) == 0)
			ed_field_error(attr, "The values of 'enum' must be distinct.");
}

/*
 * Validate a property's "rules" (an object, or JSON null for none) for its
 * type; answers the JSON text to store, or NULL for none.  attr names the
 * field in errors (properties__<i>__rules).
 */
char *
ed_rules_validate(EdJson *rules, const char *property_type, const char *attr)
{
	double		bounds[4];		/* minimum, maximum, exclusiveMinimum, exclusiveMaximum */
	bool		has_bound[4] = {false, false, false, false};
	int64		counts[4];		/* minLength, maxLength, minItems, maxItems */
	bool		has_count[4] = {false, false, false, false};
	static const char *const bound_names[] = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"};
	static const char *const count_names[] = {"minLength", "maxLength", "minItems", "maxItems"};
	int			i,
				k;

	if (rules->type == EDJ_NULL)
		return NULL;
	if (rules->type != EDJ_OBJECT)
		ed_field_error(attr, psprintf("Invalid data. Expected a dictionary, but got %s.", ed_python_type(rules)));
	for (i = 0; i < rules->len; i++)
	{
		const char *keyword = rules->keys[i];
		EdJson	   *v = rules->items[i];
		char	   *choice;

		for (k = 0; k < (int) lengthof(keyword_types); k++)
			if (strcmp(keyword_types[k].keyword, keyword) == 0)
				break;
		if (k == (int) lengthof(keyword_types))
			ed_field_error(attr, psprintf("Unknown rule '%s'. Use one of: %s.", ed_value_prefix(keyword),
										  ed_rules_keywords));
		if (strstr(keyword_types[k].types, psprintf("%s,", property_type)) == NULL)
			ed_field_error(attr, psprintf("The rule '%s' does not apply to %s %s property.", keyword,
										  strchr("AEIOU", property_type[0]) ? "an" : "a", property_type));
		if (strcmp(keyword, "enum") == 0)
			ValidateEnum(v, property_type, attr);
		else if (strcmp(keyword, "pattern") == 0)
		{
			if (v->type != EDJ_STRING || v->len == 0)
				ed_field_error(attr, "The rule 'pattern' must be a non-empty string.");
			ed_pattern_check(v->str, attr);
		}
		else if (strcmp(keyword, "format") == 0)
		{
			if (v->type != EDJ_STRING || !ed_field_choice(v, attr, formats, &choice))
				ed_field_error(attr, "The rule 'format' must be one of: date-time, email, uri, uuid.");
		}
		for (k = 0; k < 4; k++)
		{
			if (strcmp(keyword, bound_names[k]) == 0)
			{
				bounds[k] = RuleNumber(v, attr, keyword);
				has_bound[k] = true;
			}
			if (strcmp(keyword, count_names[k]) == 0)
			{
				counts[k] = RuleCount(v, attr, keyword);
				has_count[k] = true;
			}
		}
	}
	for (i = 0; i < 4; i += 2)
		if (has_count[i] && has_count[i + 1] && counts[i] > counts[i + 1])
			ed_field_error(attr, psprintf("The rule '%s' is greater than '%s'.", count_names[i], count_names[i + 1]));
	for (i = 0; i < 4; i += 2)
		for (k = 1; k < 4; k += 2)
			if (has_bound[i] && has_bound[k] && bounds[i] > bounds[k])
				ed_field_error(attr, psprintf("The rule '%s' is greater than '%s'.", bound_names[i], bound_names[k]));
	return rules->len > 0 ? ed_json_serialize(rules) : NULL;
}

/*
 * A jsonb number as a double.
 */
static double
NumericValue(JsonbValue *v)
{
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
}

/*
 * Compile stored rules into cxt.  A pattern stays its source: it is
 * compiled when a value is checked (RulePattern), so that the memory of
 * compiled patterns (malloc'd by the regex library, which no memory
 * context counts) stays bounded however many rules are kept.
 */
EdRules *
ed_rules_compile(Jsonb *stored, MemoryContext cxt)
{
	EdRules    *r = MemoryContextAllocZero(cxt, sizeof(EdRules));
	JsonbIterator *it = JsonbIteratorInit(&stored->root);
	JsonbIteratorToken tok;
	JsonbValue	v;
	char	   *key = NULL;
	bool		in_enum = false;
	int			enum_room = 0;

	r->min_length = r->max_length = r->min_items = r->max_items = -1;
	while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			key = pnstrdup(v.val.string.val, v.val.string.len);
			continue;
		}
		if (tok == WJB_BEGIN_ARRAY && key && strcmp(key, "enum") == 0 && !r->has_enum)
		{
			/* a validated enum has at most ED_MAX_ENUM_VALUES values */
			enum_room = Min(Max(v.val.array.nElems, 1), ED_MAX_ENUM_VALUES);
			in_enum = r->has_enum = true;
			r->enum_strings = MemoryContextAlloc(cxt, sizeof(char *) * enum_room);
			r->enum_numbers = MemoryContextAlloc(cxt, sizeof(double) * enum_room);
			continue;
		}
		if (tok == WJB_END_ARRAY)
		{
			in_enum = false;
			continue;
		}
		if (tok == WJB_ELEM && in_enum)
		{
			if (v.type == jbvString && r->nenum_strings < enum_room)
				r->enum_strings[r->nenum_strings++] =
					MemoryContextStrdup(cxt, pnstrdup(v.val.string.val, v.val.string.len));
			else if (v.type == jbvNumeric && r->nenum_numbers < enum_room)
				r->enum_numbers[r->nenum_numbers++] = NumericValue(&v);
			else if (v.type == jbvBool)
				r->enum_booleans |= v.val.boolean ? 2 : 1;
			continue;
		}
		if (tok != WJB_VALUE || key == NULL)
			continue;
		if (strcmp(key, "pattern") == 0)
			r->pattern = MemoryContextStrdup(cxt, pnstrdup(v.val.string.val, v.val.string.len));
		else if (strcmp(key, "format") == 0)
		{
			char	   *f = pnstrdup(v.val.string.val, v.val.string.len);

			r->format = strcmp(f, "date-time") == 0 ? ED_FORMAT_DATE_TIME :
				strcmp(f, "email") == 0 ? ED_FORMAT_EMAIL :
				strcmp(f, "uri") == 0 ? ED_FORMAT_URI : ED_FORMAT_UUID;
		}
		else if (strcmp(key, "minimum") == 0)
			r->has_minimum = true, r->minimum = NumericValue(&v);
		else if (strcmp(key, "maximum") == 0)
			r->has_maximum = true, r->maximum = NumericValue(&v);
		else if (strcmp(key, "exclusiveMinimum") == 0)
			r->has_exclusive_minimum = true, r->exclusive_minimum = NumericValue(&v);
		else if (strcmp(key, "exclusiveMaximum") == 0)
			r->has_exclusive_maximum = true, r->exclusive_maximum = NumericValue(&v);
		else if (strcmp(key, "minLength") == 0)
			r->min_length = (int) NumericValue(&v);
		else if (strcmp(key, "maxLength") == 0)
			r->max_length = (int) NumericValue(&v);
		else if (strcmp(key, "minItems") == 0)
			r->min_items = (int) NumericValue(&v);
		else if (strcmp(key, "maxItems") == 0)
			r->max_items = (int) NumericValue(&v);
	}
	qsort(r->enum_strings, r->nenum_strings, sizeof(char *), CompareStrings);
	return r;
}

/* A compiled pattern of rules, kept by its source. */
typedef struct KeptPattern
{
	const char *source;			/* hash key, copied into kept_patterns_cxt */
	EdPattern  *pattern;		/* NULL: it does not compile */
} KeptPattern;

static HTAB *kept_patterns = NULL;
static MemoryContext kept_patterns_cxt = NULL;
static uint64 kept_patterns_generation = 1;	/* changes when they start again */

/*
 * Hash, match and copy of a KeptPattern's key.
 */
static uint32
PatternKeyHash(const void *key, Size keysize)
{
	const char *source = *(const char *const *) key;

	return hash_bytes((const unsigned char *) source, strlen(source));
}

static int
PatternKeyMatch(const void *a, const void *b, Size keysize)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

static void *
PatternKeyCopy(void *dest, const void *src, Size keysize)
{
	*(const char **) dest = MemoryContextStrdup(kept_patterns_cxt, *(const char *const *) src);
	return dest;
}

/*
 * The compiled pattern of rules (NULL when it does not compile), from a
 * backend's few kept ones (at most ED_KEPT_PATTERNS_MAX; then they start
 * again, and are freed); the rules remember it while it is kept.
 */
static EdPattern *
RulePattern(EdRules *r)
{
	const char *source = r->pattern;
	KeptPattern *kept;
	bool		found;
	char	   *error;

	if (r->compiled != NULL && r->kept_generation == kept_patterns_generation)
		return r->compiled;

	if (kept_patterns_cxt == NULL)
		kept_patterns_cxt = AllocSetContextCreate(TopMemoryContext, "event_definitions rule patterns",
												  ALLOCSET_SMALL_SIZES);
	if (kept_patterns == NULL || hash_get_num_entries(kept_patterns) >= ED_KEPT_PATTERNS_MAX)
	{
		HASHCTL		ctl;

		MemoryContextReset(kept_patterns_cxt);
		kept_patterns_generation++;
		ctl.keysize = sizeof(char *);
		ctl.entrysize = sizeof(KeptPattern);
		ctl.hash = PatternKeyHash;
		ctl.match = PatternKeyMatch;
		ctl.keycopy = PatternKeyCopy;
		ctl.hcxt = kept_patterns_cxt;
		kept_patterns = hash_create("event_definitions rule patterns", 64, &ctl,
									HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_KEYCOPY | HASH_CONTEXT);
	}
	kept = hash_search(kept_patterns, &source, HASH_ENTER, &found);
	if (!found)
	{
		kept->pattern = NULL;
		kept->pattern = ed_pattern_compile(source, kept_patterns_cxt, &error);
		if (kept->pattern == NULL)
		{
			/* not kept: a cancel interrupts a compilation too */
			(void) hash_search(kept_patterns, &source, HASH_REMOVE, NULL);
			CHECK_FOR_INTERRUPTS();
			return NULL;
		}
	}
	r->compiled = kept->pattern;
	r->kept_generation = kept_patterns_generation;
	return kept->pattern;
}

/*
 * Does s (len bytes) have the format?  date-time: RFC 3339; email: a
 * local part, "@" and a dotted domain, without spaces; uri: a scheme and
 * ":"; uuid: the 8-4-4-4-12 hex form.
 */
static bool
HasFormat(EdFormat format, const char *s, int len)
{
	char	   *c = pnstrdup(s, len);
	int			i;

	switch (format)
	{
		case ED_FORMAT_DATE_TIME:
			/* a full date and time with seconds and an offset */
			return len >= 20 && c[10] == 'T' && c[16] == ':' && ed_is_iso8601(c) &&
				(c[len - 1] == 'Z' || c[len - 6] == '+' || c[len - 6] == '-');
		case ED_FORMAT_EMAIL:
			{
				char	   *at = strchr(c, '@');

				if (at == NULL || at == c || strchr(at + 1, '@') != NULL || strpbrk(c, " \t\r\n") != NULL)
					return false;
				return strchr(at + 1, '.') != NULL && at[1] != '.' && c[len - 1] != '.';
			}
		case ED_FORMAT_URI:
			if (len == 0 || !isalpha((unsigned char) c[0]))
				return false;
			for (i = 1; i < len && (isalnum((unsigned char) c[i]) || strchr("+.-", c[i])); i++)
				;
			return i < len && c[i] == ':' && strpbrk(c, " \t\r\n") == NULL;
		case ED_FORMAT_UUID:
			if (len != 36)
				return false;
			for (i = 0; i < 36; i++)
				if ((i == 8 || i == 13 || i == 18 || i == 23) ? c[i] != '-' : !isxdigit((unsigned char) c[i]))
					return false;
			return true;
		case ED_FORMAT_NONE:
			break;
	}
	return true;
}

/*
 * Record a violation in found[*n].
 */
static void
Found(EdRuleViolation *found, int *n, const char *violation, const char *rule)
{
	found[*n].violation = violation;
	found[*n].rule = rule;
	(*n)++;
}

/*
 * Check a value (already known to fit the property's type, with PostHog's
 * coercions: numbers and booleans may come as strings) against the
 * rules; fills found (room for 8) and answers how many rules it breaks.
 */
int
ed_rules_check(EdRules *r, const char *type, JsonbValue *v, EdRuleViolation *found)
{
	int			n = 0;

	if (r == NULL)
		return 0;
	if (strcmp(type, "String") == 0 && v->type == jbvString)
	{
		const char *s = v->val.string.val;
		int			len = v->val.string.len;
		int			chars;

		if (r->has_enum)
		{
			char	   *c = pnstrdup(s, len);

			if (bsearch(&c, r->enum_strings, r->nenum_strings, sizeof(char *), CompareStrings) == NULL)
				Found(found, &n, "not_in_enum", "enum");
		}
		if (r->pattern)
		{
			EdPattern  *pattern = RulePattern(r);

			if (pattern && !ed_pattern_match(pattern, s, len))
				Found(found, &n, "pattern_mismatch", "pattern");
		}
		chars = (r->min_length >= 0 || r->max_length >= 0) ? pg_mbstrlen_with_len(s, len) : 0;
		if (r->min_length >= 0 && chars < r->min_length)
			Found(found, &n, "too_short", "minLength");
		if (r->max_length >= 0 && chars > r->max_length)
			Found(found, &n, "too_long", "maxLength");
		if (r->format != ED_FORMAT_NONE && !HasFormat(r->format, s, len))
			Found(found, &n, "bad_format", "format");
	}
	else if (strcmp(type, "Numeric") == 0)
	{
		double		d;
		int			i;
		bool		listed = false;

		if (v->type == jbvNumeric)
			d = NumericValue(v);
		else if (v->type == jbvString)
			d = strtod(pnstrdup(v->val.string.val, v->val.string.len), NULL);
		else
			return 0;
		for (i = 0; i < r->nenum_numbers && !listed; i++)
			listed = r->enum_numbers[i] == d;
		if (r->has_enum && !listed)
			Found(found, &n, "not_in_enum", "enum");
		if (r->has_minimum && d < r->minimum)
			Found(found, &n, "out_of_range", "minimum");
		if (r->has_maximum && d > r->maximum)
			Found(found, &n, "out_of_range", "maximum");
		if (r->has_exclusive_minimum && d <= r->exclusive_minimum)
			Found(found, &n, "out_of_range", "exclusiveMinimum");
		if (r->has_exclusive_maximum && d >= r->exclusive_maximum)
			Found(found, &n, "out_of_range", "exclusiveMaximum");
	}
	else if (strcmp(type, "Boolean") == 0 && r->has_enum)
	{
		bool		b = v->type == jbvBool ? v->val.boolean :
			(v->type == jbvString && v->val.string.len == 4);

		if ((r->enum_booleans & (b ? 2 : 1)) == 0)
			Found(found, &n, "not_in_enum", "enum");
	}
	else if (strcmp(type, "Array") == 0 && v->type == jbvBinary)
	{
		int			items = JsonContainerSize(v->val.binary.data);

		if (r->min_items >= 0 && items < r->min_items)
			Found(found, &n, "too_short", "minItems");
		if (r->max_items >= 0 && items > r->max_items)
			Found(found, &n, "too_long", "maxItems");
	}
	return n;
}
