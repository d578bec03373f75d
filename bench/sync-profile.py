#!/usr/bin/env python3
"""Where the view-sync thread's time goes, from a JFR recording of the sync benchmark's server child
(docs/benchmarks.md section 8):

  BENCH_JAVA_OPTS='-Dbench.sync.parts=latency -Dbench.child.jvm=-XX:StartFlightRecording=filename=/tmp/sync.jfr,settings=profile' \
    bench/run.sh --size full --only sync
  jfr print --stack-depth 64 --events jdk.ExecutionSample /tmp/sync.jfr | bench/sync-profile.py

Counts the execution samples of thread viewsync-sync by the first category (in the order below) whose frame is
on the stack, and prints a Markdown table.
"""
import collections
import sys

CATEGORIES = [
    ("client messages (connect, subscribe)", "SyncHub.handle("),
    ("views: Views.advance (the IVM, once per query)", "replica.Views.advance("),
    ("client view records: cvr.db writes and commit", "ClientViewRecords"),
    ("poke JSON (ServerMessage.pokeStart/Part/End)", "ServerMessage.poke"),
    ("send: writeAndFlush from the sync thread (UTF-8 into a ByteBuf, a task for the event loop)",
     "SyncFrameHandler.lambda$handlerAdded"),
    ("projection of rows to the client (ClientView.rowOp)", "ViewSyncer.project("),
    ("group rows: GroupRows.apply (hold, release)", "GroupRows.apply("),
    ("group rows: GroupRows.commit, pruneTombstones", "GroupRows."),
    ("rest of ViewSyncer.advance: the loop over every group and query", "ViewSyncer.advance("),
]

counts = collections.Counter()
total = 0
for event in sys.stdin.read().split("jdk.ExecutionSample")[1:]:
    if '"viewsync-sync"' not in event or "stackTrace = [" not in event:
        continue
    stack = event.split("stackTrace = [", 1)[1]
    total += 1
    for name, frame in CATEGORIES:
        if frame in stack:
            counts[name] += 1
            break
    else:
        counts["other"] += 1

print(f"{total} samples of viewsync-sync\n")
print("| category | samples | share |")
print("|---|---|---|")
for name in [c[0] for c in CATEGORIES] + ["other"]:
    print(f"| {name} | {counts[name]} | {100 * counts[name] / max(total, 1):.0f}% |")
