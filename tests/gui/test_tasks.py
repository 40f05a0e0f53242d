import threading

import pytest

from consortium_planner.gui.tasks import BackgroundTask


class Stopped(Exception):
    pass


def test_work_runs_off_the_ui_thread_and_reports_progress(qtbot):
    seen: list[tuple[float, str]] = []
    where: list[bool] = []

    def work(progress, cancelled):
        where.append(threading.current_thread() is threading.main_thread())
        for i in range(5):
            progress(i / 4, f"step {i}")
        return 42

    task = BackgroundTask(work)
    task.progressed.connect(lambda f, m: seen.append((f, m)))
    with qtbot.waitSignal(task.finished, timeout=5000) as blocker:
        task.start()
    assert blocker.args == [42]
    assert where == [False]
    assert seen[-1] == (1.0, "step 4")


def test_cancel_stops_the_work(qtbot):
    started = threading.Event()

    def work(progress, cancelled):
        started.set()
        while not cancelled():
            pass
        raise Stopped()

    task = BackgroundTask(work)
    with qtbot.waitSignal(task.failed, timeout=5000) as blocker:
        task.start()
        assert started.wait(5)
        task.cancel()
    assert isinstance(blocker.args[0], Stopped)


def test_work_outliving_its_owner_stops_quietly(qtbot):
    """A window closed while its work runs deletes the task's signals: the worker then cancels the work
    and reports to nobody, rather than raising "Signal source has been deleted" on its thread."""
    import shiboken6
    from PySide6.QtCore import QThreadPool

    gate = threading.Event()
    progressed_after: list[bool] = []

    def work(progress, cancelled):
        gate.wait(5)
        progress(0.5, "half way")  # the owner has gone by now
        progressed_after.append(cancelled())
        return "nobody wants this"

    task = BackgroundTask(work).start()
    shiboken6.delete(task.signals)
    gate.set()
    assert QThreadPool.globalInstance().waitForDone(5000)
    assert progressed_after == [True] and task.token.is_cancelled


def test_progress_dialog_has_cancel(qtbot):
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    gate = threading.Event()

    def work(progress, cancelled):
        gate.wait(5)
        if cancelled():
            raise Stopped()
        return "done"

    task = BackgroundTask(work, title="Optimising", parent_widget=parent, show_after_ms=0)
    assert task.dialog is not None and task.dialog.labelText() == "Optimising"
    with qtbot.waitSignal(task.failed, timeout=5000):
        task.start()
        task.dialog.canceled.emit()  # what the Cancel button does
        gate.set()
    assert task.dialog is None


@pytest.mark.parametrize("n", [3])
def test_workspace_copy_is_isolated(n, small_workspace):
    from consortium_planner.domain.model import Organisation
    from consortium_planner.services.session import WorkspaceSession

    s = WorkspaceSession.open(small_workspace)
    snap = s.ws.copy()
    for i in range(n):
        s.add(Organisation, {"name": f"Later {i}"})
    assert snap.count(Organisation) == 2 and s.ws.count(Organisation) == 2 + n
    s.close()
