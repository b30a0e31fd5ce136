#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Turns patches/ into the mails reviewers get, and checks that what they
# get is what we test.
#
#   scripts/mail.sh [--send] [-- GIT-SEND-EMAIL-ARGS...]
#   scripts/mail.sh --roundtrip
#
# Both make build/mail/repo: a git repository whose base commit holds the
# pristine copies of the files the series touches (Debian's
# linux-source-6.12 has no git history; the base is named in the cover
# letter), with the series applied by `git am` on branch cma-regions.
# Then `git format-patch --cover-letter --thread -v N --base=...` writes
# build/mail/vN/, the cover letter filled from mail/cover-letter.txt and
# the version taken from mail/VERSION.
#
# Default: `git send-email --dry-run` to the addresses
# scripts/get_maintainer.pl --no-git gives for each patch in the patched
# tree (the cover letter goes to all of them).  --send sends for real
# (configure git send-email's SMTP settings first).
#
# --roundtrip: sends through a local sendmail stand-in into an mbox,
# `b4 am` that mbox (the whole thread, in order, nothing missing),
# `git am` the result onto a fresh base and compares it with the quilt
# tree, then applies patches/*.patch in name order with plain `patch -p1`
# (as Buildroot and Yocto do) and compares again.  Prints "ok"/"FAIL"
# lines; exits non-zero on any failure.
#
# Internal: --recipients FILE prints the recipients of one mail;
# --sink MBOX appends the mail on stdin to MBOX.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

MAIL=$BUILD/mail
REPO=$MAIL/repo
VERSION=$(cat "$ROOT/mail/VERSION")
OUT=$MAIL/v$VERSION
IDENT=(-c user.name="CMA Regions Developers"
       -c user.email=cma-regions@example.org)
# Fixed dates: the base commit, and so the mails, are the same each run.
export GIT_AUTHOR_DATE="2026-11-23T09:00:00Z"
export GIT_COMMITTER_DATE="2026-11-23T09:00:00Z"

# The recipients of one mail: get_maintainer.pl in the patched tree, for a
# patch; for the cover letter, everyone any patch goes to.
recipients() {
	local f=$1 p
	if [[ $f == *0000-cover-letter.patch ]]; then
		for p in "$(dirname "$f")"/*.patch; do
			[[ $p == *0000-cover-letter.patch ]] || recipients "$p"
		done | sort -u
		return
	fi
	(cd "$WORK" && perl scripts/get_maintainer.pl --no-git --no-rolestats \
		"$f")
}

# An mbox writer standing in for sendmail: git send-email pipes one mail
# per call.
sink() {
	{
		echo "From mboxrd@z Thu Jan  1 00:00:00 1970"
		sed -e 's/^\(>*From \)/>\1/'
		echo
	} >>"$1"
}

case ${1:-} in
--recipients) recipients "$2"; exit ;;
--sink) sink "$2"; exit ;;
esac

send=
roundtrip=
extra=()
while [ $# -gt 0 ]; do
	case $1 in
	--send) send=1 ;;
	--roundtrip) roundtrip=1 ;;
	--) shift; extra=("$@"); break ;;
	*) die "unknown argument $1 (see the head of $0)" ;;
	esac
	shift
done

git_() {
	git -C "$REPO" "${IDENT[@]}" "$@"
}

# The files the series touches that exist before it.
pristine_files() {
	touched_files | while read -r f; do
		[ -f "$PRISTINE/$f" ] && echo "$f"
	done
}

# make_repo: the base commit and the series on branch cma-regions.
make_repo() {
	local f p
	rm -rf "$REPO"
	mkdir -p "$REPO"
	git_ init -q -b base || return 1
	pristine_files | while read -r f; do
		mkdir -p "$REPO/$(dirname "$f")"
		cp "$PRISTINE/$f" "$REPO/$f"
	done
	git_ add -A &&
	git_ commit -q -m "Linux $(kernel_version) (Debian linux-source-6.12)" \
		-m "The files the CMA regions series touches, as Debian's linux-source-6.12 ships them." ||
		return 1
	git_ checkout -q -b cma-regions || return 1
	while read -r p; do
		git_ am -q --whitespace=error "$ROOT/patches/$p" ||
			{ echo "git am $p failed"; return 1; }
	done < <(series_patches)
}

# format: build/mail/vN with the cover letter filled in.
format() {
	local cover subject
	rm -rf "$OUT"
	git_ format-patch -q --cover-letter --thread -v "$VERSION" \
		--base=base --zero-commit -o "$OUT" base..cma-regions ||
		return 1
	cover=$(ls "$OUT"/*0000-cover-letter.patch)
	subject=$(head -n 1 "$ROOT/mail/cover-letter.txt")
	python3 - "$cover" "$subject" "$ROOT/mail/cover-letter.txt" <<'EOF'
import sys
path, subject, body = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(path).read()
blurb = open(body).read().split("\n", 1)[1].strip("\n")
text = text.replace("*** SUBJECT HERE ***", subject, 1)
text = text.replace("*** BLURB HERE ***", blurb, 1)
open(path, "w").write(text)
EOF
}

send_email() {
	git_ send-email --confirm=never --suppress-cc=all \
		--from="CMA Regions Developers <cma-regions@example.org>" \
		--to-cmd="$ROOT/scripts/mail.sh --recipients" "$@" "$OUT"/*.patch
}

stage "dependencies and the patched tree"
install_deps || exit 1
prepare_pristine || exit 1
prepare_work || exit 1
stage "git am onto the base, git format-patch v$VERSION"
make_repo || { echo "  FAIL  git am --whitespace=error of patches/"; exit 1; }
echo "  ok    git am --whitespace=error applies patches/ onto the base"
format || { echo "  FAIL  git format-patch"; exit 1; }
ls "$OUT" | sed 's/^/  /'

if [ -z "$roundtrip" ]; then
	stage "recipients (scripts/get_maintainer.pl --no-git, patched tree)"
	for p in "$OUT"/*.patch; do
		echo "  $(basename "$p"):"
		recipients "$p" | sed 's/^/    /'
	done
	stage "git send-email${send:- --dry-run}"
	if [ -n "$send" ]; then
		send_email "${extra[@]}"
	else
		send_email --dry-run "${extra[@]}"
	fi
	exit
fi

# The round trip.
failed=0
ok() { echo "  ok    $1"; }
bad() { echo "  FAIL  $1"; shift; printf '        %s\n' "$@"; failed=1; }
n=$(series_patches | wc -l)
mbox=$MAIL/sent.mbox
rm -f "$mbox"
stage "send the series into an mbox, b4 am it, git am it, compare"
if send_email --sendmail-cmd="$ROOT/scripts/mail.sh --sink $mbox" \
	>"$MAIL/send.log" 2>&1; then
	ok "git send-email sent $((n + 1)) mails into the mbox" 
else
	bad "git send-email into the mbox" "$(tail -n 5 "$MAIL/send.log")"
fi
got=$(grep -c '^From mboxrd@z' "$mbox" 2>/dev/null)
[ "$got" = $((n + 1)) ] && ok "the mbox holds the cover letter and $n patches" ||
	bad "the mbox holds $got mails, not $((n + 1))"

rm -rf "$MAIL/b4"
mkdir -p "$MAIL/b4"
msgid=$(sed -n 's/^Message-ID: <\(.*\)>$/\1/Ip' "$mbox" | head -n 1)
# b4 takes the reader's identity from git's configuration, which a new
# machine does not have: without it b4 0.12 stops after listing the first
# patch, saying nothing (a KeyError in get_am_ready()).
(cd "$MAIL" && GIT_CONFIG_COUNT=2 \
	GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0="CMA Regions Developers" \
	GIT_CONFIG_KEY_1=user.email GIT_CONFIG_VALUE_1=cma-regions@example.org \
	b4 am -m "$mbox" -o "$MAIL/b4" "$msgid" >"$MAIL/b4.log" 2>&1)
mbx=$(ls "$MAIL"/b4/*.mbx 2>/dev/null | head -n 1)
if [ -n "$mbx" ] && grep -q "Total patches: $n" "$MAIL/b4.log" &&
   ! grep -qi 'missing\|not found\|ERROR' "$MAIL/b4.log"; then
	ok "b4 am found the whole thread: $n patches, in order, none missing"
else
	bad "b4 am of the mbox" "$(tail -n 8 "$MAIL/b4.log")"
fi
order=$(grep '^Subject: ' "$mbx" 2>/dev/null |
	sed -n 's/^Subject: \[PATCH v[0-9]* \([0-9]*\)\/.*/\1/p' | tr '\n' ' ')
want=$(seq -s ' ' 1 "$n" | sed 's/$/ /')
[ "$order" = "$want" ] && ok "b4's mbox has patches 1..$n in order" ||
	bad "b4's patch order" "got '$order'" "want '$want'"

git_ checkout -q -b roundtrip base &&
git_ am -q --whitespace=nowarn "$mbx" >"$MAIL/am.log" 2>&1 &&
ok "git am of b4's mbox onto a fresh base" ||
	bad "git am of b4's mbox" "$(tail -n 5 "$MAIL/am.log")"

# compare DIR: every file the series touches is as in the quilt tree.
compare() {
	local dir=$1 f diffs=()
	while read -r f; do
		if [ -e "$WORK/$f" ]; then
			cmp -s "$dir/$f" "$WORK/$f" || diffs+=("$f")
		else
			[ ! -e "$dir/$f" ] || diffs+=("$f (should not exist)")
		fi
	done < <(touched_files)
	printf '%s\n' "${diffs[@]}"
}
d=$(git_ diff --stat cma-regions roundtrip)
[ -z "$d" ] && ok "the round-tripped branch equals the git am of patches/" ||
	bad "round trip differs from patches/" "$d"
d=$(compare "$REPO")
[ -z "$d" ] && ok "the round-tripped tree equals the quilt-applied tree" ||
	bad "round trip differs from the quilt tree in" $d
git_ checkout -q cma-regions

stage "patch -p1 in name order (Buildroot, Yocto), compare"
plain=$MAIL/plain
rm -rf "$plain"
mkdir -p "$plain"
pristine_files | while read -r f; do
	mkdir -p "$plain/$(dirname "$f")"
	cp "$PRISTINE/$f" "$plain/$f"
done
applied=0
for p in "$ROOT"/patches/[0-9]*.patch; do
	if (cd "$plain" && patch -p1 -s --fuzz=0 --no-backup-if-mismatch \
		-i "$p" >>"$MAIL/patch.log" 2>&1); then
		applied=$((applied + 1))
	else
		bad "patch -p1 $(basename "$p")" "$(tail -n 3 "$MAIL/patch.log")"
	fi
done
[ $applied = "$n" ] && ok "patch -p1 --fuzz=0 applied all $n patches in name order"
d=$(compare "$plain")
[ -z "$d" ] && ok "the patch -p1 tree equals the quilt-applied tree" ||
	bad "patch -p1 tree differs from the quilt tree in" $d
exit $failed
