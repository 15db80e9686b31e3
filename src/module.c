/*-------------------------------------------------------------------------
 *
 * module.c
 *	  Module entry: the extension's settings.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"
#include "utils/jsonb.h"

#include "codegen.h"
#include "event_definitions.h"

PG_MODULE_MAGIC;

char	   *ed_base_url = NULL;
bool		ed_enable_reject_mode = false;
static char *ed_user_id_setting = NULL;

void		_PG_init(void);

/*
 * Define the extension's settings.
 */
void
_PG_init(void)
{
	DefineCustomStringVariable("event_definitions.base_url",
							   "Absolute URL prefix of the list's next/previous links.",
							   "\"{project_id}\" in it is replaced by the project. When empty, the links are bare query strings.",
							   &ed_base_url,
							   "",
							   PGC_USERSET,
							   0,
							   NULL, NULL, NULL);
	DefineCustomStringVariable("event_definitions.user_id",
							   "Acting user for gateway, admin and superuser connections without a JWT claim user_id.",
							   "Ignored for other connections, whose acting user follows their login role.",
							   &ed_user_id_setting,
							   "",
							   PGC_USERSET,
							   0,
							   NULL, NULL, NULL);
	DefineCustomBoolVariable("event_definitions.enable_reject_mode",
							 "Allows enforcement_mode \"reject\" on event definitions.",
							 "PostHog gates it behind the schema-enforcement-reject feature flag.",
							 &ed_enable_reject_mode,
							 false,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);
	DefineCustomIntVariable("event_definitions.last_seen_interval",
							"How often ingestion writes an event definition's last_seen_at.",
							"An event moves last_seen_at only when it falls in a later interval than the stored time; 0 writes every later event.",
							&ed_last_seen_interval,
							3600,
							0,
							86400,
							PGC_USERSET,
							GUC_UNIT_S,
							NULL, NULL, NULL);
	DefineCustomIntVariable("event_definitions.generator_jsonb_limit",
							"The largest jsonb answer of the code generators.",
							"A generated file whose answer would be larger is an error that names the generator's _chunks function; jsonb itself holds at most 268435455 bytes.",
							&ed_generator_jsonb_limit,
							JENTRY_OFFLENMASK,
							1024,
							JENTRY_OFFLENMASK,
							PGC_USERSET,
							GUC_UNIT_BYTE,
							NULL, NULL, NULL);
	MarkGUCPrefixReserved("event_definitions");
}
