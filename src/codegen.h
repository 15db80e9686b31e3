/*-------------------------------------------------------------------------
 *
 * codegen.h
 *	  The schema snapshot the code generators read, and their shared
 *	  helpers.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CODEGEN_H
#define CODEGEN_H

#include "lib/stringinfo.h"

#include "nameset.h"

#define ED_GENERATOR_VERSION "1.0.0"

typedef struct CodegenProperty
{
	char	   *name;
	char	   *type;			/* String, Numeric, Boolean, DateTime, Object, Array */
	bool		required;
} CodegenProperty;

typedef struct CodegenEvent
{
	char	   *name;
	int			nprops;			/* every property of every attached group */
	CodegenProperty *props;		/* by name, then type, then required */
	int			nfields;		/* the same, one per name (required wins) */
	CodegenProperty *fields;
} CodegenEvent;

typedef struct CodegenSchema
{
	int			nevents;
	CodegenEvent *events;		/* by name, code point order */
	char	   *generated_at;	/* transaction start, local time, isoformat */
	bool		has_datetime;
} CodegenSchema;

/*
 * The property types, in this order in each generator's table of type
 * names (CODEGEN_OTHER for a type this version does not know).
 */
typedef enum CodegenType
{
	CODEGEN_STRING,
	CODEGEN_NUMERIC,
	CODEGEN_BOOLEAN,
	CODEGEN_DATETIME,
	CODEGEN_ARRAY,
	CODEGEN_OBJECT,
	CODEGEN_OTHER
} CodegenType;

extern CodegenType codegen_type(const char *type);

extern char *codegen_literal(const char *s);
extern char **codegen_split_alnum(const char *s, int *nparts);
extern char *codegen_join_alnum(const char *s, const char *sep, int *nparts);
extern bool codegen_in_list(const char *s, const char *const *list);

extern void codegen_typescript(CodegenSchema *schema, StringInfo out);
extern void codegen_python(CodegenSchema *schema, StringInfo out);
extern void codegen_golang(CodegenSchema *schema, StringInfo out);

#endif							/* CODEGEN_H */
