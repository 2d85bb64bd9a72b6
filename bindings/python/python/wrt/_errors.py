"""The exceptions of wrt. Every error the runtime reports is a :class:`Error`.

Each exception carries the stable numeric code of wrt's C API (``code``, one of the
``wrt.ERROR_*`` constants, which the extension module ``_wrt`` takes from the C API) and its
message; traps also carry a trap code (``trap_code``, one of
``wrt.TRAP_*``) and its name (``trap``); guest exits carry the exit status (``status``).
"""

from typing import Optional

from . import _wrt


class Error(Exception):
    """Base class of every error reported by wrt."""

    code: int
    message: str

    def __init__(self, message: str = "", code: Optional[int] = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = self.default_code if code is None else code

    default_code = _wrt.ERROR_OTHER

    def __str__(self) -> str:
        return self.message


class InvalidArgumentError(Error, ValueError):
    """An argument was unusable (ERROR_NULL_ARGUMENT, ERROR_INVALID_ARGUMENT)."""

    default_code = _wrt.ERROR_INVALID_ARGUMENT


class InternalError(Error):
    """A bug in wrt was caught; the store it happened in is unusable (ERROR_INTERNAL)."""

    default_code = _wrt.ERROR_INTERNAL


class BusyError(Error):
    """The store is in use: by a running call on another thread, or because a memory view
    of it is open (ERROR_BUSY)."""

    default_code = _wrt.ERROR_BUSY


class NotFoundError(Error, KeyError):
    """An export or definition of that name does not exist (ERROR_NOT_FOUND)."""

    default_code = _wrt.ERROR_NOT_FOUND


class CompileError(Error):
    """The bytes are not a valid module for this build: malformed (ERROR_MALFORMED), invalid
    (ERROR_INVALID_MODULE) or using an unsupported feature (ERROR_UNSUPPORTED)."""

    default_code = _wrt.ERROR_MALFORMED


class Trap(Error):
    """WebAssembly execution trapped (ERROR_TRAP). ``trap_code`` and ``trap`` say why."""

    default_code = _wrt.ERROR_TRAP
    trap_code: int = _wrt.TRAP_NONE
    trap: str = "none"


class OutOfFuel(Trap):
    """The store ran out of fuel (a trap with TRAP_OUT_OF_FUEL). Add fuel to go on."""


class LinkError(Error):
    """An import could not be resolved or had the wrong type, or a name was defined twice
    (ERROR_LINK)."""

    default_code = _wrt.ERROR_LINK


class InstantiationError(Error):
    """Instantiation failed for a reason other than a trap (ERROR_INSTANTIATION)."""

    default_code = _wrt.ERROR_INSTANTIATION


class HostError(Error):
    """A host function failed (ERROR_HOST). A Python exception raised by a host function is
    re-raised as itself instead."""

    default_code = _wrt.ERROR_HOST


class WasmTypeError(Error, TypeError):
    """A value of the wrong type or count was passed (ERROR_TYPE)."""

    default_code = _wrt.ERROR_TYPE


class LimitError(Error):
    """A configured limit was exceeded, such as the memory budget (ERROR_LIMIT)."""

    default_code = _wrt.ERROR_LIMIT


class HandleError(Error):
    """An object was used with a store it does not belong to, or after it stopped being
    usable (ERROR_HANDLE)."""

    default_code = _wrt.ERROR_HANDLE


class ExitError(Error):
    """The guest asked to exit (WASI ``proc_exit``) with ``status`` (ERROR_EXIT)."""

    default_code = _wrt.ERROR_EXIT
    status: int = 0


__all__ = [
    "Error",
    "InvalidArgumentError",
    "InternalError",
    "BusyError",
    "NotFoundError",
    "CompileError",
    "Trap",
    "OutOfFuel",
    "LinkError",
    "InstantiationError",
    "HostError",
    "WasmTypeError",
    "LimitError",
    "HandleError",
    "ExitError",
]
