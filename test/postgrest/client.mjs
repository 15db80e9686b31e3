// The real client: @supabase/postgrest-js builds each request as an
// application would, and its fetch hands the request to the PostgREST
// emulator of one version (in process).  For every endpoint of
// docs/postgrest.md the test asserts the request the client built (method,
// path and query, the headers that matter) and what the client hands back
// (status, data, error, count).  One "ok client_<v> <case>" line per case.
//
//   node client.mjs --version 13.0 --database client_13_0

import assert from 'node:assert/strict';
import {PostgrestClient} from '@supabase/postgrest-js';
import {emulator, tokens} from './common.mjs';

const args = process.argv.slice(2);
const version = args[args.indexOf('--version') + 1];
const database = args[args.indexOf('--database') + 1];
const v12 = version === '12.2';

const ED = '71010000-0000-4000-8000-00000000000';
const SECRET = '71020000-0000-4000-8000-000000000001';
const tok = tokens();
const p = emulator(version, database);
await p.connect();

// fetch, recording what the client sent and handing it to the emulator
let sent = [];
async function recordingFetch(input, init = {}) {
	const url = new URL(typeof input === 'string' ? input : input.url);
	const headers = Object.fromEntries(new Headers(init.headers || {}).entries());
	const req = {method: init.method || 'GET', path: url.pathname, query: url.search.slice(1), headers, body: init.body};
	sent.push(req);
	const res = await p.handle(req);
	return new Response(res.status === 204 ? null : res.body, {status: res.status, headers: res.headers});
}
const client = (token) => new PostgrestClient('http://postgrest.test', {
	headers: token ? {Authorization: `Bearer ${tok[token]}`} : {},
	fetch: recordingFetch,
});
const reader = client('alice_r'), writer = client('alice_w'), bob = client('bob_w'), anon = client(null);

let failed = 0;
async function check(name, fn) {
	sent = [];
	try {
		await fn();
		console.log(`ok client_${version} ${name}`);
	} catch (e) {
		failed = 1;
		console.log(`not ok client_${version} ${name}`);
		console.log(String(e.stack || e).split('\n').slice(0, 12).map((l) => '  ' + l).join('\n'));
		for (const r of sent) console.log(`  sent: ${r.method} ${r.path}?${r.query} ${JSON.stringify(r.headers)} ${r.body ?? ''}`);
	}
}
// the one request the client sent: method, path?query, and selected headers
function request(method, pathAndQuery, headers = {}) {
	assert.equal(sent.length, 1, 'one request');
	const r = sent[0];
	assert.equal(`${r.method} ${r.path}${r.query ? '?' + r.query : ''}`, `${method} ${pathAndQuery}`);
	for (const [k, v] of Object.entries(headers)) assert.equal(r.headers[k.toLowerCase()], v, `header ${k}`);
	return r;
}
const names = (rows) => rows.map((r) => r.name);

// ---------------------------------------------------------------- reads
await check('view list with count', async () => {
	const r = await reader.from('event_definitions').select('name,tags', {count: 'exact'}).eq('project_id', 7101).order('name');
	request('GET', '/event_definitions?select=name%2Ctags&project_id=eq.7101&order=name.asc', {Prefer: 'count=exact'});
	assert.equal(r.status, 200);
	assert.equal(r.count, 3);
	assert.deepEqual(r.data, [{name: 'checkout', tags: []}, {name: 'page_view', tags: ['web']}, {name: 'signup', tags: ['growth']}]);
});
await check('view page: 206', async () => {
	const r = await reader.from('event_definitions').select('name', {count: 'exact'}).eq('project_id', 7101).order('name').range(0, 1);
	request('GET', '/event_definitions?select=name&project_id=eq.7101&order=name.asc&offset=0&limit=2');
	assert.equal(r.status, 206);
	assert.equal(r.count, 3);
	assert.deepEqual(names(r.data), ['checkout', 'page_view']);
});
await check('view single', async () => {
	const r = await reader.from('event_definitions').select('name,promoted_property').eq('id', `${ED}1`).single();
	request('GET', `/event_definitions?select=name%2Cpromoted_property&id=eq.${ED}1`, {Accept: 'application/vnd.pgrst.object+json'});
	assert.equal(r.status, 200);
	assert.deepEqual(r.data, {name: 'signup', promoted_property: 'plan'});
});
await check('view single of another project: 406 PGRST116', async () => {
	const r = await reader.from('event_definitions').select().eq('id', SECRET).single();
	assert.equal(r.status, 406);
	assert.equal(r.data, null);
	assert.deepEqual(r.error, {code: 'PGRST116', details: 'The result contains 0 rows', hint: null,
		message: v12 ? 'JSON object requested, multiple (or no) rows returned' : 'Cannot coerce the result to a single JSON object'});
});
await check('schema() sends Accept-Profile', async () => {
	const r = await reader.schema('event_definitions').from('activity_log').select('activity').eq('item_id', `${ED}2`);
	request('GET', `/activity_log?select=activity&item_id=eq.${ED}2`, {'Accept-Profile': 'event_definitions'});
	assert.equal(r.status, 200);
	assert.deepEqual(r.data, []);
});
await check('rpc list by POST with limit and offset', async () => {
	const r = await reader.rpc('list_event_definitions', {project_id: 7101, limit: 2, offset: 1, ordering: 'name'});
	const s = request('POST', '/rpc/list_event_definitions', {'Content-Type': 'application/json'});
	assert.deepEqual(JSON.parse(s.body), {project_id: 7101, limit: 2, offset: 1, ordering: 'name'});
	assert.equal(r.status, 200);
	assert.equal(r.data.count, 3);
	assert.equal(r.data.next, null);
	assert.equal(r.data.previous, '?limit=2&ordering=name');
	assert.deepEqual(names(r.data.results), ['page_view', 'signup']);
});
await check('rpc list by GET with tags: [\'web\'] (an array literal {web})', async () => {
	const r = await reader.rpc('list_event_definitions', {project_id: 7101, tags: ['web'], exclude_hidden: true}, {get: true});
	request('GET', '/rpc/list_event_definitions?project_id=7101&tags=%7Bweb%7D&exclude_hidden=true');
	assert.equal(r.status, 200);
	assert.equal(r.data.count, 1);
	assert.deepEqual(names(r.data.results), ['page_view']);
});
await check('rpc list by GET with tags as PostHog\'s JSON', async () => {
	const r = await reader.rpc('list_event_definitions', {project_id: 7101, tags: '["web","growth"]', search: 'u'}, {get: true});
	assert.equal(r.status, 200);
	assert.deepEqual(names(r.data.results), ['signup']);
});
await check('rpc retrieve by GET', async () => {
	const r = await reader.rpc('retrieve_event_definition', {project_id: 7101, id: `${ED}1`}, {get: true});
	request('GET', `/rpc/retrieve_event_definition?project_id=7101&id=${ED}1`);
	assert.equal(r.status, 200);
	assert.equal(r.data.name, 'signup');
	assert.deepEqual(r.data.tags, ['growth']);
});
await check('rpc retrieve of a malformed id: 404 with PostHog\'s error object in hint', async () => {
	const r = await reader.rpc('retrieve_event_definition', {project_id: 7101, id: 'undefined'}, {get: true});
	assert.equal(r.status, 404);
	assert.equal(r.error.code, 'PT404');
	assert.deepEqual(JSON.parse(r.error.hint), {type: 'invalid_request', code: 'not_found', detail: 'Not found.', attr: null});
});
await check('rpc by_name by GET, and a missing name', async () => {
	const r = await reader.rpc('event_definition_by_name', {project_id: 7101, name: 'signup'}, {get: true});
	assert.equal(r.status, 200);
	assert.equal(r.data.id, `${ED}1`);
	const m = await reader.rpc('event_definition_by_name', {project_id: 7101, name: 'nope'}, {get: true});
	assert.equal(m.status, 404);
	assert.deepEqual(JSON.parse(m.error.hint), {detail: "Event definition with name 'nope' not found"});
});
await check('rpc promoted_properties by GET with names: [...]', async () => {
	const r = await reader.rpc('promoted_properties', {project_id: 7101, names: ['signup', 'checkout']}, {get: true});
	request('GET', '/rpc/promoted_properties?project_id=7101&names=%7Bsignup%2Ccheckout%7D');
	assert.equal(r.status, 200);
	assert.deepEqual(r.data, {promoted_properties: {signup: 'plan'}});
});
await check('rpc promoted_properties by POST', async () => {
	const r = await reader.rpc('promoted_properties', {project_id: 7101, names: ['page_view', 'nope']});
	assert.equal(r.status, 200);
	assert.deepEqual(r.data, {promoted_properties: {page_view: 'path'}});
});
await check('rpc metrics by GET', async () => {
	const r = await reader.rpc('event_definition_metrics', {project_id: 7101, id: `${ED}1`}, {get: true});
	assert.equal(r.status, 200);
	assert.deepEqual(r.data, {query_usage_30_day: 9});
});
await check('rpc generators by GET', async () => {
	const hashes = new Set();
	for (const g of ['typescript', 'python', 'golang']) {
		const r = await reader.rpc(`event_definitions_${g}`, {project_id: 7101}, {get: true});
		assert.equal(r.status, 200);
		assert.equal(r.data.event_count, 3);
		assert.match(r.data.content, /signup/);
		if (g !== 'typescript') hashes.add(r.data.schema_hash);
	}
	assert.equal(hashes.size, 1, 'Python and Go share the schema hash');
});
await check('rpc with count: exact on a scalar function', async () => {
	const r = await reader.rpc('event_definition_by_name', {project_id: 7101, name: 'signup'}, {get: true, count: 'exact'});
	request('GET', '/rpc/event_definition_by_name?project_id=7101&name=signup', {Prefer: 'count=exact'});
	assert.equal(r.status, 200);
	assert.equal(r.count, 1);
});
await check('a reader writing: 403', async () => {
	const r = await reader.rpc('create_event_definition', {project_id: 7101, body: {name: 'by_reader'}});
	assert.equal(r.status, 403);
	assert.equal(r.error.code, '42501');
});
await check('anonymous: 401', async () => {
	const r = await anon.from('event_definitions').select('name');
	assert.equal(r.status, 401);
	assert.equal(r.error.code, '42501');
});
await check('another project\'s writer: 404', async () => {
	const r = await bob.rpc('retrieve_event_definition', {project_id: 7101, id: `${ED}1`}, {get: true});
	assert.equal(r.status, 404);
	assert.equal(r.error.code, 'PT404');
});

// ---------------------------------------------------------------- writes
let created;
await check('rpc create: 201', async () => {
	const r = await writer.rpc('create_event_definition', {project_id: 7101, body: {name: 'refund', tags: ['Billing']}});
	const s = request('POST', '/rpc/create_event_definition');
	assert.deepEqual(JSON.parse(s.body), {project_id: 7101, body: {name: 'refund', tags: ['Billing']}});
	assert.equal(r.status, 201);
	assert.equal(r.data.name, 'refund');
	assert.deepEqual(r.data.tags, ['billing']);
	created = r.data.id;
});
await check('rpc list by GET with tags: [\'billing\'], as an application writes it', async () => {
	const r = await reader.rpc('list_event_definitions', {project_id: 7101, tags: ['billing']}, {get: true});
	request('GET', '/rpc/list_event_definitions?project_id=7101&tags=%7Bbilling%7D');
	assert.equal(r.status, 200);
	assert.equal(r.data.count, 1);
	assert.deepEqual(names(r.data.results), ['refund']);
});
await check('rpc create a duplicate: 400 validation error', async () => {
	const r = await writer.rpc('create_event_definition', {project_id: 7101, body: {name: 'refund'}});
	assert.equal(r.status, 400);
	assert.equal(r.error.code, '22023');
	assert.equal(r.error.details, "Event definition with name 'refund' already exists");
	assert.equal(JSON.parse(r.error.hint).attr, 'name');
});
await check('rpc update: 200', async () => {
	const r = await writer.rpc('update_event_definition', {project_id: 7101, id: created, body: {description: 'Money back', verified: true}});
	assert.equal(r.status, 200);
	assert.equal(r.data.description, 'Money back');
	assert.equal(r.data.verified, true);
	assert.equal(r.data.verified_by.first_name, 'Alice');
});
await check('rpc bulk_update_tags', async () => {
	const r = await writer.rpc('bulk_update_tags', {project_id: 7101, body: {ids: [created, SECRET], action: 'add', tags: ['pii']}});
	assert.equal(r.status, 200);
	assert.deepEqual(r.data, {updated: [{id: created, tags: ['billing', 'pii']}], skipped: [{id: SECRET, reason: 'Not found'}]});
});
await check('rpc void record_event_usage: 204, no data', async () => {
	const r = await writer.rpc('record_event_usage', {project_id: 7101, event_name: 'refund', count: 4});
	assert.equal(r.status, 204);
	assert.equal(r.data, null);
	assert.equal(r.error, null);
	const m = await writer.rpc('event_definition_metrics', {project_id: 7101, id: created});
	assert.deepEqual(m.data, {query_usage_30_day: 4});
});
await check('schema() on a write sends Content-Profile', async () => {
	const r = await writer.schema('event_definitions').rpc('bulk_update_verified', {project_id: 7101, body: {ids: [created], verified: false}});
	request('POST', '/rpc/bulk_update_verified', {'Content-Profile': 'event_definitions'});
	assert.equal(r.status, 200);
	assert.deepEqual(r.data, {updated: [{id: created, verified: false}], skipped: []});
});
await check('rpc delete: 204, then 404', async () => {
	const r = await writer.rpc('delete_event_definition', {project_id: 7101, id: created});
	assert.equal(r.status, 204);
	assert.equal(r.data, null);
	const again = await writer.rpc('delete_event_definition', {project_id: 7101, id: created});
	assert.equal(again.status, 404);
	assert.equal(again.error.code, 'PT404');
});
await check('a write by GET: 405', async () => {
	const r = await writer.rpc('delete_event_definition', {project_id: 7101, id: `${ED}2`}, {get: true});
	assert.equal(r.status, 405);
	assert.equal(r.error.code, '25006');
});

await p.close();
process.exit(failed);
