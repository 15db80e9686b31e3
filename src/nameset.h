/*-------------------------------------------------------------------------
 *
 * nameset.h
 *	  A growable hash set of names (nameset.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef NAMESET_H
#define NAMESET_H

/* A slot of a NameSet: a name and its hash, or NULL. */
typedef struct NameSlot
{
	char	   *name;
	uint32		hash;
} NameSlot;

/* A set of names; {0} is empty.  Names are copied in. */
typedef struct NameSet
{
	int			n;				/* names in the set */
	int			cap;			/* slots: 0 or a power of two */
	NameSlot   *slots;			/* open addressing */
} NameSet;

extern bool nameset_contains(NameSet *set, const char *name);
extern void nameset_add(NameSet *set, const char *name);
extern char *nameset_unique(NameSet *set, const char *base, const char *sep);
extern void nameset_copy(NameSet *dst, const NameSet *src);

#endif							/* NAMESET_H */
