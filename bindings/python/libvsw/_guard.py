# SPDX-License-Identifier: MIT
"""The guard around every C call on a switch or on one of its objects.

libvsw drives a switch from one thread at a time and frees nothing from
inside its own callbacks (vsw_switch_free() does nothing from a receive
callback; a walk or a clock read would be left reading freed memory). So
each Switch carries:

- ``_lock``, a re-entrant lock every call holds around its C call: a call
  from another thread (close() included) waits for the running one, while
  the callbacks that call runs, in the same thread, may call back in;
- ``_depth``, how many guarded calls are running (nested through callbacks);
- ``_closing``, set by close() while a call runs: the outermost call frees
  the switch when it returns, and no new call starts meanwhile;
- ``_pending``, the first exception a callback raised during the innermost
  running call, which that call re-raises when it returns;
- ``_graveyard``, ctypes thunks replaced while C may still be inside them,
  dropped once no call runs.
"""

import weakref

from ._lib import lib
from ._values import taken


class Call:
    """``with Call(sw, obj) as ptr``: the C pointer of obj (of the switch if
    obj is None), with the switch's lock held; ValueError if either is gone."""

    __slots__ = ("_sw", "_obj", "_outer")

    def __init__(self, sw, obj=None):
        self._sw = sw
        self._obj = obj
        self._outer = None

    def __enter__(self):
        sw = self._sw
        sw._lock.acquire()
        try:
            if sw._ptr is None or sw._closing:
                raise ValueError("the switch %r is closed" % sw._name)
            obj = self._obj
            ptr = sw._ptr if obj is None else obj._ptr
            if ptr is None:
                raise ValueError(obj._gone())
        except BaseException:
            sw._lock.release()
            raise
        sw._depth += 1
        self._outer, sw._pending = sw._pending, None
        return ptr

    def __exit__(self, et, ev, tb):
        sw = self._sw
        try:
            err, sw._pending = sw._pending, self._outer
            self._outer = None
            sw._depth -= 1
            if sw._depth == 0:
                del sw._graveyard[:]
                if sw._closing and sw._ptr is not None:
                    late = sw._free()
                    err = err if err is not None else late
        finally:
            sw._lock.release()
        if err is not None:
            raise err
        return False


def capture(sw, e):
    """Keep the first exception a callback raised, for the running call to
    re-raise; a callback can only run inside one. run() would never get to
    re-raise it: stop it."""
    if sw._depth > 0 and sw._pending is None:
        sw._pending = e
        if sw._running:
            lib.vsw_switch_stop(sw._ptr)


def retire(sw, cfunc):
    """Drop a ctypes thunk C may be executing right now only once no call runs."""
    if cfunc is not None and sw._depth > 0:
        sw._graveyard.append(cfunc)


def batch_receiver(sw, owner, attr, convert, who):
    """The body of a C callback that hands a batch (a receive callback's
    frames, a mirror's copies) to the Python callable owner.<attr> as
    fn(owner, convert(items, n)) and returns how many it took. The owner is
    held weakly (the C side keeps the thunk, not the object); once it or
    its callable is gone, or the switch is closing, nothing is taken. An
    exception is kept for the running call to re-raise, and takes none."""
    ref = weakref.ref(owner)

    def body(ptr, items, n, user):
        try:
            obj = ref()
            fn = getattr(obj, attr, None) if obj is not None else None
            if fn is None or sw._closing:
                return 0
            return taken(fn(obj, convert(items, n)), n, who)
        except BaseException as e:   # KeyboardInterrupt too: re-raised by the delivering call
            capture(sw, e)
            return 0
    return body
