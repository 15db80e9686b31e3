/*-------------------------------------------------------------------------
 *
 * nameset.h
 *	  A growable hash set of names (nameset.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef NAMESET_H
#define NAMESET_H

/* A set of names; {0} is empty.  Names are copied in. */
typedef struct NameSet
{
	int			n;				/* names in the set */
	int			cap;			/* slots: 0 or a power of two */
	char	  **names;			/* open addressing; NULL is a free slot */
} NameSet;

extern bool nameset_contains(NameSet *set, const char *name);
extern void nameset_add(NameSet *set, const char *name);
extern char *nameset_unique(NameSet *set, const char *base, const char *sep);

#endif							/* NAMESET_H */
