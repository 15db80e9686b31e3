/*-------------------------------------------------------------------------
 *
 * fuzz_request.c
 *	  libFuzzer target: a request body through src/ed_json.c, src/request.c
 *	  and src/tags.c, as create/update/bulk/property-group bodies go.
 *
 * Every validator is run on the root and on every member down to a few
 * levels; an ERROR is a fine answer.  Oracles beyond the sanitizers: a
 * serialized tree parses back to the same text, an escaped string parses
 * back to the same bytes, normalized tags are sorted, unique, non-blank
 * and valid UTF-8, and a stripped string is valid UTF-8.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mb/pg_wchar.h"

#include "event_definitions.h"
#include "shim.h"

static const char *const choices[] = {"event", "event_custom", "add", "remove", "set",
"allow", "reject", "String", "Numeric", NULL};

/* each PG_TRY block is its own function, so no local is clobbered by longjmp */

static EdJson *
TryParse(const char *data, size_t len)
{
	EdJson	   *volatile result = NULL;

	PG_TRY();
	{
		result = ed_json_parse(data, len, "fuzz input");
	}
	PG_CATCH();
	{
		fuzz_flush_error();
	}
	PG_END_TRY();
	return result;
}

static void
TryBody(const char *data, size_t len, bool short_header)
{
	text	   *body;

	if (short_header)
	{
		body = palloc(len + 1);
		SET_VARSIZE_SHORT(body, len + 1);
	}
	else
	{
		body = palloc(len + VARHDRSZ);
		SET_VARSIZE(body, len + VARHDRSZ);
	}
	memcpy(VARDATA_ANY(body), data, len);
	PG_TRY();
	{
		EdJson	   *v = ed_parse_body(body, "body");

		if (v->type != EDJ_OBJECT)
			fuzz_fail("ed_parse_body returned a non-object");
	}
	PG_CATCH();
	{
		fuzz_flush_error();
	}
	PG_END_TRY();
}

static void
CheckSerialize(EdJson *v)
{
	PG_TRY();
	{
		char	   *once = ed_json_serialize(v);
		EdJson	   *back = TryParse(once, strlen(once));
		char	   *twice;

		if (back == NULL)
			fuzz_fail("serialized JSON does not parse: %s", once);
		twice = ed_json_serialize(back);
		if (strcmp(once, twice) != 0)
			fuzz_fail("serialization is not stable: %s / %s", once, twice);
	}
	PG_CATCH();
	{
		fuzz_flush_error();
	}
	PG_END_TRY();
}

static void
CheckString(EdJson *v)
{
	StringInfoData buf;
	EdJson	   *back;
	char	   *stripped;

	if (v->type != EDJ_STRING)
		return;
	initStringInfo(&buf);
	ed_json_append_string(&buf, v->str, v->len);
	back = TryParse(buf.data, buf.len);
	if (back == NULL || back->type != EDJ_STRING || back->len != v->len ||
		memcmp(back->str, v->str, v->len) != 0)
		fuzz_fail("escaped string does not parse back: %s", buf.data);
	for (int i = 0; i < buf.len; i++)
		if ((unsigned char) buf.data[i] < 0x20)
			fuzz_fail("control character left unescaped: %s", buf.data);

	stripped = ed_strip(v->str);
	if (!fuzz_valid_utf8(stripped, strlen(stripped)))
		fuzz_fail("ed_strip made invalid UTF-8 of %s", buf.data);
}

static void
Validate(EdJson *v, const char *attr)
{
	PG_TRY();
	{
		char	   *s = ed_field_string(v, attr, true, false, ED_MAX_NAME_LENGTH);

		if (s != NULL && (s[0] == '\0' || pg_mbstrlen(s) > ED_MAX_NAME_LENGTH ||
						  !fuzz_valid_utf8(s, strlen(s))))
			fuzz_fail("ed_field_string accepted a blank, long or invalid string");
	}
	PG_CATCH();
	{
		fuzz_flush_error();
	}
	PG_END_TRY();

	PG_TRY();
	{
		(void) ed_field_string(v, attr, false, true, 0);
	}
	PG_CATCH();
	{
		fuzz_flush_error();
	}
	PG_END_TRY();

	PG_TRY();
	{
		(void) ed_field_bool(v, attr);
	}
	PG_CATCH();
	{
		fuzz_flush_error();
	}
	PG_END_TRY();

	PG_TRY();
	{
		char	   *result = NULL;

		if (ed_field_choice(v, attr, choices, &result) && result == NULL)
			fuzz_fail("ed_field_choice returned true without a choice");
	}
	PG_CATCH();
	{
		fuzz_flush_error();
	}
	PG_END_TRY();

	PG_TRY();
	{
		int			n;

		(void) ed_field_string_list(v, attr, ED_MAX_BULK_IDS, &n);
	}
	PG_CATCH();
	{
		fuzz_flush_error();
	}
	PG_END_TRY();

	PG_TRY();
	{
		(void) ed_field_user_id(v, attr);
	}
	PG_CATCH();
	{
		fuzz_flush_error();
	}
	PG_END_TRY();

	PG_TRY();
	{
		int			n,
					i;
		char	  **tags = ed_normalize_tags(v, attr, &n);

		if (n < 0 || n > ED_MAX_TAGS)
			fuzz_fail("ed_normalize_tags returned %d tags", n);
		for (i = 0; i < n; i++)
		{
			if (tags[i][0] == '\0' || !fuzz_valid_utf8(tags[i], strlen(tags[i])))
				fuzz_fail("blank or invalid tag");
			if (i > 0 && strcmp(tags[i - 1], tags[i]) >= 0)
				fuzz_fail("tags not sorted and unique: \"%s\", \"%s\"", tags[i - 1], tags[i]);
		}
	}
	PG_CATCH();
	{
		fuzz_flush_error();
	}
	PG_END_TRY();

	CheckString(v);
}

static int	budget;

static void
Walk(EdJson *v, const char *attr, int depth)
{
	int			i;

	if (budget-- <= 0)
		return;
	Validate(v, attr);
	if (depth >= 3 || (v->type != EDJ_ARRAY && v->type != EDJ_OBJECT))
		return;
	for (i = 0; i < v->len; i++)
	{
		if (v->type == EDJ_OBJECT)
		{
			if (ed_json_get(v, v->keys[i]) == NULL)
				fuzz_fail("ed_json_get does not find key %d", i);
			Walk(v->items[i], v->keys[i], depth + 1);
		}
		else
			Walk(v->items[i], psprintf("%s__%d", attr, i), depth + 1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	EdJson	   *root;

	fuzz_begin();
	TryBody((const char *) data, size, false);
	if (size + 1 <= VARATT_SHORT_MAX)
		TryBody((const char *) data, size, true);
	root = TryParse((const char *) data, size);
	if (root != NULL)
	{
		(void) ed_json_type_name(root);
		(void) ed_python_type(root);
		CheckSerialize(root);
		budget = 200;
		Walk(root, "body", 0);
	}
	fuzz_end();
	return 0;
}
