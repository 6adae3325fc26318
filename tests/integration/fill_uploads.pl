# perl - ROOT N TOP < fill_uploads.pl: fills ROOT as a Django app lays out uploads, N small files
# in uploads/YYYY/MM/<n>.txt (312 month folders, file n in folder n mod 312, each file a few bytes
# of its own content, files and folders owned by www-data), then TOP files at ROOT's top level.
# Used by tests/integration/media_many_files_memory_bounded.sh and bench/media_files.sh.
use strict;
use warnings;
my ($root, $n, $top) = @ARGV;
my @dirs;
for my $y (2001 .. 2026) { for my $m (1 .. 12) { push @dirs, sprintf('uploads/%04d/%02d', $y, $m) } }
for my $d ('uploads', map({ sprintf('uploads/%04d', $_) } 2001 .. 2026), @dirs) {
  mkdir("$root/$d") or die "mkdir $d: $!";
  chown(33, 33, "$root/$d") or die "chown $d: $!";
}
for my $i (0 .. $n - 1) {
  my $path = sprintf('%s/%s/%d.txt', $root, $dirs[$i % @dirs], $i);
  open(my $out, '>', $path) or die "$path: $!";
  print {$out} "upload $i\n";
  close($out) or die "$path: $!";
  chown(33, 33, $path) or die "chown $path: $!";
}
for my $k (1 .. $top) {
  open(my $out, '>', "$root/note-$k.txt") or die "note-$k.txt: $!";
  print {$out} "note $k at the top\n";
  close($out) or die "note-$k.txt: $!";
}
