#!/bin/sh
# Install the one-folder build for this user: the program under ~/.local/opt, a launcher, the icon and the
# .cplan file type. Run from the folder that holds ConsortiumPlanner/ (dist/ after `make package`).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
app="${1:-$here/ConsortiumPlanner}"
prefix="${XDG_DATA_HOME:-$HOME/.local/share}"
opt="$HOME/.local/opt/ConsortiumPlanner"
mkdir -p "$HOME/.local/opt" "$HOME/.local/bin" "$prefix/applications" "$prefix/icons/hicolor/256x256/apps" "$prefix/mime/packages"
rm -rf "$opt" && cp -r "$app" "$opt"
ln -sf "$opt/ConsortiumPlanner" "$HOME/.local/bin/ConsortiumPlanner"
cp "$here/consortium-planner.desktop" "$prefix/applications/"
cp "$here/consortium-planner.png" "$prefix/icons/hicolor/256x256/apps/"
cp "$here/consortium-planner.xml" "$prefix/mime/packages/"
command -v update-mime-database >/dev/null && update-mime-database "$prefix/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$prefix/applications" || true
echo "Installed: run ConsortiumPlanner, or open a .cplan file from your file manager."
