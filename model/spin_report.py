#!/usr/bin/env python3
"""spin_report.py RESULTS OUT - turns model/run.sh's RESULT lines into the
engine fragment build/report/engines/spin.json (see bin/irpc-report)."""
import json
import sys

# rules the model's runs decide: every check the reference makes on the
# paths the model's layers take, plus the two LTL claims
CHECKED = [
    "DoubleCompletion", "CompleteRequest", "IrpAccessAfterRelease", "IrpProcessingComplete",
    "CleanupCompletesQueued", "OriginatorNotifiedOnce", "MarkIrpPending", "MarkIrpPending2",
    "PendedCompletedRequest", "LowerDriverReturn", "StatusMismatch", "CompleteRequestStatusCheck",
    "CompletionRoutinePending", "CompletionEventChecking", "MarkingQueuedIrps",
    "PendingReturnedConsistency", "IoAllocateForward", "IoAllocateComplete", "AllocatedIrpMustStop",
    "IoAllocateFree", "AllocatedIrpLeak", "SpinLockSafe", "CompleteWithCancelRoutine",
    "NoNextStackLocation", "CompletionIrql", "CompletionPriorityBoost",
    # the synchronous-IRP layers (IoBuildDeviceIoControlRequest,
    # IoBuildSynchronousFsdRequest), in their own default configuration
    "IoBuildDeviceControlWait", "IoBuildDeviceControlNoFree", "IoBuildSynchronousFsdRequestNoFree",
    "IoBuildDeviceIoControlSetEvent",
]
# rules the model leaves out, and why (none at present)
NOTES = {}


def main():
    entries = []
    with open(sys.argv[1]) as f:
        for line in f:
            line = line.strip()
            if line:
                entries.append(json.loads(line))
    rules = {}
    worst = "proved"
    for e in entries:
        if e["status"] == "violated":
            worst = "violated"
        elif e["status"] != "proved" and worst != "violated":
            worst = "unknown"
    for r in CHECKED:
        rules[r] = worst if entries else "unknown"
    for e in entries:
        v = e.get("violation", "")
        if e["status"] == "violated" and v.startswith("IRPC "):
            rules[v[5:].split(":")[0]] = "violated"
    frag = {"engines": [{k: e[k] for k in ("engine", "target", "status", "bounds", "states",
                                             "memory_mb", "seconds")} for e in entries],
            "rules": rules, "rule_notes": NOTES}
    with open(sys.argv[2], "w") as f:
        json.dump(frag, f, indent=1)
    print("spin: %d runs, %s" % (len(entries),
          ", ".join("%s %s" % (e["target"], e["status"]) for e in entries)))
    return 0 if worst == "proved" and entries else 1


if __name__ == "__main__":
    sys.exit(main())
