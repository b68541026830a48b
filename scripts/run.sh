#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make run: set up, build, boot the guest and run the demo. With a
# terminal on stdin the guest then offers a shell; otherwise it powers
# off and this exits with the demo's status.

source "$(dirname "$0")/lib.sh"

lane=${1:-default}
"$UG_ROOT/scripts/build-kernel.sh" "$lane"
"$UG_ROOT/scripts/build-guest-bin.sh"
exec "$UG_ROOT/scripts/boot.sh" "$lane" demo "$UG_CACHE/results-$lane-demo"
