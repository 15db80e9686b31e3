// PostHog's event definition URLs, unchanged, in front of PostgREST: an njs
// module for Debian's nginx (libnginx-mod-http-js, njs 0.7).  Each PostHog
// request becomes the PostgREST request for this extension's functions
// (docs/postgrest.md §3), sent through the internal location /_postgrest/
// of gateway/nginx.conf with the client's Authorization header, and the
// answer is PostHog's status and body: 201 for create, 204 for delete, the
// bodies of the functions as they are, and on an error PostHog's error
// object ({type, code, detail, attr}), which the extension puts in the
// error's hint, or one built from the status.
//
//   /api/projects/:project_id/event_definitions/                GET list, POST create
//   /api/projects/:project_id/event_definitions/:id/            GET, PATCH (PUT), DELETE
//   /api/projects/:project_id/event_definitions/:id/metrics/    GET
//   /api/projects/:project_id/event_definitions/bulk_update_tags/      POST
//   /api/projects/:project_id/event_definitions/bulk_update_verified/  POST
//   /api/projects/:project_id/event_definitions/by_name/?name=  GET
//   /api/projects/:project_id/event_definitions/promoted_properties/?names=a&names=b  GET
//   /api/projects/:project_id/event_definitions/golang/ | python/ | typescript/       GET
//
// The trailing slash is optional, as in PostHog.

var UPSTREAM = '/_postgrest';

// PostHog's error objects for the statuses PostgREST answers without one
// (drf-exceptions-hog's shapes; DRF's default sentences)
var ERRORS = {
	400: ['validation_error', 'invalid_input', 'Invalid input.'],
	401: ['authentication_error', 'not_authenticated', 'Authentication credentials were not provided.'],
	403: ['authentication_error', 'permission_denied', 'You do not have permission to perform this action.'],
	404: ['invalid_request', 'not_found', 'Not found.'],
	405: ['invalid_request', 'method_not_allowed', 'Method not allowed.'],
	406: ['invalid_request', 'not_acceptable', 'Could not satisfy the request Accept header.'],
	409: ['invalid_request', 'conflict', 'Conflict.'],
	413: ['invalid_request', 'request_too_large', 'Request entity too large.'],
	500: ['server_error', 'error', 'A server error occurred.'],
	503: ['server_error', 'service_unavailable', 'Service temporarily unavailable, try again later.'],
};

function errorObject(status, detail) {
	var e = ERRORS[status] || ERRORS[status >= 500 ? 500 : 400];
	return {type: e[0], code: e[1], detail: detail || e[2], attr: null};
}

function answer(r, status, body) {
	if (status === 204 || body === undefined || body === null) {
		r.return(status);
		return;
	}
	r.headersOut['Content-Type'] = 'application/json';
	r.return(status, typeof body === 'string' ? body : JSON.stringify(body));
}

// The query string as [key, value] pairs in order ("+" is a space)
function queryPairs(raw) {
	var out = [];
	if (!raw) return out;
	raw.split('&').forEach(function (part) {
		if (part === '') return;
		var i = part.indexOf('=');
		var k = i < 0 ? part : part.substring(0, i);
		var v = i < 0 ? '' : part.substring(i + 1);
		function dec(s) {
			try { return decodeURIComponent(s.replace(/\+/g, ' ')); } catch (e) { return s; }
		}
		out.push([dec(k), dec(v)]);
	});
	return out;
}

function lastValue(pairs, key) {
	var v;
	pairs.forEach(function (p) { if (p[0] === key) v = p[1]; });
	return v;
}

function allValues(pairs, key) {
	return pairs.filter(function (p) { return p[0] === key; }).map(function (p) { return p[1]; });
}

// PostHog's list query parameters as list_event_definitions' arguments.
// limit and offset go as text: the function answers PostHog's 400 for a
// malformed one and clamps a huge one.  ordering and names may repeat (and
// names may also be comma-separated): joined by commas.  exclude_hidden and
// exclude_stale are true when "true" (any case).  Unknown parameters are
// ignored, as PostHog ignores them.
function listArguments(projectId, pairs) {
	var a = {project_id: projectId};
	['limit', 'offset', 'search', 'event_type', 'excluded_properties', 'tags'].forEach(function (k) {
		var v = lastValue(pairs, k);
		if (v !== undefined) a[k] = v;
	});
	var ordering = allValues(pairs, 'ordering').filter(function (v) { return v !== ''; });
	if (ordering.length) a.ordering = ordering.join(',');
	var names = allValues(pairs, 'names').filter(function (v) { return v !== ''; });
	if (names.length) a.names = names.join(',');
	['exclude_hidden', 'exclude_stale'].forEach(function (k) {
		var v = lastValue(pairs, k);
		if (v !== undefined) a[k] = v.toLowerCase() === 'true';
	});
	return a;
}

// The request body as JSON: JSON text, or a form (key=value&..., a key
// given twice becomes a list).  null when it is neither.
function requestJson(r) {
	var text = r.requestText || '';
	var type = (r.headersIn['Content-Type'] || '').split(';')[0].trim().toLowerCase();
	if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
		if (type === 'multipart/form-data') return null;
		var o = {};
		queryPairs(text).forEach(function (p) {
			if (o.hasOwnProperty(p[0])) o[p[0]] = [].concat(o[p[0]], p[1]);
			else o[p[0]] = p[1];
		});
		return {value: o};
	}
	if (text.trim() === '') return {value: {}};
	try {
		return {value: JSON.parse(text)};
	} catch (e) {
		return null;
	}
}

// The PostgREST request of a PostHog request: {method, uri, args?, body?},
// or {error: [status, PostHog body]}
function route(r) {
	var m = /^\/api\/projects\/([^\/]+)\/event_definitions(?:\/(.*?))?\/?$/.exec(r.uri);
	if (!m) return {error: [404, errorObject(404)]};
	if (!/^[0-9]+$/.test(m[1])) return {error: [404, errorObject(404)]};
	var project = Number(m[1]);
	var rest = m[2] ? m[2].split('/') : [];
	var pairs = queryPairs(r.variables.args);
	var method = r.method;
	function only(methods, then) {
		if (methods.indexOf(method) < 0) {
			return {error: [405, errorObject(405, 'Method "' + method + '" not allowed.')]};
		}
		return then();
	}
	function body() {
		var b = requestJson(r);
		if (b === null) return null;
		return b.value;
	}
	function parseError() {
		return {error: [400, {type: 'validation_error', code: 'parse_error', detail: 'JSON parse error - the request body is not valid JSON.', attr: null}]};
	}
	function get(fn, args) {
		return {method: 'GET', uri: UPSTREAM + '/rpc/' + fn, args: args};
	}
	function post(fn, json) {
		return {method: 'POST', uri: UPSTREAM + '/rpc/' + fn, body: JSON.stringify(json)};
	}
	var pid = 'project_id=' + project;

	if (rest.length === 0) {
		return only(['GET', 'POST'], function () {
			if (method === 'GET') return post('list_event_definitions', listArguments(project, pairs));
			var b = body();
			return b === null ? parseError() : post('create_event_definition', {project_id: project, body: b});
		});
	}
	if (rest.length === 1) {
		switch (rest[0]) {
		case 'bulk_update_tags':
		case 'bulk_update_verified':
			return only(['POST'], function () {
				var b = body();
				return b === null ? parseError() : post(rest[0], {project_id: project, body: b});
			});
		case 'by_name':
			return only(['GET'], function () {
				var name = lastValue(pairs, 'name');
				return get('event_definition_by_name', pid + (name === undefined ? '' : '&name=' + encodeURIComponent(name)));
			});
		case 'promoted_properties':
			// names repeat (?names=a&names=b) and are not comma-split; a POST
			// carries them as a JSON list, whatever they hold
			return only(['GET'], function () {
				var names = allValues(pairs, 'names').filter(function (v) { return v !== ''; });
				return post('promoted_properties', names.length ? {project_id: project, names: names} : {project_id: project});
			});
		case 'golang':
		case 'python':
		case 'typescript':
			return only(['GET'], function () { return get('event_definitions_' + rest[0], pid); });
		default:
			var id = rest[0];
			return only(['GET', 'PATCH', 'PUT', 'DELETE'], function () {
				if (method === 'GET') return get('retrieve_event_definition', pid + '&id=' + encodeURIComponent(id));
				if (method === 'DELETE') return post('delete_event_definition', {project_id: project, id: id});
				var b = body();
				return b === null ? parseError() : post('update_event_definition', {project_id: project, id: id, body: b});
			});
		}
	}
	if (rest.length === 2 && rest[1] === 'metrics') {
		return only(['GET'], function () {
			return get('event_definition_metrics', pid + '&id=' + encodeURIComponent(rest[0]));
		});
	}
	return {error: [404, errorObject(404)]};
}

// PostgREST's answer as PostHog's: a success as it is (201 and 204 come
// from the functions); an error as the PostHog object in its hint when the
// hint is one, else one built from the status (with PostgREST's details as
// the detail of a 400)
function translate(r, reply) {
	var status = reply.status;
	var text = reply.responseText || '';
	if (status < 400) {
		answer(r, status, status === 204 ? null : text);
		return;
	}
	var err = null;
	try { err = JSON.parse(text); } catch (e) { err = null; }
	if (err && typeof err.hint === 'string') {
		try {
			var hint = JSON.parse(err.hint);
			if (hint && typeof hint === 'object' && !Array.isArray(hint)) {
				answer(r, status, hint);
				return;
			}
		} catch (e) { /* prose, not PostHog's object */ }
	}
	var detail = null;
	if (status === 400 && err) detail = err.details || err.message || null;
	if (status === 401 && r.headersIn['Authorization']) detail = 'Incorrect authentication credentials.';
	var o = errorObject(status, detail);
	if (status === 401 && r.headersIn['Authorization']) o.code = 'authentication_failed';
	answer(r, status, o);
}

function handle(r) {
	var req = route(r);
	if (req.error) {
		answer(r, req.error[0], req.error[1]);
		return;
	}
	var opts = {method: req.method};
	if (req.args !== undefined) opts.args = req.args;
	if (req.body !== undefined) opts.body = req.body;
	r.subrequest(req.uri, opts).then(function (reply) {
		translate(r, reply);
	}).catch(function (e) {
		r.error('posthog.js: ' + e);
		answer(r, 502, errorObject(500, 'Bad gateway.'));
	});
}

export default {handle: handle, route: route};
