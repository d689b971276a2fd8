"""Storage failures on the output side, as one line that says which folder and why.

A full disk, a quota, a read-only file system or a folder we may not write surfaces as an
`OSError` from wherever it struck: creating the staging folder, a worker writing a batch to
the spool, pyarrow writing a row group, the final rename. To the user it is all one
problem with one folder, and nothing was changed: the staging folder is removed and the
previous output is still in place. pyarrow's own errors often carry the errno only in
their text ("[errno 28] No space left on device"), so that is read too.
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

from cleaner.errors import OutputError

_HINTS = {
    errno.ENOSPC: "free some space there, or pass --output on another disk",
    errno.EDQUOT: "your disk quota is used up: free some space, or pass --output on another disk",
    errno.EFBIG: "a file grew past the size this system allows (ulimit -f?): pass --output elsewhere",
    errno.EROFS: "the file system is mounted read-only: pass --output on a writable one",
    errno.EACCES: "you may not write there: check the folder's permissions, or pass --output elsewhere",
    errno.EPERM: "you may not write there: check the folder's permissions and attributes, or pass --output elsewhere",
    errno.EIO: "the storage reported an I/O error: check the disk, or pass --output elsewhere",
    errno.EBUSY: "the folder is in use (a mount point?): pass --output elsewhere",
}
_ERRNO_IN_TEXT = re.compile(r"\[errno (\d+)\]", re.IGNORECASE)


def storage_errno(exc: BaseException) -> int | None:
    """The errno of `exc` when it is a storage failure we can explain, else None."""
    if not isinstance(exc, OSError):
        return None
    code = exc.errno
    if code is None:
        found = _ERRNO_IN_TEXT.search(str(exc))
        code = int(found.group(1)) if found else None
    return code if code in _HINTS else None


def output_failure(exc: OSError, code: int, target: Path) -> OutputError:
    """The one-line error for storage failure `code` while writing the output `target`."""
    return OutputError(
        f"cannot write the output folder {str(target)!r}: {os.strerror(code)}; the run was abandoned and "
        "nothing was changed (the previous output, if any, is as it was)",
        _HINTS[code],
    )
