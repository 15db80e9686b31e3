// PostgREST, emulated per version, for the tests of this repository.
//
// PostgREST has no package here, so this module re-implements, from reading
// its source, what PostgREST 12.2 and 13.0 send to PostgreSQL for a request
// and how they turn the result into an HTTP response.  No PostgREST code is
// copied; /work/notes/postgrest-v12-v13.md (section numbers "§" below) has
// the reading notes with the file and commit of every rule, and
// docs/postgrest.md names the versions followed.
//
//   const p = new Pgrst({version: '13.0', dbUri, anonRole: 'web_anon', jwtSecret, maxRows: 1000});
//   await p.connect();
//   const res = await p.handle({method: 'GET', path: '/rpc/f', query: 'a=1', headers: {...}, body: ''});
//   // res = {status, headers: {name: value}, body: string, statements: [{sql, params, types}]}
//
// As a server:  node pgrst.mjs --version 13.0 --config postgrest.conf [--port N]
//
// It covers what this repository's API uses: RPC by GET and POST (named
// arguments from a JSON body, a query string or a form), reads of views and
// tables with filters, select, order, limit/offset, Prefer: count=exact,
// db-max-rows, Accept: application/vnd.pgrst.object+json, JWT (HS256)
// roles, db-anon-role, the response.status / response.headers GUCs, and the
// error mapping of Error.hs.  Anything else answers 501 "not emulated".

import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import pg from 'pg';

export const VERSIONS = ['12.2', '13.0'];

// Results come back as the text PostgreSQL sends (PostgREST passes the body
// through untouched).  A parameter list that also carries the OIDs pg sends
// in its Parse message: 0 ("unknown", hasql's HE.unknown) or 114 (json).
const RAW = {getTypeParser: () => (v) => v};
function typedParams(types) {
	const t = types.slice();
	t.getTypeParser = RAW.getTypeParser;
	return t;
}
const OID_UNKNOWN = 0, OID_JSON = 114;

// ---------------------------------------------------------------- helpers

const ident = (s) => '"' + String(s).replace(/"/g, '""') + '"';	// pgFmtIdent
const qi = (schema, name) => ident(schema) + '.' + ident(name);	// fromQi

// aeson encodes objects with sorted keys (KeyMap) and no spaces (§5.1)
function aesonEncode(v) {
	if (v === null || typeof v !== 'object') return JSON.stringify(v);
	if (Array.isArray(v)) return '[' + v.map(aesonEncode).join(',') + ']';
	return '{' + Object.keys(v).sort().filter((k) => v[k] !== undefined)
		.map((k) => JSON.stringify(k) + ':' + aesonEncode(v[k])).join(',') + '}';
}

function b64url(buf) {
	return Buffer.from(buf).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

// An HS256 JWT, for tests and docs.
export function signJwt(claims, secret) {
	const h = b64url(JSON.stringify({alg: 'HS256', typ: 'JWT'}));
	const p = b64url(JSON.stringify(claims));
	const s = b64url(crypto.createHmac('sha256', secret).update(h + '.' + p).digest());
	return `${h}.${p}.${s}`;
}

// Network.HTTP.Types.parseQuery: split on & (and ;), "+" is a space, %XX decoded
function parseQuery(qs) {
	const out = [];
	if (!qs) return out;
	for (const part of qs.replace(/^\?/, '').split(/[&;]/)) {
		if (part === '') continue;
		const i = part.indexOf('=');
		const dec = (s) => {
			try { return decodeURIComponent(s.replace(/\+/g, ' ')); } catch { return s; }
		};
		if (i < 0) out.push([dec(part), null]);
		else out.push([dec(part.slice(0, i)), dec(part.slice(i + 1))]);
	}
	return out;
}

class HttpError extends Error {
	constructor(status, body, headers = {}) {
		super(body && body.message ? body.message : `HTTP ${status}`);
		this.status = status;
		this.body = body;
		this.headers = headers;
	}
}

const pgrstError = (status, code, message, details = null, hint = null, headers = {}) =>
	new HttpError(status, {code, details, hint, message}, headers);

// ---------------------------------------------------------------- Error.hs

// SQLSTATE -> HTTP status, first match wins (§5.2; Error.hs pgErrorStatus).
// `authed` is false when the request's role is db-anon-role.
export function sqlStateStatus(version, e, authed) {
	const c = e.code || '';
	const m = e.message || '';
	const p2 = c.slice(0, 2);
	if (p2 === '08') return 503;
	if (p2 === '09') return 500;
	if (p2 === '0L' || p2 === '0P') return 403;
	if (c === '23503' || c === '23505') return 409;
	if (c === '25006') return 405;
	if (c === '21000') return m.endsWith('requires a WHERE clause') ? 400 : 500;
	if (c === '22023' && /^role .* does not exist$/.test(m) && version !== '12.2' && version !== '13.0') return 401;	// 13.0.1+ (#3601)
	if (p2 === '25') return 500;
	if (p2 === '28') return 403;
	if (p2 === '2D') return 500;
	if (p2 === '38' || p2 === '39' || p2 === '3B') return 500;
	if (p2 === '40') return 500;
	if (c === '53400') return 500;
	if (p2 === '53') return 503;
	if (p2 === '54') return 500;
	if (p2 === '55') return 500;
	if (c === '57P01') return 503;
	if (p2 === '57') return 500;
	if (p2 === '58' || p2 === 'F0' || p2 === 'HV') return 500;
	if (c === 'P0001') return 400;
	if (p2 === 'P0') return 500;
	if (p2 === 'XX') return 500;
	if (c === '42883') return m.startsWith('function xmlagg(') ? 406 : 404;
	if (c === '42P01') return 404;
	if (c === '42P17') return 500;
	if (c === '42501') return authed ? 403 : 401;
	if (/^PT/.test(c)) {
		const n = c.slice(2);
		return /^[0-9]+$/.test(n) ? Number(n) : 500;
	}
	return 400;
}

// A PostgreSQL error as PostgREST answers it (§5.1, §5.2 RAISE SQLSTATE 'PGRST').
function pgErrorResponse(version, e, authed) {
	if (e.code === 'PGRST') {
		let body, detail;
		try {
			body = JSON.parse(e.message);
			if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error();
		} catch {
			return pgrstError(500, 'PGRST121', 'Could not parse JSON in the "RAISE SQLSTATE \'PGRST\'" error',
				`Invalid JSON value for MESSAGE: '${e.message}'`, 'MESSAGE must be a JSON object with obligatory keys: \'code\', \'message\' and optional keys: \'details\', \'hint\'.');
		}
		if (e.detail === undefined || e.detail === null) {
			return pgrstError(500, 'PGRST121', 'Could not parse JSON in the "RAISE SQLSTATE \'PGRST\'" error',
				'DETAIL is missing in the RAISE statement', 'DETAIL must be a JSON object with obligatory keys: \'status\', \'headers\' and optional key: \'status_text\'.');
		}
		try {
			detail = JSON.parse(e.detail);
			if (typeof detail !== 'object' || detail === null || typeof detail.status !== 'number') throw new Error();
		} catch {
			return pgrstError(500, 'PGRST121', 'Could not parse JSON in the "RAISE SQLSTATE \'PGRST\'" error',
				`Invalid JSON value for DETAIL: '${e.detail}'`, 'DETAIL must be a JSON object with obligatory keys: \'status\', \'headers\' and optional key: \'status_text\'.');
		}
		const err = new HttpError(detail.status, {
			code: body.code ?? null, details: body.details ?? null, hint: body.hint ?? null, message: body.message ?? null,
		}, detail.headers || {});
		err.statusText = detail.status_text;
		return err;
	}
	const status = sqlStateStatus(version, e, authed);
	const err = new HttpError(status, {
		code: e.code, details: e.detail ?? null, hint: e.hint ?? null, message: e.message,
	}, status === 401 ? {'WWW-Authenticate': 'Bearer'} : {});
	if (/^PT/.test(e.code || '')) err.statusText = e.message;	// mkStatus nnn <errmsg>
	return err;
}

// ---------------------------------------------------------------- schema cache

// What PostgREST's schema cache holds of a routine and a relation, read from
// the catalog the way SchemaCache.hs@00fbe9f funcsSqlQuery / tablesSqlQuery
// do: with the search_path emptied, so that types outside pg_catalog are
// schema-qualified; argument types as format_type spells them (bit and
// character widened to their varying forms for casts), required = no
// default, the return type's schema and name, set-returning, composite,
// volatility, and the function's own default_transaction_isolation.
const ROUTINES_SQL = `
SELECT n.nspname AS schema, p.proname AS name, p.provolatile AS volatility, p.proretset AS setof,
	(t.typtype = 'c' OR coalesce(p.proargmodes::text[] && '{t,b,o}', false)) AS composite,
	tn.nspname AS ret_schema, t.typname AS ret_name,
	coalesce((SELECT json_agg(json_build_object(
			'name', coalesce(a.name, ''),
			'type', format_type(a.type, NULL),
			'required', a.idx <= p.pronargs - p.pronargdefaults,
			'variadic', coalesce(a.mode = 'v', false)) ORDER BY a.idx)
		FROM unnest(p.proargnames, p.proargtypes::oid[], p.proargmodes) WITH ORDINALITY AS a(name, type, mode, idx)
		WHERE a.type IS NOT NULL), '[]') AS args,
	(SELECT lower(split_part(substr(s, strpos(s, '=') + 1), ',', 1)) FROM unnest(p.proconfig) s
	  WHERE s LIKE 'default_transaction_isolation=%') AS isolation
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
JOIN pg_catalog.pg_type t ON t.oid = p.prorettype
JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
WHERE n.nspname = ANY($1) AND p.prokind = 'f' AND t.oid <> 'trigger'::regtype`;
const RELATIONS_SQL = `
SELECT n.nspname AS schema, c.relname AS name, c.relkind AS kind,
	array_agg(a.attname::text ORDER BY a.attnum) AS columns
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'v', 'm', 'f', 'p')
GROUP BY 1, 2, 3`;
// configRoleSettings / configRoleIsoLvl: the per-role settings PostgREST reads at startup
const ROLE_SETTINGS_SQL = `
SELECT r.rolname AS role, s.setconfig AS settings
FROM pg_catalog.pg_db_role_setting s JOIN pg_catalog.pg_roles r ON r.oid = s.setrole
WHERE s.setdatabase IN (0, (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()))`;

function widen(type) {
	return ({'bit': 'bit varying', 'bit[]': 'bit varying[]', 'character': 'character varying',
		'character[]': 'character varying[]'})[type] || type;
}

// ---------------------------------------------------------------- the emulator

export class Pgrst {
	constructor(opts) {
		if (!VERSIONS.includes(opts.version)) throw new Error(`version must be one of ${VERSIONS.join(', ')}`);
		this.version = opts.version;
		this.dbUri = opts.dbUri;
		this.client = opts.client || null;
		this.schemas = opts.schemas || ['event_definitions'];
		this.extraSearchPath = opts.extraSearchPath || ['public'];
		this.anonRole = opts.anonRole ?? null;
		this.jwtSecret = opts.jwtSecret || null;
		this.roleClaimKey = (opts.jwtRoleClaimKey || '.role').replace(/^\./, '').split('.');
		this.maxRows = opts.maxRows ?? null;
		this.preRequest = opts.preRequest || null;
		this.appSettings = opts.appSettings || {};
		this.hoisted = opts.hoistedTxSettings || ['statement_timeout', 'plan_filter.statement_cost_limit', 'default_transaction_isolation'];
		this.log = [];		// every statement sent, in order, across requests
		this.prepared = opts.prepared ?? true;	// db-prepared-statements
	}

	get v12() { return this.version === '12.2'; }

	async connect() {
		if (!this.client) {
			this.client = new pg.Client({connectionString: this.dbUri});
			await this.client.connect();
			this.ownClient = true;
		}
		await this.reloadSchemaCache();
	}

	async close() {
		if (this.ownClient) await this.client.end();
	}

	async reloadSchemaCache() {
		const c = this.client;
		await c.query('BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY');
		try {
			await c.query("set local schema ''");
			const routines = await c.query({text: ROUTINES_SQL, values: [this.schemas]});
			const rels = await c.query({text: RELATIONS_SQL, values: [this.schemas]});
			const roles = await c.query(ROLE_SETTINGS_SQL);
			this.routines = new Map();
			for (const r of routines.rows) {
				const key = r.schema + '.' + r.name;
				if (!this.routines.has(key)) this.routines.set(key, []);
				r.args = r.args.map((a) => ({...a, castType: widen(a.type)}));
				this.routines.get(key).push(r);
			}
			this.relations = new Map(rels.rows.map((r) => [r.schema + '.' + r.name, r]));
			this.roleSettings = new Map();
			for (const r of roles.rows) {
				const m = this.roleSettings.get(r.role) || [];
				for (const s of r.settings) {
					const i = s.indexOf('=');
					m.push([s.slice(0, i), s.slice(i + 1)]);
				}
				this.roleSettings.set(r.role, m);
			}
		} finally {
			await c.query('COMMIT');
		}
	}

	// Send one statement and record it.
	async send(rec, sql, params = [], types = null) {
		const entry = {sql, params};
		if (params.length) entry.types = (types || params.map(() => OID_UNKNOWN)).map((t) => (t === OID_JSON ? 'json' : 'unknown'));
		rec.push(entry);
		this.log.push(entry);
		if (!params.length) return this.client.query({text: sql, types: RAW});
		const q = {text: sql, values: params, types: typedParams(types || params.map(() => OID_UNKNOWN))};
		if (this.prepared) q.name = 'pgrst_' + crypto.createHash('sha1').update(sql + '\0' + q.types.join(',')).digest('hex').slice(0, 16);
		return this.client.query(q);
	}

	// ------------------------------------------------------------ a request

	async handle(req) {
		const statements = [];
		let res;
		try {
			res = await this.handle1(req, statements);
		} catch (e) {
			if (!(e instanceof HttpError)) throw e;
			res = this.errorResponse(e);
		}
		res.statements = statements;
		return res;
	}

	errorResponse(e) {
		const body = aesonEncode(e.body);
		const headers = {'Content-Type': 'application/json; charset=utf-8', ...e.headers};
		if (!this.v12) {	// #4016, #2967 (§5.1)
			headers['Content-Length'] = String(Buffer.byteLength(body));
			if (e.body && e.body.code) headers['Proxy-Status'] = `PostgREST; error=${e.body.code}`;
		}
		return {status: e.status, statusText: e.statusText, headers, body};
	}

	authenticate(headers) {
		const auth = headers['authorization'];
		let claims = {};
		if (auth !== undefined) {
			const m = /^Bearer\s+(.*)$/i.exec(auth);
			const token = m ? m[1].trim() : '';
			const invalid = (msg) => pgrstError(401, 'PGRST301', msg, null, null,
				{'WWW-Authenticate': `Bearer error="invalid_token", error_description="${msg}"`});
			const parts = token.split('.');
			if (parts.length !== 3) throw invalid('Expected 3 parts in JWT; got ' + parts.length);
			const sig = b64url(crypto.createHmac('sha256', this.jwtSecret || '').update(parts[0] + '.' + parts[1]).digest());
			if (sig !== parts[2]) throw invalid(this.v12 ? 'JWSError JWSInvalidSignature' : 'No suitable key or wrong key type');
			try {
				claims = JSON.parse(Buffer.from(parts[1], 'base64').toString('utf8'));
			} catch {
				throw invalid('JWT claims are not JSON');
			}
			if (typeof claims.exp === 'number' && claims.exp < Date.now() / 1000) throw invalid('JWT expired');
		}
		let role = claims;
		for (const k of this.roleClaimKey) role = role && typeof role === 'object' ? role[k] : undefined;
		if (typeof role !== 'string') role = this.anonRole;
		if (role === null || role === undefined) {
			throw pgrstError(401, 'PGRST302', 'Anonymous access is disabled', null, null, {'WWW-Authenticate': 'Bearer'});
		}
		return {role, claims: {...claims, role}, authed: role !== this.anonRole};
	}

	async handle1(req, rec) {
		const method = (req.method || 'GET').toUpperCase();
		const headers = {};
		for (const [k, v] of Object.entries(req.headers || {})) headers[k.toLowerCase()] = String(v);
		let path = req.path || '/';
		let query = req.query || '';
		if (path.includes('?')) [path, query] = [path.slice(0, path.indexOf('?')), path.slice(path.indexOf('?') + 1)];
		this.negotiatedProfile = null;
		const auth = this.authenticate(headers);
		const prefer = parsePrefer(headers['prefer'], this.v12);
		const accept = negotiateAccept(headers['accept']);
		const schema = this.pickSchema(method, headers);
		const segs = path.split('/').filter((s) => s !== '').map(decodeURIComponent);
		const qs = parseQuery(query);

		let plan;
		if (segs.length === 2 && segs[0] === 'rpc') {
			if (!['GET', 'HEAD', 'POST'].includes(method)) {
				throw pgrstError(405, 'PGRST101', `Cannot use the ${method} method on RPC`);
			}
			plan = this.planCall(schema, segs[1], method, headers, qs, req.body, prefer, accept);
		} else if (segs.length === 1) {
			if (!['GET', 'HEAD'].includes(method)) throw pgrstError(501, 'EMUL501', `${method} on a relation is not emulated`);
			plan = this.planRead(schema, segs[0], qs, prefer, accept);
		} else {
			if (this.v12) throw new HttpError(404, {});
			throw pgrstError(404, 'PGRST125', 'Invalid path specified in request URL');
		}

		// §1.1: the transaction
		const iso = plan.isolation || this.roleIsolation(auth.role) || 'read committed';
		await this.send(rec, `BEGIN ISOLATION LEVEL ${iso.toUpperCase()} ${plan.readOnly ? 'READ ONLY' : 'READ WRITE'}`);
		let row, condemned = false;
		try {
			await this.preamble(rec, schema, auth, method, path, headers, plan);
			if (this.preRequest) await this.send(rec, `select ${this.preRequest}()`);
			const r = await this.send(rec, plan.sql, plan.params, plan.types);
			row = r.rows[0];
			if (accept.single && Number(row.page_total) !== 1) {	// failNotSingular (§3)
				condemned = true;
				throw pgrstError(406, 'PGRST116', this.v12 ? 'JSON object requested, multiple (or no) rows returned'
					: 'Cannot coerce the result to a single JSON object', `The result contains ${row.page_total} rows`);
			}
		} catch (e) {
			await this.send(rec, 'ABORT');
			if (e instanceof HttpError) throw e;
			if (e && e.code && typeof e.severity === 'string') throw pgErrorResponse(this.version, e, auth.authed);
			throw e;
		}
		await this.send(rec, condemned ? 'ABORT' : 'COMMIT');
		return this.response(plan, row, prefer, accept, method);
	}

	pickSchema(method, headers) {
		const h = ['GET', 'HEAD'].includes(method) ? headers['accept-profile'] : headers['content-profile'];
		if (h === undefined) return this.schemas[0];
		if (!this.schemas.includes(h)) {
			throw pgrstError(406, 'PGRST106', `The schema must be one of the following: ${this.schemas.join(', ')}`);
		}
		this.negotiatedProfile = h;
		return h;
	}

	roleIsolation(role) {
		const s = (this.roleSettings.get(role) || []).find(([k]) => k === 'default_transaction_isolation');
		return s ? s[1] : null;
	}

	// §1.2: one select of set_config() calls, every value an unknown parameter
	async preamble(rec, schema, auth, method, path, headers, plan) {
		const parts = [], params = [];
		const constant = (name, value) => { params.push(value); parts.push(`set_config('${name}', $${params.length}, true)`); };
		const dynamic = (name, value) => {
			params.push(name); const a = params.length;
			params.push(value); parts.push(`set_config($${a}, $${params.length}, true)`);
		};
		constant('search_path', [schema, ...this.extraSearchPath].map(ident).join(', '));
		for (const [k, v] of this.roleSettings.get(auth.role) || []) dynamic(k, v);
		constant('role', auth.role);
		constant('request.jwt.claims', aesonEncode(auth.claims));
		constant('request.method', method);
		constant('request.path', path);
		const hdrs = {};
		for (const [k, v] of Object.entries(headers)) if (k !== 'cookie') hdrs[k] = v;
		constant('request.headers', aesonEncode(hdrs));
		const cookies = {};
		for (const c of (headers['cookie'] || '').split(';')) {
			const i = c.indexOf('=');
			if (i > 0) cookies[c.slice(0, i).trim()] = c.slice(i + 1).trim();
		}
		constant('request.cookies', aesonEncode(cookies));
		for (const [k, v] of plan.funcSettings || []) dynamic(k, v);
		for (const [k, v] of Object.entries(this.appSettings)) dynamic(k, v);
		await this.send(rec, 'select ' + parts.join(', '), params);
	}

	// ------------------------------------------------------------ reads

	planRead(schema, name, qs, prefer, accept) {
		const rel = this.relations.get(schema + '.' + name);
		if (!rel) {
			if (this.v12) throw new HttpError(404, {});
			throw pgrstError(404, 'PGRST205', `Could not find the table '${schema}.${name}' in the schema cache`);
		}
		const t = qi(schema, name);
		const q = this.readParams(qs, rel.columns);
		const params = [];
		const col = (c) => `${t}.${ident(c)}`;
		const where = q.filters.map((f) => renderFilter(col(f.column), f, params));
		const sel = q.select ? q.select.map((c) => (c === '*' ? `${t}.*` : col(c))).join(', ') : `${t}.*`;
		const order = q.order.map((o) => orderTerm(col(o.column), o)).join(', ');
		const range = this.restrict(q);
		const lim = limitOffset(range, params);
		const inner = `SELECT ${sel} FROM ${t}` + this.tail(where, order, lim);
		let count = '';
		if (prefer.count) {
			const cw = q.filters.map((f) => renderFilter(col(f.column), f, params));
			count = `, pgrst_source_count AS (SELECT 1  FROM ${t}` + (cw.length ? ` WHERE  ${cw.join(' AND ')}` : '') + ') ';
		}
		const body = accept.single ? "coalesce(json_agg(_postgrest_t)->0, 'null')" : "coalesce(json_agg(_postgrest_t), '[]')";
		const sql = `WITH pgrst_source AS ( ${inner} ) ${count}SELECT `
			+ (prefer.count ? '(SELECT pg_catalog.count(*) FROM pgrst_source_count)' : 'null::bigint') + ' AS total_result_set, '
			+ `pg_catalog.count(_postgrest_t) AS page_total, ${body} AS body, `
			+ "nullif(current_setting('response.headers', true), '') AS response_headers, "
			+ "nullif(current_setting('response.status', true), '') AS response_status, "
			+ "'' AS response_inserted FROM ( SELECT * FROM pgrst_source ) _postgrest_t";
		return {kind: 'read', readOnly: true, sql, params, offset: range.offset};
	}

	// WHERE, ORDER BY and LIMIT/OFFSET after the FROM of readPlanToQuery: v12
	// [id 2509211020] separates them with spaces ("FROM t  WHERE  f ORDER BY x ASC  LIMIT");
	// v13.0.0 (QueryBuilder.hs@99c818d) appends limitOffsetF to orderF with no
	// separator, so "ORDER BY x ASC LIMIT" (the ASC's trailing space) but
	// "NULLS FIRSTLIMIT", a syntax error fixed only in 13.0.2 (#4109) (§3)
	tail(where, order, lim) {
		const w = where.length ? ` WHERE  ${where.join(' AND ')}` : '';
		if (this.v12) return (w ? ' ' + w : '') + (order ? ` ORDER BY ${order}` : '') + (lim ? ` ${lim}` : '');
		return w + (order ? ` ORDER BY ${order}${lim}` : (lim ? ` ${lim}` : ''));
	}

	// db-max-rows: the range intersected with [offset, offset + max - 1] (§3)
	restrict(q) {
		let limit = q.limit;
		if (this.maxRows !== null) limit = limit === null ? this.maxRows : Math.min(limit, this.maxRows);
		return {limit, offset: q.offset};
	}

	// The query string of a read: reserved keys (§2.4) and filters
	readParams(qs, columns, isRpc = false, argNames = []) {
		const r = {filters: [], order: [], select: null, limit: null, offset: 0, args: new Map()};
		for (const [k, v] of qs) {
			if (k === 'select') r.select = (v || '*').split(',').map((s) => s.trim()).filter(Boolean);
			else if (k === 'columns' || k === 'on_conflict' || k === 'and' || k === 'or' || /\.(and|or|order|limit|offset)$/.test(k)) {
				throw pgrstError(501, 'EMUL501', `the query key ${k} is not emulated`);
			} else if (k === 'order') r.order = parseOrder(v || '');
			else if (k === 'limit') {
				if (!/^[0-9]+$/.test(v || '')) throw pgrstError(400, 'PGRST100', `"failed to parse limit (${v})" (line 1, column 1)`, 'unexpected end of input expecting digit');
				r.limit = Number(v);
			} else if (k === 'offset') {
				if (!/^[0-9]+$/.test(v || '')) throw pgrstError(400, 'PGRST100', `"failed to parse offset (${v})" (line 1, column 1)`, 'unexpected end of input expecting digit');
				r.offset = Number(v);
			} else {
				const f = parseFilter(k, v);
				if (f) r.filters.push(f);
				else if (isRpc) r.args.set(k, [...(r.args.get(k) || []), v ?? '']);
				else throw pgrstError(400, 'PGRST100', `"failed to parse filter (${v})" (line 1, column 1)`, 'unexpected "' + (v || ' ')[0] + '" expecting "not" or operator (eq, gt, ...)');
			}
		}
		return r;
	}

	// ------------------------------------------------------------ RPC

	planCall(schema, fname, method, headers, qs, rawBody, prefer, accept) {
		const read = method === 'GET' || method === 'HEAD';
		const ctype = (headers['content-type'] || 'application/json').split(';')[0].trim().toLowerCase();
		const q = this.readParams(qs, [], read);
		// the arguments: query string (GET), form (POST urlencoded) or a JSON body
		let keys, jsonBody = null, direct = null;
		if (read) {
			direct = q.args;
			keys = [...q.args.keys()];
		} else if (ctype === 'application/x-www-form-urlencoded') {
			direct = new Map();
			for (const [k, v] of parseQuery(String(rawBody || ''))) direct.set(k, [...(direct.get(k) || []), v ?? '']);
			keys = [...direct.keys()];
		} else if (ctype === 'application/json' || ctype === '*/*') {
			const text = rawBody === undefined || rawBody === null || String(rawBody).trim() === '' ? '{}' : String(rawBody);
			let parsed;
			try { parsed = JSON.parse(text); } catch { throw pgrstError(400, 'PGRST102', 'Empty or invalid json'); }
			const first = Array.isArray(parsed) ? parsed[0] : parsed;
			if (first === null || typeof first !== 'object' || Array.isArray(first)) {
				if (Array.isArray(parsed) && parsed.length === 0) keys = [];
				else throw pgrstError(400, 'PGRST102', 'Empty or invalid json');
			} else keys = Object.keys(first);
			if (Array.isArray(parsed) && parsed.some((o) => o === null || typeof o !== 'object' || Array.isArray(o)
				|| aesonEncode(Object.keys(o).sort()) !== aesonEncode([...keys].sort()))) {
				throw pgrstError(400, 'PGRST102', 'All object keys must match');
			}
			jsonBody = {text, isArray: Array.isArray(parsed)};
		} else {
			throw pgrstError(501, 'EMUL501', `Content-Type ${ctype} is not emulated`);
		}
		if (this.v12 && prefer.singleObject) throw pgrstError(501, 'EMUL501', 'Prefer: params=single-object is not emulated');
		const proc = this.findProc(schema, fname, keys, !read, ctype);
		const given = new Set(keys);
		const args = proc.args.filter((a) => given.has(a.name));	// specifiedParams, declaration order
		const params = [], types = [];
		const fn = qi(schema, fname);
		const scalar = !proc.composite;
		const callSel = scalar ? 'pgrst_call.pgrst_scalar' : 'pgrst_call.*';
		const callIt = (argList) => (scalar ? `(SELECT ${fn}(${argList}) pgrst_scalar) pgrst_call` : `${fn}(${argList}) pgrst_call`);
		let call;
		// v12: GET and form arguments become a JSON object of strings (jsonRpcParams);
		// v13: typed bind parameters (DirectArgs, #2858) (§2.3)
		if (direct && this.v12) {
			const obj = {};
			for (const a of args) {
				const vs = direct.get(a.name);
				obj[a.name] = a.variadic ? vs : vs[vs.length - 1];	// the last of repeated values wins
			}
			jsonBody = {text: aesonEncode(obj), isArray: false};
			direct = null;
		}
		if (args.length === 0) {
			call = `SELECT ${callSel} FROM ${callIt('')}`;
		} else if (direct) {
			const fmt = args.map((a) => {
				const vs = direct.get(a.name);
				if (a.variadic) {
					params.push(pgArrayLiteral(vs)); types.push(OID_UNKNOWN);
					return `VARIADIC ${ident(a.name)} := $${params.length}::${a.castType}`;
				}
				params.push(vs[vs.length - 1]); types.push(OID_UNKNOWN);
				return `${ident(a.name)} := $${params.length}::${a.castType}`;
			});
			call = `SELECT ${callSel} FROM ${callIt(fmt.join(', '))}`;
		} else {
			params.push(jsonBody.text); types.push(OID_JSON);
			const cols = args.map((a) => ident(a.name)).join(', ');
			const typed = args.map((a) => `${ident(a.name)} ${a.castType}`).join(', ');
			const named = args.map((a) => `${a.variadic ? 'VARIADIC ' : ''}${ident(a.name)} := pgrst_body.${ident(a.name)}`).join(', ');
			const rec = jsonBody.isArray ? 'json_to_recordset' : 'json_to_record';
			call = `SELECT ${callSel} FROM (SELECT $1 AS json_data) pgrst_payload, `
				+ `LATERAL (SELECT ${cols} FROM ${rec}(pgrst_payload.json_data) AS _(${typed}) LIMIT 1) pgrst_body , `
				+ `LATERAL ${scalar ? `(SELECT ${fn}(${named}) pgrst_scalar)` : `${fn}(${named})`} pgrst_call`;
		}
		// the outer read over the call's result (§2.1)
		const src = `"pgrst_source" AS ${ident(fname)}`;
		const col = (c) => `${ident(fname)}.${ident(c)}`;
		let count = '';
		if (prefer.count) {
			const cw = q.filters.map((f) => renderFilter(col(f.column), f, params, types));
			count = `, pgrst_source_count AS (SELECT 1  FROM ${src}` + (cw.length ? ` WHERE  ${cw.join(' AND ')}` : '') + ')';
		}
		const where = q.filters.map((f) => renderFilter(col(f.column), f, params, types));
		const order = q.order.map((o) => orderTerm(col(o.column), o)).join(', ');
		const range = this.restrict(q);
		const lim = limitOffset(range, params, types);
		const sel = q.select && !(q.select.length === 1 && q.select[0] === '*') ? q.select.map(col).join(', ') : `${ident(fname)}.*`;
		const outer = `SELECT ${sel} FROM ${src}` + this.tail(where, order, lim);
		const single = !proc.setof;
		let body;
		if (scalar) body = single || accept.single ? "coalesce(json_agg(_postgrest_t.pgrst_scalar)->0, 'null')" : "coalesce(json_agg(_postgrest_t.pgrst_scalar), '[]')";
		else body = single || accept.single ? "coalesce(json_agg(_postgrest_t)->0, 'null')" : "coalesce(json_agg(_postgrest_t), '[]')";
		const sql = `WITH pgrst_source AS (${call}) ${count}SELECT `
			+ (prefer.count ? '(SELECT pg_catalog.count(*) FROM pgrst_source_count)' : 'null::bigint') + ' AS total_result_set, '
			+ (single ? '1' : 'pg_catalog.count(_postgrest_t)') + ' AS page_total, '
			+ `${body} AS body, `
			+ "nullif(current_setting('response.headers', true), '') AS response_headers, "
			+ "nullif(current_setting('response.status', true), '') AS response_status, "
			+ `'' AS response_inserted FROM (${outer}) _postgrest_t`;
		// §1.1 access mode: GET/HEAD read only; POST read only for STABLE/IMMUTABLE
		const readOnly = read || proc.volatility === 's' || proc.volatility === 'i';
		return {
			kind: 'call', readOnly, sql, params, types, offset: range.offset, isolation: proc.isolation,
			void: proc.ret_schema === 'pg_catalog' && proc.ret_name === 'void' && !proc.composite,
			funcSettings: [],
		};
	}

	// Plan.hs findProc/matchesParams: a routine of that name whose required
	// parameters are all given and whose parameters include every key
	findProc(schema, fname, keys, isPost, ctype) {
		const procs = this.routines.get(schema + '.' + fname) || [];
		const ks = new Set(keys);
		const match = procs.filter((p) => {
			if (p.args.length === 0) return ks.size === 0;
			const names = new Set(p.args.map((a) => a.name));
			if (![...ks].every((k) => names.has(k))) return false;
			return p.args.filter((a) => a.required).every((a) => ks.has(a.name));
		});
		if (match.length === 1) return match[0];
		if (match.length > 1) {
			throw pgrstError(300, 'PGRST203', `Could not choose the best candidate function between: ${match.map((p) => `${schema}.${fname}(${p.args.map((a) => `${a.name} => ${a.type}`).join(', ')})`).join(', ')}`,
				null, 'Try renaming the parameters or the function itself in the database so function overloading can be resolved');
		}
		const sorted = [...ks].sort();
		const func = `${schema}.${fname}`;
		const spelled = sorted.length ? `(${sorted.join(', ')})` : '';
		const searched = sorted.length ? ` with parameter${sorted.length > 1 ? 's' : ''} ${sorted.join(', ')}` : ' without parameters';
		const lookedFor = isPost && ctype === 'application/json' ? `${searched} or with a single unnamed json/jsonb parameter` : searched;
		throw pgrstError(404, 'PGRST202',
			`Could not find the function ${func}${sorted.length ? spelled : ' without parameters'} in the schema cache`,
			`Searched for the function ${func}${lookedFor}, but no matches were found in the schema cache.`, null);
	}

	// ------------------------------------------------------------ Response.hs

	response(plan, row, prefer, accept, method) {
		const headers = {};
		const pageTotal = Number(row.page_total);
		const total = row.total_result_set === null ? null : Number(row.total_result_set);
		const lower = plan.offset;
		const upper = lower + pageTotal - 1;
		// RangeQuery.hs contentRangeH / rangeStatusHeader (§4.3)
		const range = lower > upper || total === 0 ? '*' : `${lower}-${upper}`;
		headers['Content-Range'] = `${range}/${total === null ? '*' : total}`;
		let status = 200;
		if (total !== null) {
			if (lower > total) status = 416;
			else if (pageTotal < total) status = 206;
		}
		if (prefer.applied.length) headers['Preference-Applied'] = prefer.applied.join(', ');
		if (this.negotiatedProfile || this.schemas.length > 1) headers['Content-Profile'] = this.negotiatedProfile || this.schemas[0];
		let body = row.body;
		if (status === 416) {
			const e = pgrstError(416, 'PGRST103', 'Requested range not satisfiable',
				`An offset of ${lower} was requested, but there are only ${total} rows.`);
			const r = this.errorResponse(e);
			Object.assign(r.headers, {'Content-Range': headers['Content-Range']});
			return r;
		}
		if (plan.kind === 'call' && plan.void) {	// 204, no body, no Content-Type (§4.1)
			status = 204;
			body = '';
		} else {
			headers['Content-Type'] = accept.single ? 'application/vnd.pgrst.object+json; charset=utf-8' : 'application/json; charset=utf-8';
		}
		if (method === 'HEAD') body = '';
		// the response.headers and response.status GUCs (§4.2)
		if (row.response_headers !== null) {
			let list;
			try {
				list = JSON.parse(row.response_headers);
				if (!Array.isArray(list) || !list.every((o) => o && typeof o === 'object' && Object.keys(o).length === 1
					&& typeof Object.values(o)[0] === 'string')) throw new Error();
			} catch {
				return this.errorResponse(pgrstError(500, 'PGRST111', 'response.headers guc must be a JSON array composed of objects with a single key and a string value'));
			}
			for (const o of list) {
				const [k, v] = Object.entries(o)[0];
				for (const h of Object.keys(headers)) if (h.toLowerCase() === k.toLowerCase()) delete headers[h];
				headers[k] = v;
			}
		}
		if (row.response_status !== null) {
			if (!/^[0-9]+$/.test(row.response_status.trim())) {
				return this.errorResponse(pgrstError(500, 'PGRST112', 'response.status guc must be a valid status code'));
			}
			status = Number(row.response_status.trim());
		}
		return {status, headers, body};
	}
}

// ---------------------------------------------------------------- request parsing

function parsePrefer(h, v12) {
	const p = {count: null, applied: [], singleObject: false};
	if (!h) return p;
	for (const item of h.split(',').map((s) => s.trim())) {
		if (item === 'count=exact') { p.count = 'exact'; p.applied.push(item); }
		else if (item === 'count=planned' || item === 'count=estimated') throw pgrstError(501, 'EMUL501', `Prefer: ${item} is not emulated`);
		else if (item === 'params=single-object' && v12) p.singleObject = true;
	}
	return p;
}

function negotiateAccept(h) {
	const a = (h || '*/*').split(',').map((s) => s.split(';')[0].trim().toLowerCase());
	for (const t of a) {
		if (t === 'application/vnd.pgrst.object+json' || t === 'application/vnd.pgrst.object') return {single: true};
		if (t === 'application/json' || t === '*/*' || t === 'application/*') return {single: false};
	}
	return {single: false};
}

const OPERATORS = {
	eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=', like: 'LIKE', ilike: 'ILIKE',
	match: '~', imatch: '~*', cs: '@>', cd: '<@', ov: '&&',
};

// pRequestFilter: "[not.]op.value" is a filter; anything else is not (on RPC: an argument)
function parseFilter(key, value) {
	if (value === null) return null;
	const m = /^(not\.)?([a-z]+)\.(.*)$/s.exec(value);
	if (!m) return null;
	const [, not, op, val] = m;
	if (!(op in OPERATORS) && op !== 'in' && op !== 'is') return null;
	if (op === 'is' && !['null', 'true', 'false', 'unknown', 'not_null'].includes(val.toLowerCase())) return null;
	if (op === 'in' && !/^\(.*\)$/s.test(val)) return null;
	return {column: key, not: !!not, op, value: val};
}

function renderFilter(field, f, params, types) {
	const push = (v) => { params.push(v); if (types) types.push(OID_UNKNOWN); return `$${params.length}`; };
	const not = f.not ? 'NOT ' : '';
	if (f.op === 'is') return `${not}${field} IS ${f.value.toUpperCase() === 'NOT_NULL' ? 'NOT NULL' : f.value.toUpperCase()}`;
	if (f.op === 'in') {
		const items = splitInList(f.value.slice(1, -1));
		return `${not}${field} = ANY (${push(pgArrayLiteral(items))})`;
	}
	let v = f.value;
	if (f.op === 'like' || f.op === 'ilike') v = v.replace(/\*/g, '%');
	return `${not}${field} ${OPERATORS[f.op]} ${push(v)}`;
}

function splitInList(s) {
	const out = [];
	let cur = '', q = false;
	for (let i = 0; i < s.length; i++) {
		const ch = s[i];
		if (q) {
			if (ch === '\\' && i + 1 < s.length) cur += s[++i];
			else if (ch === '"') q = false;
			else cur += ch;
		} else if (ch === '"') q = true;
		else if (ch === ',') { out.push(cur); cur = ''; }
		else cur += ch;
	}
	if (s.length) out.push(cur);
	return out;
}

// pgBuildArrayLiteral: {"a","b"} with quotes and backslashes escaped
function pgArrayLiteral(items) {
	return '{' + items.map((s) => '"' + String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"').join(',') + '}';
}

function parseOrder(s) {
	return s.split(',').filter(Boolean).map((item) => {
		const parts = item.split('.');
		const o = {column: parts[0], dir: '', nulls: ''};
		for (const p of parts.slice(1)) {
			if (p === 'asc') o.dir = 'ASC';
			else if (p === 'desc') o.dir = 'DESC';
			else if (p === 'nullsfirst') o.nulls = 'NULLS FIRST';
			else if (p === 'nullslast') o.nulls = 'NULLS LAST';
			else throw pgrstError(400, 'PGRST100', `"failed to parse order (${s})" (line 1, column ${item.length + 1})`, 'unexpected "' + p[0] + '" expecting "asc", "desc", "nullsfirst" or "nullslast"');
		}
		return o;
	});
}

// pgFmtOrderTerm: the field, a space, then the direction and nulls joined by a space
function orderTerm(field, o) {
	return `${field} ${[o.dir, o.nulls].join(' ')}`;
}

// limitOffsetF: LIMIT $n OFFSET $m, LIMIT ALL OFFSET $m, or nothing
function limitOffset(range, params, types) {
	const push = (v) => { params.push(String(v)); if (types) types.push(OID_UNKNOWN); return `$${params.length}`; };
	if (range.limit === null && range.offset === 0) return '';
	if (range.limit === null) return `LIMIT ALL OFFSET ${push(range.offset)}`;
	const l = push(range.limit);
	return `LIMIT ${l} OFFSET ${push(range.offset)}`;
}

// ---------------------------------------------------------------- postgrest.conf

export function readConfig(file) {
	const conf = {};
	for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
		const m = /^\s*([a-z0-9.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^#\s]+))/.exec(line);
		if (m) conf[m[1]] = m[2] !== undefined ? m[2] : m[3];
	}
	return conf;
}

export function optionsFromConfig(conf, version) {
	const list = (s) => (s || '').split(',').map((x) => x.trim()).filter(Boolean);
	return {
		version,
		dbUri: conf['db-uri'],
		schemas: list(conf['db-schemas'] || 'public'),
		extraSearchPath: conf['db-extra-search-path'] === undefined ? ['public'] : list(conf['db-extra-search-path']),
		anonRole: conf['db-anon-role'] || null,
		jwtSecret: conf['jwt-secret'] || null,
		jwtRoleClaimKey: conf['jwt-role-claim-key'] || '.role',
		maxRows: conf['db-max-rows'] ? Number(conf['db-max-rows']) : null,
		port: conf['server-port'] ? Number(conf['server-port']) : 3000,
	};
}

// ---------------------------------------------------------------- HTTP server

// Requests are handled one at a time on one connection (PostgREST runs a
// pool; one connection keeps the recorded statements in order).
export function serve(pgrst, port, host = '127.0.0.1') {
	let chain = Promise.resolve();
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			chain = chain.then(async () => {
				const u = new URL(req.url, 'http://x');
				let r;
				try {
					r = await pgrst.handle({
						method: req.method, path: u.pathname, query: u.search.slice(1),
						headers: req.headers, body: Buffer.concat(chunks).toString('utf8'),
					});
				} catch (e) {
					r = {status: 500, headers: {'Content-Type': 'text/plain'}, body: String(e && e.stack || e)};
				}
				if (process.env.PGRST_LOG) {
					fs.appendFileSync(process.env.PGRST_LOG, JSON.stringify({request: `${req.method} ${req.url}`, status: r.status, statements: r.statements}) + '\n');
				}
				const hdrs = {...r.headers};
				if (r.status !== 204 && r.status !== 304) hdrs['Content-Length'] = String(Buffer.byteLength(r.body));
				res.writeHead(r.status, r.statusText ? String(r.statusText).replace(/[^\t\x20-\x7e]/g, '') : undefined, hdrs);
				res.end(r.status === 204 ? undefined : r.body);
			});
		});
	});
	return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

async function main() {
	const args = process.argv.slice(2);
	const opt = (name, dflt) => {
		const i = args.indexOf(name);
		return i >= 0 ? args[i + 1] : dflt;
	};
	const version = opt('--version', '13.0');
	const conf = optionsFromConfig(readConfig(opt('--config', 'postgrest.conf')), version);
	if (opt('--db-uri')) conf.dbUri = opt('--db-uri');
	const port = Number(opt('--port', conf.port));
	const p = new Pgrst(conf);
	await p.connect();
	await serve(p, port);
	console.log(`PostgREST ${version} emulator listening on 127.0.0.1:${port}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
	main().catch((e) => { console.error(e); process.exit(1); });
}
