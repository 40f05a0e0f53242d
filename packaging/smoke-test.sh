#!/bin/sh
# Smoke-test a built one-folder application with nothing of Python on the path: write the demo workspace,
# export its investment case, open the main window offscreen on the demo (screenshots), and check each.
set -eu
app_dir=$(cd "${1:-dist/ConsortiumPlanner}" && pwd)
exe="$app_dir/ConsortiumPlanner"
[ -x "$exe" ] || exe="$app_dir/ConsortiumPlanner.exe"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { (cd "$work" && env -i HOME="$work" PATH=/nonexistent LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen "$exe" "$@"); }
run demo demo.cplan
run export-pdf demo.cplan --option "Special purpose vehicle" -o case.pdf
run screenshots shots
[ -s "$work/case.pdf" ] || { echo "smoke test: no PDF written" >&2; exit 1; }
head -c 5 "$work/case.pdf" | grep -q '%PDF-' || { echo "smoke test: case.pdf is not a PDF" >&2; exit 1; }
[ -s "$work/shots/main-window.png" ] || { echo "smoke test: the window was not shown" >&2; exit 1; }
echo "smoke test passed: $exe ran the demo, wrote its investment case and showed its window, without Python"
