"""What a Linux desktop needs for Qt's window, checked before Qt is asked to open one.

Qt's xcb platform plugin (the one used under X11, and under Wayland through XWayland) links a dozen
small X libraries that a minimal Debian or Fedora install lacks; without one of them Qt aborts with
"Could not load the Qt platform plugin xcb" and blames the wrong package. ``missing_libraries``
asks the dynamic linker (``ldd``) which libraries the plugin and Qt's XCB module cannot find, and
tries the one Qt loads at run time (``libxcb-cursor.so.0``); ``advice`` turns them into the packages
to install and the command for apt and dnf. Nothing here imports Qt.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

# soname → (Debian/Ubuntu package, Fedora/RHEL package)
PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-xinput.so.0": ("libxcb-xinput0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libGLX.so.0": ("libglx0", "libglvnd-glx"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
}
RUNTIME_LOADED = ("libxcb-cursor.so.0",)  # dlopen'ed by the xcb plugin since Qt 6.5: no link to see


def _qt_dir() -> Path | None:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "Qt"


def _not_found(ldd_output: str) -> list[str]:
    """The sonames ``ldd`` printed as ``=> not found``."""
    return [line.split("=>", 1)[0].strip() for line in ldd_output.splitlines() if "not found" in line]


def missing_libraries(qt_dir: Path | None = None) -> list[str]:
    """The system libraries Qt's xcb window needs that this Linux machine lacks (empty elsewhere, or when
    the check cannot be made: Qt then reports for itself)."""
    if not sys.platform.startswith("linux"):
        return []
    qt = qt_dir or _qt_dir()
    if qt is None:
        return []
    targets = [qt / "plugins" / "platforms" / "libqxcb.so", qt / "lib" / "libQt6XcbQpa.so.6",
               qt / "lib" / "libQt6Gui.so.6"]
    missing: list[str] = []
    for target in targets:
        if not target.exists():
            continue
        try:
            out = subprocess.run(["ldd", str(target)], capture_output=True, text=True, timeout=20,
                                 env={**os.environ, "LC_ALL": "C"}).stdout
        except (OSError, subprocess.SubprocessError):
            return []
        for soname in _not_found(out):
            if soname not in missing:
                missing.append(soname)
    for soname in RUNTIME_LOADED:
        try:
            ctypes.CDLL(soname)
        except OSError:
            if soname not in missing:
                missing.append(soname)
    return missing


def advice(missing: list[str]) -> str:
    """What to tell a person: the libraries, the packages and the command (apt and dnf)."""
    debian = sorted({PACKAGES.get(s, (s, s))[0] for s in missing})
    fedora = sorted({PACKAGES.get(s, (s, s))[1] for s in missing})
    return ("Consortium Planner cannot open its window: this computer lacks system libraries that Qt needs "
            f"({', '.join(missing)}).\n"
            f"On Debian or Ubuntu:  sudo apt install {' '.join(debian)}\n"
            f"On Fedora or RHEL:    sudo dnf install {' '.join(fedora)}\n"
            "Then run it again. Without a window, `consortium-planner-cli export-pdf` and the other commands "
            "work as they are.")


def uses_xcb() -> bool:
    """Whether Qt will use its xcb plugin here: Linux with an X display and no other platform asked for."""
    if not sys.platform.startswith("linux"):
        return False
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(":")[0] == "xcb"
    return bool(os.environ.get("DISPLAY")) and not os.environ.get("WAYLAND_DISPLAY")
