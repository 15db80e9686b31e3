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

/* A growable hash set of identifiers, for the uniqueness rules; {0} is empty. */
typedef struct NameSet
{
	int			n;				/* names in the set */
	int			cap;			/* slots: 0 or a power of two */
	char	  **names;			/* open addressing; NULL is a free slot */
} NameSet;

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
extern bool nameset_contains(NameSet *set, const char *name);
extern void nameset_add(NameSet *set, const char *name);
extern char *nameset_unique(NameSet *set, const char *base, const char *sep);

extern char *codegen_literal(const char *s);
extern char **codegen_split_alnum(const char *s, int *nparts);
extern char *codegen_join_alnum(const char *s, const char *sep, int *nparts);
extern bool codegen_in_list(const char *s, const char *const *list);

extern void codegen_typescript(CodegenSchema *schema, StringInfo out);
extern void codegen_python(CodegenSchema *schema, StringInfo out);
extern void codegen_golang(CodegenSchema *schema, StringInfo out);

#endif							/* CODEGEN_H */
