"""Issue 20 (first run): the libraries Qt's window needs are checked before Qt is asked for one."""

from __future__ import annotations

import sys

import pytest

from consortium_planner import app, qt_prerequisites
from consortium_planner.qt_prerequisites import PACKAGES, _not_found, advice, missing_libraries, uses_xcb

LDD = """\tlinux-vdso.so.1 (0x00007ffc)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibQt6Gui.so.6 => /x/libQt6Gui.so.6 (0x00007f)
"""


def test_ldd_output_gives_the_missing_sonames():
    assert _not_found(LDD) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]


def test_advice_names_the_packages_for_apt_and_dnf():
    text = advice(["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-cursor.so.0"])
    assert "sudo apt install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1" in text
    assert "sudo dnf install xcb-util-cursor xcb-util-keysyms xcb-util-wm" in text


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check is for Linux")
def test_the_real_check_names_only_libraries_the_linker_cannot_find():
    import ctypes

    found = missing_libraries()
    assert len(set(found)) == len(found)
    for soname in found:
        assert soname in PACKAGES, f"{soname}: add its packages to PACKAGES"
        with pytest.raises(OSError):
            ctypes.CDLL(soname)


def test_xcb_is_expected_only_under_x(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert not uses_xcb()
    monkeypatch.delenv("QT_QPA_PLATFORM")
    monkeypatch.setenv("DISPLAY", ":0")
    assert uses_xcb()


def test_run_gui_says_what_to_install_instead_of_a_qt_abort(monkeypatch, capsys):
    monkeypatch.setattr(qt_prerequisites, "uses_xcb", lambda: True)
    monkeypatch.setattr(qt_prerequisites, "missing_libraries", lambda: ["libxcb-icccm.so.4"])
    assert app.run_gui(None) == 1
    err = capsys.readouterr().err
    assert "cannot open its window" in err and "sudo apt install libxcb-icccm4" in err
