
# Copyright (c) 2026, the event_definitions authors

# The tracking-plan workflow of the README, run as written: its ```sh block
# (under "Tracking plans as code") with psql pointed at a fresh cluster by
# the environment, and $EDITOR an edit a person would make.  It exports
# plan.json, the edit is diffed and applied, and the CI check passes; after
# someone changes the catalog through the API, the CI check alone fails
# with its message, and plan.json (exported before that change) is refused
# (409).

use strict;
use warnings;

use File::Basename qw(dirname);
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $root = dirname(__FILE__) . '/../..';

my $node = PostgreSQL::Test::Cluster->new('plan');
$node->init(extra => [ '--encoding=UTF8', '--locale=C.UTF-8' ]);
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION event_definitions;
	SELECT event_definitions.upsert_project(7, 'Storefront');
	SELECT event_definitions.upsert_user('{"id": 1, "first_name": "Ada", "email": "ada@example.com"}');
	SELECT event_definitions.add_project_member(7, 1);
	SET event_definitions.user_id = '1';
	SELECT event_definitions.create_property_group(7, '{"name": "Checkout", "properties": [
		{"name": "cart_value", "property_type": "Numeric", "is_required": true, "rules": {"minimum": 0}}]}');
	SELECT event_definitions.create_event_definition(7, '{"name": "checkout_completed", "description": "Paid",
		"owner": 1, "tags": ["billing"]}');
	SELECT event_definitions.add_event_schema(7, d.id, g.id)
	FROM event_definitions_private.event_definitions d, event_definitions_private.property_groups g
	WHERE d.project_id = 7 AND g.project_id = 7;
});

# the README's block, and its CI part alone
my $readme = slurp_file("$root/README.md");
my ($block) = $readme =~ /^### Tracking plans as code\n.*?^```sh\n(.*?)^```/sm;
ok(defined $block, 'the README has the workflow block');
$block //= '';
my ($ci) = $block =~ /(^# in CI.*)/sm;
ok(defined $ci, 'the block has its CI part');
$ci //= '';

my $dir = PostgreSQL::Test::Utils::tempdir();
my $editor = "$dir/edit";
open(my $fh, '>', $editor) or die "$editor: $!";
print $fh "#!/bin/sh\n", q{perl -0pi -e 's/"description": "Paid"/"description": "Paid order"/' "$1"}, "\n";
close($fh);
chmod(0755, $editor);

local $ENV{PGHOST} = $node->host;
local $ENV{PGPORT} = $node->port;
local $ENV{PGDATABASE} = 'postgres';
local $ENV{PGOPTIONS} = '-c event_definitions.user_id=1';
local $ENV{EDITOR} = $editor;

# Run a shell script in $dir; answers (exit code, stdout, stderr).
sub run_sh
{
	my ($script) = @_;
	my ($out, $err) = ('', '');
	my $ok = IPC::Run::run([ 'bash', '-c', "cd '$dir' && set -e\n$script" ], '>', \$out, '2>', \$err);
	return ($? >> 8, $out, $err);
}

my ($code, $out, $err) = run_sh($block);
is($code, 0, 'the workflow runs') or diag("$out\n$err");
ok(-s "$dir/plan.json", 'plan.json was exported');
like($out, qr/"field": "description"/, 'the diff names the edited field');
is( $node->safe_psql(
		'postgres',
		q{SELECT description FROM event_definitions_private.event_definitions WHERE project_id = 7}),
	'Paid order',
	'the edit is in the catalog');
is( $node->safe_psql(
		'postgres',
		q{SELECT count(*) FROM event_definitions_private.activity_log
		  WHERE project_id = 7 AND activity = 'changed' AND detail -> 'changes' -> 0 ->> 'field' = 'description'}),
	'1',
	'the change is in the activity log');

# the file is the export of the catalog it made, base_hash included
my $plan = slurp_file("$dir/plan.json");
is( $node->safe_psql(
		'postgres',
		"SELECT event_definitions.export_tracking_plan(7) = \$p\$$plan\$p\$::jsonb"),
	't',
	'plan.json says what the catalog now is');

($code, $out, $err) = run_sh($ci);
is($code, 0, 'the CI check passes on an equal catalog') or diag("$out\n$err");

# someone edits through the API: the CI check fails, and plan.json is stale
$node->safe_psql('postgres', q{
	SET event_definitions.user_id = '1';
	SELECT event_definitions.update_event_definition(7,
		(SELECT id FROM event_definitions_private.event_definitions WHERE project_id = 7), '{"tags": ["moved"]}');
});
($code, $out, $err) = run_sh($ci);
is($code, 1, 'the CI check fails when the catalog moved');
like($err, qr/the catalog differs from plan\.json/, 'and says why');

my ($ret, $stdout, $stderr) = $node->psql('postgres',
	"SELECT event_definitions.apply_tracking_plan(7, \$p\$$plan\$p\$)");
isnt($ret, 0, 'plan.json, exported before the change, is refused');
like($stderr, qr/the tracking plan is stale/, 'as stale (PT409)');
is( $node->safe_psql(
		'postgres',
		q{SELECT tags FROM event_definitions_private.event_definitions WHERE project_id = 7}),
	'{moved}',
	'and nothing of it was written');

$node->stop;
done_testing();
