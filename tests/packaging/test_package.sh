#!/usr/bin/env bash
# test_package: builds the Debian package from a built tree (cpack -G DEB), unpacks it into a fresh
# root (dpkg-deb -x) and checks it as an installed system package would be used:
#   - the Depends line, derived by dpkg-shlibdeps, names Debian's LibTorch, Qt 6, QCustomPlot,
#     libarchive and SQLite packages;
#   - the package holds only what belongs to an installed program (no headers, static libraries,
#     build-tree files), and its binaries carry no RPATH/RUNPATH (nothing points into the build);
#   - the installed CLI runs without LD_LIBRARY_PATH (--version, recipes), the installed GUI starts
#     offscreen and is still running after a few seconds;
#   - the desktop entry and the AppStream metainfo validate, the man pages render without warnings;
#   - lintian finds no errors (its warnings are printed, not failures).
# Usage: test_package.sh <build dir> <work dir> <version> gui|nogui <LibTorch version>
# Exit 77 (ctest: skipped) when a tool from scripts/debian-packages.txt is missing.
set -euo pipefail

build=$1
work=$2
version=$3
with_gui=$4
torch_version=$5 # the LibTorch the build found (CMake's Torch_VERSION)
started=$SECONDS

step() { printf '\n== %s\n' "$*"; }
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

for tool in cpack dpkg-deb dpkg-shlibdeps lintian desktop-file-validate appstreamcli readelf file \
    man timeout; do
    if ! command -v "$tool" >/dev/null; then
        echo "SKIP: $tool is missing (install scripts/debian-packages.txt)"
        exit 77
    fi
done

rm -rf "$work"
mkdir -p "$work/out" "$work/root" "$work/home"

step "cpack -G DEB (from $build)"
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out") >"$work/cpack.log" 2>&1 ||
    {
        cat "$work/cpack.log"
        fail "cpack failed"
    }
shopt -s nullglob
debs=("$work"/out/*.deb)
((${#debs[@]} == 1)) || fail "expected one .deb in $work/out, found ${#debs[@]}"
deb=${debs[0]}
echo "$deb ($(du -h "$deb" | cut -f1), $((SECONDS - started)) s)"

step "control fields"
dpkg-deb --field "$deb" Package Version Architecture Section Maintainer Installed-Size Depends
package=$(dpkg-deb --field "$deb" Package)
[[ $(dpkg-deb --field "$deb" Version) == "$version" ]] || fail "Version is not $version"
depends=$(dpkg-deb --field "$deb" Depends)
# Debian names LibTorch's runtime package after its major.minor (libtorch1.13 in bookworm,
# libtorch2.6 in trixie): expect the one that matches the LibTorch this build used.
[[ $torch_version =~ ^([0-9]+\.[0-9]+) ]] || fail "cannot read the LibTorch version '$torch_version'"
# Package names as extended regexes. Since trixie some libraries carry a "t64" suffix (64-bit
# time_t transition), so it is optional where that happened.
expected=("libtorch${BASH_REMATCH[1]//./\\.}" "libsqlite3-0" "libarchive13(t64)?" "libc6" "libstdc\\+\\+6")
if [[ $with_gui == gui ]]; then
    expected+=("libqt6core6(t64)?" "libqt6gui6" "libqt6widgets6" "libqcustomplot2\\.1-qt6")
fi
# One package name per line: alternatives ("a | b") and version constraints dropped.
depend_names=$(tr ',|' '\n\n' <<<"$depends" | sed -e 's/(.*)//' -e 's/[[:space:]]//g')
for dep in "${expected[@]}"; do
    grep -Eqx "$dep" <<<"$depend_names" ||
        fail "Depends lacks $dep (dpkg-shlibdeps should derive it): $depends"
done

step "contents"
dpkg-deb -x "$deb" "$work/root"
root=$work/root
(cd "$root" && find . -type f -o -type l | sed 's|^\./||' | sort) >"$work/files.txt"
cat "$work/files.txt"
allowed="^usr/(bin/[^/]+|share/(applications/[^/]+\.desktop|metainfo/[^/]+\.metainfo\.xml|"
allowed+="icons/hicolor/[^/]+/apps/airbench-workbench\.(png|svg)|man/man1/[^/]+\.1\.gz|"
allowed+="doc/$package/(copyright|changelog\.gz)))$"
if grep -Ev "$allowed" "$work/files.txt"; then
    fail "the files above do not belong in the package (add install() rules only for what users run)"
fi
programs=(airbench)
[[ $with_gui == gui ]] && programs+=(airbench-workbench)
for program in "${programs[@]}"; do
    [[ -x $root/usr/bin/$program ]] || fail "usr/bin/$program is missing"
    [[ -f $root/usr/share/man/man1/$program.1.gz ]] || fail "no man page for $program"
done

step "binaries: no RPATH, stripped, every library found on the system"
for binary in "$root"/usr/bin/*; do
    if readelf -d "$binary" | grep -E '\((RPATH|RUNPATH)\)'; then
        fail "$binary carries a library search path (installed binaries use the system's)"
    fi
    [[ $(file -b "$binary") == *", stripped"* ]] || fail "$binary is not stripped: $(file -b "$binary")"
    if env -u LD_LIBRARY_PATH ldd "$binary" | grep -E 'not found|'"$build"; then
        fail "$binary links a library that is not installed on the system"
    fi
done

step "the installed CLI"
out=$(env -u LD_LIBRARY_PATH "$root/usr/bin/airbench" --version)
echo "$out"
[[ $out == "airbench $version"* ]] || fail "airbench --version does not say $version"
out=$(env -u LD_LIBRARY_PATH "$root/usr/bin/airbench" recipes)
echo "$out"
grep -q airbench94 <<<"$out" || fail "airbench recipes does not list airbench94"

if [[ $with_gui == gui ]]; then
    step "the installed GUI"
    out=$(env -u LD_LIBRARY_PATH "$root/usr/bin/airbench-workbench" --version)
    echo "$out"
    [[ $out == *"$version"* ]] || fail "airbench-workbench --version does not say $version"
    # A fresh user (own HOME, settings and data folders), no display: still running after 4 s
    # means Qt found its platform plugin, LibTorch loaded and the window came up. timeout's 124
    # says it had to stop it; a crash or an early exit gives anything else.
    set +e
    env -u LD_LIBRARY_PATH -u DISPLAY -u WAYLAND_DISPLAY HOME="$work/home" \
        XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share" \
        XDG_CACHE_HOME="$work/home/.cache" XDG_RUNTIME_DIR="$work/home/runtime" \
        QT_QPA_PLATFORM=offscreen \
        timeout --signal=TERM --kill-after=10 4 "$root/usr/bin/airbench-workbench" \
        >"$work/gui.log" 2>&1
    rc=$?
    set -e
    cat "$work/gui.log"
    ((rc == 124)) || fail "airbench-workbench exited with $rc within 4 s (expected to keep running)"
    echo "still running after 4 s: stopped it"

    step "desktop entry and AppStream metainfo"
    desktops=("$root"/usr/share/applications/*.desktop)
    metainfos=("$root"/usr/share/metainfo/*.metainfo.xml)
    ((${#desktops[@]} == 1 && ${#metainfos[@]} == 1)) || fail "expected one .desktop, one metainfo"
    desktop-file-validate "${desktops[0]}" || fail "desktop-file-validate: ${desktops[0]}"
    if ! validation=$(appstreamcli validate --no-net "${metainfos[0]}" 2>&1); then
        echo "$validation"
        # AppStream 1.0 (Debian 13) warns when there is no homepage, and the project has none yet
        # (AIRBENCH_HOMEPAGE_URL). That warning alone is accepted; any other warning or error fails.
        issues=$(grep -E '^[EW]: ' <<<"$validation" || true)
        if grep -q '<url type="homepage">' "${metainfos[0]}" || [[ -z $issues ]] ||
            grep -v ': url-homepage-missing$' <<<"$issues" | grep -q .; then
            fail "appstreamcli: ${metainfos[0]}"
        fi
    fi
    id=$(basename "${desktops[0]}" .desktop)
    grep -q "<id>$id</id>" "${metainfos[0]}" || fail "the metainfo's <id> is not $id"
    grep -q "<launchable type=\"desktop-id\">$id.desktop</launchable>" "${metainfos[0]}" ||
        fail "the metainfo does not launch $id.desktop"
    exec_line=$(grep '^Exec=' "${desktops[0]}")
    [[ -x $root/usr/bin/${exec_line#Exec=} ]] || fail "$exec_line is not an installed program"
    icon=$(grep '^Icon=' "${desktops[0]}" | cut -d= -f2)
    [[ -f $root/usr/share/icons/hicolor/scalable/apps/$icon.svg ]] || fail "no scalable icon $icon"
    for png in "$root"/usr/share/icons/hicolor/*/apps/"$icon".png; do
        size=$(basename "$(dirname "$(dirname "$png")")")
        [[ $(file -b "$png") == *"${size/x/ x }"* ]] || fail "$png is not $size: $(file -b "$png")"
    done
fi

step "man pages"
for page in "$root"/usr/share/man/man1/*.1.gz; do
    warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null)
    [[ -z $warnings ]] || fail "man reports problems in $page: $warnings"
    LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$page" 2>/dev/null | head -n 8
done

step "lintian"
set +e
lintian --fail-on error --tag-display-limit 0 "$deb" 2>&1 | tee "$work/lintian.log"
rc=${PIPESTATUS[0]}
set -e
((rc == 0)) || fail "lintian reports errors (E: lines above)"
echo "lintian: $(grep -c '^E:' "$work/lintian.log") errors, $(grep -c '^W:' "$work/lintian.log") warnings"

echo
echo "test_package: passed in $((SECONDS - started)) s"
