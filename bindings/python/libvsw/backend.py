# SPDX-License-Identifier: MIT
"""Backends: the I/O of a port (tap, afpacket, raw, qemu, memory), opened
on their own or by a port.

An instance of its own has a lock of its own. Handed to a port, it belongs
to the port (which closes it): from then on only the switch's lock guards
it, and a port that goes takes it along (ValueError afterwards).
"""

from __future__ import annotations

import ctypes
import errno
import threading
from typing import Any, List, Optional, Union

from . import _values as V
from ._guard import Call
from ._handle import open_backends
from ._lib import CFrame, lib
from .enums import BATCH_MAX
from .errors import check
from .frame import Frame, Frames


class _BackendCall:
    """``with _BackendCall(be) as ptr``: an instance of its own under its own
    lock; an attached one under its switch's (whose port closes it)."""

    __slots__ = ("_be", "_call")

    def __init__(self, be):
        self._be = be
        self._call = None

    def __enter__(self):
        be = self._be
        with be._lock:
            sw = be._sw
            if sw is None:
                if be._ptr is None:
                    raise ValueError(be._gone())
                be._lock.acquire()   # held until __exit__
                return be._ptr
        # attached for good: only the switch's lock guards it now
        self._call = Call(sw, be)
        return self._call.__enter__()

    def __exit__(self, *exc):
        if self._call is not None:
            return self._call.__exit__(*exc)
        self._be._lock.release()
        return False


class Backend:
    """A backend instance used on its own: e.g. one end of a memory wire
    ("memory:NAME") playing the physical network behind an uplink.

    Handed to a port (attach_backend(), add_vnic(backend=...)), the
    instance belongs to the port: send() and recv() are refused, the rest
    is read under the switch's lock, and the object is unusable
    (ValueError) once the port is removed or detached or the switch
    closed. An instance of its own has a lock of its own: close() waits
    for a running send() or recv()."""

    def __init__(self, spec: Union[str, bytes], options: Optional[Union[str, bytes]] = None) -> None:
        """Open a backend instance of its own.

        spec:     "TYPE:NAME": "memory:NAME" (one end of an in-process wire;
                  the second open of NAME is the other end), "tap:NAME",
                  "afpacket:IFNAME", "raw:IFNAME", "qemu:..." (see vsw(7)).
        options:  the backend's options, "key=value,..." (e.g. "ring=8"),
                  or None.

        Raises VswError (FileNotFoundError for an unknown type, EINVAL for
        a bad option). Use it as a context manager, or close() it.
        """
        bspec, bopt = V.enc(spec, "backend spec"), V.enc_opt(options, "backend options")
        p = ctypes.c_void_p()
        check(lib.vsw_backend_open(bspec, bopt, ctypes.byref(p)), "vsw_backend_open",
              spec, options)
        self._spec = spec
        self._lock = threading.RLock()
        self._sw = None      # the switch whose port owns the instance
        self._why = None     # why the object is unusable
        self._bufs = (CFrame * BATCH_MAX)()
        self._ptr = p.value
        open_backends.add(self)

    def _gone(self):
        return "the backend %r is closed%s" % (self._spec, ": " + self._why if self._why else "")

    def _use(self):
        return _BackendCall(self)

    def _hand_over(self, sw, port_name, attach):
        """attach(ptr) gives the instance to a port of sw (sw's lock held)."""
        with self._lock:
            if self._sw is not None:
                check(-errno.EBUSY, "vsw_port_attach_backend", port_name, self)
            if self._ptr is None:
                raise ValueError(self._gone())
            check(attach(self._ptr), "vsw_port_attach_backend", port_name, self)
            self._sw = sw
            open_backends.discard(self)

    def _taken_away(self, why):
        """Its port went or detached it: the C instance is closed."""
        self._ptr = None
        self._why = why

    def close(self) -> None:
        """Close the instance. An instance a port owns is closed by the port;
        this only makes the object unusable."""
        with self._lock:
            sw = self._sw
            if sw is None:
                if self._ptr is not None:
                    lib.vsw_backend_close(self._ptr)
                self._ptr = None
                open_backends.discard(self)
                return
        with sw._lock:
            self._ptr = None
            if self._why is None:
                self._why = "closed by its user"

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # pragma: no cover
            pass

    def __repr__(self) -> str:
        return "<Backend %r%s>" % (self._spec, " closed" if self._ptr is None else "")

    @property
    def type(self) -> str:
        """The backend type, e.g. "memory"."""
        with self._use() as p:
            return V.dec(lib.vsw_backend_type(p))

    def send(self, frames: Frames) -> int:
        """Send frames (a list of bytes, of Frame objects with their offload
        metadata, or of (bytes, vlan_tci)); returns how many were taken."""
        batches = V.batches(frames)
        total = 0
        with self._use() as p:
            for arr, keep in batches:
                n = check(lib.vsw_backend_send(p, arr, len(arr)), "vsw_backend_send",
                          self._spec, "%d frames" % len(arr))
                total += n
                if n < len(arr):
                    break
        return total

    def recv(self, max_frames: int = BATCH_MAX) -> List[Frame]:
        """Receive waiting frames (never blocks): a list of at most
        max_frames Frame objects (bytes with their offload metadata), tags
        in the bytes."""
        n = min(V.uint(max_frames, what="max_frames"), BATCH_MAX)
        with self._use() as p:
            n = check(lib.vsw_backend_recv(p, self._bufs, n), "vsw_backend_recv", self._spec,
                      max_frames)
            return [V.frame_out(self._bufs[i]) for i in range(n)]

    def fileno(self) -> int:
        """A descriptor that polls readable when frames wait."""
        with self._use() as p:
            return check(lib.vsw_backend_fd(p), "vsw_backend_fd", self._spec)

    @property
    def link(self) -> bool:
        """The link (carrier) state; set it where the backend can (a memory wire's cable)."""
        with self._use() as p:
            return bool(check(lib.vsw_backend_link(p), "vsw_backend_link", self._spec))

    @link.setter
    def link(self, up: bool) -> None:
        with self._use() as p:
            check(lib.vsw_backend_set_link(p, 1 if up else 0), "vsw_backend_set_link",
                  self._spec, up)

    @property
    def mac(self) -> str:
        """The MAC address of the device behind the backend ("xx:xx:...")."""
        m = (ctypes.c_uint8 * 6)()
        with self._use() as p:
            check(lib.vsw_backend_mac(p, m), "vsw_backend_mac", self._spec)
        return V.mac_out(m)

    @property
    def mtu(self) -> int:
        """The MTU of the device behind the backend."""
        with self._use() as p:
            return check(lib.vsw_backend_mtu(p), "vsw_backend_mtu", self._spec)
