#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""QEMU system tests: boot the patched kernel with an initramfs and assert.

The kernel is the one the KUnit run of the same architecture built (with
kunit/system.kunitconfig on top), so one build serves the unit tests and
every scenario here.  Each scenario boots with its own command line (and,
on arm, device tree), runs only the boot self-test suite in the kernel
(kunit.filter_glob=cma_regions_boot), lets tests/system/init.c report what
user space sees, and powers off.  Every check counts as one test.

  run.py --arch ARCH --kernel IMAGE --out DIR [--only NAME...] [--demo]
  run.py --scan LOG...      fail on any kernel report in console logs

Prints one "ok"/"FAIL" line per check and ends with
"system ARCH: N passed, M failed"; exits non-zero if anything failed.
--demo boots only the first scenario and shows what was reserved.
"""

import argparse
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "corpus"))
import corpus  # noqa: E402
MEM_MB = 512
BOOT_TIMEOUT = 240

# A console line matching one of these fails every scenario.  RCU stalls,
# the OOM killer, warn_alloc()'s reports (page allocator and vmalloc) and
# kmemleak's own count are anchored on the kernel's wording, so that a
# program printing "out of memory" or an errno does not match.  None is
# expected: the fault-injection suite fails only slab allocations, through
# failslab, which returns NULL without warn_alloc(), and it sets failslab's
# "verbose" to 0 (no "FAULT_INJECTION: forcing a failure" report either).
BAD_CONSOLE = re.compile(
    r"BUG:|WARNING:|Oops|Kernel panic|general protection fault|"
    r"Unable to handle kernel|UBSAN:|KASAN:|kmemleak:.*unreferenced|"
    r"possible recursive locking|circular locking dependency|"
    r"INFO: task .* blocked for more than|Internal error:|"
    r"INFO: rcu_\w+ (self-)?detected (expedited )?stall|"
    r"invoked oom-killer|Out of memory(:| \(oom_kill| and no killable)|"
    r"page allocation failure: order:|vmalloc error: size|"
    r"kmemleak: \d+ new suspected memory leaks|"
    # Reports without a BUG:/WARNING: header: any stack dump, lockdep
    # turning itself off on an uninitialised lock, SLUB's object checks,
    # the hard-lockup detector, and lost console lines.
    r"Call Trace:|Call trace:|INFO: trying to register non-static key|"
    r"\bBUG \S+ \(|hard LOCKUP|printk messages dropped|"
    # x86's PAT refusing a mapping's memory type: it names the physical
    # range, which no interface may leak.
    r"x86/PAT: .*map pfn")

RESERVED = re.compile(
    r"cma_regions: region (\S+): reserved (\d+) KiB at (0x[0-9a-f]+) "
    r"\(([^)]+)\)")
CHUNK = re.compile(
    r"# kb_alloc_inside: region (\S+): chunk (0x[0-9a-f]+) size (\d+) KiB")
PAGES = re.compile(
    r"# kb_pages_reserved: region (\S+): (0x[0-9a-f]+) size (\d+) KiB "
    r"reserved")
IOMEM = re.compile(r"SYS: iomem\s+([0-9a-f]+)-([0-9a-f]+) : cma region (\S+)")
MEMBLOCK = re.compile(r"SYS: memblock\s+\d+: (0x[0-9a-f]+)\.\.(0x[0-9a-f]+)")

M = 1 << 20
K = 1 << 10
MEMTOTAL_SLACK = 64 * K

# arm virt: RAM at 0x40000000; QEMU loads the initrd at +128 MiB and the
# DTB after it, the kernel at +32 KiB.  x86_64: the kernel at 16 MiB.
ARM_FIXED = 0x52000000
X86_FIXED = 0x10000000

ARM_DT = """
/ {
	chosen {
		linux,cma-map = "camera*=camera,common;*=common";
	};

	reserved-memory {
		#address-cells = <2>;
		#size-cells = <2>;
		ranges;

		camera@50000000 {
			compatible = "linux,contiguous-memory-region";
			reg = <0x0 0x50000000 0x0 0x800000>;
			linux,cma-allocator = "bf";
		};

		common {
			compatible = "linux,contiguous-memory-region";
			size = <0x0 0x400000>;
			alignment = <0x0 0x200000>;
		};

		/* Rejected: a start that is not page aligned. */
		skewed@50c00800 {
			compatible = "linux,contiguous-memory-region";
			reg = <0x0 0x50c00800 0x0 0x100000>;
		};

		/* Rejected: the name is taken. */
		camera@51000000 {
			compatible = "linux,contiguous-memory-region";
			reg = <0x0 0x51000000 0x0 0x100000>;
		};

		/* Rejected: regions are not shared with the page allocator. */
		shared {
			compatible = "linux,contiguous-memory-region";
			size = <0x0 0x100000>;
			reusable;
		};
	};
};
"""

ARM_DT_FIXED = """
/ {
	reserved-memory {
		#address-cells = <2>;
		#size-cells = <2>;
		ranges;

		camera@50000000 {
			compatible = "linux,contiguous-memory-region";
			reg = <0x0 0x50000000 0x0 0x800000>;
		};

		/* Inside camera: reserved-memory only warns of it. */
		overlap@50400000 {
			compatible = "linux,contiguous-memory-region";
			reg = <0x0 0x50400000 0x0 0x400000>;
		};
	};
};
"""

# A firmware carve-out (TF-A, OP-TEE): memory, but no-map.
ARM_NOMAP = 0x5f000000
ARM_DT_NOMAP = """
/ {
	reserved-memory {
		#address-cells = <2>;
		#size-cells = <2>;
		ranges;

		firmware@%x {
			reg = <0x0 0x%x 0x0 0x200000>;
			no-map;
		};
	};
};
""" % (ARM_NOMAP, ARM_NOMAP)

BOARD = [
    dict(name="video", size=8 * M, align=1 * M, origin="platform defaults"),
    dict(name="camera", size=4 * M, origin="platform defaults"),
    dict(name="common", size=4 * M, origin="platform defaults"),
]
BOARD_MAP = "video*,display*=video,common;camera*=camera,common;*=common"


def params_scenario(fixed, kernel_text):
    """Regions from cma.regions=: placed three ways, failing three ways."""
    regions = ("fixed=4M@{f:#x};aligned=2M/2M:bf;anywhere=1M;"
               "huge=1G;clash=2M@{c:#x};kernel=1M@{k:#x}").format(
                   f=fixed, c=fixed + 2 * M, k=kernel_text)
    return dict(
        cmdline=[f'cma.regions="{regions}"', 'cma.map="*=anywhere,fixed"',
                 # A second one is refused; the first one's regions stay.
                 'cma.regions=second=1M'],
        regions=[
            dict(name="fixed", size=4 * M, start=fixed,
                 origin="boot parameters"),
            dict(name="aligned", size=2 * M, align=2 * M,
                 origin="boot parameters"),
            dict(name="anywhere", size=1 * M, origin="boot parameters"),
        ],
        failures=[
            ("huge", r"cannot reserve 1048576 KiB anywhere: -ENOMEM "
                     r"\(no room for it in memory\)"),
            ("clash", r"cannot reserve 2048 KiB at 0x0*%x: -EBUSY "
                      r"\(overlaps reserved or no-map memory\)"
                      % (fixed + 2 * M)),
            ("kernel", r"cannot reserve 1024 KiB at 0x0*%x: -EBUSY "
                       r"\(overlaps reserved or no-map memory\)"
                       % kernel_text),
        ],
        map=("boot parameters", "*=anywhere,fixed"),
        absent=["second"],
        lines=[r"cma_regions: cma\.regions= given more than once: only the "
               r"first is used"],
    )


def extend(base, **more):
    """base with more keys; list values are appended to base's."""
    out = dict(base)
    for k, v in more.items():
        out[k] = out.get(k, []) + v if isinstance(v, list) else v
    return out


BAD_PARAMS = [
    'cma.regions="a=4M@0x%x"' % (ARM_FIXED + 0x800),
    'cma.map="video=;"',
]
BAD_LINES = [
    r"cma_regions: regions: start not a page-aligned physical address "
    r"at offset 5: '0x%x'" % (ARM_FIXED + 0x800),
    r"cma\.regions= rejected: the other regions stay in force",
    r"Malformed early option 'cma\.regions'",
    r"cma_regions: map: expected a list of distinct region names at "
    r"offset 6: ';'",
    r"cma\.map= rejected: the previous map stays in force",
    r"Malformed early option 'cma\.map'",
]

# User space: the regions of the board under the same names, from the
# command line on both architectures, plus one waiting for an allocator
# that never comes; cma-test scripts in tests/system/scripts/.  This boot
# also measures what the regions cost it (initcall_debug, whose lines are
# KERN_DEBUG): see boot_cost().
USER_SPACE = dict(
    cmdline=['cma.regions="video=8M/1M;camera=4M;common=4M:bf;'
             'spare=1M:later"', f'cma.map="{BOARD_MAP}"', "cmatest=user",
             "initcall_debug", "loglevel=8"],
    regions=[
        dict(name="video", size=8 * M, align=1 * M, origin="boot parameters"),
        dict(name="camera", size=4 * M, origin="boot parameters"),
        dict(name="common", size=4 * M, origin="boot parameters"),
        dict(name="spare", size=1 * M, origin="boot parameters", alloc="",
             waits="later"),
    ],
    map=("boot parameters", BOARD_MAP),
    user="user",
)

# The kernel's dmabuf-heaps selftest allocates 32 buffers of 1 MiB at once
# from every heap: regions big enough for that.
HEAPS_SELFTEST = dict(
    cmdline=['cma.regions="big=40M;bigger=48M"', 'cma.map="*=big,bigger"',
             "cmatest=selftest"],
    regions=[
        dict(name="big", size=40 * M, origin="boot parameters"),
        dict(name="bigger", size=48 * M, origin="boot parameters"),
    ],
    map=("boot parameters", "*=big,bigger"),
    user="selftest",
)

# Hostile use under the debug configuration (x86_64): every suite of the
# series, the fault-injection one included (their leaks are the closing
# kmemleak scan's to find: the KUnit stage's kernel is never scanned), the
# malformed-input corpus of tests/corpus/ for sysfs, ioctls and cma-test
# commands, and FUZZ_OPS seeded random operations on /dev/cma and the
# heaps.
FUZZ_SEED = int(os.environ.get("FUZZ_SEED", "1"))
FUZZ_OPS = int(os.environ.get("FUZZ_OPS", "100000"))
# tests/system/cma-race.c: ALLOCs that fail late (EFAULT) against FREEs
# of the ids they hand out, on one file.
RACE_ITERATIONS = 10000
HOSTILE_MAP = "video*,display*=video,common;camera*=camera,common"
HOSTILE = dict(
    cmdline=['cma.regions="video=8M/1M;camera=4M;common=4M:bf"',
             f'cma.map="{HOSTILE_MAP}"', "cmatest=hostile",
             f"fuzzseed={FUZZ_SEED}", f"fuzzops={FUZZ_OPS}",
             f"raceiters={RACE_ITERATIONS}",
             "kunit.filter_glob=cma_regions_*"],
    regions=[
        dict(name="video", size=8 * M, align=1 * M, origin="boot parameters"),
        dict(name="camera", size=4 * M, origin="boot parameters"),
        dict(name="common", size=4 * M, origin="boot parameters"),
    ],
    map=("boot parameters", HOSTILE_MAP),
    user="hostile",
)

# A product kernel (kunit/product*.config: KUnit off, every option of the
# series on): no self-test in the kernel, so user space shows that each
# region is there, hands out memory by name, by device and as a heap.
# The regions are hostile's, the map the board's.
PRODUCT = dict(
    cmdline=[HOSTILE["cmdline"][0], f'cma.map="{BOARD_MAP}"',
             "cmatest=product"],
    regions=HOSTILE["regions"],
    map=("boot parameters", BOARD_MAP),
    user="product",
    product=True,
)

# The control of the leak check: the boot self-test leaks one object on
# purpose (cma_regions_kunit.plant_leak=1), and the kmemleak check every
# x86_64 scenario makes must see it, or it proves nothing.
# The leak's only pointer lies in region leakbox, placed anywhere: the
# check must still see the leak, as kmemleak must not scan region memory
# (kmemleak_ignore_phys(); v1 let it, and the pointer hid the leak).
KMEMLEAK_CONTROL = dict(cmdline=["cma_regions_kunit.plant_leak=1",
                                 'cma.regions="leakbox=2M"'],
                        control="kmemleak")

SCENARIOS = {
    "arm": [
        ("board", dict(regions=BOARD, map=("platform defaults", BOARD_MAP))),
        ("device-tree", dict(
            dt=ARM_DT,
            regions=[
                dict(name="camera", size=8 * M, start=0x50000000,
                     origin="device tree"),
                dict(name="common", size=4 * M, align=2 * M,
                     origin="device tree"),
            ],
            absent=["video"],
            lines=[
                r"cma_regions: region video from the platform defaults: "
                r"overridden by the device tree",
                r"cma_regions: skewed@50c00800: cannot declare region skewed"
                r" \(0x0*50c00800, 0x0*100000 bytes\): -EINVAL \(malformed: "
                r"unaligned, bad name or wraps\)",
                r"cma_regions: camera@51000000: cannot declare region camera"
                r" \(0x0*51000000, 0x0*100000 bytes\): -EEXIST \(name "
                r"already used\)",
                r'cma_regions: shared: "reusable" and "no-map" are not '
                r'supported',
            ],
            map=("device tree", "camera*=camera,common;*=common"))),
        ("device-tree-fixed", dict(
            # Only a fixed node: the reserved-memory code hands it over
            # after the board's regions were reserved; they are dropped.
            dt=ARM_DT_FIXED,
            regions=[
                dict(name="camera", size=8 * M, start=0x50000000,
                     origin="device tree"),
            ],
            # "overlap" lies inside "camera": it cannot be registered,
            # and its memory, camera's, must not be given back (v2 first
            # gave it back: MemTotal then grew by 4 MiB).
            absent=["video", "common", "overlap"],
            memtotal_vs="device-tree",
            lines=[
                r"cma_regions: region video from the platform defaults: "
                r"overridden by the device tree",
                r"cma_regions: region overlap: cannot register: "
                r"-EADDRINUSE; 4096 KiB at 0x0*50400000 stay reserved: "
                r"they overlap another region",
            ],
            map=("platform defaults", BOARD_MAP))),
        ("boot-parameters", extend(
            params_scenario(ARM_FIXED, 0x40100000), dt=ARM_DT,
            absent=["video", "camera", "common"],
            # The device tree's fixed camera region, given back.
            returned=[(0x50000000, 8 * M)],
            memtotal_vs="device-tree",
            lines=[
                r"cma_regions: camera@50000000: overridden by the boot "
                r"parameters",
                r"cma_regions: region video from the platform defaults: "
                r"overridden by the boot parameters",
                r"map from the device tree overridden by the boot "
                r"parameters",
            ])),
        ("malformed-parameters", dict(
            cmdline=BAD_PARAMS, regions=BOARD, lines=BAD_LINES,
            memtotal_vs="board",
            map=("platform defaults", BOARD_MAP))),
        # Memory the device tree marks no-map (a firmware carve-out) is
        # memory, not reserved: a region over it is refused (v1 took it,
        # then cleared it and handed it to user space).
        ("no-map", dict(
            dt=ARM_DT_NOMAP,
            cmdline=['cma.regions="fw=1M@0x%x;ok=1M"' % ARM_NOMAP],
            regions=[dict(name="ok", size=1 * M, origin="boot parameters")],
            absent=["fw", "video", "camera", "common"],
            lines=[
                r"cma_regions: region fw: cannot reserve 1024 KiB at "
                r"0x0*%x: -EBUSY \(overlaps reserved or no-map "
                r"memory\)" % ARM_NOMAP,
            ],
            map=("platform defaults", BOARD_MAP))),
        # Regions with a start are reserved before upstream's default CMA
        # area is placed (dma_contiguous_reserve()), those placed anywhere
        # after it: "top" sits where the default area goes otherwise, and
        # "low" comes after the area (v1 reserved every region before it,
        # so regions placed anywhere took the top of lowmem first).
        ("fixed-before-default", dict(
            cmdline=['cma.regions="top=4M@0x5f800000;low=1M"'],
            regions=[
                dict(name="top", size=4 * M, start=0x5f800000,
                     origin="boot parameters"),
                dict(name="low", size=1 * M, origin="boot parameters"),
            ],
            absent=["video", "camera", "common"],
            map=("platform defaults", BOARD_MAP))),
        ("user-space", USER_SPACE),
        ("heaps-selftest", HEAPS_SELFTEST),
    ],
    "x86_64": [
        ("parameters", extend(params_scenario(X86_FIXED, 0x1000000),
                              memtotal_vs="none")),
        ("none", dict(regions=[])),
        ("malformed-parameters", dict(
            cmdline=[p.replace("%x" % (ARM_FIXED + 0x800),
                               "%x" % (X86_FIXED + 0x800))
                     for p in BAD_PARAMS],
            regions=[],
            lines=[ln.replace("%x" % (ARM_FIXED + 0x800),
                              "%x" % (X86_FIXED + 0x800))
                   for ln in BAD_LINES],
            memtotal_vs="none")),
        # A region of the boot parameters whose name a region of
        # platform code has: not reserved at all, so nothing leaks.  The
        # parameters come first, as on ARM, whose board hooks run after
        # them: v1 reserved both, failed to register the second and never
        # gave its memory back.
        # And a region declared after the regions were reserved: reported,
        # never dropped in silence (v1 said nothing).
        ("explicit-name-taken", dict(
            cmdline=['cma.regions="dup=4M;other=4M"',
                     "cma_regions_test.explicit=dup",
                     "cma_regions_test.late=late"],
            regions=[
                dict(name="dup", size=4 * M, origin="platform code"),
                dict(name="other", size=4 * M, origin="boot parameters"),
            ],
            lines=[
                r"cma_regions: region dup: cannot reserve 4096 KiB "
                r"anywhere: -EEXIST \(its name is taken by a region of "
                r"platform code\)",
                r"cma_regions: region late from the platform code: never "
                r"reserved: declared after the regions were reserved",
            ],
            absent=["late"],
            memtotal_vs="none")),
        ("user-space", USER_SPACE),
        ("heaps-selftest", HEAPS_SELFTEST),
        ("hostile", HOSTILE),
        ("kmemleak-control", KMEMLEAK_CONTROL),
    ],
}


# arm64 (virt, 64 KiB pages in the KUnit kernel): no board file, so no
# region but those of the device tree and the command line.  QEMU loads
# the Image at the start of RAM (0x40000000) and the initrd at +128 MiB.
ARM64_KERNEL = 0x40200000
SCENARIOS["arm64"] = [
    ("device-tree", dict(
        dt=ARM_DT,
        regions=dict(SCENARIOS["arm"])["device-tree"]["regions"],
        lines=[ln for ln in dict(SCENARIOS["arm"])["device-tree"]["lines"]
               if "platform defaults" not in ln],
        map=("device tree", "camera*=camera,common;*=common"))),
    ("boot-parameters", extend(
        params_scenario(ARM_FIXED, ARM64_KERNEL), dt=ARM_DT,
        absent=["camera", "common"],
        returned=[(0x50000000, 8 * M)],
        memtotal_vs="device-tree",
        lines=[
            r"cma_regions: camera@50000000: overridden by the boot "
            r"parameters",
            r"map from the device tree overridden by the boot "
            r"parameters",
        ])),
    # As on arm: regions with a start before upstream's default CMA area,
    # those placed anywhere after it.
    ("fixed-before-default", {
        k: v for k, v in dict(SCENARIOS["arm"])[
            "fixed-before-default"].items() if k not in ("absent", "map")}),
    ("malformed-parameters", dict(
        cmdline=BAD_PARAMS, regions=[], lines=BAD_LINES)),
    # 5 GiB of memory, 3 of them above 4 GiB: regions placed anywhere go
    # below arm64_dma_phys_limit (4 GiB, ZONE_DMA32), where 32-bit
    # devices reach them, not at the top of memory; one asked for above
    # it is there.
    ("above-4g", dict(
        mem_mb=5 * 1024,
        cmdline=['cma.regions="low=16M;aligned=8M/8M;high=4M@0x150000000"'],
        regions=[
            dict(name="low", size=16 * M, below=1 << 32,
                 origin="boot parameters"),
            dict(name="aligned", size=8 * M, align=8 * M, below=1 << 32,
                 origin="boot parameters"),
            dict(name="high", size=4 * M, start=0x150000000,
                 origin="boot parameters"),
        ])),
    ("user-space", USER_SPACE),
    ("heaps-selftest", HEAPS_SELFTEST),
]


def reports(text):
    """The lines of a kernel report, with a few lines of context each."""
    lines = text.splitlines()
    out = []
    for i, ln in enumerate(lines):
        if BAD_CONSOLE.search(ln):
            out += lines[i:i + 8] + ["..."]
    return out


def scan_logs(paths):
    bad = 0
    for p in paths:
        with open(p, errors="replace") as f:
            found = reports(f.read())
        if found:
            bad += 1
            print(f"{p}: kernel reports:")
            print("    " + "\n    ".join(found[:80]))
    return bad


class Results:
    def __init__(self, arch):
        self.arch = arch
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"  ok   {self.arch} {name}")
        else:
            self.failed += 1
            print(f"  FAIL {self.arch} {name}" +
                  (f": {detail}" if detail else ""))
        return ok


def cpio_newc(entries):
    """A newc archive of (name, mode, data, rdev_major, rdev_minor)."""
    out = bytearray()
    ino = 1

    def pad(b):
        b += b"\0" * (-len(b) % 4)
        return b

    for name, mode, data, major, minor in entries + [("TRAILER!!!", 0, b"",
                                                      0, 0)]:
        nm = name.encode() + b"\0"
        hdr = "070701" + "".join("%08x" % v for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, major, minor,
            len(nm), 0))
        out += pad(bytearray(hdr.encode()) + nm)
        out += pad(bytearray(data))
        ino += 1
    return bytes(out)


CROSS = {"x86_64": "", "arm": "arm-linux-gnueabihf-",
         "arm64": "aarch64-linux-gnu-"}


def make(*args, **kw):
    subprocess.run(["make", "-s", *args], check=True,
                   stdout=subprocess.DEVNULL, **kw)


def build_programs(arch, out, tree, kbuild):
    """cma-test (also 32-bit on x86_64), the dmabuf-heaps selftest,
    cma-fuzz and cma-race, static, from the patched tree; returns {path in
    the image: file}."""
    progs = {}
    cross = CROSS[arch]
    variants = [("cma-test", cross)]
    if arch == "x86_64":
        # Debian's gcc-multilib and the arm cross compiler exclude each
        # other; the i686 cross compiler does not.
        variants.append(("cma-test32", "i686-linux-gnu-"))
    for name, prefix in variants:
        o = os.path.join(out, name) + "/"
        os.makedirs(o, exist_ok=True)
        make("-C", os.path.join(tree, "tools", "cma"), f"O={o}",
             f"CROSS_COMPILE={prefix}", "LDFLAGS=-static")
        progs[f"bin/{name}"] = os.path.join(o, "cma-test")
    # The selftest against this tree's exported headers.
    hdrs = os.path.join(out, "headers")
    make("-C", tree, f"O={kbuild}", f"ARCH={arch}",
         f"INSTALL_HDR_PATH={hdrs}", "headers_install")
    o = os.path.join(out, "dmabuf-heaps") + "/"
    os.makedirs(o, exist_ok=True)
    make("-C", os.path.join(tree, "tools", "testing", "selftests",
                            "dmabuf-heaps"),
         f"OUTPUT={o}", f"CC={cross}gcc",
         f"KHDR_INCLUDES=-isystem {hdrs}/include")
    progs["bin/dmabuf-heap"] = os.path.join(o, "dmabuf-heap")
    fuzz = os.path.join(out, "cma-fuzz")
    subprocess.run([f"{cross}gcc", "-static", "-O2", "-Wall", "-Wextra",
                    "-Werror", "-isystem", f"{hdrs}/include", "-o", fuzz,
                    os.path.join(HERE, "cma-fuzz.c")], check=True)
    progs["bin/cma-fuzz"] = fuzz
    race = os.path.join(out, "cma-race")
    subprocess.run([f"{cross}gcc", "-static", "-pthread", "-O2", "-Wall",
                    "-Wextra", "-Werror", "-isystem", f"{hdrs}/include",
                    "-o", race, os.path.join(HERE, "cma-race.c")],
                   check=True)
    progs["bin/cma-race"] = race
    for f in sorted(os.listdir(os.path.join(HERE, "scripts"))):
        progs[f"scripts/{f}"] = os.path.join(HERE, "scripts", f)
    # The corpus of malformed sysfs writes, ioctls and commands.
    for name, text in (("corpus.cma", corpus.script()),
                       ("commands.cma", corpus.command_script())):
        path = os.path.join(out, name)
        with open(path, "w") as f:
            f.write(text)
        progs[f"scripts/{name}"] = path
    return progs


def build_initramfs(arch, out, tree=None, kbuild=None):
    cc = CROSS[arch] + "gcc"
    progs = build_programs(arch, out, tree, kbuild) if tree else {}
    # init calls /dev/cma and the heaps itself: the patched tree's exported
    # headers (build_programs() installs them), else the overlay's UAPI
    # header over the compiler's own.
    hdrs = (os.path.join(out, "headers", "include") if tree else
            os.path.join(HERE, "..", "..", "include", "uapi"))
    init = os.path.join(out, "init")
    subprocess.run([cc, "-static", "-O2", "-Wall", "-Wextra", "-Werror",
                    "-isystem", hdrs, "-o", init,
                    os.path.join(HERE, "init.c")], check=True)
    files = [("init", init)]
    dirs = ["dev", "proc", "sys"]
    if tree:
        files += sorted(progs.items())
        dirs += ["bin", "scripts"]
    entries = [(d, 0o040755, b"", 0, 0) for d in dirs]
    entries.append(("dev/console", 0o020600, b"", 5, 1))
    for name, path in files:
        with open(path, "rb") as f:
            mode = 0o100644 if name.startswith("scripts/") else 0o100755
            entries.append((name, mode, f.read(), 0, 0))
    image = os.path.join(out, "initramfs.cpio")
    with open(image, "wb") as f:
        f.write(cpio_newc(entries))
    return image


def qemu_cmd(arch, kernel, initrd, cmdline, dtb=None, mem_mb=MEM_MB):
    if arch == "x86_64":
        cmd = ["qemu-system-x86_64", "-bios", "qboot.rom", "-smp", "2"]
        # nokaslr: the scenarios know where the kernel is.
        console = "console=ttyS0 nokaslr"
    elif arch == "arm64":
        cmd = ["qemu-system-aarch64", "-machine", "virt", "-cpu",
               "cortex-a57"]
        console = "console=ttyAMA0"
    else:
        cmd = ["qemu-system-arm", "-machine", "virt"]
        console = "console=ttyAMA0"
    cmd += ["-nodefaults", "-no-reboot", "-nographic", "-serial", "stdio",
            "-m", str(mem_mb), "-kernel", kernel, "-initrd", initrd,
            "-append", " ".join([console, "panic=-1",
                                 "kunit.filter_glob=cma_regions_boot"] +
                                cmdline)]
    if dtb:
        cmd += ["-dtb", dtb]
    return cmd


def make_dtb(arch, out, name, extra):
    base = os.path.join(out, "virt.dtb")
    qemu = qemu_cmd(arch, "", "", [])[:qemu_cmd(arch, "", "", []).index(
        "-nodefaults")]
    qemu[qemu.index("virt")] = f"virt,dumpdtb={base}"
    subprocess.run(qemu + ["-m", str(MEM_MB), "-nographic", "-nodefaults"],
                   check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", base],
                         check=True, capture_output=True, text=True).stdout
    src = os.path.join(out, f"{name}.dts")
    with open(src, "w") as f:
        f.write(dts + extra)
    dtb = os.path.join(out, f"{name}.dtb")
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dtb, src],
                   check=True)
    return dtb


def boot(arch, kernel, initrd, out, name, sc):
    dtb = make_dtb(arch, out, name, sc["dt"]) if sc.get("dt") else None
    cmd = qemu_cmd(arch, kernel, initrd, sc.get("cmdline", []), dtb,
                   sc.get("mem_mb", MEM_MB))
    log = os.path.join(out, f"{name}.log")
    t0 = time.monotonic()
    try:
        res = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                             capture_output=True, timeout=BOOT_TIMEOUT)
        text = res.stdout.decode(errors="replace")
        timed_out = False
    except subprocess.TimeoutExpired as e:
        text = (e.stdout or b"").decode(errors="replace")
        timed_out = True
    wall = time.monotonic() - t0
    text = text.replace("\r\n", "\n")
    with open(log, "w") as f:
        f.write("$ " + " ".join(cmd) + "\n" + text)
    # printk timestamps off, so patterns can anchor at the start of a line.
    text = re.sub(r"(?m)^\[\s*\d+\.\d+\] ", "", text)
    return text, wall, timed_out, log


ABI_DOC = os.path.join(HERE, "..", "..", "Documentation", "ABI", "testing",
                       "sysfs-kernel-mm-contiguous")
SYSFS_MODES = {"map": 0o644, "alloc": 0o644, "user_alloc": 0o644,
               "start": 0o400, "peak_bytes": 0o644, "peak_chunks": 0o644}
# A region's directory: regions/<name>/, or regions/private:<N>/ for a
# region without a name; as a shape, regions/<region>/.
REGION_DIR = re.compile(r"^regions/[^/]+/")
# init's walk of the tree as uid 65534 (sysfs_unprivileged()), and the
# writes it makes to one region's user_alloc (write_user_alloc()).
USER_ALLOC_WRITES = 14
# init's checks of /dev/cma and the heaps (abi_checks()), in the
# scenarios that run user-space programs.
ABI_CHECKS = 41


def abi_files():
    """The files the ABI document describes, relative to contiguous/, with
    whatever placeholder it names a region's directory by as <region>."""
    with open(ABI_DOC) as f:
        whats = re.findall(r"^What:\s+/sys/kernel/mm/contiguous/(\S+)",
                           f.read(), re.M)
    return {re.sub(r"^regions/<[^>/]+>/", "regions/<region>/", w)
            for w in whats if not w.endswith("/")}


def unescape(v):
    return re.sub(r"\\x([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), v)


def check_sysfs(r, t, sc, text, reserved):
    """/sys/kernel/mm/contiguous as init saw it, against what was asked."""
    files = {m.group(1): int(m.group(2), 8) for m in
             re.finditer(r"^SYS: sysfs-file (\S+) ([0-7]+)$", text, re.M)}
    values = {m.group(1): unescape(m.group(2)) for m in
              re.finditer(r"^SYS: sysfs-value (\S+) (.*)$", text, re.M)}
    dirs = set(re.findall(r"^SYS: sysfs-dir regions/(\S+)$", text, re.M))
    links = dict(re.findall(r"^SYS: sysfs-link regions/(\S+) (\S+)$", text,
                            re.M))
    if not r.check(f"{t} sysfs: /sys/kernel/mm/contiguous is there",
                   "map" in files and "allocators" in files,
                   "no map or allocators file"):
        return

    # Every file is described in the ABI document, every region has all of
    # them, nothing is unreadable (by root), only map, alloc and user_alloc
    # are writable, and start is root's alone.
    abi = abi_files()
    shapes = {REGION_DIR.sub("regions/<region>/", f) for f in files}
    r.check(f"{t} sysfs: every file is in the ABI document",
            shapes <= abi, f"undocumented {sorted(shapes - abi)}")
    for d in sorted(dirs):
        have = {f.split("/")[-1] for f in files
                if f.startswith(f"regions/{d}/")}
        want = {a.split("/")[-1] for a in abi if a.startswith("regions/")}
        r.check(f"{t} sysfs: regions/{d} has every file of the ABI",
                have == want, f"has {sorted(have)}")
    bad_modes = {f: oct(m) for f, m in files.items()
                 if m != SYSFS_MODES.get(f.split("/")[-1], 0o444)}
    r.check(f"{t} sysfs: modes 0644 for map, alloc, user_alloc and the "
            f"peaks, 0400 for start, 0444 otherwise", not bad_modes,
            f"{bad_modes}")
    r.check(f"{t} sysfs: every file reads",
            "SYS: sysfs-unreadable" not in text and
            "SYS: sysfs-missing" not in text, "some did not")

    want_map = sc["map"][1] if "map" in sc else ""
    r.check(f"{t} sysfs: map reads the map in force",
            values.get("map") == want_map + "\n",
            f"reads {values.get('map')!r}")
    r.check(f"{t} sysfs: allocators lists bf",
            values.get("allocators") == "bf\n",
            f"reads {values.get('allocators')!r}")

    expected = sc.get("regions", [])
    names = {reg["name"] for reg in expected}
    r.check(f"{t} sysfs: one directory per region reserved, named by the "
            f"region", dirs == names,
            f"directories {sorted(dirs)}, want {sorted(names)}")
    r.check(f"{t} sysfs: no symbolic link under regions/", not links,
            f"links {links}")
    r.check(f"{t} sysfs: no directory named by an address",
            not [d for d in dirs if d.lower().startswith("0x")],
            f"directories {sorted(dirs)}")
    for reg in expected:
        n = reg["name"]
        if n not in reserved:
            continue
        start, size = reserved[n][0], reserved[n][1]
        got = {k: values.get(f"regions/{n}/{k}") for k in
               ("name", "start", "size", "free", "users", "alloc",
                "user_alloc")}
        # start, read by root, is where the kernel said it reserved it.
        want = dict(name=n, start=f"{start:#x}", size=str(size),
                    free=str(size), users="0", alloc=reg.get("alloc", "bf"),
                    user_alloc="1")
        r.check(f"{t} sysfs: regions/{n} describes {n} as reserved at "
                f"{start:#x}, idle, whole and open to user space",
                got == {k: v + "\n" for k, v in want.items()},
                f"reads {got}")
        # The boot self-test may have allocated and freed: no use now;
        # one free extent, the region, unless no allocator is there.
        got = {k: values.get(f"regions/{n}/stats/{k}") for k in
               ("largest_free",)}
        want = dict(largest_free=str(size) if reg.get("alloc", "bf") else
                    "0")
        r.check(f"{t} sysfs: regions/{n}/stats: largest free extent "
                f"{want['largest_free']} bytes",
                got == {k: v + "\n" for k, v in want.items()},
                f"reads {got}")

    m = re.search(r"^SYS: sysfs-writes-done (\d+) failed$", text, re.M)
    checks = re.findall(r"^SYS: check (.*): (ok|FAIL)(?: (.*))?$", text,
                        re.M)
    r.check(f"{t} sysfs: init tried the writes and counted no failure",
            m is not None and bool(checks) and m.group(1) == "0",
            "no 'SYS: sysfs-writes-done N failed' line" if m is None else
            "no 'SYS: check' line" if not checks else
            f"init counted {m.group(1)} failed sysfs checks")
    for desc, res, detail in checks:
        r.check(f"{t} sysfs {desc}", res == "ok", detail)

    # The walk as uid 65534 made all its checks (each asserted above),
    # start refused in every region; and the user_alloc writes all ran.
    descs = {desc for desc, _, _ in checks}
    walk = {"sysfs as root: every region's start reads",
            "sysfs as uid 65534: no name is an address",
            f"sysfs as uid 65534: start of each of {len(expected)} regions "
            f"refused with EACCES",
            "sysfs as uid 65534: no file read shows a physical address",
            "sysfs as uid 65534: every file but start reads"}
    r.check(f"{t} sysfs: init walked the tree as uid 65534 and made its "
            f"{len(walk)} checks", walk <= descs,
            f"missing {sorted(walk - descs)}")
    ua = [desc for desc in descs
          if re.match(r"regions/[^/]+/user_alloc: ", desc)]
    want = USER_ALLOC_WRITES if expected else 0
    r.check(f"{t} sysfs: init made {want} writes to a region's user_alloc",
            len(ua) == want, f"made {len(ua)}")


def check_hostile(r, t, text):
    """The corpus, the fault-injection suite and the fuzzer's verdict."""
    n = len(corpus.load("sysfs")) + len(corpus.load("ioctl"))
    got = len(re.findall(r"^failed with E[A-Z0-9]+, as expected$", text,
                         re.M))
    r.check(f"{t} {n} malformed sysfs writes and ioctls refused with the "
            f"table's errno, state restored after each",
            got == n and "SYS: check cma-test corpus.cma: ok" in text,
            f"{got} refused as expected; see the log for 'cma-test: "
            f"/scripts/corpus.cma'")
    bad = corpus.check_commands(text, "/scripts/commands.cma")
    n = len(corpus.load("cma-test"))
    r.check(f"{t} {n} malformed cma-test commands fail with the table's "
            f"message", not bad and
            "SYS: check cma-test commands.cma fails: ok" in text,
            "\n    " + "\n    ".join(bad[:20]))
    m = re.search(r"^\s*# cma_regions_faults: pass:(\d+) fail:(\d+) "
                  r"skip:(\d+)", text, re.M)
    r.check(f"{t} fault-injection suite passed, nothing skipped",
            m and int(m.group(1)) > 0 and m.group(2) == "0" and
            m.group(3) == "0" and
            re.search(r"^\s*ok \d+ cma_regions_faults\s*$", text, re.M),
            m.group(0) if m else "no cma_regions_faults totals")
    for ln in re.findall(r"^\s*# \w+: (.*allocations, .*)$", text, re.M):
        print(f"       faults: {ln}")
    check_race(r, t, text)
    # cma-fuzz's own tallies, so that a fuzzer that did little, or an
    # allocator that refuses, cannot pass: the operations and seed asked
    # for, every kind of operation done, every region's heap opened and
    # every region serving both interfaces.  cma-fuzz flags a refusal for
    # want of room where a region certainly had room; those it cannot judge
    # that way (fragmented free space) must stay fewer than allocations.
    summary = re.compile(
        r"^FUZZ: seed (?P<seed>\d+): (?P<operations>\d+) operations in "
        r"[\d.]+ s: (?P<allocations>\d+) allocations \(\d+ refused\), "
        r"\d+ frees, \d+ infos, (?P<mmaps>\d+) mmaps \(\d+ refused\), "
        r"(?P<heap_buffers>\d+) heap buffers \(\d+ refused\), "
        r"(?P<forks>\d+) forks \((?P<kills>\d+) killed, \d+ exited\), "
        r"(?P<heaps>\d+) heaps; "
        r"(?P<switches>\d+) user_alloc switches \((?P<eperm>\d+) EPERM\), "
        r"(?P<limits>\d+) max_chunks changes \((?P<enospc>\d+) ENOSPC\), "
        r"(?P<read_only>\d+) read-only opens \((?P<ebadf>\d+) EBADF\), "
        r"(?P<private>\d+) private mmaps refused$", re.M)
    names = [reg["name"] for reg in HOSTILE["regions"]]
    m = summary.search(text)
    if m:
        print(f"       {m.group(0)}")
    got = {k: int(v) for k, v in m.groupdict().items()} if m else {}
    r.check(f"{t} cma-fuzz ran {FUZZ_OPS} operations with seed {FUZZ_SEED}",
            got.get("operations") == FUZZ_OPS and
            got.get("seed") == FUZZ_SEED,
            f"ran {got.get('operations')} with seed {got.get('seed')}" if m
            else "no 'FUZZ: seed' summary of the expected form")
    zero = [k for k in ("allocations", "mmaps", "heap_buffers", "forks",
                        "kills") if not got.get(k)]
    r.check(f"{t} cma-fuzz allocated, mapped, made heap buffers, forked "
            f"and killed", m is not None and not zero, f"none: {zero}")
    zero = [k for k in ("switches", "eperm", "limits", "enospc",
                        "read_only", "ebadf", "private") if not got.get(k)]
    r.check(f"{t} cma-fuzz closed regions (EPERM), lowered max_chunks "
            f"(ENOSPC), used read-only files (EBADF) and had private "
            f"mappings refused", m is not None and not zero,
            f"none: {zero}")
    r.check(f"{t} cma-fuzz opened the heap of each of the {len(names)} "
            f"regions", got.get("heaps") == len(names),
            f"opened {got.get('heaps')}")
    per = {n: (int(a), int(b)) for n, a, b in re.findall(
        r"^FUZZ: region (\S+): (\d+) allocations, (\d+) heap buffers$",
        text, re.M)}
    for n, (a, b) in sorted(per.items()):
        print(f"       fuzz: region {n}: {a} allocations, {b} heap buffers")
    idle = [n for n in names if n not in per or 0 in per[n]]
    r.check(f"{t} cma-fuzz allocated through /dev/cma and a heap in every "
            f"region", sorted(per) == sorted(names) and not idle,
            f"regions {sorted(per)}, none in {idle}")
    nm = re.search(r"^FUZZ: out of memory: (?P<short>\d+) with too little "
                   r"free space or no aligned place, (?P<frag>\d+) in "
                   r"fragmented free space, (?P<unjudged>\d+) not judged "
                   r"\(a child ran\), (?P<closed>\d+) not judged \(a "
                   r"region closed\)$", text, re.M)
    nomem = {k: int(v) for k, v in nm.groupdict().items()} if nm else {}
    if nm:
        print(f"       {nm.group(0)}")
    # Most refusals for want of room come with no child running, so
    # cma-fuzz judged them.
    r.check(f"{t} cma-fuzz: refusals for want of room in fragmented free "
            f"space fewer than allocations, most refusals judged",
            nm is not None and m is not None and
            nomem["frag"] < got["allocations"] and
            nomem["unjudged"] <= nomem["short"] + nomem["frag"],
            f"{nomem} against {got.get('allocations')} allocations" if nm
            else "no 'FUZZ: out of memory' line")
    probs = re.findall(r"^FUZZ: .*PROBLEM: .*$", text, re.M)
    r.check(f"{t} {FUZZ_OPS} fuzzed operations on /dev/cma and the heaps: "
            f"no problem, every region's free space, user_alloc and "
            f"max_chunks restored",
            not probs and re.search(rf"^FUZZ: restored: {len(names)} "
                                    r"regions, ", text, re.M) and
            "SYS: check cma-fuzz: ok" in text,
            "\n    " + "\n    ".join(probs[:20]) if probs else
            f"no 'FUZZ: restored: {len(names)} regions'")


TRACE = re.compile(r"^SYS: trace\s+(.+?)-(\d+)\s+\[\d+\].*?"
                   r"cma_regions_(\w+): (.*)$", re.M)


def fields(s):
    """key=value pairs of a trace event's line (values without spaces)."""
    return dict(kv.split("=", 1) for kv in s.split() if "=" in kv)


def check_observe(r, t, text):
    """What init's observe() saw: the trace events of the cma-test child's
    allocations (through the names, the map and the heap, and one refused
    for no room), who held the chunks in debugfs as root and without
    CAP_SYS_ADMIN, and the statistics before and after."""
    # What the kernel logged while init held its console messages back.
    for lvl, msg in re.findall(r"^SYS: kmsg (\d) (.*)$", text, re.M):
        print(f"       kernel said while observing (level {lvl}): {msg}")
    m = re.search(r"^SYS: observe-pid (\d+)$", text, re.M)
    if not r.check(f"{t} observe: cma-test child started", m, "no pid"):
        return
    pid = m.group(1)
    ev = [(name, fields(rest)) for comm, p, name, rest in TRACE.findall(text)
          if p == pid]
    allocs = [(n, f) for n, f in ev if n.startswith("alloc_")]
    want = [("alloc_start", dict(dev="", type="", regions="common",
                                 size="65536", user="1")),
            ("alloc_finish", dict(region="common", size="65536", err="0")),
            ("alloc_start", dict(dev="gpu0", type="scratch", regions="",
                                 size="131072", user="1")),
            ("alloc_finish", dict(region="common", size="131072", err="0")),
            ("alloc_start", dict(dev="", type="", regions="common",
                                 size="262144", user="1")),
            ("alloc_finish", dict(region="common", size="262144", err="0")),
            ("alloc_start", dict(dev="", type="", regions="common",
                                 size="67108864", user="1")),
            ("alloc_finish", dict(region="", start="0x0", size="67108864",
                                  err="-12"))]
    ok = len(allocs) == len(want) and all(
        n == wn and all(f.get(k) == v for k, v in wf.items())
        for (n, f), (wn, wf) in zip(allocs, want))
    r.check(f"{t} trace: the child's 4 allocations, start and finish, as "
            f"it made them (names, the map's gpu0/scratch, the heap; the "
            f"fourth refused with -ENOMEM)", ok,
            "\n    " + "\n    ".join(f"{n} {f}" for n, f in allocs))
    times = [int(f.get("ns", "0")) for n, f in allocs if n == "alloc_finish"]
    r.check(f"{t} trace: each finish says how long it took (ns > 0)",
            len(times) == 4 and all(x > 0 for x in times), f"{times}")
    got = {(f.get("start"), f.get("size")) for n, f in allocs
           if n == "alloc_finish" and f.get("err") == "0"}
    frees = {(f.get("start"), f.get("size")) for n, f in ev if n == "free"
             and f.get("region") == "common"}
    r.check(f"{t} trace: the 3 chunks freed when the child exited, by "
            f"start and size", len(got) == 3 and frees == got,
            f"allocated {sorted(got)}, freed {sorted(frees)}")

    def held(key):
        out = []
        for line in re.findall(rf"^SYS: {key} (.*)$", text, re.M):
            f = line.split(None, 4)
            if len(f) == 5 and f[2] == pid:
                out.append(f)
        return out
    admin, noadmin = held("chunks-admin"), held("chunks-noadmin")
    r.check(f"{t} debugfs: common's chunks list the child's 3, with its "
            f"pid, its name and what it asked for",
            sorted((f[1], f[3], f[4]) for f in admin) ==
            sorted([("65536", "common", "cma-test"),
                    ("131072", "gpu0/scratch", "cma-test"),
                    ("262144", "common", "cma-test")]),
            f"{admin}")
    r.check(f"{t} debugfs: the starts root sees are the trace's",
            {(hex(int(f[0], 16)), f[1]) for f in admin} ==
            {(hex(int(a, 16)), b) for a, b in got},
            f"{admin} vs {sorted(got)}")
    r.check(f"{t} debugfs: without CAP_SYS_ADMIN no start is shown",
            len(noadmin) == 3 and all(f[0] == "-" for f in noadmin) and
            "SYS: check debugfs: read without CAP_SYS_ADMIN: ok" in text,
            f"{noadmin}")

    def stats(key):
        return dict(re.findall(rf"^SYS: {key} (\w+) (\d+)$", text, re.M))
    b, a = stats("stat-before"), stats("stat-after")
    delta = {k: int(a.get(k, -1)) - int(b.get(k, -1)) for k in b}
    r.check(f"{t} stats: common counted 3 allocations and 1 refusal for no "
            f"room, nothing else, and holds as many chunks as before",
            len(b) == 6 and delta == dict(allocs=3, fail_noroom=1,
                                          fail_fragmented=0, fail_noalloc=0,
                                          users=0,
                                          peak_bytes=delta.get("peak_bytes")),
            f"before {b}, after {a}")
    r.check(f"{t} stats: common's peak covers the child's 448 KiB",
            int(a.get("peak_bytes", 0)) >= 448 * K, f"{a}")
    fe = dict(re.findall(r"^SYS: free-extents ([a-z]+) (\d+)$", text, re.M))
    classes = [int(n) for c, n in re.findall(r"^SYS: free-extents (\d+) "
                                             r"(\d+)$", text, re.M)]
    if a.get("users") == "0":
        r.check(f"{t} debugfs: common is one free extent of 4 MiB again",
                fe == dict(free=str(4 * M), extents="1",
                           largest=str(4 * M)) and classes[-1:] == [1] and
                sum(classes) == 1, f"{fe}, classes {classes}")
    r.check(f"{t} cma-test stat common ran",
            "SYS: check cma-test stat common: ok" in text, "see the log")


def check_race(r, t, text):
    """cma-race: every late-failing ALLOC refused with EFAULT while the
    other thread freed the ids it handed out, and every region whole once
    the file is closed (the console scan catches a double free under
    KASAN).  Its own checks are "SYS: check cma-race: ..." lines, each
    asserted with the others by check_sysfs()."""
    m = re.search(r"^RACE: (?P<iterations>\d+) ALLOC with a read-only "
                  r"argument: (?P<efault>\d+) EFAULT, (?P<succeeded>\d+) "
                  r"succeeded, (?P<other>\d+) other; (?P<pairs>\d+) "
                  r"ALLOC/FREE pairs \((?P<pair_failed>\d+) failed\), "
                  r"(?P<guesses>\d+) FREE of guessed ids \((?P<hits>\d+) "
                  r"freed a chunk, (?P<free_errors>\d+) other errors\); "
                  r"region (?P<region>\S+)$", text, re.M)
    if m:
        print(f"       {m.group(0)}")
    got = m.groupdict() if m else {}
    n = RACE_ITERATIONS
    r.check(f"{t} cma-race: {n} ALLOCs with a read-only argument all "
            f"failed with EFAULT, and another thread's FREEs of their ids "
            f"found no chunk",
            m is not None and int(got["iterations"]) == n and
            int(got["efault"]) == n and int(got["pairs"]) > 0 and
            int(got["guesses"]) > 0 and got["hits"] == "0",
            f"{got}" if m else "no 'RACE:' summary of the expected form")
    whole = re.findall(r"^RACE: region (\S+): (\d+) bytes free of (\d+)$",
                       text, re.M)
    names = sorted(reg["name"] for reg in HOSTILE["regions"])
    r.check(f"{t} cma-race: with its file closed, each of the "
            f"{len(names)} regions' free space equals its size",
            sorted(n for n, _, _ in whole) == names and
            all(f == s for _, f, s in whole) and
            re.search(r"^RACE: PASS$", text, re.M) and
            re.search(r"^SYS: check cma-race: ok$", text, re.M),
            f"{whole}; see the 'SYS: check cma-race' lines")


# The initcalls of the series: core, best fit, sysfs, device tree map,
# /dev/cma and the heaps; initcall_debug's "calling" and "returned" lines
# with their printk timestamps.
OUR_INITCALL = (r"(cma_regions_init|cma_bf_module_init|cma_sysfs_init|"
                r"cma_of_map_init|cma_dev_misc_init|cmar_heaps_init)\+\S+")
CALLING = re.compile(r"^\[\s*(\d+\.\d+)\] calling  " + OUR_INITCALL, re.M)
RETURNED = re.compile(r"^\[\s*(\d+\.\d+)\] initcall " + OUR_INITCALL +
                      r" returned (-?\d+) after \d+ usecs$", re.M)


def boot_cost(r, t, arch, text, out, log):
    """What the regions cost the boot: the early reservation, as the core
    timed it (sched_clock() does not run that early on arm), and the
    series' initcalls, from the printk timestamps of initcall_debug's lines
    (its own figures come from the clocksource, which is still jiffies
    then).  Written to OUT/boot-cost.txt for scripts/bench.sh; timings are
    never pass/fail."""
    m = re.search(r"^cma_regions: reserving (\d+) regions(?: took (\d+) ns|"
                  r": no clock ran yet to time it)$", text, re.M)
    with open(log, errors="replace") as f:
        raw = f.read()
    called = {n: float(ts) for ts, n in CALLING.findall(raw)}
    calls = [(n, int(rc), round((float(ts) - called[n]) * 1e6))
             for ts, n, rc in RETURNED.findall(raw) if n in called]
    # x86_64 times it when the TSC was calibrated by then (PIT fast
    # calibration, which a loaded host can make fail); arm never can.
    r.check(f"{t} boot cost: the reservation reported"
            f"{'' if arch == 'x86_64' else ', untimed (no clock yet)'}",
            m is not None and (arch == "x86_64" or m.group(2) is None),
            "no 'cma_regions: reserving' line of the expected form")
    names = {n for n, _, _ in calls}
    want = {"cma_regions_init", "cma_bf_module_init", "cma_sysfs_init",
            "cma_dev_misc_init", "cmar_heaps_init"}
    r.check(f"{t} boot cost: the series' initcalls ran and returned 0",
            want <= names and all(rc == 0 for _, rc, _ in calls),
            f"got {calls}, want {sorted(want)}")
    if m is None:
        return
    total = sum(us for _, _, us in calls)
    line = (f"{arch}: {m.group(1)} regions; reservation "
            f"{m.group(2) + ' ns' if m.group(2) else 'not timed (no clock yet)'}"
            f"; initcalls {total} us (" +
            ", ".join(f"{n} {us} us" for n, _, us in calls) + ")")
    print(f"       boot cost: {line}")
    with open(os.path.join(out, "boot-cost.txt"), "w") as f:
        f.write(line + "\n")


UPSTREAM_CMA = re.compile(r"\bcma: Reserved (\d+) MiB at (0x[0-9a-f]+)")


def check_control(r, name, text, timed_out):
    """The kmemleak check must fail on the planted leak, and on nothing
    else: kmemleak reports the object with the stack that allocated it."""
    t = f"{name}:"
    r.check(f"{t} boots to init and powers off",
            "SYS: end" in text and not timed_out, "no 'SYS: end'")
    r.check(f"{t} the leak was planted",
            "cma_regions_boot: planted a leak of" in text, "not planted")
    r.check(f"{t} its only pointer lies in region memory (leakbox)",
            "cma_regions_boot: its only pointer is in region leakbox" in text,
            "no chunk of leakbox holds it")
    leaks = re.findall(r"^SYS: kmemleak: unreferenced object", text, re.M)
    bad = reports(text)
    others = [ln for ln in bad if BAD_CONSOLE.search(ln) and
              "kmemleak" not in ln]
    r.check(f"{t} control: the kmemleak check fails on the planted leak "
            f"(one object, allocated by kb_suite_init) and on nothing else",
            "SYS: kmemleak-scanned twice" in text and len(leaks) == 1 and
            re.search(r"^SYS: kmemleak: .*kb_suite_init", text, re.M) and
            bad and not others,
            f"{len(leaks)} leaks reported; other reports: {others[:5]}")


def check_scenario(r, arch, name, sc, text, wall, timed_out, log, memtotal,
                   out):
    t = f"{name}:"
    if sc.get("control") == "kmemleak":
        check_control(r, name, text, timed_out)
        return
    r.check(f"{t} boots to init and powers off",
            "SYS: end" in text and not timed_out,
            f"timed out after {BOOT_TIMEOUT}s" if timed_out else
            f"no 'SYS: end' (log {log})")
    bad = reports(text)
    r.check(f"{t} console has no kernel warning or error report", not bad,
            "\n    " + "\n    ".join(bad[:40]))
    if arch == "x86_64" and not sc.get("product"):
        r.check(f"{t} kmemleak scanned twice after the scenario",
                "SYS: kmemleak-scanned twice" in text, "no scan")
        m = re.search(r"^SYS: lockdep\s+debug_locks:\s+(\d+)", text, re.M)
        r.check(f"{t} lockdep still on at the end (debug_locks 1)",
                m and m.group(1) == "1",
                f"debug_locks {m.group(1)}" if m else "no lockdep_stats")
    # Only TAINT_TEST (KUnit ran) is allowed: a WARN, an oops, a bad page
    # or a lockup taints the kernel even where its console line was lost.
    m = re.search(r"^SYS: tainted (\d+)$", text, re.M)
    r.check(f"{t} kernel not tainted (but for KUnit's TAINT_TEST)",
            m and int(m.group(1)) & ~(1 << 18) == 0,
            f"tainted {m.group(1)}" if m else "no 'SYS: tainted'")
    m = re.search(r"^SYS: checks-failed (\d+)$", text, re.M)
    r.check(f"{t} every check init made passed",
            m and m.group(1) == "0",
            f"{m.group(1)} failed" if m else "no 'SYS: checks-failed'")
    bad = re.findall(r"^\s*not ok \d+ .*$", text, re.M)
    r.check(f"{t} no KUnit case failed in the kernel", not bad,
            "; ".join(bad[:5]))

    m = re.search(r"SYS: uptime ([\d.]+)", text)
    uptime = float(m.group(1)) if m else -1
    m = re.search(r"SYS: meminfo MemTotal:\s+(\d+) kB", text)
    memtotal[name] = int(m.group(1)) * K if m else None

    reserved = {m.group(1): (int(m.group(3), 16), int(m.group(2)) * K,
                             m.group(4))
                for m in RESERVED.finditer(text)}
    iomem = {m.group(3): (int(m.group(1), 16), int(m.group(2), 16) + 1)
             for m in IOMEM.finditer(text)}
    chunks = {m.group(1): (int(m.group(2), 16), int(m.group(3)) * K)
              for m in CHUNK.finditer(text)}
    pages = {m.group(1) for m in PAGES.finditer(text)}
    memblock = [(int(m.group(1), 16), int(m.group(2), 16) + 1)
                for m in MEMBLOCK.finditer(text)]

    expected = sc.get("regions", [])
    # Upstream's default CMA area (arm's kernels have it): reserved after
    # the regions with a start and before those placed anywhere, as the
    # console's order shows (top-down, a region placed anywhere may still
    # land above the area, in a hole it left).
    m = UPSTREAM_CMA.search(text)
    if m and not sc.get("product"):
        base = int(m.group(2), 16)
        end = base + int(m.group(1)) * M
        at = {mm.group(1): mm.start() for mm in RESERVED.finditer(text)}
        for reg in expected:
            got = reserved.get(reg["name"])
            if not got or got[2] == "device tree":
                continue
            start, size = got[0], got[1]
            r.check(f"{t} region {reg['name']} and upstream's default CMA "
                    f"area do not overlap", start + size <= base or
                    end <= start, f"{start:#x}+{size:#x} vs {base:#x}")
            fixed = "start" in reg
            r.check(f"{t} region {reg['name']} reserved "
                    f"{'before' if fixed else 'after'} upstream's default "
                    f"CMA area ({'a fixed start' if fixed else 'anywhere'})",
                    (at[reg["name"]] < m.start()) == fixed,
                    "the console's order says otherwise")
    for reg in expected:
        n = reg["name"]
        got = reserved.get(n)
        what = f"{t} region {n}"
        if not r.check(f"{what} reserved at boot ({reg['origin']})",
                       got is not None and got[1] == reg["size"] and
                       got[2] == reg["origin"],
                       f"kernel said {got}, expected size {reg['size']} "
                       f"from the {reg['origin']}"):
            continue
        start, size, _ = got
        if "start" in reg:
            r.check(f"{what} at the start asked for ({reg['start']:#x})",
                    start == reg["start"], f"at {start:#x}")
        if "below" in reg:
            r.check(f"{what} below {reg['below']:#x}, where 32-bit "
                    f"devices reach it",
                    start + size <= reg["below"], f"at {start:#x}")
        if "align" in reg:
            r.check(f"{what} aligned to {reg['align'] >> 10} KiB",
                    start % reg["align"] == 0, f"at {start:#x}")
        r.check(f"{what} shown in /proc/iomem",
                iomem.get(n) == (start, start + size),
                f"iomem has {iomem.get(n)}")
        if arch != "x86_64" and not sc.get("product"):
            r.check(f"{what} reserved in memblock (debugfs)",
                    any(a <= start and start + size <= b
                        for a, b in memblock),
                    "no memblock.reserved range covers it")
        c = chunks.get(n)
        if sc.get("product"):
            # No KUnit: user space allocates from it (cma-test's script).
            pass
        elif not r.check(f"{what} absent from the page allocator "
                         f"(self-test)", n in pages,
                         "no kb_pages_reserved line"):
            pass
        elif reg.get("waits"):
            r.check(f"{what} has no room until allocator {reg['waits']} "
                    f"comes (self-test)",
                    c is None and f"region {n}: waits for allocator "
                    f"{reg['waits']}" in text, f"chunk {c}")
        else:
            r.check(f"{what} hands out a chunk inside itself (self-test)",
                    c is not None and start <= c[0] and
                    c[0] + c[1] <= start + size, f"chunk {c}")
        print(f"       {n}: {size >> 10} KiB at {start:#x} "
              f"({reg['origin']})" +
              (f", chunk {c[1] >> 10} KiB at {c[0]:#x}" if c else ""))

    check_sysfs(r, t, sc, text, reserved)
    if "initcall_debug" in sc.get("cmdline", []):
        boot_cost(r, t, arch, text, out, log)
    if sc.get("user"):
        r.check(f"{t} user-space programs ran to the end",
                f"SYS: user-space-done {sc['user']}" in text,
                "no 'SYS: user-space-done'")
        runs = re.findall(r"^SYS: run (.*)$", text, re.M)
        want = 1 if sc["user"] in ("selftest", "product") else (
            4 if arch == "x86_64" else 3)
        if sc["user"] == "hostile":
            want = 4
        r.check(f"{t} {want} user-space programs started",
                len(runs) == want, f"started {runs}")
        if sc["user"] in ("user", "hostile"):
            m = re.search(r"^SYS: abi-done (\d+) checks, (\d+) failed$",
                          text, re.M)
            r.check(f"{t} init made its {ABI_CHECKS} checks of /dev/cma "
                    f"and the heaps (ABI v2), none failed",
                    m is not None and int(m.group(1)) == ABI_CHECKS and
                    m.group(2) == "0",
                    f"{m.group(1)} checks, {m.group(2)} failed" if m else
                    "no 'SYS: abi-done' line")
        if sc["user"] == "hostile":
            check_hostile(r, t, text)
        if sc["user"] == "user":
            check_observe(r, t, text)
        if sc["user"] == "product":
            # product.cma's stat, with chunks 3, 6 and 9 in common.
            m = re.search(r"^common: 4 MiB, 1\.3 MiB in use by 3 chunks "
                          r"\(peak 1\.3 MiB, 3 chunks\)\n  allocations: "
                          r"(\d+); refused: 0 no room, 0 fragmented, 0 "
                          r"no allocator\n  free: 2\.7 MiB, largest "
                          r"free extent 2\.7 MiB\n  free extents by "
                          r"size:\n(    .*\n)+", text, re.M)
            r.check(f"{t} cma-test stat: common's use, peak, refusals and "
                    f"free extents (sysfs and debugfs, KUnit off)",
                    m is not None and m.group(1) == "3",
                    "no such lines; see the log")
        for desc, secs in re.findall(r"^SYS: time (.*) ([\d.]+) s$", text,
                                     re.M):
            print(f"       {desc}: {secs} s")
        if sc["user"] == "selftest":
            # tools/testing/selftests/dmabuf-heaps/dmabuf-heap.c (6.12)
            # plans 11 results per heap in /dev/dma_heap: allocation and
            # vgem import (2; the import is skipped without vgem), zeroed
            # 4 KiB and 1 MiB buffers (2 + 2), older and newer ioctl
            # structures (2), error cases (3).  The heaps are ours alone:
            # no kunitconfig sets DMABUF_HEAPS_SYSTEM or DMABUF_HEAPS_CMA,
            # which default to n.  vgem (DRM_VGEM, kunit/drm.kunitconfig)
            # is in the x86_64 kernel only.
            heaps = sorted(f"cma_regions:{reg['name']}"
                           for reg in sc["regions"])
            skipped = 0 if arch == "x86_64" else len(heaps)
            totals = dict(zip(("pass", "fail", "xfail", "xpass", "skip",
                               "error"),
                              (11 * len(heaps) - skipped, 0, 0, 0, skipped,
                               0)))
            seen = sorted(set(re.findall(r"^# Testing heap: (\S+)$", text,
                                         re.M)))
            m = re.search(r"^# Totals: pass:(\d+) fail:(\d+) xfail:(\d+) "
                          r"xpass:(\d+) skip:(\d+) error:(\d+)$", text, re.M)
            got = dict(zip(totals, map(int, m.groups()))) if m else None
            print(f"       dmabuf-heaps selftest on {seen}: "
                  f"{m.group(0)[2:] if m else 'no totals'}")
            r.check(f"{t} dmabuf-heaps selftest: {totals['pass']} passed, "
                    f"{totals['skip']} skipped, none failed, on {heaps}",
                    seen == heaps and got == totals,
                    f"heaps {seen}, totals {got}")

    names = {reg["name"] for reg in expected}
    extra = sorted(set(iomem) - names)
    r.check(f"{t} no other region in /proc/iomem", not extra,
            f"unexpected {extra}")
    for n in sc.get("absent", []):
        r.check(f"{t} region {n} overridden, not in use",
                n not in iomem and n not in chunks and n not in pages,
                f"iomem {iomem.get(n)}, chunk {chunks.get(n)}")
    for start, size in sc.get("returned", []):
        r.check(f"{t} memory at {start:#x} given back to the page allocator",
                memblock and
                not any(a < start + size and start < b for a, b in memblock),
                "still in memblock.reserved" if memblock else
                "no memblock debugfs to tell")
    for n, msg in sc.get("failures", []):
        r.check(f"{t} region {n} refused at boot with a clear message",
                re.search(rf"cma_regions: region {n}: {msg}", text) and
                n not in iomem, f"no line matching '{msg}'")
    for pat in sc.get("lines", []):
        r.check(f"{t} console says /{pat[:60]}.../", re.search(pat, text),
                "missing")
    if "map" in sc:
        origin, mp = sc["map"]
        r.check(f"{t} map from the {origin} in force",
                f'cma_regions: map from the {origin}: "{mp}"' in text)
    if sc.get("product"):
        heaps = set(re.findall(r"^SYS: heap cma_regions:(\S+)$", text, re.M))
        want = {reg["name"] for reg in expected}
        r.check(f"{t} a dma-buf heap per region", heaps == want,
                f"heaps {sorted(heaps)}")
        r.check(f"{t} no KUnit in a product kernel",
                "KTAP version" not in text, "KUnit ran")
    elif expected:
        r.check(f"{t} boot self-test passed",
                re.search(r"^\s*ok \d+ cma_regions_boot\s*$", text, re.M),
                "cma_regions_boot did not pass")
    else:
        r.check(f"{t} boot self-test skipped (no regions)",
                re.search(r"ok \d+ cma_regions_boot # SKIP", text),
                "cma_regions_boot not skipped")
    other = sc.get("memtotal_vs")
    if other in memtotal:
        # MemTotal counts what the page allocator got: two boots of the
        # same shape differ by what their regions hold, to a few pages
        # (memblock's own metadata); overridden regions must be back.
        base = memtotal.get(other)
        want = (sum(reg["size"] for reg in dict(SCENARIOS[arch])[other]
                    .get("regions", [])) -
                sum(reg["size"] for reg in expected))
        got = memtotal[name] - base if base and memtotal[name] else None
        r.check(f"{t} MemTotal vs {other}: {want // K:+d} KiB, "
                f"within {MEMTOTAL_SLACK // K} KiB",
                got is not None and abs(got - want) <= MEMTOTAL_SLACK,
                f"{got // K:+d} KiB" if got is not None else
                "no MemTotal to compare")
    print(f"       boot: {wall:.1f} s in QEMU, init at {uptime:.2f} s "
          f"kernel time")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--scan", nargs="+", metavar="LOG")
    ap.add_argument("--arch", choices=sorted(SCENARIOS))
    ap.add_argument("--kernel")
    ap.add_argument("--out")
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--demo", action="store_true")
    ap.add_argument("--product", action="store_true",
                    help="boot a product kernel (KUnit off) instead")
    ap.add_argument("--tree", default=os.path.join(HERE, "..", "..",
                                                   "build", "work"),
                    help="the patched tree, for cma-test and the selftest")
    args = ap.parse_args()
    if args.scan:
        sys.exit(1 if scan_logs(args.scan) else 0)
    if not (args.arch and args.kernel and args.out):
        ap.error("--arch, --kernel and --out are required")

    args.out = os.path.abspath(args.out)
    os.makedirs(args.out, exist_ok=True)
    r = Results(args.arch)
    # The kernel's build directory: headers for the selftest.
    kbuild = args.kernel.split("/arch/")[0]
    initrd = build_initramfs(args.arch, args.out, os.path.abspath(args.tree),
                             os.path.abspath(kbuild))
    scenarios = SCENARIOS[args.arch]
    if args.product:
        scenarios = [("product", PRODUCT)]
    elif args.demo:
        scenarios = scenarios[:1]
    elif args.only:
        scenarios = [s for s in scenarios if s[0] in args.only]
    # Baselines first, so the comparisons have them.
    scenarios = sorted(scenarios, key=lambda s: "memtotal_vs" in s[1])
    memtotal = {}
    for name, sc in scenarios:
        print(f"{args.arch} {name}:")
        text, wall, timed_out, log = boot(args.arch, args.kernel, initrd,
                                          args.out, name, sc)
        check_scenario(r, args.arch, name, sc, text, wall, timed_out, log,
                       memtotal, args.out)
    print(f"system {args.arch}: {r.passed} passed, {r.failed} failed")
    sys.exit(1 if r.failed else 0)


if __name__ == "__main__":
    main()
