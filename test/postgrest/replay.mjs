// The replay suite: every endpoint of docs/postgrest.md sent through the
// PostgREST emulator of one version (read and write; reader, writer,
// another project's writer, anonymous), printing for each request what the
// emulator sent to PostgreSQL and the HTTP response it answered.  The check
// script compares the output with expected/replay-<version>.out.
//
//   node replay.mjs --version 12.2 --database replay_12_2

import pg from 'pg';
import {emulator, tokens, mask, dbUri} from './common.mjs';

const args = process.argv.slice(2);
const version = args[args.indexOf('--version') + 1];
const database = args[args.indexOf('--database') + 1];

const ED = '71010000-0000-4000-8000-00000000000';	// + 1 signup, 2 checkout, 3 page_view
const SECRET = '71020000-0000-4000-8000-000000000001';
const tok = tokens();
const out = [];
const vars = {};

const p = emulator(version, database);
await p.connect();

function show(title, req, res) {
	out.push(`### ${title}`);
	const qs = req.query ? `?${req.query}` : '';
	out.push(`> ${req.method} ${req.path}${qs}`);
	for (const [k, v] of Object.entries(req.headers || {})) out.push(`> ${k}: ${v}`);
	if (req.body !== undefined) out.push(`> ${req.body}`);
	for (const st of res.statements) {
		out.push(`  ${st.sql}`);
		if (st.params && st.params.length) {
			out.push('    ' + st.params.map((v, i) => `$${i + 1}${st.types[i] === 'json' ? ' json' : ''} = ${v === null ? 'NULL' : `'${v}'`}`).join(', '));
		}
	}
	out.push(`< ${res.status}`);
	for (const k of Object.keys(res.headers).sort()) out.push(`< ${k}: ${res.headers[k]}`);
	out.push(`< ${showBody(res.body)}`);
	out.push('');
}

// Generated code: its line count and whether it names each event, instead of the whole file
function showBody(body) {
	if (!body) return '(no body)';
	try {
		const j = JSON.parse(body);
		if (j && typeof j.content === 'string' && 'generator_version' in j) {
			const c = j.content;
			const named = ['signup', 'checkout', 'page_view'].filter((n) => c.includes(n));
			return `{"content": <${c.split('\n').length} lines naming ${named.join(', ')}>, "event_count": ${j.event_count}, "generator_version": "${j.generator_version}", "schema_hash": "${j.schema_hash}"}`;
		}
	} catch { /* not JSON: printed as it is */ }
	return body;
}

async function send(title, method, path, {query = '', token, headers = {}, body} = {}) {
	const h = {...headers};
	if (token) h.Authorization = `Bearer ${tok[token]}`;
	if (body !== undefined && !('Content-Type' in h)) h['Content-Type'] = 'application/json';
	const q = query.replace(/\$\{(\w+)\}/g, (_, n) => vars[n]);
	const b = body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)).replace(/\$\{(\w+)\}/g, (_, n) => vars[n]);
	const req = {method, path, query: q, headers: h, body: b};
	const res = await p.handle(req);
	show(title, req, res);
	return res;
}
const get = (title, path, opts) => send(title, 'GET', path, opts);
const post = (title, path, body, opts = {}) => send(title, 'POST', path, {...opts, body});

// ---------------------------------------------------------------- reads, Alice's reader token
const R = {token: 'alice_r'};
await get('the view, PostHog GET /?ordering=name: 200 with the whole count', '/event_definitions',
	{...R, query: 'project_id=eq.7101&order=name', headers: {Prefer: 'count=exact'}});
await get('a first page: 206 Partial Content, 0-1/3', '/event_definitions',
	{...R, query: 'project_id=eq.7101&order=name.asc&limit=2&offset=0&select=name', headers: {Prefer: 'count=exact'}});
await get('the last page: 206, 2-2/3', '/event_definitions',
	{...R, query: 'project_id=eq.7101&order=name.asc&limit=2&offset=2&select=name', headers: {Prefer: 'count=exact'}});
await get('past the end: 416 PGRST103', '/event_definitions',
	{...R, query: 'project_id=eq.7101&order=name.asc&limit=2&offset=5&select=name', headers: {Prefer: 'count=exact'}});
await get('retrieve through the view, PostHog GET /{id}/: one object', '/event_definitions',
	{...R, query: `id=eq.${ED}1&select=name,last_seen_at,tags,owner`, headers: {Accept: 'application/vnd.pgrst.object+json'}});
await get('another project\'s id through the view: 406 PGRST116, like a missing one (the message differs per version)', '/event_definitions',
	{...R, query: `id=eq.${SECRET}`, headers: {Accept: 'application/vnd.pgrst.object+json'}});
await get('another project through the view: empty, never an error', '/event_definitions',
	{...R, query: 'project_id=eq.7102', headers: {Prefer: 'count=exact'}});
await post('a page by POST (limit and offset are reserved in a query string): a read-only transaction for a STABLE function',
	'/rpc/list_event_definitions', {project_id: 7101, limit: 2, ordering: '-name'}, R);
await get('the list by GET with PostHog\'s JSON query parameters (v12: JSON strings; v13: typed parameters)', '/rpc/list_event_definitions',
	{...R, query: 'project_id=7101&tags=%5B%22web%22%2C%22growth%22%5D&exclude_hidden=true'});
await get('excluded_properties as JSON', '/rpc/list_event_definitions',
	{...R, query: 'project_id=7101&tags=%5B%22web%22%2C%22growth%22%5D&excluded_properties=%5B%22signup%22%5D'});
await get('tags as an array literal, as postgrest-js writes arrays', '/rpc/list_event_definitions',
	{...R, query: 'project_id=7101&tags=%7Bweb%7D'});
await get('invalid JSON in a json_list argument: 400 (the extension\'s 22032)', '/rpc/list_event_definitions',
	{...R, query: 'project_id=7101&excluded_properties=not%20json'});
await get('limit in a GET query string limits the function\'s one result row, not the page', '/rpc/list_event_definitions',
	{...R, query: 'project_id=7101&limit=1&ordering=name'});
await get('retrieve, PostHog GET /{id}/', '/rpc/retrieve_event_definition', {...R, query: `project_id=7101&id=${ED}1`});
await get('a malformed id: 404, as PostHog answers GET /undefined/', '/rpc/retrieve_event_definition', {...R, query: 'project_id=7101&id=undefined'});
await get('by name, PostHog GET /by_name/?name=signup', '/rpc/event_definition_by_name', {...R, query: 'project_id=7101&name=signup'});
await get('by name, missing: 404 with PostHog\'s {"detail"} in hint', '/rpc/event_definition_by_name', {...R, query: 'project_id=7101&name=Signup'});
await get('by name with Prefer: count=exact: Content-Range 0-0/1', '/rpc/event_definition_by_name',
	{...R, query: 'project_id=7101&name=signup&select=*', headers: {Prefer: 'count=exact'}});
await get('promoted properties, names as an array literal', '/rpc/promoted_properties', {...R, query: 'project_id=7101&names=%7Bsignup,checkout,page_view%7D'});
await get('promoted properties of every event', '/rpc/promoted_properties', {...R, query: 'project_id=7101'});
await get('metrics, PostHog GET /{id}/metrics/', '/rpc/event_definition_metrics', {...R, query: `project_id=7101&id=${ED}1`});
for (const g of ['typescript', 'python', 'golang']) {
	await get(`the ${g} generator, PostHog GET /${g}/`, `/rpc/event_definitions_${g}`, {...R, query: 'project_id=7101'});
}
await get('property groups of a project', '/rpc/list_property_groups', {...R, query: 'project_id=7101'});
await get('GET on a VOLATILE function runs READ ONLY, even for a writer: 405 (25006)', '/rpc/delete_event_definition',
	{token: 'alice_w', query: `project_id=7101&id=${ED}2`});
await get('a json argument by GET: v12 passes the query-string text as a JSON string, v13 parses it (then writes in a read-only transaction)',
	'/rpc/create_event_definition', {token: 'alice_w', query: 'project_id=7101&body=%7B%22name%22%3A%22via_get%22%7D'});
await get('invalid JSON in a json argument by GET: v12 a JSON string, v13 22P02 from ::json', '/rpc/create_event_definition',
	{token: 'alice_w', query: 'project_id=7101&body=not%20json'});
await post('POST to a STABLE function: READ ONLY', '/rpc/promoted_properties', {project_id: 7101, names: ['page_view', 'nope']}, R);
await post('a reader may not write: 403 (42501)', '/rpc/bulk_update_tags', {project_id: 7101, body: {ids: [], action: 'add', tags: ['x']}}, R);
await post('a reader creating: 403', '/rpc/create_event_definition', {project_id: 7101, body: {name: 'by_reader'}}, R);
await post('an argument the function does not have: 404 PGRST202', '/rpc/list_event_definitions', {project_id: 7101, page: 2}, R);
await post('a body that is not JSON: 400 PGRST102', '/rpc/list_event_definitions', '{"project_id": 7101', R);
await send('DELETE on /rpc: 405 PGRST101', 'DELETE', '/rpc/delete_event_definition', {...R, query: `project_id=7101&id=${ED}2`});
await get('a token signed with another secret: 401 PGRST301', '/rpc/list_event_definitions', {token: 'bad', query: 'project_id=7101'});

// ---------------------------------------------------------------- writes, Alice's writer token
const W = {token: 'alice_w'};
await post('create, PostHog POST /: 201 (response.status)', '/rpc/create_event_definition',
	{project_id: 7101, body: {name: 'refund', tags: ['Billing'], description: 'Money back'}}, W);
await post('a duplicate name: 400, nothing written', '/rpc/create_event_definition', {project_id: 7101, body: {name: 'refund'}}, W);
await post('no name: 400 required', '/rpc/create_event_definition', {project_id: 7101, body: {description: 'no name'}}, W);
await post('update, PostHog PATCH /{id}/: 200', '/rpc/update_event_definition',
	{project_id: 7101, id: `${ED}2`, body: {description: 'Paid', verified: true}}, W);
await post('a void function: 204, no body, no Content-Type', '/rpc/record_event_usage', {project_id: 7101, event_name: 'signup', count: 2}, W);
await post('metrics after the usage', '/rpc/event_definition_metrics', {project_id: 7101, id: `${ED}1`}, W);
await post('bulk tags, PostHog POST /bulk_update_tags/', '/rpc/bulk_update_tags',
	{project_id: 7101, body: {ids: [`${ED}3`, `${ED}1`, SECRET], action: 'add', tags: ['PII']}}, W);
await post('bulk verification', '/rpc/bulk_update_verified', {project_id: 7101, body: {ids: [`${ED}3`], verified: true}}, W);
const group = await post('create a property group: 201', '/rpc/create_property_group',
	{project_id: 7101, body: {name: 'Refund', properties: [{name: 'amount', property_type: 'Numeric', is_required: true}]}}, W);
vars.GROUP = JSON.parse(group.body).id;
await get('retrieve the property group', '/rpc/retrieve_property_group', {...R, query: 'project_id=7101&id=${GROUP}'});
await post('update the property group', '/rpc/update_property_group', {project_id: 7101, id: '${GROUP}', body: {description: 'Refund fields'}}, W);
await post('attach it: 201', '/rpc/add_event_schema', {project_id: 7101, event_definition_id: `${ED}1`, property_group_id: '${GROUP}'}, W);
await post('ingest: accepted', '/rpc/ingest_event',
	{project_id: 7101, event: 'signup', properties: {amount: '12.5'}, timestamp: '2024-04-01T00:00:00Z'}, W);
await post('ingest: the attached group requires "amount"', '/rpc/ingest_event', {project_id: 7101, event: 'signup', properties: {}, timestamp: '2024-04-02T00:00:00Z'}, W);
await post('detach it: 204', '/rpc/remove_event_schema', {project_id: 7101, event_definition_id: `${ED}1`, property_group_id: '${GROUP}'}, W);
await post('detach it again: 404', '/rpc/remove_event_schema', {project_id: 7101, event_definition_id: `${ED}1`, property_group_id: '${GROUP}'}, W);
await post('delete the property group: 204', '/rpc/delete_property_group', {project_id: 7101, id: '${GROUP}'}, W);
await post('delete, PostHog DELETE /{id}/: 204', '/rpc/delete_event_definition', {project_id: 7101, id: `${ED}3`}, W);
await post('delete again: 404', '/rpc/delete_event_definition', {project_id: 7101, id: `${ED}3`}, W);
await get('response.status is transaction-local: the next request answers 200', '/event_definitions',
	{...R, query: 'project_id=eq.7101&order=name&select=name', headers: {Prefer: 'count=exact'}});
await get('the activity log of checkout', '/activity_log', {...R, query: `select=activity,user_id&project_id=eq.7101&item_id=eq.${ED}2&order=created_at`});

// ---------------------------------------------------------------- Bob (project 7102) on project 7101
const B = {token: 'bob_w'};
await get('Bob reads 7101 through the view: nothing', '/event_definitions', {...B, query: 'project_id=eq.7101&select=name', headers: {Prefer: 'count=exact'}});
await get('Bob retrieves a 7101 id through the view: 406', '/event_definitions',
	{...B, query: `id=eq.${ED}1`, headers: {Accept: 'application/vnd.pgrst.object+json'}});
await get('Bob reads 7101\'s activity log: nothing', '/activity_log', {...B, query: `select=activity,user_id&project_id=eq.7101&item_id=eq.${ED}2`});
for (const [f, body] of [
	['list_event_definitions', {project_id: 7101}],
	['retrieve_event_definition', {project_id: 7101, id: `${ED}1`}],
	['retrieve_event_definition', {project_id: 7102, id: `${ED}1`}],
	['event_definition_by_name', {project_id: 7101, name: 'signup'}],
	['promoted_properties', {project_id: 7101}],
	['event_definition_metrics', {project_id: 7101, id: `${ED}1`}],
	['event_definitions_typescript', {project_id: 7101}],
	['list_property_groups', {project_id: 7101}],
	['update_event_definition', {project_id: 7101, id: `${ED}1`, body: {description: 'pwned'}}],
	['delete_event_definition', {project_id: 7102, id: `${ED}1`}],
	['create_event_definition', {project_id: 7101, body: {name: 'planted'}}],
	['bulk_update_tags', {project_id: 7101, body: {ids: [`${ED}1`], action: 'add', tags: ['x']}}],
	['ingest_event', {project_id: 7101, event: 'planted', properties: {}}],
]) {
	await post(`Bob: ${f} on project ${body.project_id}: 404, as for a missing object`, `/rpc/${f}`, body, B);
}
await post('Bob tags in his own project with Alice\'s id: "Not found" in skipped', '/rpc/bulk_update_tags',
	{project_id: 7102, body: {ids: [`${ED}1`, SECRET], action: 'add', tags: ['bob']}}, B);

// ---------------------------------------------------------------- anonymous (db-anon-role, no grants)
await get('anonymous, the view: 401 with WWW-Authenticate', '/event_definitions', {query: 'project_id=eq.7101'});
await get('anonymous, a function: 401', '/rpc/list_event_definitions', {query: 'project_id=7101'});

// ---------------------------------------------------------------- what PostgreSQL saw and kept
const prep = await p.client.query("SELECT parameter_types::text AS types, left(statement, 60) AS statement FROM pg_prepared_statements WHERE statement LIKE 'WITH pgrst_source AS ( SELECT \"event_definitions\".\"event_definitions\".*%' ORDER BY statement");
out.push('### the parameter types PostgreSQL inferred for the unknown parameters of the view reads');
for (const r of prep.rows) out.push(`${r.types}  ${r.statement}…`);
out.push('');
await p.close();

const su = new pg.Client({connectionString: dbUri('postgres', database)});
await su.connect();
out.push('### the definitions, as the superuser sees them');
for (const r of (await su.query(`SELECT project_id, name, tags::text, verified, description, created_by_id
	FROM event_definitions_private.event_definitions ORDER BY project_id, name`)).rows) out.push(JSON.stringify(r));
out.push('### the activity log');
for (const r of (await su.query(`SELECT project_id, scope, activity, user_id, detail ->> 'name' AS name
	FROM event_definitions_private.activity_log ORDER BY id`)).rows) out.push(JSON.stringify(r));
await su.end();

process.stdout.write(mask(out.join('\n') + '\n', tok));
