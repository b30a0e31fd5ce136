#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Every test: the series applies (quilt and git am) and matches the overlay,
# checkpatch/kernel-doc/coccinelle are clean, every patch builds on its own
# with the framework on and off (x86_64, arm and arm64, wherever it changes
# what they compile), the KUnit suites (and the benchmark's smoke run) pass
# on x86_64, arm and arm64 (64 KiB pages; um runs them in
# scripts/apply-and-build.sh and the benchmark), a W=1 C=2 (sparse) build of
# the new code is warning-free on each, the QEMU system scenarios (regions
# from the board file, the device tree and the boot parameters, user space,
# and the ways a region can fail) pass on each, the product kernel (KUnit
# off) builds and boots on each, and a minute of libFuzzer on the grammar
# finds nothing.  Prints each stage's time and ends with
# "N passed, N failed".
#
#   scripts/run-tests.sh [--quick]
#
# --quick skips the per-patch builds.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

quick=
[ "${1:-}" = --quick ] && quick=1

PASSED=0
FAILED=0
FAILURES=()

pass() {
	PASSED=$((PASSED + 1))
	echo "  ok    $1"
}

fail() {
	FAILED=$((FAILED + 1))
	FAILURES+=("$1")
	echo "  FAIL  $1"
	[ -n "${2:-}" ] && echo "$2" | sed 's/^/        /'
}

# check NAME CMD...: one test; the command's output is shown on failure.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		pass "$name"
	else
		fail "$name" "$(echo "$out" | tail -n 40)"
		return 1
	fi
}

finish() {
	echo
	echo "=== summary (total $(elapsed "$T0"))"
	local f
	for f in "${FAILURES[@]}"; do
		echo "  failed: $f"
	done
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
	exit
}

overlay_files() {
	(cd "$ROOT" && git ls-files mm include drivers arch Documentation tools)
}

stage "dependencies and pristine tree"
install_deps || { fail "install dependencies"; finish; }
prepare_pristine || { fail "unpack the pristine tree"; finish; }
echo "base: Debian linux-source-6.12, Linux $(kernel_version)"
stage_done

stage "series: generation, application, identity"
# On another sublevel of Debian's 6.12 than the patches were made on, only
# blob ids and hunk positions may differ; gen-patches says so, and so do we.
if out=$(python3 "$ROOT/scripts/gen-patches.py" --check 2>&1); then
	pass "patches/ regenerated from the overlay match, byte for byte on the base they were made on (gen-patches --check)"
	echo "$out" | grep -F 'another sublevel' | sed 's/^/        /'
else
	fail "patches/ regenerated from the overlay match, byte for byte on the base they were made on (gen-patches --check)" \
		"$out"
fi

check "quilt push -a --fuzz=0 applies the series" prepare_work

overlay_identical() {
	local f bad=0
	for f in $(overlay_files); do
		cmp -s "$ROOT/$f" "$WORK/$f" || { echo "differs: $f"; bad=1; }
	done
	return $bad
}
check "the quilt-applied tree equals the overlay on every overlay path" overlay_identical
# The KUnit kernels build in the background from here on.
[ -f "$WORK/.cma-series" ] && kunit_start
stage_done

# What reviewers receive is what we test: git send-email into an mbox,
# b4 am, git am, and plain patch -p1, each compared with the quilt tree.
stage "mail round trip: send-email, b4 am, git am, patch -p1"
out=$("$ROOT/scripts/mail.sh" --roundtrip 2>&1)
echo "$out" >"$LOGS/mail.log"
while IFS= read -r line; do
	case $line in
	"  ok    "*) pass "${line#  ok    }" ;;
	"  FAIL  "*) fail "${line#  FAIL  }" ;;
	"        "*) echo "$line" ;;
	esac
done <<<"$out"
echo "$out" | grep -q '^  ok    the patch -p1 tree equals' ||
	fail "mail round trip ran to the end (log: $LOGS/mail.log)"
stage_done

stage "checkpatch --strict --codespell, kernel-doc"
CODESPELL_DICT=$(dpkg -L codespell 2>/dev/null | grep -m1 '/data/dictionary.txt$')
# checkpatch exits 0 when it finds nothing and 1 when it reports something;
# either way it ends with its summary (not with --terse, which drops it for
# a clean patch), whose counts must be those of the findings listed.
# Anything else (it did not run, perl died) fails.
checkpatch_one() {
	local p=$1 out types t notes bad=0 rc sum n
	[ -f "$CODESPELL_DICT" ] || { echo "no codespell dictionary"; return 1; }
	out=$(cd "$WORK" && perl scripts/checkpatch.pl --strict --codespell \
		--codespellfile "$CODESPELL_DICT" --show-types \
		"$ROOT/patches/$p" 2>&1)
	rc=$?
	sum=$(echo "$out" | sed -n 's/^.*total: \([0-9]*\) errors, \([0-9]*\) warnings, \([0-9]*\) checks, [0-9]* lines checked$/\1 \2 \3/p')
	n=$(echo "$out" | grep -cE '^(ERROR|WARNING|CHECK):[A-Z0-9_]+:')
	if [ -z "$sum" ] || [ $((${sum// /+})) -ne "$n" ] ||
	   { [ $rc -ne 0 ] && [ $rc -ne 1 ]; } || { [ $rc -eq 0 ] && [ "$n" -ne 0 ]; } ||
	   { [ $rc -eq 1 ] && [ "$n" -eq 0 ]; }; then
		echo "checkpatch did not run to its summary (exit $rc, summary '$sum', $n findings):"
		echo "$out" | tail -n 5
		return 1
	fi
	types=$(echo "$out" | grep -oE '(ERROR|WARNING|CHECK):[A-Z0-9_]+' | sort -u)
	notes=$(sed -n '/^---$/,/^diff --git/p' "$ROOT/patches/$p")
	for t in $types; do
		case $t in
		ERROR:*) echo "$out" | grep "$t"; bad=1 ;;
		*) echo "$notes" | grep -q "^checkpatch: ${t#*:}:" ||
			{ echo "unexplained: $(echo "$out" | grep "$t")"; bad=1; } ;;
		esac
	done
	return $bad
}
for p in $(series_patches); do
	check "checkpatch: $p" checkpatch_one "$p"
done
kerneldoc() {
	local out
	out=$(cd "$WORK" && perl scripts/kernel-doc -none -Wall \
		include/linux/cma_regions.h mm/cma_regions/*.[ch] 2>&1)
	[ -z "$out" ] || { echo "$out"; return 1; }
}
check "kernel-doc -none -Wall on our headers and sources" kerneldoc
stage_done

stage "documentation: htmldocs and the ABI description"
DOC_DIRS="mm admin-guide/mm"
# htmldocs_warnings TREE OUT: builds our documentation directories from
# scratch (-E: no saved environment, so every warning is printed again)
# and prints its warnings with the tree's path taken off.
htmldocs_warnings() {
	local log
	log="$LOGS/htmldocs-$(basename "$2").log"
	(cd "$1" && make O="$2" SPHINXDIRS="$DOC_DIRS" SPHINXOPTS=-E \
		htmldocs) >"$log" 2>&1 || { tail -n 20 "$log"; return 1; }
	grep -Ei 'warning|error' "$log" | sed "s|$1/||g" | sort -u
}
htmldocs_clean() {
	local ours theirs new d
	ours=$(htmldocs_warnings "$WORK" "$BUILD/docs") || return 1
	theirs=$(htmldocs_warnings "$PRISTINE" "$BUILD/docs-pristine") ||
		return 1
	new=$(comm -23 <(echo "$ours") <(echo "$theirs"))
	[ -z "$new" ] || { echo "new warnings:"; echo "$new"; return 1; }
	for d in mm admin-guide/mm; do
		grep -q 'cma_alloc_for' \
			"$BUILD/docs/Documentation/output/$d/cma_regions.html" ||
			{ echo "$d/cma_regions.html missing or empty"; return 1; }
	done
	# The developer guide pulls in the kernel-doc of the interface.
	grep -q 'id="c.cma_region_register"' \
		"$BUILD/docs/Documentation/output/mm/cma_regions.html" ||
		{ echo "no kernel-doc of cma_region_register()"; return 1; }
}
check "make htmldocs SPHINXDIRS=\"$DOC_DIRS\": our pages built, no warning the pristine tree has not" \
	htmldocs_clean
abi_valid() {
	local out n
	out=$(cd "$WORK" && perl scripts/get_abi.pl validate \
		--dir Documentation/ABI 2>&1 | grep -i contiguous)
	[ -z "$out" ] || { echo "$out"; return 1; }
	n=$(cd "$WORK" && perl scripts/get_abi.pl search \
		'^/sys/kernel/mm/contiguous/' 2>&1 | grep -c '^/sys/kernel/mm/contiguous/')
	[ "$n" -eq 14 ] || { echo "get_abi.pl finds $n entries, not 14"; return 1; }
}
check "Documentation/ABI/testing/sysfs-kernel-mm-contiguous validates and describes all 14 entries" \
	abi_valid
stage_done

# bisect_arch ARCH N PATCH on|off: builds ARCH's product configuration
# (tinyconfig-based, W=1) with KUnit and the tests added (the framework on),
# or with the framework off, after patch N, incrementally in
# $BUILD/tiny-ARCH.  The KUnit kernels, with their debugging options, are
# built once, for the whole series, by kunit_start and the KUnit stages.
# off_targets PATCH ARCH: what an off build of ARCH makes after PATCH:
# the objects of the C files it touches outside the framework, the tools
# and the other architecture, and the directories of the Makefiles and
# Kconfigs it touches.
# other_arches ARCH: a pattern of the arch/ directories ARCH never reads.
other_arches() {
	case $1 in
	arm) echo '^arch/\(x86\|arm64\)/' ;;
	arm64) echo '^arch/\(x86\|arm\)/' ;;
	*) echo '^arch/\(arm\|arm64\)/' ;;
	esac
}

off_targets() {
	local f
	sed -n 's#^diff --git a/\(\S*\) b/.*#\1#p' "$ROOT/patches/$1" |
		grep -v -e '^mm/cma_regions/' -e '^Documentation/' \
			-e '^tools/' -e '^include/' -e "$(other_arches "$2")" |
		while read -r f; do
			case $f in
			*.c) echo "${f%.c}.o" ;;
			*/Makefile | */Kconfig* | */Makefile.*) echo "${f%/*}/" ;;
			esac
		done | sort -u
}

bisect_lines() {
	if [ "$2" = off ]; then
		echo '# CONFIG_CMA_REGIONS is not set'
		return
	fi
	echo CONFIG_KUNIT=y
	echo CONFIG_CMA_REGIONS_KUNIT_TEST=y
	# The benchmark (64-bit).  Not the 32-bit compat of /dev/cma, which
	# the KUnit kernel has: it changes what half the kernel compiles, and
	# the product build after these would be nearly a cold one.
	[ "$1" = x86_64 ] && echo CONFIG_CMA_REGIONS_BENCH=y
}

bisect_arch() {
	local arch=$1 n=$2 p=$3 cfg=$4 dir log lines=()
	dir=$(product_dir "$arch")
	log=$LOGS/bisect-$arch-$n-$cfg.log
	mkdir -p "$dir"
	[ -f "$dir/.config" ] && cp "$dir/.config" "$dir/.config.before"
	mapfile -t lines < <(bisect_lines "$arch" "$cfg")
	# Off, only the hooks the patch touches must compile away: build their
	# objects (and the directories of touched Makefiles and Kconfigs), not
	# vmlinux.  On, the whole kernel is built: linked the first time in a
	# run, and after that up to vmlinux.o, whose undefined symbols must be
	# ones the first link resolved (its linker-script symbols) -- the
	# kallsyms links add nothing a patch can break, and cost a third of
	# an incremental build.
	# A directory and an object in it must not be goals of one make:
	# both would compile the object at once and race on its .d file.
	# So objects and directories are built by two makes, in turn, and
	# the objects by one job: an object the configuration does not build
	# (arch/arm/mach-virt/virt.o with the framework off) is compiled twice
	# even as the only goal, and two jobs race the same way.
	local objs=() dirs=() rc=0 goals nm=nm linked undef
	nm=$(cross_prefix "$arch")nm
	eval "linked=\${BISECT_LINKED_$arch:-}"
	if [ "$cfg" = off ]; then
		mapfile -t objs < <(off_targets "$p" "$arch" | grep -v '/$')
		mapfile -t dirs < <(off_targets "$p" "$arch" | grep '/$')
	elif [ -n "$linked" ]; then
		# vmlinux_o, not vmlinux.o: a goal ending in .o makes Kbuild
		# build that single object only, and vmlinux.o is none.
		objs=(vmlinux_o)
	fi
	[ ${#objs[@]} -gt 0 ] || [ ${#dirs[@]} -gt 0 ] || objs=(vmlinux)
	run_logged "$log" tiny_config "$arch" "${lines[@]}" || rc=1
	# A patch whose only change here is Kconfig text that leaves the
	# configuration as it was cannot change what is built.
	if [ $rc = 0 ] && [ "$cfg" = on ] && [ -n "$linked" ] &&
	   ! arch_files "$p" "$arch" | grep -qv '/Kconfig[^/]*$' &&
	   cmp -s "$dir/.config" "$dir/.config.before"; then
		pass "$arch builds after patch $n ($p), CMA_REGIONS=$cfg: only Kconfig text changed, configuration identical, nothing to build"
		return
	fi
	: >"$log.build"
	local jobs
	for goals in "${objs[*]}" "${dirs[*]}"; do
		[ $rc = 0 ] && [ -n "$goals" ] || continue
		jobs=$JOBS
		[ "$cfg" = off ] && [ "$goals" = "${objs[*]}" ] && jobs=1
		# shellcheck disable=SC2086 # goals are paths without blanks
		run_logged "$log.build.part" product_make "$arch" \
			--jobs="$jobs" $goals || rc=1
		cat "$log.build.part" >>"$log.build"
	done
	if [ $rc = 0 ] && [ "$cfg" = on ]; then
		undef=$("$nm" -u "$dir/vmlinux.o" | awk '{print $2}' | LC_ALL=C sort -u)
		if [ -z "$linked" ]; then
			echo "$undef" >"$dir/.bisect-linker-symbols"
			eval "BISECT_LINKED_$arch=1"
		elif undef=$(LC_ALL=C comm -23 <(echo "$undef") \
				"$dir/.bisect-linker-symbols") && [ -n "$undef" ]; then
			fail "$arch builds after patch $n ($p), CMA_REGIONS=$cfg: undefined in vmlinux.o" \
				"$undef"
			return
		fi
	fi
	if [ $rc = 0 ]; then
		if grep -E 'warning:' "$log" "$log.build" |
		   grep -q 'cma_regions\|cma-dev\|mach-virt'; then
			fail "$arch builds after patch $n, CMA_REGIONS=$cfg, without warnings" \
				"$(grep -E 'warning:' "$log" "$log.build" | grep 'cma_regions\|cma-dev\|mach-virt')"
		else
			pass "$arch builds after patch $n ($p), CMA_REGIONS=$cfg"
		fi
	else
		fail "$arch builds after patch $n ($p), CMA_REGIONS=$cfg" \
			"log: $log.build"
	fi
}

# arch_files PATCH ARCH: the files of PATCH that ARCH's build can read.
arch_files() {
	local only='^Documentation/\|^tools/\|^MAINTAINERS$'
	# x86 has no device tree.
	[ "$2" = x86_64 ] && only="$only\\|^mm/cma_regions/of\\.c$"
	sed -n 's#^diff --git a/\(\S*\) b/.*#\1#p' "$ROOT/patches/$1" |
		grep -v -e "$only" -e "$(other_arches "$2")"
}

# Does patch $1 change what ARCH $2 compiles with the framework off?  Only
# hunks outside mm/cma_regions/ and Documentation/ can, and only if they
# are not another architecture's.
touches_off() {
	sed -n 's#^diff --git a/\(\S*\) b/.*#\1#p' "$ROOT/patches/$1" |
		grep -v -e '^mm/cma_regions/' -e '^Documentation/' \
			-e '^tools/' -e '^MAINTAINERS$' -e "$(other_arches "$2")" |
		grep -q .
}

# Does patch $1 change what ARCH $2 compiles with the framework on?  Not if
# it touches only documentation, user-space tools and code only the other
# architecture builds (arch/ of the other one; the device-tree code is
# arm's here).
touches_on() {
	arch_files "$1" "$2" | grep -q .
}

# Every prefix of the series builds: with the framework on wherever a
# patch changes what an architecture compiles (arm from the first patch
# with code only arm builds: arch/arm, the device tree), and with it off
# wherever a patch can change that build (hooks in arch/ and mm/ that must
# compile away).  Two passes, so the configuration changes twice, not at
# every patch; the full series is pushed again at the end, and the product
# stages build on what the last build left.
bisect_build() {
	local n p arm arm64 pass
	rm -f "$WORK/.cma-series"
	for pass in on off; do
		n=0
		arm=
		arm64=
		(cd "$WORK" && quilt pop -a -f -q >/dev/null 2>&1)
		for p in $(series_patches); do
			n=$((n + 1))
			(cd "$WORK" && quilt push --fuzz=0 -q >/dev/null) ||
				{ fail "patch $n applies on its own"; return 1; }
			grep -q '^diff --git a/\(arch/arm/\|mm/cma_regions/of\.c\)' \
				"$ROOT/patches/$p" && arm=1
			grep -q '^diff --git a/arch/arm64/' "$ROOT/patches/$p" &&
				arm64=1
			if [ $pass = on ]; then
				touches_on "$p" x86_64 &&
					bisect_arch x86_64 "$n" "$p" on
				[ -n "$arm" ] && touches_on "$p" arm &&
					bisect_arch arm "$n" "$p" on
				[ -n "$arm64" ] && touches_on "$p" arm64 &&
					bisect_arch arm64 "$n" "$p" on
			else
				touches_off "$p" x86_64 &&
					bisect_arch x86_64 "$n" "$p" off
				[ -n "$arm" ] && touches_off "$p" arm &&
					bisect_arch arm "$n" "$p" off
				[ -n "$arm64" ] && touches_off "$p" arm64 &&
					bisect_arch arm64 "$n" "$p" off
			fi
		done
	done
	series_stamp >"$WORK/.cma-series"
}

# make W=1 C=2 on our directory: sparse and the extra warnings, all clean.
w1_sparse() {
	local arch=$1 dir=$BUILD/kunit-$1 out cross=()
	[ "$arch" = x86_64 ] || cross=(CROSS_COMPILE="$(cross_prefix "$arch")")
	out=$(make -C "$KTREE" O="$dir" ARCH="$arch" "${cross[@]}" \
		"$(kunit_cc "$arch")" --jobs="$JOBS" W=1 C=2 \
		mm/cma_regions/ drivers/misc/cma-dev.o \
		drivers/dma-buf/heaps/cma_regions_heap.o 2>&1) ||
		{ echo "$out" | tail -n 30; return 1; }
	echo "$out" >"$LOGS/w1-sparse-$arch.log"
	# arm64's prepare step builds the vDSO, in which sparse finds an
	# upstream 6.12 warning (vgetrandom.c: __kernel_getrandom "not
	# declared"); nothing of the series is built there.
	if echo "$out" | grep -E '(warning|error):' |
	   grep -v '/arch/arm64/kernel/vdso/vgetrandom\.c:.*__kernel_getrandom'; then
		return 1
	fi
	# C=2 really ran sparse on every file.
	[ "$(echo "$out" | grep -c '^  CHECK ')" -ge 5 ] ||
		{ echo "sparse did not run"; return 1; }
}

kunit_stage() {
	local arch=$1 counts
	stage "KUnit on $arch"
	kunit_wait "$arch"
	# The checks below read its console: never a previous run's.
	rm -f "$BUILD/kunit-$arch/test.log"
	kunit_run "$arch"
	if [ "$KUNIT_FAILED" -eq 0 ] && [ "$KUNIT_PASSED" -gt 0 ]; then
		PASSED=$((PASSED + KUNIT_PASSED))
		echo "  ok    $KUNIT_PASSED KUnit cases on $arch"
	else
		# No case run at all is a failure too, never a silent pass.
		PASSED=$((PASSED + KUNIT_PASSED))
		FAILED=$((FAILED + (KUNIT_FAILED > 0 ? KUNIT_FAILED : 1)))
		FAILURES+=("KUnit on $arch: $KUNIT_PASSED passed, $KUNIT_FAILED failed (log: $LOGS/kunit-$arch.log)")
		echo "  FAIL  KUnit on $arch: $KUNIT_PASSED passed, $KUNIT_FAILED failed"
		grep -E '\[(FAILED|CRASHED)\]|# .*: (EXPECTATION|ASSERTION) FAILED' \
			"$LOGS/kunit-$arch.log" | head -n 40 | sed 's/^/        /'
	fi
	check "KUnit console on $arch has no kernel report (BUG, WARNING, KASAN, UBSAN, lockdep, hung task)" \
		python3 "$ROOT/tests/system/run.py" --scan "$BUILD/kunit-$arch/test.log"
	if counts=$(python3 "$ROOT/scripts/kunit-counts.py" "$arch" \
			"$BUILD/kunit-$arch/test.log" 2>&1); then
		pass "KUnit on $arch: every suite ran the cases kunit/expected-counts.tsv pins, skips only those it names"
		echo "$counts" | sed 's/^/        /'
	else
		fail "KUnit on $arch: every suite ran the cases kunit/expected-counts.tsv pins, skips only those it names" \
			"$counts"
	fi
	# The cache rule for memory handed to user space: exactly the chunk
	# cleaned, by the architecture's hook on arm, a no-op on x86.
	local how="a no-op here (coherent)"
	[ "$arch" = x86_64 ] || how="by arch_sync_dma_for_device()"
	check "KUnit on $arch: a chunk for user space is cleaned whole, $how" \
		grep -qE "cleaned \+0x[0-9a-f]+, [0-9]+ bytes: the chunk, ${how//[()]/.}" \
		"$BUILD/kunit-$arch/test.log"
	stage_done
}

# system_run ARCH NAME KERNEL OUT [ARG...]: tests/system/run.py on KERNEL;
# every check it makes counts.
system_run() {
	local arch=$1 name=$2 kernel=$3 dir=$4 out rc p f
	shift 4
	out=$(python3 "$ROOT/tests/system/run.py" --arch "$arch" \
		--kernel "$kernel" --tree "$KTREE" --out "$dir" "$@" 2>&1)
	rc=$?
	echo "$out" | tee "$LOGS/$name-$arch.log" | grep -v '^  ok '
	read -r p f < <(echo "$out" |
		sed -n 's/^system [a-z0-9_]*: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
	if [ -z "${p:-}" ] || { [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; }; then
		p=${p:-0}
		f=1
	fi
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + f))
	[ "$f" -eq 0 ] || FAILURES+=("QEMU $name on $arch: $f failed (log: $LOGS/$name-$arch.log)")
}

# system_stage ARCH: the QEMU boot scenarios on the kernel the KUnit stage
# built.
system_stage() {
	stage "QEMU system scenarios on $1"
	system_run "$1" system "$(kernel_image "$1")" "$BUILD/system-$1"
	stage_done
}

# combo_name LINE...: "CMA_REGIONS=y BEST_FIT=n ..." of Kconfig lines.
combo_name() {
	local l out=()
	for l in "$@"; do
		case $l in
		"# CONFIG_"*) l=${l#\# CONFIG_}; l="${l%% *}=n" ;;
		*) l=${l#CONFIG_} ;;
		esac
		[ "${l%%=*}" = CMA_REGIONS ] || l=${l#CMA_REGIONS_}
		out+=("$l")
	done
	echo "${out[*]}"
}

# A misspelt symbol would pass as "not set": each must be a Kconfig symbol.
combo_symbols_exist() {
	local syms n found
	syms=$(python3 "$ROOT/scripts/kconfig-combos.py" "$1" | tr '\t' '\n' |
		sed -n 's/^\(# \)\{0,1\}CONFIG_\([A-Za-z0-9_]*\)[= ].*/\2/p' |
		sort -u)
	n=$(echo "$syms" | wc -l)
	found=$(grep -rhoE "^(menu)?config ($(echo "$syms" | paste -sd'|'))\$" \
		--include='Kconfig*' "$WORK" | awk '{print $2}' | sort -u)
	[ "$(echo "$found" | wc -l)" -eq "$n" ] ||
		{ echo "not in Kconfig: $(comm -23 <(echo "$syms") <(echo "$found"))"; return 1; }
}

product_combo() {
	local arch=$1 n=$2
	shift 2
	product_config "$arch" "$@" &&
		product_build "$arch" "$LOGS/product-$arch-combo-$n.log" \
			vmlinux.o modules
}

# product_stage ARCH: the kernel users build (KUnit off, every option of
# the series on; kunit/product*.config) with W=1, booted in QEMU with
# cma.regions=, then seeded combinations of the series' symbols on top of
# it, each built incrementally in the same directory.
KCONFIG_SEED=${KCONFIG_SEED:-1}
product_stage() {
	local arch=$1 n=0 combo lines
	stage "product kernel on $arch (KUnit off, W=1), booted; Kconfig combinations (seed $KCONFIG_SEED)"
	check "every symbol scripts/kconfig-combos.py toggles on $arch is defined in Kconfig" \
		combo_symbols_exist "$arch"
	# After the per-patch builds, in the same directory: incremental.
	if check "$arch product configuration: every line of kunit/product.config and product-$arch.config holds" \
		product_config "$arch" &&
	   check "$arch product kernel builds with W=1, no warning in a file the series adds" \
		product_build "$arch" "$LOGS/product-$arch.log"; then
		system_run "$arch" product-system "$(product_image "$arch")" \
			"$BUILD/product-system-$arch" --product
	fi
	while IFS= read -r combo; do
		n=$((n + 1))
		IFS=$'\t' read -ra lines <<<"$combo"
		check "$arch combination $n builds (W=1 clean): $(combo_name "${lines[@]}")" \
			product_combo "$arch" "$n" "${lines[@]}" </dev/null
	done < <(python3 "$ROOT/scripts/kconfig-combos.py" "$arch" \
		--seed "$KCONFIG_SEED" 2>&1)
	[ "$n" -ge 6 ] || fail "$arch: $n Kconfig combinations, not 6"
	stage_done
}

stage "grammar: libFuzzer (ASan, UBSan, LSan) and the boot-parameter corpus"
check "fuzz mm/cma_regions/parse.c for ${FUZZ_SECONDS:-60} s: no crash, leak or broken round trip" \
	"$ROOT/tests/fuzz/run.sh"
grep -E '^stat::number_of_executed_units' "$BUILD/fuzz/log" 2>/dev/null | sed 's/^/        /'
mkdir -p "$BUILD/corpus"
check "corpus: $(grep -c '^[rm]' "$ROOT/tests/corpus/params.tsv") malformed cma.regions=/cma.map= values refused with the table's message, left intact" \
	python3 "$ROOT/tests/corpus/corpus.py" params "$BUILD/corpus"
stage_done

if [ -z "$quick" ]; then
	stage "every patch builds on its own (x86_64, arm, arm64; CMA_REGIONS on and off)"
	bisect_build
	stage_done
fi

kunit_stage x86_64
system_stage x86_64
stage "W=1 C=2 (sparse) on x86_64"
check "make W=1 C=2 mm/cma_regions/, cma-dev, the heap on x86_64: no warnings" w1_sparse x86_64
# coccicheck runs spatch once per semantic patch of scripts/coccinelle and
# prints each command: every rule must have run (or been skipped for
# spatch's version, by name) with nothing failing.  Its M= must be an
# absolute path: with O= a relative one names the build directory, which
# holds no source, and spatch then checks nothing.  Our C files (the
# framework, its tests, /dev/cma and the heap) are copied into one
# directory with a control file whose planted defect one rule reports:
# the run must report that, and only that.
COCCI_SRC=$BUILD/cocci-src
coccicheck() {
	local out total ran skipped reports
	rm -rf "$COCCI_SRC"
	mkdir -p "$COCCI_SRC"
	cp -r "$WORK/mm/cma_regions" "$COCCI_SRC/" &&
	cp "$WORK/drivers/misc/cma-dev.c" \
		"$WORK/drivers/dma-buf/heaps/cma_regions_heap.c" "$COCCI_SRC/" ||
		return 1
	[ "$(find "$COCCI_SRC" -name '*.c' | wc -l)" -ge 16 ] ||
		{ echo "too few C files copied"; return 1; }
	printf '%s\n' '#include <linux/slab.h>' \
		'void control(void *p)' '{' '	if (p)' '		kfree(p);' '}' \
		>"$COCCI_SRC/control.c"
	out=$(make -C "$KTREE" O="$BUILD/kunit-x86_64" ARCH=x86_64 \
		coccicheck MODE=report M="$COCCI_SRC" 2>&1) ||
		{ echo "$out" | tail -n 20; return 1; }
	echo "$out" >"$LOGS/coccicheck.log"
	total=$(find "$WORK/scripts/coccinelle" -name '*.cocci' -type f | wc -l)
	ran=$(echo "$out" | grep -oE -- '--cocci-file \S+\.cocci' | sort -u | wc -l)
	skipped=$(echo "$out" | grep -c '^Skipping coccinelle SmPL patch')
	echo "coccicheck: $ran of $total semantic patches ran, $skipped skipped for spatch's version"
	[ $((ran + skipped)) -eq "$total" ] && [ "$ran" -gt 0 ] ||
		{ echo "not every semantic patch ran"; return 1; }
	! echo "$out" | grep -E 'coccicheck failed|No OCaml|Fatal error|^Error|exception' ||
		{ echo "spatch reported an error"; return 1; }
	reports=$(echo "$out" | grep -F "$COCCI_SRC/" | grep -E ':[0-9]+:')
	echo "$reports" | grep -F "$COCCI_SRC/control.c:5:" |
		grep -q 'NULL check before some freeing functions is not needed' ||
		{ echo "the control's planted defect was not reported"; return 1; }
	! echo "$reports" | grep -vF "$COCCI_SRC/control.c:5:"
}
check "make coccicheck MODE=report on mm/cma_regions (tests included), cma-dev and the heap: every semantic patch ran, only the control's planted defect reported" coccicheck
stage_done

product_stage x86_64

kunit_stage arm
system_stage arm
stage "W=1 C=2 (sparse) on arm, upstream CMA on"
check "make W=1 C=2 mm/cma_regions/, cma-dev, the heap on arm: no warnings" w1_sparse arm
check "arm KUnit kernel was built with upstream CMA and DMA_CMA on" \
	grep -qx 'CONFIG_DMA_CMA=y' "$BUILD/kunit-arm/.config"
check "x86_64 KUnit kernel was built with upstream CMA off" \
	grep -qx '# CONFIG_CMA is not set' "$BUILD/kunit-x86_64/.config"
stage_done
product_stage arm

kunit_stage arm64
system_stage arm64
stage "W=1 C=2 (sparse) on arm64 (64 KiB pages), upstream CMA on"
check "make W=1 C=2 mm/cma_regions/, cma-dev, the heap on arm64: no warnings" w1_sparse arm64
# kunit_config_has ARCH LINE...: every LINE is in ARCH's KUnit .config.
kunit_config_has() {
	local cfg=$BUILD/kunit-$1/.config line
	shift
	for line in "$@"; do
		grep -qxF "$line" "$cfg" || { echo "no '$line' in $cfg"; return 1; }
	done
}
check "arm64 KUnit kernel was built with 64 KiB pages, upstream CMA and DMA_CMA on" \
	kunit_config_has arm64 CONFIG_ARM64_64K_PAGES=y CONFIG_DMA_CMA=y
stage_done
product_stage arm64

finish
