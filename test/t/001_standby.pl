
# Copyright (c) 2026, the event_definitions authors

# Reads on a streaming hot-standby replica.  A primary (wal_level replica)
# gets the extension and a little data (standby_setup.sql), a base backup
# makes a streaming standby of it, and once the standby has replayed a last
# write, every read function and view answers there, as a reader login,
# exactly what it answers on the primary (standby_reads.sql); every write
# fails there with SQLSTATE 25006, which PostgREST answers with 405
# (standby_writes.sql, as a writer login and as a superuser).

use strict;
use warnings;

use File::Basename qw(dirname);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $inputs = dirname(__FILE__);

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(
	allows_streaming => 1,
	extra => [ '--encoding=UTF8', '--locale=C.UTF-8' ]);
$primary->start;

my ($ret, $stdout, $stderr) = $primary->psql('postgres',
	slurp_file("$inputs/standby_setup.sql"));
is($ret, 0, 'the primary gets the extension and its data')
  or diag($stderr);

$primary->backup('base');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'base', has_streaming => 1);
$standby->start;
is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'),
	't', 'the standby is in recovery');

# a last write on the primary after the base backup, replayed by the standby
$primary->safe_psql('postgres',
	"SELECT event_definitions.record_event_usage(7601, 'signup', 2)");
my $lsn = $primary->lsn('write');
$primary->wait_for_catchup($standby, 'replay', $lsn);
is( $standby->safe_psql(
		'postgres', "SELECT pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn"),
	't',
	'the standby has replayed the last write')
  or diag("the standby did not replay $lsn");

# Reads: the same answers on both, as the reader login.  The generated files
# say when they were generated; nothing else may differ.
my $reads = slurp_file("$inputs/standby_reads.sql");
my %answers;
foreach my $node ($primary, $standby)
{
	my $name = $node->name;

	($ret, $stdout, $stderr) = $node->psql(
		'postgres', $reads,
		connstr => $node->connstr('postgres')
		  . ' user=regress_standby_reader');
	is($ret, 0, "every read runs on the $name as the reader login")
	  or diag($stderr);
	($answers{$name} = $stdout) =~
	  s/Generated at: [0-9T:.-]+/Generated at: (masked)/g;
}
is_deeply(
	[ split(/\n/, $answers{standby}) ],
	[ split(/\n/, $answers{primary}) ],
	'the standby answers every read as the primary does');
like(
	$answers{standby},
	qr/^standby_usage_total\|5$/m,
	'the standby has the last write');
is( $standby->safe_psql(
		'postgres', 'SELECT pg_is_in_recovery()',
		connstr => $standby->connstr('postgres')
		  . ' user=regress_standby_reader'),
	't',
	'the reader login is on the standby');

# Writes: SQLSTATE 25006 for every one, the writer's as the writer login and
# the admin functions as a superuser; one NOTICE per write.
my $writes = slurp_file("$inputs/standby_writes.sql");
my @lines;
foreach my $login (
	[ 'regress_standby_writer', ' user=regress_standby_writer', 'off', 15 ],
	[ 'the superuser', '', 'on', 4 ])
{
	my ($who, $user, $admin, $count) = @$login;

	($ret, $stdout, $stderr) = $standby->psql(
		'postgres', $writes,
		connstr => $standby->connstr('postgres') . $user,
		extra_params => [ '-v', "admin=$admin" ]);
	is($ret, 0, "standby_writes.sql runs on the standby as $who")
	  or diag($stderr);
	my @mine = grep { $_ ne '' } split(/\n/, "$stdout\n$stderr");
	is(scalar(grep { /NOTICE:  25006 / } @mine),
		$count, "the $count writes of $who fail with 25006");
	push @lines, @mine;
}
is(scalar(grep { /NOTICE:  25006 / } @lines),
	19, 'nineteen writes fail on the standby with SQLSTATE 25006');
is(join("\n", grep { !/NOTICE:  25006 / } @lines),
	'', 'no write answers anything else on the standby');

$standby->stop;
$primary->stop;

done_testing();
