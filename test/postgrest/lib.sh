# Sourced by test/postgrest/check and test/gateway/check (after tools/lib.sh):
# the npm packages, a cluster with the roles of docs/postgrest.md, and a
# database per run with the fixture.

PGRST_NPM_PACKAGES=(pg@8 @supabase/postgrest-js@1)

# pgrst_setup WORKDIR: npm packages, then a started cluster in WORKDIR
pgrst_setup() {
	local w=$1 npm_dir="$REPO/build/postgrest-npm" p missing=0
	command -v npm >/dev/null || ensure_packages nodejs npm
	for p in pg @supabase/postgrest-js; do
		[ -d "$npm_dir/node_modules/$p" ] || missing=1
	done
	if [ "$missing" = 1 ]; then
		mkdir -p "$npm_dir"
		[ -f "$npm_dir/package.json" ] || echo '{"private": true}' >"$npm_dir/package.json"
		(cd "$npm_dir" && npm install --no-audit --no-fund --silent "${PGRST_NPM_PACKAGES[@]}") ||
			die "npm install ${PGRST_NPM_PACKAGES[*]} failed"
	fi
	# the test modules import "pg" from their own directory
	ln -sfn "$npm_dir/node_modules" "$REPO/test/postgrest/node_modules"
	PGRST_PORT=$(free_port 54700)
	start_cluster "$w" "$PGRST_PORT" log_min_messages=warning
	export PGRST_SOCKET=$w PGRST_PORT PGRST_WORK=$w
	psql_ -d postgres <"$REPO/test/postgrest/roles.sql" >/dev/null
	# docs/postgrest.md's postgrest.conf, as $w/postgrest.conf
	(cd "$REPO/test/postgrest" && node -e 'import("./common.mjs").then((m) => m.docsConfig())')
}

psql_() { as_pg "$PG_BIN/psql" -X -q -h "$PGRST_SOCKET" -p "$PGRST_PORT" -U postgres -v ON_ERROR_STOP=1 "$@"; }

# pgrst_database NAME: a fresh database with the extension and the fixture
pgrst_database() {
	psql_ -d postgres -c "CREATE DATABASE $1" >/dev/null
	psql_ -d "$1" <"$REPO/test/postgrest/fixture.sql" >/dev/null
}
