# SPDX-License-Identifier: MIT
"""Errors of libvsw as Python exceptions.

Every call that returns a negative errno raises :class:`VswError`, a
subclass of :class:`OSError` with ``errno`` set and a message naming the C
call and its arguments. Where Python has a matching built-in exception the
raised class also derives from it, so ``except FileExistsError`` catches a
duplicate name and ``except PermissionError`` an ``EPERM``.
"""

import errno as _errno
import os


class VswError(OSError):
    """A libvsw call failed; ``errno`` holds the (positive) errno value."""


def _mixin(base, name):
    return type(name, (VswError, base), {"__doc__": "VswError that is also a %s." % base.__name__})


#: errno -> exception class
_CLASSES = {
    _errno.EEXIST: _mixin(FileExistsError, "VswExistsError"),
    _errno.ENOENT: _mixin(FileNotFoundError, "VswNotFoundError"),
    _errno.EPERM: _mixin(PermissionError, "VswPermissionError"),
    _errno.EACCES: _mixin(PermissionError, "VswAccessError"),
    _errno.EAGAIN: _mixin(BlockingIOError, "VswWouldBlockError"),
    _errno.EINTR: _mixin(InterruptedError, "VswInterruptedError"),
}

VswExistsError = _CLASSES[_errno.EEXIST]
#: A value outside the range libvsw takes (a VLAN ID, an MTU...), refused
#: before the C call with the valid range in the message: a ValueError, and
#: the VswError with errno EINVAL that the C call would have raised.
VswRangeError = _mixin(ValueError, "VswRangeError")
VswNotFoundError = _CLASSES[_errno.ENOENT]
VswPermissionError = _CLASSES[_errno.EPERM]


def error_class(err):
    """The exception class raised for the positive errno ``err``."""
    return _CLASSES.get(err, VswError)


def out_of_range(call, args, what, value, valid):
    """The VswRangeError of 'what' = value outside 'valid' (text) for call(*args)."""
    shown = ", ".join(repr(a) for a in args)
    return VswRangeError(_errno.EINVAL, "%s(%s): %s %r is out of range (valid: %s)"
                         % (call, shown, what, value, valid))


def check(ret, call, *args):
    """Return ``ret`` if it is not negative; raise the matching VswError otherwise."""
    if ret is None or ret >= 0:
        return ret
    err = -ret
    shown = ", ".join(repr(a) for a in args)
    raise error_class(err)(err, "%s(%s): %s" % (call, shown, os.strerror(err)))
