# Shared by tools/test, tools/demo and tools/bench: packages, build, and
# PostgreSQL run as the postgres OS user (the server refuses to run as root).

PG_MAJOR=15
PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin
PG_CONFIG=$PG_BIN/pg_config
PGXS_DIR=/usr/lib/postgresql/$PG_MAJOR/lib/pgxs
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export LC_ALL=C.UTF-8 LANG=C.UTF-8

PACKAGES=(postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR
	libjansson-dev build-essential binutils libipc-run-perl)

die() { echo "error: $*" >&2; exit 1; }

# Install whatever of PACKAGES (and "$@") is missing.
ensure_packages() {
	local missing=() p
	for p in "${PACKAGES[@]}" "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "missing packages: ${missing[*]} (run as root, or apt-get install them)"
	echo "installing: ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Build with -Werror and install into the PostgreSQL installation.
build_and_install() {
	make -C "$REPO" -s PG_CONFIG="$PG_CONFIG" >/dev/null
	if [ "$(id -u)" -eq 0 ]; then
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
