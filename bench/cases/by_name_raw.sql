-- The floor of by_name: the indexed row itself, as the superuser (no
-- row-level security), the columns the function renders.
\set i random(1, 100000)
SELECT d.id, d.name, d.owner_id, d.description, d.tags, d.created_at, d.updated_at, d.updated_by_id,
	d.last_seen_at, d.verified, d.verified_at, d.verified_by_id, d.hidden, d.enforcement_mode,
	d.promoted_property, d.created_by_id, d.default_columns
FROM event_definitions_private.event_definitions d WHERE d.project_id = 1 AND d.name = 'event_' || :i::text;
