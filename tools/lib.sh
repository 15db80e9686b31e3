# Shared by tools/test, tools/demo, tools/bench and the scripted checks:
# packages, build, and PostgreSQL run as the postgres OS user (the server
# refuses to run as root).
#
# PG_CONFIG (environment) picks the PostgreSQL installation; the default is
# Debian's PostgreSQL 15.

PG_MAJOR=15
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/$PG_MAJOR/bin/pg_config}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export LC_ALL=C.UTF-8 LANG=C.UTF-8

# Build and server packages; postgresql-server-dev brings clang and llvm,
# which build the JIT bitcode that PGXS installs beside the module.
PACKAGES=(postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR postgresql-client-$PG_MAJOR
	libjansson-dev build-essential binutils libipc-run-perl)

die() { echo "error: $*" >&2; exit 1; }

# Install whatever of PACKAGES (and "$@") is missing.
ensure_packages() {
	local missing=() p
	for p in "${PACKAGES[@]}" "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		[ "$(id -u)" -eq 0 ] || die "missing packages: ${missing[*]} (run as root, or apt-get install them)"
		echo "installing: ${missing[*]}"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	fi
	pg_paths
}

# The installation's directories, once pg_config exists.
pg_paths() {
	[ -x "$PG_CONFIG" ] || return 0
	PG_BIN=$("$PG_CONFIG" --bindir)
	PGXS_DIR=$(dirname "$(dirname "$("$PG_CONFIG" --pgxs)")")
}
pg_paths

# Build with -Werror and install into the PostgreSQL installation.
build_and_install() {
	make -C "$REPO" -s PG_CONFIG="$PG_CONFIG" >/dev/null
	if [ -w "$("$PG_CONFIG" --pkglibdir)" ]; then
		make -C "$REPO" -s PG_CONFIG="$PG_CONFIG" install >/dev/null
	else
		sudo make -C "$REPO" -s PG_CONFIG="$PG_CONFIG" install >/dev/null
	fi
}

# Run a command as the postgres OS user when we are root (from the current
# directory when that user may enter it, else from /).
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- env LC_ALL=C.UTF-8 LANG=C.UTF-8 PATH="$PG_BIN:$PATH" \
			bash -c 'cd "$0" 2>/dev/null || cd /; exec "$@"' "$PWD" "$@"
	else
		env PATH="$PG_BIN:$PATH" "$@"
	fi
}

# A fresh directory under build/ that the server user can write; under /tmp
# when the checkout itself is out of the postgres user's reach.
work_dir() {
	local d
	mkdir -p "$REPO/build"
	d=$(mktemp -d "$REPO/build/$1.XXXXXX")
	chmod 755 "$d"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$d"
	if ! as_pg test -w "$d" 2>/dev/null; then
		rm -rf "$d"
		d=$(mktemp -d "/tmp/event_definitions-$1.XXXXXX")
		[ "$(id -u)" -eq 0 ] && chown postgres: "$d"
	fi
	echo "$d"
}

# A TCP port nobody listens on.
free_port() {
	local p
	for p in $(seq "${1:-54320}" 65000); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	die "no free port"
}

# start_cluster DIR PORT [postgres -c settings...]: a new cluster in DIR/data
# (UTF8, C.UTF-8, trust, superuser postgres) on PORT, with its socket in DIR
# and no TCP listener; its log is DIR/server.log.
start_cluster() {
	local dir=$1 port=$2 opts="" s
	shift 2
	for s in "$@"; do opts+=" -c $s"; done
	as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
		>"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; die "initdb failed"; }
	as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
		-o "-p $port -k $dir -c listen_addresses=''$opts" start >/dev/null ||
		{ tail -n 30 "$dir/server.log"; die "the server did not start"; }
}

# stop_cluster DIR: stop the cluster of start_cluster, if it runs.
stop_cluster() {
	[ -f "$1/data/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$1/data" -m fast stop >/dev/null 2>&1 || true
}

# Copy a directory of test inputs into work directory $1 (as $1/input) where
# the postgres user can read it, even when the checkout itself is private
# (a clone under /root, say); prints the copy's path.
stage_inputs() {
	local w=$1 src=$2
	rm -rf "$w/input"
	cp -r "$src" "$w/input"
	[ "$(id -u)" -eq 0 ] && chown -R postgres: "$w/input"
	echo "$w/input"
}
