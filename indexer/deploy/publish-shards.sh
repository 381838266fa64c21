#!/usr/bin/env bash
# Example: copies the live generation's shards of a sharded index root to the shard machines and
# switches each shard server to it. Run after riskatlas-index --shards N (e.g. ExecStartPost= of
# riskatlas-reindex.service): publish-shards.sh ROOT HOST0 HOST1 ... (HOSTk serves shard k).
#
# The front server notices the new generation on its own (ROOT/live.stub) and opens it only once
# every shard serves it, so until this script has switched them all it keeps answering from the
# previous generation. Each shard machine keeps the new and the previous generation.
set -euo pipefail
root=$1; shift
gen=$(sed -n 's/^auto \(gen-[A-Za-z0-9.-]*\)$/\1/p' "$root/live.stub")
[ -n "$gen" ] && [ -f "$root/$gen/XAPIANDB" ] || { echo "publish-shards: $root is not a sharded index" >&2; exit 1; }
k=0
for host in "$@"; do
  dest=/var/lib/riskatlas/shards
  rsync -a --delete "$root/$gen/shard-$k/" "$host:$dest/$gen/shard-$k/"
  # xapian-tcpsrv opens shard.stub for every new connection: one atomic rename switches the shard.
  ssh "$host" "cd $dest && printf 'auto %s/shard-%s\n' '$gen' '$k' > shard.stub.tmp && sync shard.stub.tmp && mv shard.stub.tmp shard.stub && ls -d gen-* | sort | head -n -2 | xargs -r rm -rf"
  k=$((k + 1))
done
