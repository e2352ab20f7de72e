"""What the ``bulletin`` command says when the operating system refuses: one sentence, no traceback.

Shared by every subcommand (``bulletin render``, ``bulletin import``) and the command itself.
"""

from __future__ import annotations

import errno


def describe_os_error(error: OSError) -> str:
    """An operating system error in one sentence: what failed, on which file, and why.

    >>> describe_os_error(OSError(28, "No space left on device", "data/x.csv"))
    'cannot write data/x.csv: No space left on device (the disk is full)'
    >>> describe_os_error(PermissionError(13, "Permission denied", "data/provenance"))
    'cannot use data/provenance: Permission denied (check the folder is writable by you)'
    """
    reason = error.strerror or str(error)
    hints = {
        errno.ENOSPC: ("write", "the disk is full"),
        errno.EDQUOT: ("write", "the disk quota is used up"),
        errno.EROFS: ("write", "the file system is read-only"),
        errno.EACCES: ("use", "check the folder is writable by you"),
        errno.EPERM: ("use", "check the folder is writable by you"),
        errno.ENOTDIR: ("use", "a part of the path is a file, not a folder"),
        errno.ENOENT: ("find", "it does not exist"),
    }
    verb, hint = hints.get(error.errno, ("use", ""))
    where = error.filename if error.filename is not None else "a file"
    if error.filename2 is not None:
        where = f"{error.filename} -> {error.filename2}"
    return f"cannot {verb} {where}: {reason}" + (f" ({hint})" if hint else "")
