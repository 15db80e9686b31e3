/*-------------------------------------------------------------------------
 *
 * governance.h
 *	  Project settings (settings.c), value rules of properties (rules.c)
 *	  and what ingestion keeps of them (ingest.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef GOVERNANCE_H
#define GOVERNANCE_H

#include "utils/jsonb.h"

#include "ed_json.h"
#include "pattern.h"

/* What ingestion does with an event name that has no definition. */
typedef enum EdUnplanned
{
	ED_UNPLANNED_ALLOW,			/* create the definition */
	ED_UNPLANNED_FLAG,			/* create it and report unplanned_event */
	ED_UNPLANNED_REJECT			/* create nothing, refuse the event */
} EdUnplanned;

/* A project's settings, as the C code reads them (defaults without a row). */
typedef struct EdSettings
{
	EdPattern  *event_name_pattern; /* NULL: none */
	EdPattern  *property_name_pattern;
	int32		stale_after_days;
	EdUnplanned unplanned;
	int32		violation_examples;
} EdSettings;

/* An update_project_settings body (PATCH: has[] tells which keys were present). */
typedef struct SettingsInput
{
	bool		has[5];			/* event_name_pattern, property_name_pattern,
								 * stale_after_days, unplanned_events,
								 * violation_examples */
	char	   *patterns[2];	/* event, property; NULL for JSON null */
	int32		stale_after_days;
	char	   *unplanned;
	int32		violation_examples;
} SettingsInput;

/* settings.c */
extern bool ed_governance_installed(void);
extern EdSettings *ed_settings(int64 project_id);
extern void ed_settings_forget(void);
extern bool ed_breaks_pattern(EdPattern *pattern, const char *name, int len);
extern void ed_check_name(EdPattern *pattern, const char *name, const char *attr, const char *what);
extern void ed_parse_settings(EdJson *body, SettingsInput *in);
extern bool ed_store_settings(int64 project_id, SettingsInput *in, Datum user, bool user_null);

/* The formats a String property's "format" rule names. */
typedef enum EdFormat
{
	ED_FORMAT_NONE,
	ED_FORMAT_DATE_TIME,
	ED_FORMAT_EMAIL,
	ED_FORMAT_URI,
	ED_FORMAT_UUID
} EdFormat;

/* A property's value rules, compiled. */
typedef struct EdRules
{
	bool		has_enum;
	int			nenum_strings;	/* String: sorted */
	char	  **enum_strings;
	int			nenum_numbers;	/* Numeric */
	double	   *enum_numbers;
	int			enum_booleans;	/* Boolean: 1 false, 2 true */
	char	   *pattern;		/* NULL: none; compiled when checked (rules.c keeps a few) */
	EdPattern  *compiled;		/* pattern compiled, while kept_generation is current */
	uint64		kept_generation;
	bool		has_minimum,
				has_maximum,
				has_exclusive_minimum,
				has_exclusive_maximum;
	double		minimum,
				maximum,
				exclusive_minimum,
				exclusive_maximum;
	int			min_length,		/* -1: none */
				max_length,
				min_items,
				max_items;
	EdFormat	format;
} EdRules;

/* A violation a rule finds: its kind and the keyword that found it. */
typedef struct EdRuleViolation
{
	const char *violation;		/* not_in_enum, pattern_mismatch, ... */
	const char *rule;			/* enum, pattern, minimum, ... */
} EdRuleViolation;

/* rules.c */
extern char *ed_rules_validate(EdJson *rules, const char *property_type, const char *attr);
extern EdRules *ed_rules_compile(Jsonb *rules, MemoryContext cxt);
extern int	ed_rules_check(EdRules *rules, const char *property_type, JsonbValue *value,
						   EdRuleViolation *found);
extern const char *ed_rules_keywords;

/* ingest.c */
extern uint64 ed_ingest_config_generation(void);

#endif							/* GOVERNANCE_H */
