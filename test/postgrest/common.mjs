// Shared by the PostgREST tests: the deployment of docs/postgrest.md (its
// postgrest.conf, read from the page itself), tokens, and masking of what
// is generated (uuids, timestamps) so that outputs are deterministic.

import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {Pgrst, readConfig, optionsFromConfig, signJwt} from './pgrst.mjs';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '../..');

// The ```ini block "# postgrest.conf" of docs/postgrest.md: the tests run
// with the configuration the page tells a deployment to use.
export function docsConfig() {
	const md = fs.readFileSync(path.join(REPO, 'docs/postgrest.md'), 'utf8');
	const m = /```ini\n# postgrest\.conf\n([\s\S]*?)```/.exec(md);
	if (!m) throw new Error('docs/postgrest.md has no ```ini block "# postgrest.conf"');
	const tmp = path.join(process.env.PGRST_WORK || '/tmp', 'postgrest.conf');
	fs.writeFileSync(tmp, m[1]);
	return readConfig(tmp);
}

// An emulator of the version, configured as docs/postgrest.md says, connected
// as the authenticator to a database of the check script's cluster.
export function emulator(version, database, extra = {}) {
	const opts = optionsFromConfig(docsConfig(), version);
	opts.dbUri = dbUri('authenticator', database);
	return new Pgrst({...opts, ...extra});
}

export function dbUri(user, database) {
	// PGRST_SOCKET and PGRST_PORT name the cluster of the check script
	return `postgresql://${user}@/${database}?host=${encodeURIComponent(process.env.PGRST_SOCKET)}&port=${process.env.PGRST_PORT}`;
}

export function tokens() {
	const secret = docsConfig()['jwt-secret'];
	const t = {
		alice_r: signJwt({role: 'event_definitions_reader', user_id: 7111}, secret),
		alice_w: signJwt({role: 'event_definitions_writer', user_id: 7111}, secret),
		bob_w: signJwt({role: 'event_definitions_writer', user_id: 7112}, secret),
		bad: signJwt({role: 'event_definitions_reader', user_id: 7111}, 'not-the-secret-of-this-deployment'),
	};
	return t;
}

// Generated values: random uuids (not the fixture's 7101…/7102…/0000… ones),
// timestamps other than the fixture's 2024 ones, "Generated at" lines.
export function mask(text, tok = {}) {
	let s = String(text);
	for (const [name, value] of Object.entries(tok)) s = s.split(value).join(`<${name} token>`);
	s = s.replace(/\b(?!7101|7102|0000)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<uuid>');
	s = s.replace(/\b(?!2024-)\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d(:\d\d)?)?/g, '<timestamp>');
	s = s.replace(/\b(?!2024-)\d{4}-\d\d-\d\d\b/g, '<date>');
	return s;
}
