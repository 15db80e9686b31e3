/*-------------------------------------------------------------------------
 *
 * definitions.h
 *	  Helpers of definitions.c used by the other entry points.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DEFINITIONS_H
#define DEFINITIONS_H

#include "fmgr.h"

#include "ed_json.h"

extern Datum ed_render_definition(int64 project_id, Datum id, bool read_only, bool *found);
extern void ed_definition_not_found(void) pg_attribute_noreturn();
extern int64 ed_project_arg(FunctionCallInfo fcinfo);
extern Datum ed_id_arg(FunctionCallInfo fcinfo, int argno);
extern EdJson *ed_body_arg(FunctionCallInfo fcinfo, int argno, const char *what);

#endif							/* DEFINITIONS_H */
