/*-------------------------------------------------------------------------
 *
 * request.c
 *	  Validation of request bodies, with PostHog's (Django REST framework's)
 *	  rules and words.
 *
 * Every rejection is a 22023 error whose message names the field; the
 * detail is PostHog's text for the same mistake, and the diagnostic field
 * COLUMN NAME carries PostHog's "attr".
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#include "event_definitions.h"

/*
 * Parse a json argument that must hold an object.
 */
EdJson *
ed_parse_body(text *body, const char *what)
{
	EdJson	   *v = ed_json_parse(VARDATA_ANY(body), VARSIZE_ANY_EXHDR(body), what);

	if (v->type != EDJ_OBJECT)
	{
		char	   *detail = psprintf("Invalid data. Expected a dictionary, but got %s.", ed_python_type(v));

		ereport(ERROR,
				(errcode(ERRCODE_ED_VALIDATION),
				 errmsg("invalid %s: expected a JSON object, got %s", what, ed_json_type_name(v)),
				 errdetail("%s", detail),
				 errhint("%s", ed_posthog_error("validation_error", "invalid_input", detail, NULL))));
	}
	return v;
}

/*
 * DRF's codes of its fixed messages (the error_messages of its fields),
 * by the start of the message; any other validation message (the
 * serializers' own: a duplicate name, hidden and verified, ...) is a
 * ValidationError of code "invalid", which PostHog's exception handler
 * answers as "invalid_input".
 */
static const struct
{
	const char *start;
	const char *code;
}			drf_codes[] = {
	{"This field is required.", "required"},
	{"This field may not be null.", "null"},
	{"This field may not be blank.", "blank"},
	{"This list may not be empty.", "empty"},
	{"Ensure this field has no more than", "max_length"},
	{"Ensure this value is greater than or equal to", "min_value"},
	{"Expected a list of items but got type", "not_a_list"},
	{"Invalid pk \"", "does_not_exist"},
	{"Incorrect type. Expected pk value", "incorrect_type"},
};

/*
 * DRF's code of a validation message.
 */
static const char *
DrfCode(const char *detail)
{
	int			i;
	size_t		len = strlen(detail);

	for (i = 0; i < (int) lengthof(drf_codes); i++)
		if (strncmp(detail, drf_codes[i].start, strlen(drf_codes[i].start)) == 0)
			return drf_codes[i].code;
	if (len > strlen("\" is not a valid choice.") && detail[0] == '"' &&
		strcmp(detail + len - strlen("\" is not a valid choice."), "\" is not a valid choice.") == 0)
		return "invalid_choice";
	return "invalid_input";
}

/*
 * PostHog's error object, {"type", "code", "detail", "attr"}, as JSON
 * text: the hint of every error the extension raises, which PostgREST
 * passes on (details and hint are the only free fields of its error
 * body) and the gateway answers as the body.  attr may be NULL.
 */
char *
ed_posthog_error(const char *type, const char *code, const char *detail, const char *attr)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"type\":");
	ed_json_append_string(&buf, type, strlen(type));
	appendStringInfoString(&buf, ",\"code\":");
	ed_json_append_string(&buf, code, strlen(code));
	appendStringInfoString(&buf, ",\"detail\":");
	ed_json_append_string(&buf, detail, strlen(detail));
	appendStringInfoString(&buf, ",\"attr\":");
	if (attr)
		ed_json_append_string(&buf, attr, strlen(attr));
	else
		appendStringInfoString(&buf, "null");
	appendStringInfoChar(&buf, '}');
	return buf.data;
}

/* where the body being validated sits in a larger document (ed_field_path) */
static const char *field_path = NULL;

/*
 * Name the item being validated within a larger document (a tracking
 * plan): "events__3" makes the field "tags" of an error "events__3__tags".
 * NULL for none.  Answers the path it replaces, which the caller restores
 * in a PG_FINALLY.
 */
const char *
ed_field_path(const char *path)
{
	const char *old = field_path;

	field_path = path;
	return old;
}

/*
 * Reject a request: attr is PostHog's field name (NULL for an error that
 * concerns the whole body), detail PostHog's sentence.  The hint carries
 * PostHog's error object.
 */
void
ed_field_error(const char *attr, const char *detail)
{
	char	   *msg = pstrdup(detail);
	size_t		len = strlen(msg);
	char	   *object;

	if (field_path != NULL)
		attr = attr ? psprintf("%s__%s", field_path, attr) : field_path;
	/* attr may name a key of the user's (a plan's unknown field): quote it as a value */
	if (attr != NULL)
		attr = ed_value_prefix(attr);
	object = ed_posthog_error("validation_error", DrfCode(detail), detail, attr);

	/* house style: message in lower case, without the final period */
	if (len > 0 && msg[len - 1] == '.')
		msg[len - 1] = '\0';
	if (msg[0] >= 'A' && msg[0] <= 'Z' && !(msg[1] >= 'A' && msg[1] <= 'Z'))
		msg[0] = msg[0] - 'A' + 'a';

	if (attr)
		ereport(ERROR,
				(errcode(ERRCODE_ED_VALIDATION),
				 errmsg("invalid \"%s\": %s", attr, msg),
				 errdetail("%s", detail),
				 errhint("%s", object),
				 err_generic_string(PG_DIAG_COLUMN_NAME, attr)));
	else
		ereport(ERROR,
				(errcode(ERRCODE_ED_VALIDATION),
				 errmsg("invalid request: %s", msg),
				 errdetail("%s", detail),
				 errhint("%s", object)));
	pg_unreachable();
}

/*
 * PT404 (HTTP 404) for a missing object, or one the caller may not see:
 * message names what is missing, detail and hint are PostHog's "Not found."
 * and its error object.
 */
void
ed_not_found(const char *message)
{
	ereport(ERROR,
			(errcode(ERRCODE_ED_NOT_FOUND),
			 errmsg("%s", message),
			 errdetail("Not found."),
			 errhint("%s", ed_posthog_error("invalid_request", "not_found", "Not found.", NULL))));
	pg_unreachable();
}

/*
 * The Python type name of a JSON value, as DRF's messages print it.
 */
const char *
ed_python_type(const EdJson *v)
{
	switch (v->type)
	{
		case EDJ_NULL:
			return "NoneType";
		case EDJ_TRUE:
		case EDJ_FALSE:
			return "bool";
		case EDJ_INTEGER:
			return "int";
		case EDJ_REAL:
			return "float";
		case EDJ_STRING:
			return "str";
		case EDJ_ARRAY:
			return "list";
		case EDJ_OBJECT:
			return "dict";
	}
	return "object";
}

/*
 * Is the code point c whitespace for Python's str.strip()?
 */
static bool
IsPythonSpace(pg_wchar c)
{
	return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) ||
		c == 0x85 || c == 0xa0 || c == 0x1680 ||
		(c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
		c == 0x202f || c == 0x205f || c == 0x3000;
}

/*
 * A palloc'd copy of UTF-8 s without leading and trailing Unicode
 * whitespace, as Python's str.strip() leaves it.
 */
char *
ed_strip(const char *s)
{
	const unsigned char *start = (const unsigned char *) s;
	const unsigned char *end = start + strlen(s);
	const unsigned char *last_end;

	while (start < end)
	{
		int			l = pg_utf_mblen(start);

		if (start + l > end || !IsPythonSpace(utf8_to_unicode(start)))
			break;
		start += l;
	}

	/* walk forward to find where trailing whitespace begins */
	last_end = start;
	{
		const unsigned char *p = start;

		while (p < end)
		{
			int			l = pg_utf_mblen(p);

			if (p + l > end)
				l = end - p;
			if (!IsPythonSpace(utf8_to_unicode(p)))
				last_end = p + l;
			p += l;
		}
	}
	return pnstrdup((const char *) start, last_end - start);
}

/* how many characters of a user's value an error message may quote */
#define ED_VALUE_PREFIX_CHARS 64

/*
 * A user's value as an error message may quote it: at most its first 64
 * characters (then "..."), control characters escaped (\n, \t, \x1b), so
 * that a value can neither flood the server log nor forge a line of it.
 */
char *
ed_value_prefix(const char *s)
{
	StringInfoData buf;
	const unsigned char *p = (const unsigned char *) s;
	const unsigned char *end = p + strlen(s);
	int			chars = 0;

	initStringInfo(&buf);
	while (p < end)
	{
		int			len = pg_utf_mblen(p);

		if (chars == ED_VALUE_PREFIX_CHARS)
		{
			appendStringInfoString(&buf, "...");
			break;
		}
		if (p + len > end)
			len = end - p;
		if (*p == '\n')
			appendStringInfoString(&buf, "\\n");
		else if (*p == '\r')
			appendStringInfoString(&buf, "\\r");
		else if (*p == '\t')
			appendStringInfoString(&buf, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			appendStringInfo(&buf, "\\x%02x", *p);
		else
			appendBinaryStringInfo(&buf, (const char *) p, len);
		p += len;
		chars++;
	}
	return buf.data;
}

/*
 * A string field, as DRF's CharField reads it: numbers become their text,
 * surrounding whitespace is trimmed, then blank and length are checked.
 * Returns NULL for JSON null when allow_null.
 */
char *
ed_field_string(EdJson *v, const char *attr, bool allow_null, bool allow_blank, int max_length)
{
	char	   *s;

	switch (v->type)
	{
		case EDJ_NULL:
			if (allow_null)
				return NULL;
			ed_field_error(attr, "This field may not be null.");
			break;
		case EDJ_STRING:
			s = v->str;
			break;
		case EDJ_INTEGER:
			s = psprintf(INT64_FORMAT, v->ival);
			break;
		case EDJ_REAL:
			s = ed_json_real_text(v->rval);
			break;
		default:
			ed_field_error(attr, "Not a valid string.");
	}
	s = ed_strip(s);
	if (s[0] == '\0' && !allow_blank)
		ed_field_error(attr, "This field may not be blank.");
	if (max_length > 0 && pg_mbstrlen(s) > max_length)
		ed_field_error(attr, psprintf("Ensure this field has no more than %d characters.", max_length));
	return s;
}

/*
 * A boolean field, with DRF's BooleanField spellings.
 */
bool
ed_field_bool(EdJson *v, const char *attr)
{
	static const char *const truths[] = {"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True",
	"TRUE", "on", "On", "ON", "1", NULL};
	static const char *const falsehoods[] = {"f", "F", "n", "N", "no", "No", "NO", "false", "False",
	"FALSE", "off", "Off", "OFF", "0", NULL};
	int			i;

	switch (v->type)
	{
		case EDJ_TRUE:
			return true;
		case EDJ_FALSE:
			return false;
		case EDJ_NULL:
			ed_field_error(attr, "This field may not be null.");
			break;
		case EDJ_INTEGER:
			if (v->ival == 1)
				return true;
			if (v->ival == 0)
				return false;
			break;
		case EDJ_REAL:
			if (v->rval == 1.0)
				return true;
			if (v->rval == 0.0)
				return false;
			break;
		case EDJ_STRING:
			for (i = 0; truths[i]; i++)
				if (strcmp(v->str, truths[i]) == 0)
					return true;
			for (i = 0; falsehoods[i]; i++)
				if (strcmp(v->str, falsehoods[i]) == 0)
					return false;
			break;
		default:
			break;
	}
	ed_field_error(attr, "Must be a valid boolean.");
}

/*
 * A choice field: *result is set to the chosen (static) string.  Returns
 * false for JSON null, which the caller may accept or not.
 */
bool
ed_field_choice(EdJson *v, const char *attr, const char *const *choices, char **result)
{
	const char *input;
	int			i;

	if (v->type == EDJ_NULL)
		return false;
	if (v->type == EDJ_STRING)
	{
		for (i = 0; choices[i]; i++)
		{
			if (strcmp(v->str, choices[i]) == 0)
			{
				*result = (char *) choices[i];
				return true;
			}
		}
		input = v->str;
	}
	else if (v->type == EDJ_INTEGER)
		input = psprintf(INT64_FORMAT, v->ival);
	else if (v->type == EDJ_TRUE || v->type == EDJ_FALSE)
		input = v->type == EDJ_TRUE ? "True" : "False";
	else
		input = ed_json_serialize(v);
	ed_field_error(attr, psprintf("\"%s\" is not a valid choice.", ed_value_prefix(input)));
}

/*
 * A list of strings (DRF ListField of CharField); NULL for JSON null.
 */
char **
ed_field_string_list(EdJson *v, const char *attr, int max_items, int *n)
{
	char	  **items;
	int			i;

	*n = 0;
	if (v->type == EDJ_NULL)
		return NULL;
	if (v->type != EDJ_ARRAY)
		ed_field_error(attr, psprintf("Expected a list of items but got type \"%s\".", ed_python_type(v)));
	if (max_items > 0 && v->len > max_items)
		ed_field_error(attr, psprintf("Ensure this field has no more than %d elements.", max_items));
	items = palloc(sizeof(char *) * Max(v->len, 1));
	for (i = 0; i < v->len; i++)
		items[i] = ed_field_string(v->items[i], attr, false, true, 0);
	*n = v->len;
	return items;
}

/*
 * A user primary key (DRF PrimaryKeyRelatedField): an integer or the text
 * of one.  Whether the user exists is the caller's check.
 */
int32
ed_field_user_id(EdJson *v, const char *attr)
{
	if (v->type == EDJ_INTEGER && v->ival >= PG_INT32_MIN && v->ival <= PG_INT32_MAX)
		return (int32) v->ival;
	if (v->type == EDJ_STRING)
	{
		char	   *end;
		long		val;

		errno = 0;
		val = strtol(v->str, &end, 10);
		if (v->str[0] != '\0' && *end == '\0' && errno == 0 &&
			val >= PG_INT32_MIN && val <= PG_INT32_MAX)
			return (int32) val;
		/* Django cannot make an integer of it: DRF answers incorrect_type */
		if (v->str[0] == '\0' || *end != '\0')
			ed_field_error(attr, "Incorrect type. Expected pk value, received str.");
		ed_field_error(attr, psprintf("Invalid pk \"%s\" - object does not exist.", ed_value_prefix(v->str)));
	}
	if (v->type == EDJ_INTEGER)
		ed_field_error(attr, psprintf("Invalid pk \"" INT64_FORMAT "\" - object does not exist.", v->ival));
	ed_field_error(attr, psprintf("Incorrect type. Expected pk value, received %s.", ed_python_type(v)));
}
