
# Copyright (c) 2026, the event_definitions authors

# The demo data of the README's first command (tools/demo.sql) loads into a
# fresh database through the API and gives what the README promises: two
# projects, about 470 definitions with tags, owners, verification and
# promoted properties, property groups, usage counts, three users with login
# roles, and a reader login that sees only its project and cannot write.
# Every statement that tools/demo suggests (tools/demo_try.sql) runs as
# pasted against that data and finds what it names.

use strict;
use warnings;

use File::Basename qw(dirname);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $tools = dirname(__FILE__) . '/../../tools';
my $db = 'event_definitions_demo';

my $node = PostgreSQL::Test::Cluster->new('demo');
$node->init(extra => [ '--encoding=UTF8', '--locale=C.UTF-8' ]);
$node->start;

# as tools/demo loads it
$node->safe_psql('postgres', "CREATE DATABASE $db");
$node->safe_psql($db, 'CREATE EXTENSION event_definitions');
my ($ret, $stdout, $stderr) =
  $node->psql($db, slurp_file("$tools/demo.sql"));
is($ret, 0, 'tools/demo.sql loads') or diag($stderr);

foreach my $check (
	[
		'more than 200 definitions in project 1',
		'SELECT count(*) > 200 FROM event_definitions.event_definitions WHERE project_id = 1'
	],
	[
		'more than 100 definitions in project 2',
		'SELECT count(*) > 100 FROM event_definitions.event_definitions WHERE project_id = 2'
	],
	[
		'about 470 definitions',
		'SELECT count(*) BETWEEN 460 AND 480 FROM event_definitions.event_definitions'
	],
	[
		'four property groups',
		'SELECT count(*) = 4 FROM event_definitions_private.property_groups'
	],
	[
		'more than 20 events with a property group',
		'SELECT count(*) > 20 FROM event_definitions_private.event_schemas'
	],
	[
		'more than 100 definitions with tags',
		q{SELECT count(*) > 100 FROM event_definitions.event_definitions WHERE tags <> '{}'}
	],
	[
		'more than 10 definitions with a promoted property',
		'SELECT count(*) > 10 FROM event_definitions.event_definitions WHERE promoted_property IS NOT NULL'
	],
	[
		'verified definitions, and owners',
		'SELECT bool_or(verified) AND bool_or(owner IS NOT NULL) FROM event_definitions.event_definitions'
	],
	[
		'usage counts',
		'SELECT count(*) > 0 FROM event_definitions_private.event_usage'
	],
	[
		'three users with login roles',
		'SELECT count(*) = 3 FROM event_definitions_private.users WHERE login_role IS NOT NULL'
	])
{
	my ($name, $query) = @$check;

	is($node->safe_psql($db, $query), 't', $name);
}

# the reader login of the README sees project 1 only, and cannot write
my $linus = $node->connstr($db) . ' user=demo_linus';
is( $node->safe_psql(
		$db,
		'SELECT string_agg(DISTINCT project_id::text, \',\') FROM event_definitions.event_definitions',
		connstr => $linus),
	'1',
	'demo_linus sees project 1 only');
($ret, $stdout, $stderr) = $node->psql(
	$db,
	q{SELECT event_definitions.create_event_definition(1, '{"name": "x"}')},
	connstr => $linus);
isnt($ret, 0, 'demo_linus cannot write');
like($stderr, qr/permission denied/, 'demo_linus lacks the privilege');

# the banner's suggestions, one statement each, as pasted: as Ada, and as the
# superuser after the SET the banner tells it to make
my @suggestions;
my $statement = '';
foreach my $line (split(/\n/, slurp_file("$tools/demo_try.sql")))
{
	next if $line =~ /^--/;
	$statement .= "$line\n";
	if ($line =~ /;\s*$/)
	{
		push @suggestions, $statement;
		$statement = '';
	}
}
is($statement, '', 'every suggestion ends with a semicolon');
cmp_ok(scalar(@suggestions), '>=', 5, 'tools/demo suggests statements');
foreach my $login ([ 'Ada', ' user=demo_ada', '' ],
	[ 'the superuser', '', "SET event_definitions.user_id = '1';\n" ])
{
	my ($who, $user, $set) = @$login;

	foreach my $sql (@suggestions)
	{
		(my $first = $sql) =~ s/\n.*//s;

		($ret, $stdout, $stderr) = $node->psql(
			$db, $set . $sql,
			connstr => $node->connstr($db) . $user);
		is($ret, 0, "as $who: $first") or diag($stderr);
		ok($stdout ne '' && $stdout !~ /"Not found"/,
			"as $who, it finds what it names: $first")
		  or diag("answer: '$stdout'");
	}
}

$node->stop;

done_testing();
