/*-------------------------------------------------------------------------
 *
 * definitions.h
 *	  The entry points' shared helpers: rendering and not-found of a
 *	  definition (definitions.c), a project's number of definitions
 *	  (counts.c) and the arguments (args.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef DEFINITIONS_H
#define DEFINITIONS_H

#include "fmgr.h"

#include "ed_json.h"

/* definitions.c */
extern Datum ed_render_definition(int64 project_id, Datum id, bool read_only, bool *found);
extern void ed_definition_not_found(void) pg_attribute_noreturn();

/* counts.c */
extern int64 ed_definition_count(int64 project_id, bool *known);

/* args.c */
extern void ed_check_arg_size(Size size, const char *what);
extern int64 ed_project_arg(FunctionCallInfo fcinfo);
extern Datum ed_uuid_arg(FunctionCallInfo fcinfo, int argno, bool *found);
extern Datum ed_id_arg(FunctionCallInfo fcinfo, int argno);
extern EdJson *ed_body_arg(FunctionCallInfo fcinfo, int argno, const char *what);
extern char *ed_text_arg(FunctionCallInfo fcinfo, int argno, const char *what);
extern bool ed_text_longer_than(text *t, int max_chars);

#endif							/* DEFINITIONS_H */
