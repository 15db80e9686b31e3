-- Value rules on the properties of property groups (a JSON Schema subset):
-- validated when written (a keyword that does not fit the property's type,
-- an unknown keyword, an invalid regular expression are 400s naming the
-- field), shown and logged with the group, and enforced by ingestion: each
-- kind reported under "allow", refusing the event under "reject".
-- Project 7701.
\set VERBOSITY terse
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/try_terse.psql
SELECT event_definitions.upsert_project(7701, 'Rules') ->> 'name';

-- ---------------------------------------------------------------- validation at write time
CREATE TEMP TABLE bad_rules (n serial, property_type text, rules text);
INSERT INTO bad_rules (property_type, rules) VALUES
	('String', '{"enumm": ["a"]}'),
	('String', '{"minimum": 1}'),
	('Numeric', '{"pattern": "^a"}'),
	('Boolean', '{"minLength": 1}'),
	('DateTime', '{"enum": ["2024-01-01"]}'),
	('Object', '{"maxItems": 2}'),
	('Array', '{"maxLength": 2}'),
	('String', '{"enum": []}'),
	('String', '{"enum": "a"}'),
	('String', '{"enum": ["a", "a"]}'),
	('String', '{"enum": ["a", 1]}'),
	('Numeric', '{"enum": [1, "1"]}'),
	('Boolean', '{"enum": [true, "false"]}'),
	('String', '{"pattern": "(unclosed"}'),
	('String', '{"pattern": ""}'),
	('String', '{"pattern": 5}'),
	('String', '{"format": "phone"}'),
	('String', '{"format": 1}'),
	('String', '{"minLength": -1}'),
	('String', '{"minLength": 1.5}'),
	('String', '{"minLength": 5, "maxLength": 2}'),
	('Numeric', '{"minimum": "1"}'),
	('Numeric', '{"minimum": 5, "maximum": 1}'),
	('Numeric', '{"exclusiveMinimum": 5, "exclusiveMaximum": 5.0, "minimum": 6}'),
	('Array', '{"minItems": 3, "maxItems": 1}'),
	('String', '[1]'),
	('String', '"enum"');
SELECT n, property_type, rules, pg_temp.try(format(
	'SELECT event_definitions.create_property_group(7701, %L) ->> ''name''',
	format('{"name": "bad_%s", "properties": [{"name": "p", "property_type": "%s", "rules": %s}]}', n, property_type, rules))) AS answer
FROM bad_rules ORDER BY n;
-- none of them was written
SELECT count(*) AS groups FROM event_definitions_private.property_groups WHERE project_id = 7701;
-- empty and null rules are no rules
SELECT event_definitions.create_property_group(7701, '{"name": "NoRules", "properties": [
	{"name": "a", "property_type": "String", "rules": {}}, {"name": "b", "property_type": "String", "rules": null}]}')
	#- '{properties,0,id}' #- '{properties,1,id}' -> 'properties' AS no_rules;

-- ---------------------------------------------------------------- one property per kind
SELECT event_definitions.create_property_group(7701, '{"name": "Checkout", "properties": [
	{"name": "plan", "property_type": "String", "is_required": true, "rules": {"enum": ["free", "pro", "team"]}},
	{"name": "seats", "property_type": "Numeric", "rules": {"enum": [1, 5, 10]}},
	{"name": "trial", "property_type": "Boolean", "rules": {"enum": [true]}},
	{"name": "coupon", "property_type": "String", "rules": {"pattern": "^[A-Z]{4}[0-9]{2}$"}},
	{"name": "total", "property_type": "Numeric", "rules": {"minimum": 0, "maximum": 1000}},
	{"name": "discount", "property_type": "Numeric", "rules": {"exclusiveMinimum": 0, "exclusiveMaximum": 1}},
	{"name": "note", "property_type": "String", "rules": {"minLength": 2, "maxLength": 5}},
	{"name": "items", "property_type": "Array", "rules": {"minItems": 1, "maxItems": 3}},
	{"name": "paid_at", "property_type": "String", "rules": {"format": "date-time"}},
	{"name": "email", "property_type": "String", "rules": {"format": "email"}},
	{"name": "site", "property_type": "String", "rules": {"format": "uri"}},
	{"name": "order_id", "property_type": "String", "is_optional_in_types": true, "rules": {"format": "uuid"}}]}')
	IS NOT NULL AS created;
SELECT p.name, p.property_type, p.is_required, p.is_optional_in_types, p.rules
FROM event_definitions_private.property_group_properties p
JOIN event_definitions_private.property_groups g ON g.project_id = p.project_id AND g.id = p.property_group_id
WHERE g.project_id = 7701 AND g.name = 'Checkout' ORDER BY p.name;
SELECT event_definitions.create_event_definition(7701, '{"name": "checkout"}') ->> 'name';
SELECT event_definitions.add_event_schema(7701,
	(SELECT id FROM event_definitions_private.event_definitions WHERE project_id = 7701 AND name = 'checkout'),
	(SELECT id FROM event_definitions_private.property_groups WHERE project_id = 7701 AND name = 'Checkout')) IS NOT NULL AS attached;
-- the rules are logged with the group
SELECT c -> 'after' -> 0 AS logged
FROM event_definitions_private.activity_log, jsonb_array_elements(detail -> 'changes') c
WHERE project_id = 7701 AND detail ->> 'name' = 'Checkout' AND activity = 'created' AND c ->> 'field' = 'properties';

CREATE TEMP TABLE cases (n serial, props jsonb);
INSERT INTO cases (props) VALUES
	-- every rule met (a multi-byte note: lengths are in characters)
	('{"plan": "pro", "seats": 5, "trial": true, "coupon": "SAVE10", "total": 0, "discount": 0.5, "note": "héé",
	   "items": [1], "paid_at": "2024-01-02T03:04:05Z", "email": "a@b.co", "site": "https://x.io/p?q=1",
	   "order_id": "0b6e5ff4-4d36-4c0e-9d4b-0b0d7b0a1c2e"}'),
	('{"plan": "free", "seats": 10.0, "total": 1000, "note": "ab", "items": [1, 2, 3]}'),
	-- each rule broken once
	('{"plan": "enterprise"}'),
	('{"plan": "Pro"}'),
	('{"plan": "pro", "seats": 2}'),
	('{"plan": "pro", "trial": false}'),
	('{"plan": "pro", "coupon": "save10"}'),
	('{"plan": "pro", "coupon": "SAVE100"}'),
	('{"plan": "pro", "total": -0.01}'),
	('{"plan": "pro", "total": 1000.5}'),
	('{"plan": "pro", "discount": 0}'),
	('{"plan": "pro", "discount": 1}'),
	('{"plan": "pro", "note": "a"}'),
	('{"plan": "pro", "note": "abcdef"}'),
	('{"plan": "pro", "items": []}'),
	('{"plan": "pro", "items": [1, 2, 3, 4]}'),
	('{"plan": "pro", "paid_at": "yesterday"}'),
	('{"plan": "pro", "email": "not-an-email"}'),
	('{"plan": "pro", "site": "x.io"}'),
	('{"plan": "pro", "order_id": "1234"}'),
	-- numbers given as strings are coerced first, like the type check; a wrong type is
	-- a type_mismatch, not a rule violation
	('{"plan": "pro", "seats": "5", "total": "2000"}'),
	('{"plan": 5, "items": "no"}'),
	-- a missing required property with rules is missing_required only
	('{}'),
	-- several at once, by property name
	('{"plan": "x", "total": -1, "note": "a", "email": "e"}');
-- allow (the default): accepted, each violation named with its rule
SELECT n, r -> 'accepted' AS accepted,
	   (SELECT string_agg(v ->> 'property' || ':' || (v ->> 'violation') || COALESCE('(' || (v ->> 'rule') || ')', ''), ' ' ORDER BY o)
		FROM jsonb_array_elements(r -> 'violations') WITH ORDINALITY AS e(v, o)) AS violations
FROM cases, LATERAL event_definitions.ingest_event(7701, 'checkout', props, '2024-07-01T00:00:00Z') r
ORDER BY n;
-- the answer's shape for a rule violation
SELECT event_definitions.ingest_event(7701, 'checkout', '{"plan": "enterprise"}', '2024-07-01T00:00:00Z');

-- reject: the same cases refuse the event unless every rule is met
SET event_definitions.enable_reject_mode = on;
SELECT event_definitions.update_event_definition(7701,
	(SELECT id FROM event_definitions_private.event_definitions WHERE project_id = 7701 AND name = 'checkout'),
	'{"enforcement_mode": "reject"}') ->> 'enforcement_mode' AS mode;
RESET event_definitions.enable_reject_mode;
SELECT n, r -> 'accepted' AS accepted, jsonb_array_length(r -> 'violations') AS nviolations
FROM cases, LATERAL event_definitions.ingest_event(7701, 'checkout', props, '2024-07-02T00:00:00Z') r
ORDER BY n;

-- ---------------------------------------------------------------- rules change, ingestion follows
-- a changed rule applies to the next event (the kept rules are forgotten)
SELECT event_definitions.ingest_event(7701, 'checkout', '{"plan": "enterprise"}', '2024-07-03T00:00:00Z') -> 'accepted' AS before_change;
SELECT event_definitions.update_property_group(7701,
	(SELECT id FROM event_definitions_private.property_groups WHERE project_id = 7701 AND name = 'Checkout'),
	'{"properties": [{"name": "plan", "property_type": "String", "is_required": true,
	  "rules": {"enum": ["free", "pro", "team", "enterprise"]}}]}') -> 'properties' -> 0 -> 'rules' AS new_rules;
SELECT event_definitions.ingest_event(7701, 'checkout', '{"plan": "enterprise"}', '2024-07-03T00:00:00Z') -> 'accepted' AS after_change;
-- the change is logged: the property's rules before and after
SELECT c ->> 'field' AS field, jsonb_array_length(c -> 'before') AS before_properties,
	   (SELECT b -> 'rules' FROM jsonb_array_elements(c -> 'before') b WHERE b ->> 'name' = 'plan') AS before_rules,
	   c -> 'after' -> 0 -> 'rules' AS after_rules
FROM event_definitions_private.activity_log, jsonb_array_elements(detail -> 'changes') c
WHERE project_id = 7701 AND detail ->> 'name' = 'Checkout' AND activity = 'changed';
-- a rule on a property whose group is detached no longer applies
SELECT event_definitions.remove_event_schema(7701,
	(SELECT id FROM event_definitions_private.event_definitions WHERE project_id = 7701 AND name = 'checkout'),
	(SELECT id FROM event_definitions_private.property_groups WHERE project_id = 7701 AND name = 'Checkout'));
SELECT event_definitions.ingest_event(7701, 'checkout', '{"plan": "nope"}', '2024-07-04T00:00:00Z');
