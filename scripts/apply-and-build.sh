#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The main job: install what is needed, apply the series to Debian's
# linux-source-6.12 with quilt, build it for um, x86_64, arm and arm64
# (QEMU virt; arm64 with 64 KiB pages), run the framework's KUnit suites on
# each, then boot the x86_64, arm and arm64 kernels in QEMU with an
# initramfs and show the regions they reserved (arm: the virt board file's
# defaults; arm64: the device tree's; x86_64: cma.regions= on the command
# line) and a chunk allocated from each.
#
#   scripts/apply-and-build.sh [--prepare] [ARCH...]
#
# --prepare stops after the work tree is patched (build/work).  Re-running
# is incremental: an unchanged series is not re-applied and the kernels
# rebuild only what changed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

prepare_only=
archs=()
for a in "$@"; do
	case $a in
	--prepare) prepare_only=1 ;;
	um|x86_64|arm|arm64) archs+=("$a") ;;
	*) die "unknown argument $a (use --prepare, um, x86_64, arm, arm64)" ;;
	esac
done
[ ${#archs[@]} -eq 0 ] && archs=(um x86_64 arm arm64)

stage "dependencies"
install_deps || exit 1
stage "pristine tree"
prepare_pristine || exit 1
echo "base: Debian linux-source-6.12, Linux $(kernel_version)"
stage "apply the series"
prepare_work || exit 1
(cd "$WORK" && quilt applied | sed 's/^/  /')
[ -n "$prepare_only" ] && exit 0

failed=0
for arch in "${archs[@]}"; do
	stage "build and run KUnit on $arch"
	kunit_run "$arch"
	grep -E '^\[[0-9:]+\] (=+ |Testing complete|.*\[(PASSED|FAILED|CRASHED|SKIPPED)\] cma_regions)' \
		"$LOGS/kunit-$arch.log" | sed 's/^/  /'
	echo "$arch: $KUNIT_PASSED passed, $KUNIT_FAILED failed (log: $LOGS/kunit-$arch.log)"
	[ "$KUNIT_FAILED" -eq 0 ] || failed=1
	stage_done
	[ "$arch" = um ] && continue
	stage "boot $arch in QEMU"
	python3 "$ROOT/tests/system/run.py" --demo --arch "$arch" \
		--kernel "$(kernel_image "$arch")" --tree "$WORK" \
		--out "$BUILD/system-$arch" ||
		failed=1
	echo "console: $BUILD/system-$arch/*.log"
	stage_done
done
echo
echo "total time $(elapsed "$T0")"
exit $failed
