# SPDX-License-Identifier: GPL-2.0
# Shared by apply-and-build.sh and run-tests.sh: dependencies, the pristine
# tree, the quilt-applied work tree, KUnit runs, and stage timing.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
PRISTINE=$BUILD/pristine/linux-source-6.12
WORK=$BUILD/work
LOGS=$BUILD/logs
JOBS=${JOBS:-$(nproc)}
KSRC_TARBALL=/usr/src/linux-source-6.12.tar.xz
ARM_CROSS=arm-linux-gnueabihf-
ARM64_CROSS=aarch64-linux-gnu-

export PRISTINE
export QUILT_PATCHES=$ROOT/patches
export QUILT_PC=.pc
export CCACHE_BASEDIR=$ROOT
export CCACHE_NOHASHDIR=true
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}

mkdir -p "$LOGS"

DEBIAN_PACKAGES=(
	linux-source-6.12 quilt sparse coccinelle codespell
	qemu-system-x86 qemu-system-arm gcc-arm-linux-gnueabihf
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	gcc make flex bison bc libelf-dev libssl-dev libc6-dev
	ccache cpio xz-utils rsync python3 perl git clang libclang-rt-14-dev
	libc6-dev-armhf-cross device-tree-compiler
	python3-sphinx python3-sphinx-rtd-theme gcc-i686-linux-gnu
	libc6-dev-i386-cross git-email b4
	# What the packages above need but do not pull in with
	# --no-install-recommends (a new machine shows it; developer machines
	# had them): git send-email needs Mail::Address, coccicheck's OCaml-
	# scripted rules need an OCaml compiler and its Python-scripted ones
	# load libpython3.X.so (the -dev symlink), make htmldocs runs a YAML
	# tool.
	libmailtools-perl ocaml libpython3-dev python3-yaml
)

T0=$(date +%s)
STAGE_T=$T0

elapsed() {
	local s=$(($(date +%s) - $1))
	printf '%dm%02ds' $((s / 60)) $((s % 60))
}

# Prints a stage header with the time spent so far.
stage() {
	echo
	echo "=== $* (at $(elapsed "$T0"))"
	STAGE_T=$(date +%s)
}

stage_done() {
	echo "--- done in $(elapsed "$STAGE_T")"
}

die() {
	echo "error: $*" >&2
	exit 1
}

# Runs a command quietly into a log; on failure shows the command, the
# log's tail and where the whole log is, and returns non-zero.
run_logged() {
	local log=$1
	shift
	if ! "$@" >"$log" 2>&1; then
		echo "FAILED: $*" >&2
		echo "  log: $log" >&2
		tail -n 30 "$log" | sed 's/^/  | /' >&2
		return 1
	fi
}

install_deps() {
	local missing=() p
	for p in "${DEBIAN_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "installing: ${missing[*]}"
	local sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	run_logged "$LOGS/apt.log" $sudo apt-get update -q || return 1
	run_logged "$LOGS/apt.log" env DEBIAN_FRONTEND=noninteractive \
		$sudo apt-get install -y -q --no-install-recommends \
		"${missing[@]}"
}

# Unpacks Debian's linux-source-6.12 once.
prepare_pristine() {
	[ -f "$PRISTINE/Makefile" ] && return 0
	[ -f "$KSRC_TARBALL" ] || die "$KSRC_TARBALL missing (apt-get install linux-source-6.12)"
	echo "unpacking $KSRC_TARBALL"
	rm -rf "$BUILD/pristine.tmp"
	mkdir -p "$BUILD/pristine.tmp"
	tar -C "$BUILD/pristine.tmp" -xf "$KSRC_TARBALL" || return 1
	rm -rf "$BUILD/pristine"
	mv "$BUILD/pristine.tmp" "$BUILD/pristine"
}

series_patches() {
	grep -v '^[[:space:]]*\(#\|$\)' "$ROOT/patches/series" | awk '{print $1}'
}

# Every path the series touches, added or changed.
touched_files() {
	series_patches | while read -r p; do
		sed -n 's#^diff --git a/\(\S*\) b/.*#\1#p' "$ROOT/patches/$p"
	done | sort -u
}

kernel_version() {
	make -s -C "$PRISTINE" kernelversion 2>/dev/null
}

series_stamp() {
	cat "$ROOT/patches/series" "$ROOT"/patches/*.patch | sha256sum |
		cut -d' ' -f1
}

# Makes $WORK the pristine tree with the whole series pushed by quilt at
# --fuzz=0.  Re-running with an unchanged series does nothing; a changed
# series is popped and pushed again, so only touched files rebuild.
prepare_work() {
	local stamp
	stamp=$(series_stamp)
	if [ -f "$WORK/.cma-series" ] &&
	   [ "$(cat "$WORK/.cma-series")" = "$stamp" ]; then
		echo "work tree up to date with the series"
		return 0
	fi
	if [ -d "$WORK/.pc" ]; then
		(cd "$WORK" && quilt pop -a -f -q >/dev/null 2>&1)
		# Files a removed patch added must not linger.
		(cd "$WORK" && [ ! -s .pc/applied-patches ]) ||
			{ rm -rf "$WORK"; }
	else
		rm -rf "$WORK"
	fi
	if [ ! -d "$WORK" ]; then
		echo "copying the pristine tree to $WORK"
		cp -a "$PRISTINE" "$WORK" || return 1
	fi
	rm -f "$WORK/.cma-series"
	echo "applying the series with quilt push -a --fuzz=0"
	(cd "$WORK" && run_logged "$LOGS/quilt.log" quilt push -a --fuzz=0) ||
		return 1
	echo "$stamp" >"$WORK/.cma-series"
}

# The Kconfig fragment kunit.py adds for an architecture's QEMU.
qemu_kconfig() {
	python3 -c 'import re, sys
s = open(sys.argv[1]).read()
print(re.search(r"kconfig=\x27\x27\x27(.*?)\x27\x27\x27", s, re.S).group(1).strip())' \
		"$WORK/tools/testing/kunit/qemu_configs/$1.py"
}

KUNIT_CONFIGS_um="$ROOT/kunit/cma_regions.kunitconfig $ROOT/kunit/bench.kunitconfig $ROOT/kunit/um.kunitconfig"
KUNIT_CONFIGS_x86_64="$ROOT/kunit/cma_regions.kunitconfig $ROOT/kunit/bench.kunitconfig $ROOT/kunit/drm.kunitconfig $ROOT/kunit/system.kunitconfig $ROOT/kunit/system-x86_64.kunitconfig $ROOT/kunit/debug.kunitconfig $ROOT/kunit/lean-x86_64.kunitconfig"
# scripts/bench.sh on x86_64: no debugging options, upstream CMA on.
BENCH_CONFIGS="$ROOT/kunit/cma_regions.kunitconfig $ROOT/kunit/bench.kunitconfig $ROOT/kunit/drm.kunitconfig $ROOT/kunit/upstream-cma.kunitconfig"
KUNIT_CONFIGS_arm="$ROOT/kunit/cma_regions.kunitconfig $ROOT/kunit/upstream-cma.kunitconfig $ROOT/kunit/system.kunitconfig $ROOT/kunit/system-arm.kunitconfig"
KUNIT_CONFIGS_arm64="$ROOT/kunit/cma_regions.kunitconfig $ROOT/kunit/upstream-cma.kunitconfig $ROOT/kunit/system.kunitconfig $ROOT/kunit/system-arm64.kunitconfig"

# The bootable image of ARCH's KUnit build (also what the system tests boot).
kernel_image() {
	case $1 in
	arm) echo "$BUILD/kunit-arm/arch/arm/boot/zImage" ;;
	arm64) echo "$BUILD/kunit-arm64/arch/arm64/boot/Image.gz" ;;
	*) echo "$BUILD/kunit-$1/arch/x86/boot/bzImage" ;;
	esac
}

# cross_prefix ARCH: the CROSS_COMPILE prefix of ARCH ("" on x86_64).
cross_prefix() {
	case $1 in
	arm) echo "$ARM_CROSS" ;;
	arm64) echo "$ARM64_CROSS" ;;
	esac
}

kunit_cc() {
	case $1 in
	arm) echo "CC=ccache ${ARM_CROSS}gcc" ;;
	arm64) echo "CC=ccache ${ARM64_CROSS}gcc" ;;
	*) echo "CC=ccache gcc" ;;
	esac
}

# The tree the KUnit kernels (which the QEMU scenarios boot too) build
# from: $WORK, or in the test command a copy of it with the whole series
# (kunit_start), so that they build in the background while the per-patch
# builds push and pop patches in $WORK.
KTREE=$WORK

# kunit_args ARCH: kunit.py's options for ARCH's kernel, one per line.
kunit_args() {
	local arch=$1 cfgs c
	eval "cfgs=\$KUNIT_CONFIGS_$arch"
	for c in $cfgs; do
		echo "--kunitconfig=$c"
	done
	case $arch in arm | arm64) echo "--cross_compile=$(cross_prefix "$arch")" ;; esac
	# arm64 has no board file: the boot self-test's regions come from
	# the command line, one of them fixed below upstream's default area.
	[ "$arch" = arm64 ] &&
		echo '--kernel_args=cma.regions="video=8M/1M;camera=4M;common=4M@0x50000000"'
	# Two vCPUs, so the stress suite's kthreads really run in parallel
	# (it skips on one: kunit/expected-counts.tsv allows that nowhere).
	echo "--qemu_args=-smp 2"
	echo "--arch=$arch"
	echo "--build_dir=$BUILD/kunit-$arch"
	echo "--make_options"
	kunit_cc "$arch"
}

# kunit_run ARCH: builds (incrementally) and runs the suites; leaves
# kunit.py's output in $LOGS/kunit-ARCH.log, the console in
# build/kunit-ARCH/test.log, and the counts of test cases (parameters
# count one each) in KUNIT_PASSED and KUNIT_FAILED.
kunit_run() {
	local arch=$1 args=() rc
	mapfile -t args < <(kunit_args "$arch")
	(cd "$KTREE" && python3 tools/testing/kunit/kunit.py run \
		--jobs="$JOBS" --timeout=900 \
		"${args[@]}" </dev/null >"$LOGS/kunit-$arch.log" 2>&1)
	rc=$?
	read -r KUNIT_PASSED KUNIT_FAILED < <(python3 -c 'import re, sys
m = None
for line in open(sys.argv[1], errors="replace"):
    m = re.search(r"Testing complete\. Ran (\d+) tests: (.*)", line) or m
if not m:
    print(0, 1)
    sys.exit()
counts = dict((k, int(v)) for k, v in re.findall(r"(\w+): (\d+)", m.group(2)))
bad = counts.get("failed", 0) + counts.get("crashed", 0) + counts.get("errors", 0)
print(counts.get("passed", 0), bad)' "$LOGS/kunit-$arch.log")
	if [ $rc -ne 0 ] && [ "$KUNIT_FAILED" -eq 0 ]; then
		KUNIT_FAILED=1
	fi
	return $rc
}

# kunit_start: copies $WORK, with the whole series, to $BUILD/work-kunit
# and builds the KUnit kernels of x86_64, arm and arm64 from it in the
# background, at the lowest priority: they take what the single-threaded
# stages (checkpatch, the documentation, the fuzzer) and the per-patch
# builds' links leave idle.  kunit_wait ARCH waits for ARCH's; KTREE names the
# copy from then on.
KWORK=$BUILD/work-kunit
KUNIT_ARCHES="x86_64 arm arm64"
kunit_start() {
	local arch
	for arch in $KUNIT_ARCHES; do
		rm -f "$LOGS/kunit-build-$arch".{log,rc,done}
	done
	mkdir -p "$KWORK" &&
		rsync -a --delete --exclude=/.pc "$WORK/" "$KWORK/" || return 1
	KTREE=$KWORK
	(
		renice -n 19 -p "$BASHPID" >/dev/null
		for arch in $KUNIT_ARCHES; do
			local args=()
			# kunit.py build takes no --kernel_args (run does).
			mapfile -t args < <(kunit_args "$arch" |
				grep -v '^--kernel_args=')
			(cd "$KTREE" && python3 tools/testing/kunit/kunit.py build \
				--jobs="$JOBS" "${args[@]}") </dev/null \
				>"$LOGS/kunit-build-$arch.log" 2>&1
			echo $? >"$LOGS/kunit-build-$arch.rc"
			# When it finished, for the stage times.
			elapsed "$T0" >"$LOGS/kunit-build-$arch.done"
		done
	) </dev/null &
}

# kunit_wait ARCH: waits for the background build of ARCH's KUnit kernel,
# if one was started, and says how long that took.  kunit_run builds what
# is left, so a failed background build shows in its log.
kunit_wait() {
	local t0
	t0=$(date +%s)
	[ "$KTREE" = "$KWORK" ] || return 0
	while [ ! -f "$LOGS/kunit-build-$1.rc" ]; do
		sleep 2
	done
	echo "  (waited $(elapsed "$t0") for the background build of the $1 KUnit kernel, finished at $(cat "$LOGS/kunit-build-$1.done") of the run)"
	# kunit.py run builds what is left, but a failed background build
	# costs the run a foreground one: say so.
	[ "$(cat "$LOGS/kunit-build-$1.rc")" = 0 ] ||
		echo "  (that build FAILED, exit $(cat "$LOGS/kunit-build-$1.rc"): $(tail -n 1 "$LOGS/kunit-build-$1.log"))"
}

# The per-patch builds and the product kernels: what users build
# (kunit/product*.config, tinyconfig-based), in $BUILD/tiny-ARCH from
# $WORK, always with W=1.  The per-patch builds add KUnit and the tests to
# it; the product kernel is the same configuration with KUnit off, so after
# them it is an incremental build, and so are the Kconfig combinations.
product_dir() {
	echo "$BUILD/tiny-$1"
}

product_image() {
	case $1 in
	arm) echo "$(product_dir arm)/arch/arm/boot/zImage" ;;
	arm64) echo "$(product_dir arm64)/arch/arm64/boot/Image.gz" ;;
	*) echo "$(product_dir "$1")/arch/x86/boot/bzImage" ;;
	esac
}

product_make() {
	local arch=$1 cross=()
	shift
	[ "$arch" = x86_64 ] || cross=(CROSS_COMPILE="$(cross_prefix "$arch")")
	make -C "$WORK" O="$(product_dir "$arch")" ARCH="$arch" \
		"${cross[@]}" "$(kunit_cc "$arch")" W=1 "$@"
}

# tiny_config ARCH [LINE...]: tinyconfig, the product fragments, then
# LINEs (Kconfig lines that override them), resolved by olddefconfig.
tiny_config() {
	local arch=$1 dir
	shift
	dir=$(product_dir "$arch")
	mkdir -p "$dir"
	if [ ! -f "$dir/.config.tiny" ]; then
		product_make "$arch" tinyconfig >/dev/null || return 1
		cp "$dir/.config" "$dir/.config.tiny"
	fi
	{ cat "$dir/.config.tiny" "$ROOT/kunit/product.config" \
		"$ROOT/kunit/product-$arch.config"; printf '%s\n' "$@"; } \
		>"$dir/.config"
	product_make "$arch" olddefconfig >/dev/null 2>&1
}

# product_config ARCH [LINE...]: tinyconfig, the product fragments, then
# LINEs (Kconfig lines that override them), resolved by olddefconfig.
# Fails, naming them, if any line of the fragments or LINEs did not
# survive: Kconfig silently drops a symbol whose dependencies are unmet.
product_config() {
	local arch=$1 dir want line sym got bad=0
	shift
	dir=$(product_dir "$arch")
	tiny_config "$arch" "$@" || return 1
	want=$(cat "$ROOT/kunit/product.config" \
		"$ROOT/kunit/product-$arch.config"; printf '%s\n' "$@")
	# The last word on each symbol is the one that counts.
	while read -r line; do
		case $line in
		CONFIG_*=*) sym=${line%%=*} ;;
		"# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *} ;;
		*) continue ;;
		esac
		line=$(echo "$want" | grep -E "^(# )?$sym[= ]" | tail -n 1)
		got=$(grep -E "^(# )?$sym[= ]" "$dir/.config")
		case $line in
		*"is not set") [ -z "$got" ] || [ "$got" = "$line" ] ;;
		*) [ "$got" = "$line" ] ;;
		esac || { echo "asked for '$line', got '${got:-nothing}'"; bad=1; }
	done < <(echo "$want" | grep -E '^(# )?CONFIG_' | sort -u)
	return $bad
}

# product_build ARCH LOG [GOAL...]: builds the configured product kernel
# (default: the image and its modules) with W=1; fails on a build error or
# on any warning in a file the series adds.
product_build() {
	local arch=$1 log=$2 added f warn
	shift 2
	added=$(series_patches | while read -r p; do
		grep -B3 '^new file mode' "$ROOT/patches/$p" |
			sed -n 's#^diff --git a/\(\S*\) b/.*#\1#p'
	done | grep -E '\.[ch]$')
	# Our objects are compiled every time, so their warnings are always
	# seen (ccache replays a cached compile's warnings too).
	for f in $(echo "$added" | grep '\.c$'); do
		rm -f "$(product_dir "$arch")/${f%.c}.o"
	done
	product_make "$arch" --jobs="$JOBS" "$@" >"$log" 2>&1 ||
		{ grep -E 'error|Error' "$log" | head -n 20; echo "log: $log"; return 1; }
	# The compiler names our sources, objtool our objects; any section
	# mismatch (an __init function or __initdata used after boot) counts.
	# A warning inside a macro is reported at the macro's header (a
	# printk format at kern_levels.h), after a line naming our function.
	warn=$(grep -E '(warning|error):|WARNING:' "$log" |
		grep -F "$(echo "$added"; echo "$added" | sed -n 's/\.c$/.o/p')"
		grep -E -A3 ': In function' "$log" |
			grep -F -A3 "$(echo "$added" | sed 's/$/: In function/')" |
			grep -E '(warning|error):'
		grep -i 'section mismatch' "$log")
	[ -z "$warn" ] || { echo "W=1 warnings in our files:"; echo "$warn"; return 1; }
}

