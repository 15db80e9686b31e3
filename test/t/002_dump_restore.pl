
# Copyright (c) 2026, the event_definitions authors

# Dump/restore round trip: varied data loaded through the API
# (dump_load.sql), pg_dump -Fc, pg_restore into a new database, then every
# private table compared row for row (md5 of the rows in primary key order),
# the sequences, the API's answers (list pages, retrieve, property groups,
# activity log, promoted properties, metrics, the generators' schema_hash),
# and writes after the restore, which must answer as the same writes on the
# original do.

use strict;
use warnings;

use File::Basename qw(dirname);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $inputs = dirname(__FILE__);

my $node = PostgreSQL::Test::Cluster->new('dump');
$node->init(extra => [ '--encoding=UTF8', '--locale=C.UTF-8' ]);
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE src');
my ($ret, $stdout, $stderr) =
  $node->psql('src', slurp_file("$inputs/dump_load.sql"));
is($ret, 0, 'the data loads through the API') or diag($stderr);

# One query per private table: its row count and the md5 of its rows in
# primary key order; one per sequence: its state.
my $table_queries = $node->safe_psql(
	'src', q{
SELECT format('SELECT %L || '' '' || count(*) || '' '' || md5(COALESCE(string_agg(t::text, E''\n'' ORDER BY %s), '''')) FROM %s t;',
	c.relname,
	COALESCE((SELECT string_agg(format('t.%I', a.attname), ', ' ORDER BY k.ord)
			  FROM pg_index i, unnest(i.indkey) WITH ORDINALITY k(attnum, ord), pg_attribute a
			  WHERE i.indrelid = c.oid AND i.indisprimary AND a.attrelid = c.oid AND a.attnum = k.attnum),
			 't::text COLLATE "C"'),
	c.oid::regclass)
FROM pg_class c
WHERE c.relnamespace = 'event_definitions_private'::regnamespace AND c.relkind IN ('r', 'p')
ORDER BY c.relname;
SELECT format('SELECT %L || '' '' || last_value || '' '' || is_called FROM %s;', c.relname, c.oid::regclass)
FROM pg_class c
WHERE c.relnamespace = 'event_definitions_private'::regnamespace AND c.relkind = 'S'
ORDER BY c.relname;
});
my @tables = split(/\n/, $table_queries);
cmp_ok(scalar(@tables), '>=', 9, 'at least 9 private tables and sequences')
  or diag($table_queries);

# What the API answers (as user 1, who sees project 1; project 2 as a
# superuser without an acting user's projects).
my $api = q{
SET event_definitions.user_id = '1';
SELECT event_definitions.list_event_definitions(1);
SELECT event_definitions.list_event_definitions(1, "limit" => 2, "offset" => 1, ordering => '-name');
SELECT event_definitions.list_event_definitions(1, search => 'o', tags => '["core"]');
SELECT event_definitions.list_event_definitions(2);
SELECT event_definitions.retrieve_event_definition(1, id) FROM event_definitions_private.event_definitions
	WHERE project_id = 1 ORDER BY id;
SELECT event_definitions.event_definition_by_name(1, 'checkout');
SELECT event_definitions.list_property_groups(1);
SELECT event_definitions.promoted_properties(1);
SELECT event_definitions.event_definition_metrics(1, id) FROM event_definitions_private.event_definitions
	WHERE project_id = 1 ORDER BY id;
SELECT event_definitions.event_definitions_typescript(1) - 'content';
SELECT event_definitions.event_definitions_python(1) - 'content';
SELECT event_definitions.event_definitions_golang(1) - 'content';
SELECT p, name, tags, verified, owner, verified_by FROM event_definitions.event_definitions,
	LATERAL (SELECT project_id AS p) x ORDER BY p, name COLLATE "C";
SELECT project_id, scope, item_id, activity, user_id, detail, created_at FROM event_definitions.activity_log
	ORDER BY project_id, created_at, item_id, activity;
};

my $src_tables = $node->safe_psql('src', $table_queries);
my $src_api = $node->safe_psql('src', $api);
foreach my $line (split(/\n/, $src_tables))
{
	my ($table, $count) = split(/ /, $line);

	next if $table =~ /_seq$/;
	cmp_ok($count, '>', 0,
		"table $table has rows to compare");
}

# dump, and restore into a new database
my $dump = $node->basedir . '/src.dump';
$node->command_ok([ 'pg_dump', '-Fc', '-f', $dump, 'src' ], 'pg_dump -Fc');
$node->safe_psql('postgres', 'CREATE DATABASE dst');
$node->command_checks_all(
	[ 'pg_restore', '-d', 'dst', '--exit-on-error', $dump ],
	0, [qr/\A\z/], [qr/\A\z/],
	'pg_restore into a new database, without a complaint');

my $dst_tables = $node->safe_psql('dst', $table_queries);
is_deeply(
	[ split(/\n/, $dst_tables) ],
	[ split(/\n/, $src_tables) ],
	'every private table and sequence is equal after the restore')
  or diff_tables($src_tables, $dst_tables);
is_deeply(
	[ split(/\n/, $node->safe_psql('dst', $api)) ],
	[ split(/\n/, $src_api) ],
	'the API answers the same after the restore');

# The restored database keeps working: writes (the activity log's identity,
# definition counts), and the same writes on the original give the same
# answers.
my $write = q{
SET event_definitions.user_id = '1';
SELECT event_definitions.create_event_definition(1, '{"name": "after_restore", "tags": ["new"]}') ->> 'name';
SELECT event_definitions.bulk_update_tags(1, json_build_object('ids',
	(SELECT json_agg(id ORDER BY id) FROM event_definitions_private.event_definitions WHERE project_id = 1),
	'action', 'remove', 'tags', json_build_array('q3'))) -> 'skipped';
SELECT event_definitions.list_event_definitions(1) -> 'count';
SELECT count(*) FROM event_definitions.activity_log WHERE project_id = 1;
};
my ($src_ret, $src_write, $src_err) = $node->psql('src', $write);
is($src_ret, 0, 'writes to the original') or diag($src_err);
my ($dst_ret, $dst_write, $dst_err) = $node->psql('dst', $write);
is($dst_ret, 0, 'writes to the restored database') or diag($dst_err);
is_deeply(
	[ split(/\n/, $dst_write) ],
	[ split(/\n/, $src_write) ],
	'writes after the restore answer as on the original');

$node->stop;

done_testing();

# Show the rows of each table whose summary differs.
sub diff_tables
{
	my ($src, $dst) = @_;
	my %src = map { (split(/ /, $_))[0] => $_ } split(/\n/, $src);
	my %dst = map { (split(/ /, $_))[0] => $_ } split(/\n/, $dst);

	foreach my $table (sort keys %src)
	{
		next if defined $dst{$table} && $dst{$table} eq $src{$table};
		my $rows = "SELECT * FROM event_definitions_private.$table t"
		  . ' ORDER BY t::text COLLATE "C"';
		diag("$table before the dump:\n"
			  . $node->safe_psql('src', $rows)
			  . "\n$table after the restore:\n"
			  . $node->safe_psql('dst', $rows));
	}
	return;
}
