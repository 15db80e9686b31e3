/*-------------------------------------------------------------------------
 *
 * event_definitions.h
 *	  Declarations shared by the event_definitions C modules.
 *
 *-------------------------------------------------------------------------
 */
#ifndef EVENT_DEFINITIONS_H
#define EVENT_DEFINITIONS_H

#include "executor/spi.h"
#include "fmgr.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "ed_json.h"

/*
 * SQLSTATEs.  PostgREST answers PTxyz with HTTP status xyz; 22023 and 22032
 * become 400, 42501 becomes 403 (401 for an anonymous role).
 */
#define ERRCODE_ED_NOT_FOUND		MAKE_SQLSTATE('P','T','4','0','4')
#define ERRCODE_ED_VALIDATION		ERRCODE_INVALID_PARAMETER_VALUE

#define ED_SCOPE_DEFINITION		"EventDefinition"
#define ED_SCOPE_PROPERTY_GROUP	"SchemaPropertyGroup"

#define ED_MAX_NAME_LENGTH		400
#define ED_MAX_TAG_LENGTH		255
#define ED_MAX_TAGS				100
#define ED_MAX_BULK_IDS			500

/* A kept SPI plan, prepared on first use in a backend. */
typedef struct EdPlan
{
	const char *sql;
	int			nargs;
	Oid			argtypes[24];
	SPIPlanPtr	plan;
} EdPlan;

/* util.c */
extern SPIPlanPtr ed_plan(EdPlan *p);
extern int	ed_exec(EdPlan *p, Datum *values, const char *nulls, bool read_only, long count);
extern int	ed_exec_latest(EdPlan *p, Datum *values, const char *nulls, bool *keep, long count);
extern Datum ed_copy_result(int row, int col, bool *isnull);
extern void ed_require_project(int64 project_id);
extern char *ed_uuid_text(pg_uuid_t *uuid);
extern pg_uuid_t *ed_parse_uuid(const char *s, bool *ok);
extern Datum ed_text_array(char **items, int n);
extern char *ed_query_string_escape(const char *s);
extern void ed_set_response_status(const char *status);
extern JsonbValue *ed_jsonb_member(JsonbContainer *obj, const char *key);

/* request.c: validation of request bodies */
extern EdJson *ed_parse_body(text *body, const char *what);
extern const char *ed_field_path(const char *path);
extern void ed_field_error(const char *attr, const char *detail) pg_attribute_noreturn();
extern void ed_not_found(const char *message) pg_attribute_noreturn();
extern char *ed_posthog_error(const char *type, const char *code, const char *detail, const char *attr);
extern char *ed_field_string(EdJson *v, const char *attr, bool allow_null, bool allow_blank,
							 int max_length);
extern bool ed_field_bool(EdJson *v, const char *attr);
extern bool ed_field_choice(EdJson *v, const char *attr, const char *const *choices, char **result);
extern char **ed_field_string_list(EdJson *v, const char *attr, int max_items, int *n);
extern int32 ed_field_user_id(EdJson *v, const char *attr);
extern const char *ed_python_type(const EdJson *v);
extern char *ed_strip(const char *s);
extern char *ed_value_prefix(const char *s);

/* tags.c */
extern char **ed_normalize_tags(EdJson *list, const char *attr, int *ntags);
extern char **ed_tags_as_sent(EdJson *list, int *ntags);
extern int	ed_sort_dedupe(char **items, int n);

/* identity.c */

/* What a call may do with a project (ed_project_access). */
typedef enum EdAccess
{
	ED_ACCESS_NONE,				/* nothing: it answers like a missing project */
	ED_ACCESS_MEMBER,			/* the acting user is a member: it exists */
	ED_ACCESS_ALL				/* an admin: every project that exists */
} EdAccess;

/* The user and security context saved by ed_become_owner(). */
typedef struct EdUserSwitch
{
	Oid			userid;
	int			sec_context;
} EdUserSwitch;

extern uint64 ed_identity_generation(void);
extern int32 ed_acting_user(bool *isnull);
extern EdAccess ed_project_access(int64 project_id);
extern Oid	ed_extension_owner(void);
extern void ed_become_owner(EdUserSwitch *s);
extern void ed_restore_user(EdUserSwitch *s);

/* module.c */
extern char *ed_base_url;
extern bool ed_enable_reject_mode;
extern int	ed_last_seen_interval;

/* time.c */
extern char *ed_format_iso8601(TimestampTz ts);
extern char *ed_local_isoformat(TimestampTz ts);
extern bool ed_is_iso8601(const char *s);

#endif							/* EVENT_DEFINITIONS_H */
