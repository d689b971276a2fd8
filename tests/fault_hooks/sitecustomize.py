"""Fault injection for tests/test_faults.py, active only where CLEANER_TEST_FAULTS names a
folder: Python runs this file at start-up in every process that has this folder on
PYTHONPATH, so in a real `clean run` and in each of its spawned pool workers.

A document whose text holds a cue makes the quality stage misbehave in the worker that
runs it, as a real fault would: DIE-ONCE (SIGKILL itself, first attempt only), STOP-ONCE
(SIGSTOP itself, first attempt only), PAUSE-ONCE (sleep for an hour, first attempt only:
the --resume test kills the run meanwhile), HANG (sleep for an hour, every attempt), SLOW (the
same, for the interrupt tests). The first time a cue fires it writes the worker's pid to a
file of that name in the folder, so a test knows when and where it happened.

An input file whose name holds a cue does the same in the worker whose read task opens it
(READ-DIE-ONCE, READ-HANG), before a single record of it is read.
"""

import os

_FOLDER = os.environ.get("CLEANER_TEST_FAULTS")

if _FOLDER:
    import signal
    import time
    from pathlib import Path

    from cleaner.stages.quality import QualityFilter

    _CUES = ("DIE-ONCE", "STOP-ONCE", "PAUSE-ONCE", "HANG", "SLOW")
    _check = QualityFilter.check

    def _fault(cue: str) -> None:
        marker = Path(_FOLDER) / cue
        if cue.endswith("-ONCE") and marker.exists():
            return
        if not marker.exists():
            marker.write_text(str(os.getpid()))
        if "DIE" in cue:
            os.kill(os.getpid(), signal.SIGKILL)
        elif "STOP" in cue:
            os.kill(os.getpid(), signal.SIGSTOP)
        else:
            time.sleep(3600)

    def _faulty_check(self, doc):
        for cue in _CUES:
            if cue in doc.text:
                _fault(cue)
        return _check(self, doc)

    QualityFilter.check = _faulty_check

    import cleaner.io.readers as _readers

    _open_and_read = _readers._read

    def _faulty_read(file, settings, defer):
        for cue in ("READ-DIE-ONCE", "READ-HANG"):
            if cue in file.source:
                _fault(cue)
        return _open_and_read(file, settings, defer)

    _readers._read = _faulty_read
