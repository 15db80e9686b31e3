// The SQLSTATE -> HTTP status mapping, per version: each row's SQLSTATE is
// raised by a real function (event_definitions.pgrst_raise, status_map.sql)
// called through the emulator by GET /rpc/pgrst_raise, and the status it
// answers must be the one transcribed here from PostgREST's Error.hs
// (pgErrorStatus).  The table is written from the source, not from the
// emulator: a row the emulator maps differently fails.
//
// Sources (reading notes: /work/notes/postgrest-v12-v13.md §5.2):
//   v13 = Error.hs [index id 2449066873] pgErrorStatus (the v13 file with
//         Proxy-Status, #2967), the case list line by line;
//   v12 = Error.hs [index id 2427446898] pgErrorStatus (pre-12.2.0 main)
//         with the 12.x fixes of CHANGELOG.md@000cb87: #3256 (12.0.3, 42P17
//         -> 500), #3267 (12.2.0, 53400 -> 500), #3255 (12.2.0, 54* -> 500,
//         was 413).
//
//   node status_map.mjs --database status_map

import {emulator, tokens} from './common.mjs';

const args = process.argv.slice(2);
const database = args[args.indexOf('--database') + 1];

// [SQLSTATE, message, v12, v13, citation, options]
const E = "Error.hs pgErrorStatus";
const ROWS = [
	['08000', null, 503, 503, `${E}: '0':'8':_ -> 503 (pg connection err)`],
	['08006', null, 503, 503, `${E}: '0':'8':_ -> 503`],
	['09000', null, 500, 500, `${E}: '0':'9':_ -> 500 (triggered action exception)`],
	['0L000', null, 403, 403, `${E}: '0':'L':_ -> 403 (invalid grantor)`],
	['0LP01', null, 403, 403, `${E}: '0':'L':_ -> 403`],
	['0P000', null, 403, 403, `${E}: '0':'P':_ -> 403 (invalid role specification)`],
	['23503', null, 409, 409, `${E}: "23503" -> 409 (foreign_key_violation)`],
	['23505', null, 409, 409, `${E}: "23505" -> 409 (unique_violation)`],
	['23514', null, 400, 400, `${E}: other 23* fall to _ -> 400`],
	['25006', null, 405, 405, `${E}: "25006" -> 405 (read_only_sql_transaction)`],
	['25001', null, 500, 500, `${E}: '2':'5':_ -> 500 (invalid tx state)`],
	['25P02', null, 500, 500, `${E}: '2':'5':_ -> 500`],
	['21000', 'UPDATE requires a WHERE clause', 400, 400, `${E}: "21000" ending "requires a WHERE clause" -> 400 (pg-safeupdate)`],
	['21000', 'more than one row returned by a subquery used as an expression', 500, 500, `${E}: other "21000" -> 500`],
	['28000', null, 403, 403, `${E}: '2':'8':_ -> 403 (invalid auth specification)`],
	['28P01', null, 403, 403, `${E}: '2':'8':_ -> 403`],
	['2D000', null, 500, 500, `${E}: '2':'D':_ -> 500 (invalid tx termination)`],
	['38000', null, 500, 500, `${E}: '3':'8':_ -> 500 (external routine exception)`],
	['39000', null, 500, 500, `${E}: '3':'9':_ -> 500 (external routine invocation)`],
	['3B000', null, 500, 500, `${E}: '3':'B':_ -> 500 (savepoint exception)`],
	['40001', null, 500, 500, `${E}: '4':'0':_ -> 500 (hasql-transaction retries 40001 first; the emulator does not)`],
	['40P01', null, 500, 500, `${E}: '4':'0':_ -> 500`],
	['53400', null, 500, 500, `${E}: "53400" -> 500 (config limit exceeded; v12: #3267, 12.2.0)`],
	['53100', null, 503, 503, `${E}: '5':'3':_ -> 503 (insufficient resources)`],
	['53200', null, 503, 503, `${E}: '5':'3':_ -> 503`],
	['54000', null, 500, 500, `${E}: '5':'4':_ -> 500 (too complex; v12: #3255, 12.2.0, was 413)`],
	['54001', null, 500, 500, `${E}: '5':'4':_ -> 500`],
	['55P03', null, 500, 500, `${E}: '5':'5':_ -> 500 (obj not in prereq state)`],
	['55000', null, 500, 500, `${E}: '5':'5':_ -> 500`],
	['57014', null, 500, 500, `${E}: '5':'7':_ -> 500 (operator intervention: statement timeout is no 504)`],
	['57P01', null, 503, 503, `${E}: "57P01" -> 503 (admin shutdown)`],
	['58000', null, 500, 500, `${E}: '5':'8':_ -> 500 (system error)`],
	['58030', null, 500, 500, `${E}: '5':'8':_ -> 500`],
	['F0000', null, 500, 500, `${E}: 'F':'0':_ -> 500 (conf file error)`],
	['HV000', null, 500, 500, `${E}: 'H':'V':_ -> 500 (foreign data wrapper error)`],
	['P0001', null, 400, 400, `${E}: "P0001" -> 400 (plain RAISE)`],
	['P0002', null, 500, 500, `${E}: 'P':'0':_ -> 500 (PL/pgSQL error)`],
	['XX000', null, 500, 500, `${E}: 'X':'X':_ -> 500 (internal error)`],
	['XX001', null, 500, 500, `${E}: 'X':'X':_ -> 500`],
	['42883', 'function nope(integer) does not exist', 404, 404, `${E}: "42883" -> 404 (undefined function)`],
	['42883', 'function xmlagg(text) does not exist', 406, 406, `${E}: "42883" starting "function xmlagg(" -> 406`],
	['42P01', null, 404, 404, `${E}: "42P01" -> 404 (undefined table)`],
	['42P17', null, 500, 500, `${E}: "42P17" -> 500 (infinite recursion; v12: #3256, 12.0.3)`],
	['42501', null, 403, 403, `${E}: "42501" -> 403 when authed`],
	['42501', null, 401, 401, `${E}: "42501" -> 401 when the role is db-anon-role (not authed), with WWW-Authenticate: Bearer`, {anon: true}],
	['42703', null, 400, 400, `${E}: other 42* fall to _ -> 400`],
	['22023', null, 400, 400, `${E}: _ -> 400`],
	['22023', 'role "nobody" does not exist', 400, 400, `${E}: _ -> 400 (401 only from 13.0.1, #3601)`],
	['22P02', null, 400, 400, `${E}: _ -> 400`],
	['PT404', 'Not Found', 404, 404, `${E}: 'P':'T':n -> mkStatus n errmsg`],
	['PT413', 'Payload Too Large', 413, 413, `${E}: 'P':'T':n -> mkStatus 413`],
	['PT402', 'Payment Required', 402, 402, `${E}: 'P':'T':n -> mkStatus 402`],
	['PT40A', null, 500, 500, `${E}: 'P':'T':n with n not a number -> 500`],
	['PGRST', '{"code":"123","message":"teapot","details":"d","hint":"h"}', 418, 418,
		`${E}: "PGRST" -> the DETAIL's status (parseRaisePGRST)`, {detail: '{"status":418,"headers":{"X-Powered-By":"Nerd Rage"}}'}],
	['PGRST', 'not json', 500, 500, `${E}: "PGRST" whose MESSAGE is no JSON -> status of PGRSTParseError (500, PGRST121)`,
		{detail: '{"status":418,"headers":{}}'}],
	['PGRST', '{"code":"123","message":"no detail"}', 500, 500, `${E}: "PGRST" without DETAIL -> 500 PGRST121 (NoDetail)`],
];

const tok = tokens();
let failed = 0;
for (const version of ['12.2', '13.0']) {
	const p = emulator(version, database);
	await p.connect();
	const bad = [];
	for (const [state, message, s12, s13, cite, opt = {}] of ROWS) {
		const q = new URLSearchParams({state});
		if (message !== null) q.set('message', message);
		if (opt.detail) q.set('detail', opt.detail);
		const headers = opt.anon ? {} : {Authorization: `Bearer ${tok.alice_r}`};
		const res = await p.handle({method: 'GET', path: '/rpc/pgrst_raise', query: q.toString(), headers});
		const want = version === '12.2' ? s12 : s13;
		const body = JSON.parse(res.body);
		const problems = [];
		if (res.status !== want) problems.push(`status ${res.status}, Error.hs says ${want}`);
		if (state !== 'PGRST' && body.code !== state) problems.push(`code ${body.code}`);
		if (want === 401 && res.headers['WWW-Authenticate'] !== 'Bearer') problems.push('no WWW-Authenticate: Bearer');
		if (version === '13.0' && res.headers['Proxy-Status'] !== `PostgREST; error=${body.code}`) problems.push('no Proxy-Status');
		if (state === 'PGRST' && opt.detail && want === 418) {
			if (body.message !== 'teapot' || body.hint !== 'h' || res.headers['X-Powered-By'] !== 'Nerd Rage') problems.push(`PGRST body/headers ${res.body}`);
		}
		if (state === 'PGRST' && want === 500 && body.code !== 'PGRST121') problems.push(`code ${body.code}, not PGRST121`);
		if (problems.length) bad.push(`  ${state} ${message ?? ''}: ${problems.join('; ')} [${cite}]`);
	}
	await p.close();
	if (bad.length) {
		failed = 1;
		console.log(`not ok status_map_${version} (${bad.length} of ${ROWS.length} rows differ)`);
		console.log(bad.join('\n'));
	} else {
		console.log(`ok status_map_${version} (${ROWS.length} SQLSTATEs)`);
	}
}
process.exit(failed);
