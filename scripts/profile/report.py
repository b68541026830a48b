#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compares two kernels' instruction profiles from scripts/profile.sh.

Usage: report.py OURS_RESULTS OURS_VMLINUX STOCK_RESULTS STOCK_VMLINUX [TOP]

Each results directory holds profile.log, whose lines "profile NAME OPS"
name the workloads in order, and the plugin's snapshots tb.0, tb.1, ...,
three per workload: before a run of N operations, between it and a run
of 2N, and after. The second run minus the first is N operations with
start-up, exec and exit cancelled out. Prints per operation, for each
kernel: guest instructions, kernel translation blocks run, kernel
function calls (blocks run at a function's first instruction: under
TCG each call and its return cost a lookup), distinct kernel blocks run
in every operation and the 4 KiB code pages they are on; then the
functions whose block counts differ most.

Waiting loops count how long a vCPU waited, not work: when the host
deschedules a vCPU that holds a lock, the other spins. Their counts are
left out of the totals and shown apart.
"""

import bisect
import collections
import subprocess
import sys

# Functions that busy-wait for another vCPU.
WAITING = {
    "queued_spin_lock_slowpath",
    "native_queued_spin_lock_slowpath",
    "__pv_queued_spin_lock_slowpath",
    "wait_task_inactive",
    "smp_call_function_many_cond",
    "smp_call_function_single",
    "mutex_spin_on_owner",
    "osq_lock",
    "rwsem_spin_on_owner",
}


def symbols(vmlinux):
    """Sorted text symbol addresses and names of `vmlinux`."""
    out = subprocess.run(["nm", "-n", vmlinux], capture_output=True, text=True, check=True)
    addrs, names = [], []
    for line in out.stdout.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[1] in "tTwW":
            addrs.append(int(fields[0], 16))
            names.append(fields[2])
    return addrs, names


def snapshot(path):
    """{block address: (instructions, executions)}, user space under None."""
    blocks = {}
    with open(path) as f:
        for line in f:
            vaddr, insns, execs = line.split()
            key = None if vaddr == "user" else int(vaddr, 16)
            blocks[key] = (int(insns), int(execs))
    return blocks


def workloads(results):
    """[(name, ops)] from profile.log, in the order they ran."""
    with open(f"{results}/profile.log") as f:
        return [(w[1], int(w[2])) for w in (l.split() for l in f) if len(w) == 3 and w[0] == "profile"]


def per_op(results, index, ops):
    """{block: (instructions, executions)} per operation of workload `index`."""
    a, b, c = (snapshot(f"{results}/tb.{3 * index + i}") for i in range(3))
    zero = (0, 0)
    return {
        k: tuple(((c.get(k, zero)[j] - b.get(k, zero)[j]) - (b.get(k, zero)[j] - a.get(k, zero)[j])) / ops
            for j in range(2))
        for k in c
    }


def summary(blocks, syms):
    """Totals per operation, and block executions by function."""
    addrs, names = syms
    by_function = collections.Counter()
    totals = {"insns": blocks.get(None, (0, 0))[0], "blocks": 0, "calls": 0, "waiting": 0}
    hot = []
    for k, (insns, execs) in blocks.items():
        if k is None:
            continue
        index = bisect.bisect_right(addrs, k) - 1
        function = names[index]
        by_function[function] += execs
        if function in WAITING:
            totals["waiting"] += execs
            continue
        totals["insns"] += insns
        totals["blocks"] += execs
        if addrs[index] == k:
            totals["calls"] += execs
        if execs >= 0.9:
            hot.append(k)
    totals["hot"] = len(hot)
    totals["pages"] = len({k >> 12 for k in hot})
    return totals, by_function


def main():
    ours_dir, ours_vmlinux, stock_dir, stock_vmlinux = sys.argv[1:5]
    top = int(sys.argv[5]) if len(sys.argv) > 5 else 15
    ours_syms, stock_syms = symbols(ours_vmlinux), symbols(stock_vmlinux)
    for index, (name, ops) in enumerate(workloads(ours_dir)):
        ours, ours_fn = summary(per_op(ours_dir, index, ops), ours_syms)
        stock, stock_fn = summary(per_op(stock_dir, index, ops), stock_syms)
        print(f"{name}, per operation ({ops} operations), ours / stock:")
        for key, what in (("insns", "instructions (kernel and user)"),
                          ("blocks", "kernel translation blocks run"),
                          ("calls", "kernel function calls"),
                          ("hot", "distinct kernel blocks, every operation"),
                          ("pages", "code pages of those blocks")):
            print(f"  {what:42} ours {ours[key]:9.0f}  stock {stock[key]:9.0f}  ratio {ours[key] / stock[key]:.3f}")
        print(f"  {'blocks in waiting loops (left out)':42} ours {ours['waiting']:9.0f}  stock {stock['waiting']:9.0f}")
        print(f"  functions whose blocks per operation differ most:")
        diff = {f: ours_fn.get(f, 0) - stock_fn.get(f, 0) for f in (set(ours_fn) | set(stock_fn)) - WAITING}
        for f in sorted(diff, key=lambda f: -abs(diff[f]))[:top]:
            print(f"    {diff[f]:+7.1f}  ours {ours_fn.get(f, 0):7.1f}  stock {stock_fn.get(f, 0):7.1f}  {f[:70]}")


if __name__ == "__main__":
    main()
