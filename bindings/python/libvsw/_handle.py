# SPDX-License-Identifier: MIT
"""The Python side of C objects: the handle of an object a switch owns, and
the switches and backends still open, closed at interpreter exit.

Ownership follows the C library: a Switch owns everything created on it,
and closing it destroys them all; their handles then raise ValueError when
used, as do a removed port or port group. A switch keeps one handle per C
object (``sw.portgroup("pg") is pg``), made by its _wrap().
"""

from __future__ import annotations

import atexit
import weakref
from typing import Any, List, Tuple

from ._guard import Call

open_switches = weakref.WeakSet()
open_backends = weakref.WeakSet()


@atexit.register
def _close_everything():
    # the C side must be done with every callback before ctypes goes away;
    # a switch a daemon thread still runs is left to the process's end.
    # Switches first: one closes the backends its ports own.
    for sw in list(open_switches):
        sw._stop_quietly()
        if sw._lock.acquire(timeout=1):
            try:
                sw.close()
            finally:
                sw._lock.release()
    for be in list(open_backends):
        be.close()


class Handle:
    """A wrapper of a C object owned by a switch."""

    __slots__ = ("_ptr", "_sw", "_name", "__weakref__")

    def __init__(self, sw, ptr, name):
        self._sw = sw
        self._ptr = ptr
        self._name = name

    def _use(self):
        return Call(self._sw, self)

    def _gone(self):
        return "%s %r was removed" % (type(self).__name__, self._name)

    def _invalidate(self):
        self._ptr = None

    def _switch(self):
        return self._sw

    @property
    def name(self) -> str:
        """The object's name (it never changes)."""
        with self._use():
            return self._name

    def _fields(self) -> List[Tuple[str, Any]]:
        """What repr() shows after the name, the switch's lock held."""
        return [("switch", self._sw._name)]

    def __repr__(self) -> str:
        """Kind('name', switch='...', ...) with the object's state; the short
        form once it or its switch is gone, or while another thread runs
        the switch."""
        sw, kind = self._sw, type(self).__name__
        if sw._ptr is None or sw._closing:
            return "<%s %r removed: its switch is closed>" % (kind, self._name)
        if self._ptr is None:
            return "<%s %r removed>" % (kind, self._name)
        if not sw._lock.acquire(blocking=False):
            return "<%s %r busy>" % (kind, self._name)
        try:
            shown = ", ".join("%s=%r" % kv for kv in self._fields())
        finally:
            sw._lock.release()
        return "%s(%r, %s)" % (kind, self._name, shown)

    __str__ = __repr__
