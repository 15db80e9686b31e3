-- The generators' load query alone (the plan of src/codegen_load.c,
-- RunQuery: keep the two equal), on project 7, every row formed (as an SPI
-- result table would hold it; the generators read the executor's slots
-- instead): the floor of the codegen_*_vs_load rows.
\set project 7
SELECT count(q.*) FROM (SELECT 0 AS kind, NULL::pg_catalog.text COLLATE "C" AS event, p.property_group_id,  p.name, p.property_type, p.is_required, p.is_optional_in_types,  p.rules OPERATOR(pg_catalog.->) 'enum' FROM event_definitions_private.property_group_properties p WHERE p.project_id OPERATOR(pg_catalog.=) :project UNION ALL (SELECT 1, d.name, s.property_group_id, NULL, NULL, NULL, NULL, NULL FROM event_definitions_private.event_definitions d LEFT JOIN event_definitions_private.event_schemas s  ON s.project_id OPERATOR(pg_catalog.=) d.project_id   AND s.event_definition_id OPERATOR(pg_catalog.=) d.id WHERE d.project_id OPERATOR(pg_catalog.=) :project  AND (NOT pg_catalog.starts_with(d.name, '$')       OR d.name OPERATOR(pg_catalog.=) ANY ('{$pageview,$pageleave,$screen}'::pg_catalog.text[]))  ORDER BY d.name, s.property_group_id)) AS q;
