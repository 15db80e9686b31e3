/*-------------------------------------------------------------------------
 *
 * definitions.h
 *	  The entry points' shared helpers: validated bodies of definitions
 *	  (definitions.c) and property groups (property_groups.c), rendering
 *	  and not-found of a definition, a project's number of definitions
 *	  (counts.c) and the arguments (args.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef DEFINITIONS_H
#define DEFINITIONS_H

#include "fmgr.h"

#include "ed_json.h"
#include "pattern.h"

/* What a create or PATCH body says; has_* tell which keys were present. */
typedef struct DefinitionInput
{
	char	   *name;
	bool		has_owner;
	bool		owner_null;
	int32		owner;
	bool		has_description;
	char	   *description;	/* NULL for JSON null */
	bool		has_tags;
	char	  **tags;			/* normalized, sorted */
	int			ntags;
	char	  **tags_as_sent;	/* normalized, in the request's order */
	int			ntags_as_sent;
	bool		has_verified;
	bool		verified;
	bool		has_hidden;
	bool		hidden_null;
	bool		hidden;
	bool		has_enforcement_mode;
	char	   *enforcement_mode;
	bool		has_promoted;
	char	   *promoted;		/* NULL for JSON null */
	bool		has_default_columns;
	char	  **default_columns;	/* NULL for JSON null */
	int			ndefault_columns;
} DefinitionInput;

/* A validated property group body; has_* tell which keys were present. */
typedef struct GroupInput
{
	bool		has_name;
	char	   *name;
	bool		has_description;
	char	   *description;
	bool		has_properties;
	int			nproperties;
	char	  **prop_names;
	char	  **prop_types;
	bool	   *prop_required;
	bool	   *prop_optional_in_types;
	char	  **prop_descriptions;
	char	  **prop_rules;		/* JSON text, NULL for none */
} GroupInput;

/* definitions.c */
extern void ed_parse_definition_body(EdJson *body, bool creating, DefinitionInput *in);
extern Datum ed_render_definition(int64 project_id, Datum id, bool read_only, bool *found);
extern void ed_definition_not_found(void) pg_attribute_noreturn();

/* property_groups.c */
extern void ed_parse_group_body(EdJson *body, bool creating, EdPattern *property_pattern,
								GroupInput *in);

/* counts.c */
extern int64 ed_definition_count(int64 project_id, bool *known);

/* args.c */
extern void ed_check_arg_size(Size size, const char *what);
extern void ed_check_arg_limit(Size size, Size max, const char *label, const char *what);
extern int64 ed_project_arg(FunctionCallInfo fcinfo);
extern Datum ed_uuid_arg(FunctionCallInfo fcinfo, int argno, bool *found);
extern Datum ed_id_arg(FunctionCallInfo fcinfo, int argno);
extern EdJson *ed_body_arg(FunctionCallInfo fcinfo, int argno, const char *what);
extern char *ed_text_arg(FunctionCallInfo fcinfo, int argno, const char *what);
extern bool ed_text_longer_than(text *t, int max_chars);

#endif							/* DEFINITIONS_H */
