
# Copyright (c) 2026, the event_definitions authors

# The documentation, pasted.  Every ```sql block of README.md, in order,
# runs in one psql session (psql -XAtq -v ON_ERROR_STOP=1) connected as the
# superuser to a fresh database of a fresh cluster (UTF8, C.UTF-8), as the
# README's reader would paste them: the README itself says CREATE EXTENSION.
# Then the same for each page docs/*.md, each in a cluster of its own, after
# a CREATE EXTENSION event_definitions that those pages take as done.
#
# Conventions of the SQL blocks (README.md says the answer one in a sentence
# at the top of its usage section):
#
# - A block runs as the superuser.  A block that runs as someone else says
#   so with psql's own "\c - <role>", which stays in effect for the blocks
#   after it, as it would for the reader.
# - A block whose first line begins "-- not run here:" is only shown (it
#   needs Citus, say); the rest of that line says why.
# - An answer is written directly after its statement as comment lines
#   "-- → <text>", one per line that psql -XAtq prints for the statement
#   (columns separated by |); a line "--   <text>" (three spaces) continues
#   the answer line before it, joined with one space, so that long JSON can
#   be wrapped.  The statement's whole output must equal its answer, except
#   that "…" stands for a generated value: a uuid, a timestamp, or the
#   process id in psql's "Asynchronous notification" line.
# - A statement ends at a ";" outside quotes and comments, or at a psql
#   meta-command such as \gset; a block must not end inside a statement.

use strict;
use warnings;
use utf8;

use Encode qw(decode encode);
use File::Basename qw(basename dirname);
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $root = dirname(__FILE__) . '/../..';

my $uuid = qr/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
my $timestamp =
  qr/\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d(?::\d\d)?)/;
my $generated = qr/(?:$uuid|$timestamp|(?<=PID )\d+)/;

my @pages = ('README.md',
	map { 'docs/' . basename($_) } sort glob("$root/docs/*.md"));
foreach my $page (@pages)
{
	run_page($page);
}

done_testing();

# Run the SQL blocks of one page and check their answers.
sub run_page
{
	my ($page) = @_;
	my @problems;
	my @blocks = sql_blocks($page, \@problems);
	my @units;
	my $script = '';

	foreach my $block (@blocks)
	{
		if ($block->{lines}[0] =~ /^\s*-- not run here:/)
		{
			note("$page:$block->{line}: not run here");
			next;
		}
		$block->{units} = [ statements($page, $block, \@problems) ];
		foreach my $unit (@{ $block->{units} })
		{
			$unit->{index} = scalar(@units);
			push @units, $unit;
			$script .= "\\echo '\@\@unit $unit->{index}'\n";
			$script .= join('', map { "$_\n" } @{ $unit->{lines} });
		}
		$block->{run} = 1;
	}
	is(scalar(@problems), 0, "$page: the SQL blocks follow the conventions")
	  or diag(encode('UTF-8', join("\n", @problems)));
	if (!@units)
	{
		note("$page: no SQL block to run");
		return;
	}
	$script .= "\\echo '\@\@unit end'\n";

	(my $name = basename($page, '.md')) =~ s/[^A-Za-z0-9]/_/g;
	my $node = PostgreSQL::Test::Cluster->new(lc($name));
	$node->init(extra => [ '--encoding=UTF8', '--locale=C.UTF-8' ]);
	$node->start;
	$node->safe_psql('postgres', 'CREATE DATABASE paste');
	$node->safe_psql('paste', 'CREATE EXTENSION event_definitions')
	  unless $page eq 'README.md';

	my ($stdout, $stderr) = ('', '');
	local $ENV{PGCLIENTENCODING} = 'UTF8';
	IPC::Run::run(
		[
			'psql', '-XAtq', '-v', 'ON_ERROR_STOP=1',
			'-d', $node->connstr('paste'),
			'-f', '-'
		],
		'<', \encode('UTF-8', $script),
		'>', \$stdout, '2>', \$stderr);
	my $ret = $? >> 8;
	$stdout = decode('UTF-8', $stdout);
	$stderr = decode('UTF-8', $stderr);

	# what each unit printed; the last unit that started is the one that
	# failed, if psql stopped on an error
	my (%output, $current);
	foreach my $line (split(/\n/, $stdout, -1))
	{
		if ($line =~ /^\@\@unit (\S+)$/)
		{
			$current = $1;
			$output{$current} = [];
		}
		elsif (defined $current)
		{
			push @{ $output{$current} }, $line;
		}
	}
	my $failed = $ret == 0 ? scalar(@units) : $current // 0;
	$failed = scalar(@units) if $failed eq 'end';

	foreach my $block (grep { $_->{run} } @blocks)
	{
		my @mine = @{ $block->{units} };
		my $what = "$page:$block->{line}: the SQL block runs as pasted";

		if (!grep { $_->{index} >= $failed } @mine)
		{
			pass($what);
		}
		elsif (grep { $_->{index} == $failed } @mine)
		{
			fail($what);
			diag(
				encode(
					'UTF-8',
					"$page:$units[$failed]{first}: psql stopped (exit $ret) at\n"
					  . join("\n", @{ $units[$failed]{lines} })
					  . "\n$stderr"));
		}
		else
		{
			fail("$what (not reached)");
		}
		foreach my $unit (@mine)
		{
			next unless defined $unit->{answer};
			my $what = "$page:$unit->{answer_line}: the answer shown";

			if ($unit->{index} >= $failed)
			{
				fail("$what (not reached)");
				next;
			}
			my @out = @{ $output{ $unit->{index} } };
			pop @out while @out && $out[-1] eq '';
			s/\s+$// foreach @out;
			check_answer(join("\n", @out), join("\n", @{ $unit->{answer} }),
				$what);
		}
	}
	is($ret, 0, "$page: psql runs every block and exits 0");

	$node->stop;
	return;
}

# Pass when the actual output is the answer, "…" matching a generated value.
sub check_answer
{
	my ($actual, $expected, $name) = @_;
	my $re = join($generated, map { quotemeta } split(/…/, $expected, -1));

	if ($actual =~ /\A$re\z/)
	{
		pass($name);
	}
	else
	{
		is(encode('UTF-8', $actual), encode('UTF-8', $expected), $name);
	}
	return;
}

# The ```sql blocks of a page: each with the line number of its first line
# and its lines.
sub sql_blocks
{
	my ($page, $problems) = @_;
	my @lines = split(/\n/, decode('UTF-8', slurp_file("$root/$page")));
	my (@blocks, $block);

	for my $i (0 .. $#lines)
	{
		if (!$block && $lines[$i] =~ /^\s*```sql\s*$/)
		{
			$block = { line => $i + 2, lines => [] };
		}
		elsif ($block && $lines[$i] =~ /^\s*```\s*$/)
		{
			push @blocks, $block if @{ $block->{lines} };
			undef $block;
		}
		elsif ($block)
		{
			push @{ $block->{lines} }, $lines[$i];
		}
	}
	push @$problems, "$page:$block->{line}: the ```sql block is not closed"
	  if $block;
	return @blocks;
}

# Split a block into units: the lines up to the end of a statement, each
# with the answer written after it, if any.  Notes where a block does not
# follow the conventions above.
sub statements
{
	my ($page, $block, $problems) = @_;
	my @lines = @{ $block->{lines} };
	my %state = (quote => '', depth => 0, pending => 0);
	my (@units, $unit);
	my $i = 0;

	while ($i < @lines)
	{
		my $at = $block->{line} + $i;
		my $line = $lines[$i++];

		push @$problems, "$page:$at: an answer line that follows no statement"
		  if $line =~ /^\s*-- →/ && $state{quote} eq '' && !$state{depth};
		$unit //= { first => $at, lines => [] };
		push @{ $unit->{lines} }, $line;
		my ($ends, $comment) = scan_line($line, \%state);
		next unless $ends;

		push @$problems,
		  "$page:$at: an answer on the statement's line: write it as \"-- → \" after it"
		  if defined $comment && $comment =~ /^--\s*[\[{"]/;
		push @$problems,
		  "$page:" . ($at + 1) . ': an answer without "-- → "'
		  if $i < @lines && $lines[$i] =~ /^\s*--\s*[\[{"]/;
		while ($i < @lines && $lines[$i] =~ /^\s*-- →(?: (.*))?$/)
		{
			$unit->{answer_line} //= $block->{line} + $i;
			push @{ $unit->{answer} }, $1 // '';
			$i++;
			while ($i < @lines && $lines[$i] =~ /^\s*--   (\S.*)$/)
			{
				$unit->{answer}[-1] .= " $1";
				$i++;
			}
		}
		push @units, $unit;
		undef $unit;
	}
	push @$problems,
	  "$page:$block->{line}: the block ends inside a statement, a quote or a comment"
	  if $state{pending} || $state{quote} ne '' || $state{depth};
	push @units, $unit if $unit;
	return @units;
}

# Scan one line with the lexer state carried over from the lines before it
# (open quote or dollar quote, comment depth, SQL not yet terminated).
# Returns whether the line ends a statement, and its trailing -- comment.
sub scan_line
{
	my ($line, $state) = @_;
	my $ends = 0;
	my $comment;
	pos($line) = 0;

	while (pos($line) < length($line))
	{
		if ($state->{depth})
		{
			if ($line =~ /\G\*\//gc) { $state->{depth}--; }
			elsif ($line =~ /\G\/\*/gc) { $state->{depth}++; }
			else { $line =~ /\G./gc; }
		}
		elsif ($state->{quote} ne '')
		{
			my $q = quotemeta($state->{quote});

			if ($line =~ /\G.*?$q/gc) { $state->{quote} = ''; }
			else { pos($line) = length($line); }
		}
		elsif ($line =~ /\G--.*/gc)
		{
			($comment = $&) =~ s/\s+$//;
		}
		elsif ($line =~ /\G\/\*/gc)
		{
			$state->{depth} = 1;
		}
		elsif ($line =~ /\G(['"]|\$(?:[A-Za-z_][A-Za-z_0-9]*)?\$)/gc)
		{
			$state->{quote} = $1;
			$state->{pending} = 1;
		}
		elsif ($line =~ /\G\\.*/gc)
		{
			# a psql meta-command: the rest of the line; it sends or ends
			# whatever query is pending
			$state->{pending} = 0;
			$ends = 1;
		}
		elsif ($line =~ /\G;/gc)
		{
			$state->{pending} = 0;
			$ends = 1;
		}
		elsif ($line =~ /\G\s+/gc)
		{
		}
		else
		{
			$line =~ /\G./gc;
			$state->{pending} = 1;
		}
	}
	$ends = 0 if $state->{pending} || $state->{quote} ne '' || $state->{depth};
	return ($ends, $comment);
}
