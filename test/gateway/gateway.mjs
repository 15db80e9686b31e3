// PostHog's own URLs through the real nginx with gateway/nginx.conf and
// gateway/posthog.js (test/gateway/check starts nginx).
//
//   node gateway.mjs record --nginx PORT --upstream PORT
//       nginx's upstream is a recording server run here: every PostHog
//       request of the seed (all endpoints, PostHog's query parameters) must
//       reach it as the expected PostgREST request, and its canned answers
//       must come back as PostHog's status and body.
//   node gateway.mjs live --nginx PORT --version V --database DB
//       nginx's upstream is the PostgREST emulator of version V (pgrst.mjs
//       as an HTTP server) on a database with the fixture: PostHog's
//       statuses and bodies, end to end.
//
// One "ok gateway_<mode> <case>" line per case.

import assert from 'node:assert/strict';
import http from 'node:http';
import {tokens} from '../postgrest/common.mjs';

const args = process.argv.slice(2);
const mode = args[0];
const opt = (n) => args[args.indexOf(n) + 1];
const NGINX = Number(opt('--nginx'));
const tok = tokens();
const ID = '71010000-0000-4000-8000-000000000001';
const P = '/api/projects/7101/event_definitions';
const label = mode === 'live' ? `gateway_live_${opt('--version')}` : 'gateway_record';

// one HTTP request to nginx
function send(method, path, {headers = {}, body} = {}) {
	return new Promise((resolve, reject) => {
		const req = http.request({host: '127.0.0.1', port: NGINX, method, path, headers}, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let json;
				try { json = text === '' ? undefined : JSON.parse(text); } catch { json = text; }
				resolve({status: res.statusCode, headers: res.headers, text, json});
			});
		});
		req.on('error', reject);
		if (body !== undefined) req.write(body);
		req.end();
	});
}
const auth = (t) => ({Authorization: `Bearer ${tok[t]}`});
const json = (o) => ({headers: {'Content-Type': 'application/json'}, body: JSON.stringify(o)});

let failed = 0;
async function check(name, fn) {
	try {
		await fn();
		console.log(`ok ${label} ${name}`);
	} catch (e) {
		failed = 1;
		console.log(`not ok ${label} ${name}`);
		console.log(String(e.stack || e).split('\n').slice(0, 14).map((l) => '  ' + l).join('\n'));
	}
}

// ---------------------------------------------------------------- record
async function record() {
	const UP = Number(opt('--upstream'));
	let seen = [];
	let reply = {status: 200, body: '{}'};
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			seen.push({method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8')});
			const h = reply.status === 204 ? {} : {'Content-Type': 'application/json; charset=utf-8'};
			res.writeHead(reply.status, h);
			res.end(reply.status === 204 ? undefined : reply.body);
		});
	});
	await new Promise((r) => server.listen(UP, '127.0.0.1', r));

	// case: a PostHog request must reach PostgREST as `want` ({method, url, body?})
	async function maps(name, method, path, init, want, answer = {status: 200, body: '{"ok": true}'}, then) {
		await check(name, async () => {
			seen = [];
			reply = answer;
			const res = await send(method, path, {...init, headers: {...auth('alice_w'), ...(init.headers || {})}});
			assert.equal(seen.length, want ? 1 : 0, 'requests upstream');
			if (want) {
				const s = seen[0];
				assert.equal(`${s.method} ${s.url}`, `${want.method} ${want.url}`);
				assert.equal(s.headers.authorization, `Bearer ${tok.alice_w}`, 'Authorization passes through');
				assert.equal(s.headers.accept, 'application/json');
				if (want.body === undefined) assert.equal(s.body, '');
				else {
					assert.equal(s.headers['content-type'], 'application/json');
					assert.deepEqual(JSON.parse(s.body), want.body);
				}
			}
			if (then) await then(res);
			else {
				assert.equal(res.status, answer.status);
				if (answer.status === 204) assert.equal(res.text, '');
				else assert.deepEqual(res.json, JSON.parse(answer.body));
			}
		});
	}
	const A = auth('alice_w');

	// the seed's endpoints, in its order
	await maps('list', 'GET', `${P}/`, {}, {method: 'POST', url: '/rpc/list_event_definitions', body: {project_id: 7101}},
		{status: 200, body: '{"count": 0, "next": null, "previous": null, "count_is_capped": false, "results": []}'});
	await maps('list without the trailing slash', 'GET', P, {}, {method: 'POST', url: '/rpc/list_event_definitions', body: {project_id: 7101}});
	await maps('list with every PostHog query parameter', 'GET',
		`${P}/?limit=20&offset=40&search=sign+up&event_type=event_custom&ordering=-last_seen_at::date&ordering=name`
		+ '&exclude_hidden=True&excluded_properties=%5B%22%24pageview%22%5D&names=signup,checkout&names=refund'
		+ '&tags=%5B%22billing%22%5D&exclude_stale=false&verified=true&format=json', {},
		{method: 'POST', url: '/rpc/list_event_definitions', body: {
			project_id: 7101, limit: '20', offset: '40', search: 'sign up', event_type: 'event_custom',
			ordering: '-last_seen_at::date,name', exclude_hidden: true, excluded_properties: '["$pageview"]',
			names: 'signup,checkout,refund', tags: '["billing"]', exclude_stale: false}});
	await maps('create: 201', 'POST', `${P}/`, json({name: 'string'}),
		{method: 'POST', url: '/rpc/create_event_definition', body: {project_id: 7101, body: {name: 'string'}}},
		{status: 201, body: '{"id": "71010000-0000-4000-8000-000000000009", "name": "string"}'});
	await maps('create from a form', 'POST', `${P}/`, {headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: 'name=string&tags=a&tags=b'},
		{method: 'POST', url: '/rpc/create_event_definition', body: {project_id: 7101, body: {name: 'string', tags: ['a', 'b']}}},
		{status: 201, body: '{"name": "string"}'});
	await maps('create with the seed\'s curl (-d name="string" as JSON): 400 parse_error, nothing sent', 'POST', `${P}/`,
		{headers: {'Content-Type': 'application/json'}, body: 'name="string"'}, null, undefined, (res) => {
			assert.equal(res.status, 400);
			assert.equal(res.json.type, 'validation_error');
			assert.equal(res.json.code, 'parse_error');
		});
	await maps('retrieve', 'GET', `${P}/${ID}/`, {}, {method: 'GET', url: `/rpc/retrieve_event_definition?project_id=7101&id=${ID}`});
	await maps('retrieve without the trailing slash', 'GET', `${P}/${ID}`, {}, {method: 'GET', url: `/rpc/retrieve_event_definition?project_id=7101&id=${ID}`});
	await maps('update (PATCH)', 'PATCH', `${P}/${ID}/`, json({description: 'x', verified: true}),
		{method: 'POST', url: '/rpc/update_event_definition', body: {project_id: 7101, id: ID, body: {description: 'x', verified: true}}});
	await maps('update (PUT)', 'PUT', `${P}/${ID}/`, json({name: 'string'}),
		{method: 'POST', url: '/rpc/update_event_definition', body: {project_id: 7101, id: ID, body: {name: 'string'}}});
	await maps('delete: 204', 'DELETE', `${P}/${ID}/`, {},
		{method: 'POST', url: '/rpc/delete_event_definition', body: {project_id: 7101, id: ID}}, {status: 204, body: ''});
	await maps('metrics', 'GET', `${P}/${ID}/metrics/`, {}, {method: 'GET', url: `/rpc/event_definition_metrics?project_id=7101&id=${ID}`},
		{status: 200, body: '{"query_usage_30_day": 3}'});
	await maps('bulk_update_tags', 'POST', `${P}/bulk_update_tags/`, json({ids: [ID], action: 'add', tags: ['pii']}),
		{method: 'POST', url: '/rpc/bulk_update_tags', body: {project_id: 7101, body: {ids: [ID], action: 'add', tags: ['pii']}}});
	await maps('bulk_update_verified', 'POST', `${P}/bulk_update_verified`, json({ids: [ID], verified: true}),
		{method: 'POST', url: '/rpc/bulk_update_verified', body: {project_id: 7101, body: {ids: [ID], verified: true}}});
	await maps('by_name', 'GET', `${P}/by_name/?name=sign%20up%26more`, {}, {method: 'GET', url: '/rpc/event_definition_by_name?project_id=7101&name=sign%20up%26more'});
	await maps('by_name without a name: the function\'s 400 {"detail"}', 'GET', `${P}/by_name/`, {},
		{method: 'GET', url: '/rpc/event_definition_by_name?project_id=7101'},
		{status: 400, body: '{"code":"22023","details":"Query parameter \'name\' is required","hint":"{\\"detail\\":\\"Query parameter \'name\' is required\\"}","message":"name is required"}'},
		(res) => {
			assert.equal(res.status, 400);
			assert.deepEqual(res.json, {detail: "Query parameter 'name' is required"});
		});
	await maps('promoted_properties with names repeated', 'GET', `${P}/promoted_properties/?names=a,b&names=c&names=`, {},
		{method: 'POST', url: '/rpc/promoted_properties', body: {project_id: 7101, names: ['a,b', 'c']}},
		{status: 200, body: '{"promoted_properties": {}}'});
	await maps('promoted_properties without names', 'GET', `${P}/promoted_properties`, {},
		{method: 'POST', url: '/rpc/promoted_properties', body: {project_id: 7101}});
	for (const g of ['golang', 'python', 'typescript']) {
		await maps(g, 'GET', `${P}/${g}/`, {}, {method: 'GET', url: `/rpc/event_definitions_${g}?project_id=7101`},
			{status: 200, body: '{"content": "x", "event_count": 0, "schema_hash": "h", "generator_version": "1.0.0"}'});
	}

	// PostgREST's errors as PostHog's
	const pgrstError = (code, hint, details = null) => JSON.stringify({code, details, hint, message: 'm'});
	await maps('an error whose hint is PostHog\'s object: that object', 'GET', `${P}/${ID}/`, {}, {method: 'GET', url: `/rpc/retrieve_event_definition?project_id=7101&id=${ID}`},
		{status: 400, body: pgrstError('22023', '{"type":"validation_error","code":"required","detail":"This field is required.","attr":"name"}')},
		(res) => { assert.equal(res.status, 400); assert.deepEqual(res.json, {type: 'validation_error', code: 'required', detail: 'This field is required.', attr: 'name'}); });
	await maps('a 404 without one: PostHog\'s not_found', 'GET', `${P}/${ID}/`, {}, {method: 'GET', url: `/rpc/retrieve_event_definition?project_id=7101&id=${ID}`},
		{status: 404, body: pgrstError('PGRST202', null)},
		(res) => { assert.equal(res.status, 404); assert.deepEqual(res.json, {type: 'invalid_request', code: 'not_found', detail: 'Not found.', attr: null}); });
	await maps('a 403: permission_denied', 'POST', `${P}/`, json({name: 'x'}), {method: 'POST', url: '/rpc/create_event_definition', body: {project_id: 7101, body: {name: 'x'}}},
		{status: 403, body: pgrstError('42501', null)},
		(res) => { assert.equal(res.status, 403); assert.deepEqual(res.json, {type: 'authentication_error', code: 'permission_denied', detail: 'You do not have permission to perform this action.', attr: null}); });
	await maps('a 401 with a token: authentication_failed', 'GET', `${P}/`, {}, {method: 'POST', url: '/rpc/list_event_definitions', body: {project_id: 7101}},
		{status: 401, body: pgrstError('PGRST301', null)},
		(res) => { assert.equal(res.status, 401); assert.deepEqual(res.json, {type: 'authentication_error', code: 'authentication_failed', detail: 'Incorrect authentication credentials.', attr: null}); });
	await maps('a 400 without an object: validation_error with the details', 'GET', `${P}/`, {}, {method: 'POST', url: '/rpc/list_event_definitions', body: {project_id: 7101}},
		{status: 400, body: pgrstError('22P02', 'Some prose.', 'Token "x" is invalid.')},
		(res) => { assert.equal(res.status, 400); assert.deepEqual(res.json, {type: 'validation_error', code: 'invalid_input', detail: 'Token "x" is invalid.', attr: null}); });
	await maps('a 500: server_error', 'GET', `${P}/typescript/`, {}, {method: 'GET', url: '/rpc/event_definitions_typescript?project_id=7101'},
		{status: 500, body: pgrstError('XX000', null)},
		(res) => { assert.equal(res.status, 500); assert.deepEqual(res.json, {type: 'server_error', code: 'error', detail: 'A server error occurred.', attr: null}); });

	// what never reaches PostgREST
	await maps('a method PostHog does not route: 405', 'DELETE', `${P}/`, {}, null, undefined,
		(res) => { assert.equal(res.status, 405); assert.equal(res.json.code, 'method_not_allowed'); });
	await maps('a project id that is not a number: 404', 'GET', '/api/projects/@current/event_definitions/', {}, null, undefined,
		(res) => { assert.equal(res.status, 404); assert.equal(res.json.code, 'not_found'); });
	await maps('an unknown sub-path: 404', 'GET', `${P}/${ID}/activity/extra/`, {}, null, undefined,
		(res) => { assert.equal(res.status, 404); assert.equal(res.json.code, 'not_found'); });
	await maps('/_postgrest/ is internal: 404 from nginx', 'GET', '/_postgrest/rpc/list_event_definitions?project_id=7101', {}, null, undefined,
		(res) => { assert.equal(res.status, 404); });
	server.close();
}

// ---------------------------------------------------------------- live
async function live() {
	const R = auth('alice_r'), W = auth('alice_w');
	const post = (path, body, h = W) => send('POST', path, {headers: {...h, 'Content-Type': 'application/json'}, body: JSON.stringify(body)});
	let created;
	await check('list', async () => {
		const r = await send('GET', `${P}/?limit=2&ordering=name`, {headers: R});
		assert.equal(r.status, 200);
		assert.equal(r.json.count, 3);
		assert.equal(r.json.next, '?limit=2&offset=2&ordering=name');
		assert.equal(r.json.previous, null);
		assert.deepEqual(r.json.results.map((d) => d.name), ['checkout', 'page_view']);
	});
	await check('list, second page, with PostHog\'s filters', async () => {
		const r = await send('GET', `${P}/?limit=1&offset=1&ordering=-name&exclude_hidden=true&tags=%5B%22web%22,%22growth%22%5D`, {headers: R});
		assert.equal(r.status, 200);
		assert.equal(r.json.count, 2);
		assert.equal(r.json.previous, '?exclude_hidden=true&limit=1&ordering=-name&tags=%5B%22web%22%2C%22growth%22%5D');
		assert.deepEqual(r.json.results.map((d) => d.name), ['page_view']);
	});
	await check('list with a malformed limit: PostHog\'s 400', async () => {
		const r = await send('GET', `${P}/?limit=abc`, {headers: R});
		assert.equal(r.status, 400);
		assert.equal(r.json.type, 'validation_error');
		assert.equal(r.json.attr, 'limit');
	});
	await check('create: 201', async () => {
		const r = await post(`${P}/`, {name: 'refund', tags: ['Billing']});
		assert.equal(r.status, 201);
		assert.equal(r.json.name, 'refund');
		assert.deepEqual(r.json.tags, ['billing']);
		assert.equal(r.json.created_at, null);
		created = r.json.id;
	});
	await check('create a duplicate: 400 on name', async () => {
		const r = await post(`${P}/`, {name: 'refund'});
		assert.equal(r.status, 400);
		assert.deepEqual(r.json, {type: 'validation_error', code: 'invalid_input', detail: "Event definition with name 'refund' already exists", attr: 'name'});
	});
	await check('create without a name: 400 required', async () => {
		const r = await post(`${P}/`, {description: 'x'});
		assert.equal(r.status, 400);
		assert.deepEqual(r.json, {type: 'validation_error', code: 'required', detail: 'This field is required.', attr: 'name'});
	});
	await check('create with enforcement_mode "reject" (a feature flag in PostHog): 400 on enforcement_mode', async () => {
		const r = await post(`${P}/`, {name: 'strict', enforcement_mode: 'reject'});
		assert.equal(r.status, 400);
		assert.deepEqual(r.json, {type: 'validation_error', code: 'invalid_input',
			detail: 'Setting schema enforcement mode to "reject" requires the schema-enforcement-reject feature flag', attr: 'enforcement_mode'});
	});
	await check('retrieve', async () => {
		const r = await send('GET', `${P}/${ID}/`, {headers: R});
		assert.equal(r.status, 200);
		assert.equal(r.json.name, 'signup');
		assert.equal(r.json.owner.first_name, 'Alice');
	});
	await check('retrieve /undefined/: PostHog\'s 404', async () => {
		const r = await send('GET', `${P}/undefined/`, {headers: R});
		assert.equal(r.status, 404);
		assert.deepEqual(r.json, {type: 'invalid_request', code: 'not_found', detail: 'Not found.', attr: null});
	});
	await check('update (PATCH)', async () => {
		const r = await send('PATCH', `${P}/${created}`, {headers: {...W, 'Content-Type': 'application/json'}, body: '{"verified": true, "description": "Money back"}'});
		assert.equal(r.status, 200);
		assert.equal(r.json.verified, true);
		assert.equal(r.json.verified_by.first_name, 'Alice');
		assert.equal(r.json.description, 'Money back');
	});
	await check('metrics', async () => {
		const r = await send('GET', `${P}/${ID}/metrics/`, {headers: R});
		assert.equal(r.status, 200);
		assert.deepEqual(r.json, {query_usage_30_day: 9});
	});
	await check('bulk_update_tags', async () => {
		const r = await post(`${P}/bulk_update_tags/`, {ids: [created, '71020000-0000-4000-8000-000000000001'], action: 'add', tags: ['PII']});
		assert.equal(r.status, 200);
		assert.deepEqual(r.json, {updated: [{id: created, tags: ['billing', 'pii']}], skipped: [{id: '71020000-0000-4000-8000-000000000001', reason: 'Not found'}]});
	});
	await check('bulk_update_tags with an unknown action: 400 on action', async () => {
		const r = await post(`${P}/bulk_update_tags/`, {ids: [created], action: 'upsert', tags: ['x']});
		assert.equal(r.status, 400);
		assert.equal(r.json.attr, 'action');
		assert.equal(r.json.code, 'invalid_choice');
	});
	await check('by_name', async () => {
		const r = await send('GET', `${P}/by_name/?name=signup`, {headers: R});
		assert.equal(r.status, 200);
		assert.equal(r.json.id, ID);
	});
	await check('by_name, missing: 404 {"detail"}', async () => {
		const r = await send('GET', `${P}/by_name/?name=nope`, {headers: R});
		assert.equal(r.status, 404);
		assert.deepEqual(r.json, {detail: "Event definition with name 'nope' not found"});
	});
	await check('by_name without a name: 400 {"detail"}', async () => {
		const r = await send('GET', `${P}/by_name/`, {headers: R});
		assert.equal(r.status, 400);
		assert.deepEqual(r.json, {detail: "Query parameter 'name' is required"});
	});
	await check('promoted_properties', async () => {
		const r = await send('GET', `${P}/promoted_properties/?names=signup&names=checkout&names=page_view`, {headers: R});
		assert.equal(r.status, 200);
		assert.deepEqual(r.json, {promoted_properties: {signup: 'plan', page_view: 'path'}});
	});
	for (const g of ['golang', 'python', 'typescript']) {
		await check(g, async () => {
			const r = await send('GET', `${P}/${g}/`, {headers: R});
			assert.equal(r.status, 200);
			assert.match(r.headers['content-type'], /^application\/json/);
			assert.deepEqual(Object.keys(r.json).sort(), ['content', 'event_count', 'generator_version', 'schema_hash']);
			assert.equal(r.json.event_count, 4);
			assert.match(r.json.content, /refund/);
		});
	}
	await check('a reader writing: 403', async () => {
		const r = await post(`${P}/`, {name: 'by_reader'}, R);
		assert.equal(r.status, 403);
		assert.equal(r.json.type, 'authentication_error');
		assert.equal(r.json.code, 'permission_denied');
	});
	await check('no token: 401', async () => {
		const r = await send('GET', `${P}/`);
		assert.equal(r.status, 401);
		assert.deepEqual(r.json, {type: 'authentication_error', code: 'not_authenticated', detail: 'Authentication credentials were not provided.', attr: null});
	});
	await check('another project\'s writer: 404', async () => {
		const r = await send('GET', `${P}/${ID}/`, {headers: auth('bob_w')});
		assert.equal(r.status, 404);
		assert.equal(r.json.code, 'not_found');
	});
	await check('delete: 204, then 404', async () => {
		const r = await send('DELETE', `${P}/${created}/`, {headers: W});
		assert.equal(r.status, 204);
		assert.equal(r.text, '');
		assert.equal(r.headers['content-type'], undefined);
		const again = await send('DELETE', `${P}/${created}/`, {headers: W});
		assert.equal(again.status, 404);
		assert.deepEqual(again.json, {type: 'invalid_request', code: 'not_found', detail: 'Not found.', attr: null});
	});
}

if (mode === 'record') await record();
else await live();
process.exit(failed);
