# SPDX-License-Identifier: MIT
"""Port mirroring sessions and captures (libvsw 2.2; vsw-mirror(7)).

A :class:`Mirror` is a session of a switch (Switch.add_mirror()): it
copies the frames of its source ports, each in the "in" (ingress: what the
port sends into the switch), "out" (egress: what the switch delivers to
it) or "both" directions and optionally only some VLANs, to one
destination: a port of the switch (SPAN: it then gets only mirrored
frames), an uplink and an encapsulation VLAN (RSPAN), or a Python callable.

A :class:`Capture` (Port.capture(), Switch.capture()) is a session of its
own whose copies come to Python: iterate over it for
:class:`CapturedFrame` objects, or have the library write them as pcapng
(write_pcapng()). The switch's handles of the ports are made by the switch
(Switch._port); this module imports no port module.
"""

from __future__ import annotations

import collections
import ctypes
import errno
import itertools
import os
import select
import threading
import time
import weakref
from typing import (TYPE_CHECKING, Any, BinaryIO, Callable, Dict, Iterable, Iterator, List,
                    Optional, Tuple, Union)

from . import _values as V
from ._guard import Call, batch_receiver, retire
from ._handle import Handle
from ._lib import (MIRROR_FN, CaptureOpts, CaptureStats, MirrorOpts, MirrorStats, lib, need)
from .enums import VLAN_TRUNK, MirrorDirection
from .errors import check, out_of_range

if TYPE_CHECKING:
    from .port import Port, Uplink
    from .switch import Switch

#: A direction as the API takes it: "in", "out", "both" (or "ingress",
#: "egress"), a MirrorDirection, or its value 1-3.
DirectionLike = Union[str, int, MirrorDirection]
#: A callback destination: (session, copies) -> how many it took (None: all).
MirrorCallback = Callable[["Mirror", List["CapturedFrame"]], Optional[int]]

_SNAPLEN_MIN = 14
_DIR_NAMES = {"in": 1, "ingress": 1, "out": 2, "egress": 2, "both": 3}
_DIR_TEXT = {1: "in", 2: "out", 3: "both"}
#: A capture's Python queue, in frames, unless told otherwise.
QUEUE_FRAMES = 65536
#: How long one wait for frames runs the switch (or sleeps) at a time, in ms.
_SLICE_MS = 50


def to_direction(value: DirectionLike) -> int:
    """A direction as its C value (1 in, 2 out, 3 both)."""
    if isinstance(value, str):
        d = _DIR_NAMES.get(value.strip().lower())
        if d is None:
            raise V.UnknownName("unknown direction %r; valid: in, out, both (or ingress, egress)"
                                % value)
        return d
    d = V.index(value, "direction")
    if d not in _DIR_TEXT:
        raise ValueError("direction %d is out of range (1 in, 2 out, 3 both)" % d)
    return d


def _snaplen(value, call, *args):
    v = V.uint(V.index(value, "snaplen"), what="snaplen")
    if 0 < v < _SNAPLEN_MIN:
        raise out_of_range(call, args, "snaplen", v, "0 (whole frames) or at least %d"
                           % _SNAPLEN_MIN)
    return v


class CapturedFrame:
    """One mirrored copy: ``port`` (the source Port), ``direction`` ("in":
    the port sent it into the switch; "out": the switch delivered it to the
    port), ``timestamp`` (nanoseconds since the Epoch, an int; ``time`` is
    the same in float seconds), ``data`` (the bytes copied: the first
    snaplen bytes at most) and ``length`` (the frame's whole length)."""

    __slots__ = ("_port", "_direction", "_timestamp", "_data", "_length")

    def __init__(self, port: Port, direction: str, timestamp: int, data: bytes,
                 length: int) -> None:
        self._port = port
        self._direction = direction
        self._timestamp = timestamp
        self._data = data
        self._length = length

    @property
    def port(self) -> Port:
        """The source Port."""
        return self._port

    @property
    def direction(self) -> str:
        """"in": the port sent it into the switch; "out": the switch delivered it to the port."""
        return self._direction

    @property
    def timestamp(self) -> int:
        """When it was copied, in nanoseconds since the Epoch (CLOCK_REALTIME)."""
        return self._timestamp

    @property
    def data(self) -> bytes:
        """The bytes copied: the frame's first snaplen bytes at most."""
        return self._data

    @property
    def length(self) -> int:
        """The frame's whole length in bytes."""
        return self._length

    @property
    def time(self) -> float:
        """The timestamp in seconds since the Epoch."""
        return self.timestamp / 1e9

    @property
    def truncated(self) -> bool:
        """True when the snap length cut the copy (len(data) < length)."""
        return len(self.data) < self.length

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return "<CapturedFrame %s %s %d/%d bytes at %d.%09d>" % (
            self.port._name, self.direction, len(self.data), self.length,
            self.timestamp // 10**9, self.timestamp % 10**9)


def _copies_out(sw, copies, n):
    """The n struct vsw_mirror_copy of a callback as CapturedFrame objects."""
    out = []
    for i in range(n):
        c = copies[i]
        out.append(CapturedFrame(sw._port(c.port), _DIR_TEXT.get(c.direction, "?"), c.ts_ns,
                                 ctypes.string_at(c.data, c.caplen), c.len))
    return out


class Mirror(Handle):
    """A port mirroring session of a switch (struct vsw_mirror).

    Made by Switch.add_mirror(name, snaplen=0, enabled=True), found again
    with Switch.mirror(name) and Switch.mirrors; never constructed directly.
    Give it sources (add_source(port, "in"|"out"|"both", vlans=None)) and a
    destination (``dest``: a Port for SPAN, (uplink, vlan) for RSPAN, or a
    callable(mirror, frames) -> taken for the host). It copies while it is
    enabled and has both. repr() shows its state."""

    __slots__ = ("_dest_fn", "_dest_cfunc", "_capture")

    def __init__(self, sw: Switch, ptr: int, name: str) -> None:
        super().__init__(sw, ptr, name)
        self._dest_fn = None
        self._dest_cfunc = None
        self._capture = None     # weakref.ref to the Capture whose session this is

    def _invalidate(self):
        self._ptr = None
        self._drop_dest()

    def _drop_dest(self):
        """The destination goes (replaced, the session removed): forget the
        callback (retired while C may be in it) and tell a capture."""
        retire(self._sw, self._dest_cfunc)
        self._dest_fn = self._dest_cfunc = None
        ref, self._capture = self._capture, None
        cap = ref() if ref is not None else None
        if cap is not None:
            cap._detached()

    def _fields(self) -> List[Tuple[str, Any]]:
        dest = self.dest
        if isinstance(dest, tuple):
            dest = (dest[0].name, dest[1])
        elif isinstance(dest, Handle):
            dest = dest.name
        elif dest is not None:
            dest = "capture" if isinstance(dest, Capture) else "callback"
        return super()._fields() + [
            ("enabled", self.enabled), ("snaplen", self.snaplen),
            ("sources", {p.name: d for p, d in self.sources.items()}), ("dest", dest)]

    @property
    def switch(self) -> Switch:
        """The Switch the session belongs to."""
        return self._sw

    @property
    def enabled(self) -> bool:
        """Whether the session copies (with sources and a destination); settable."""
        with self._use() as m:
            return bool(check(lib.vsw_mirror_enabled(m), "vsw_mirror_enabled", self._name))

    @enabled.setter
    def enabled(self, on: bool) -> None:
        with self._use() as m:
            check(lib.vsw_mirror_set_enabled(m, 1 if on else 0), "vsw_mirror_set_enabled",
                  self._name, on)

    @property
    def snaplen(self) -> int:
        """Bytes copied of each frame, 0 for whole frames (else at least 14); settable."""
        with self._use() as m:
            return lib.vsw_mirror_snaplen(m)

    @snaplen.setter
    def snaplen(self, value: int) -> None:
        v = _snaplen(value, "vsw_mirror_set_snaplen", self._name, value)
        with self._use() as m:
            check(lib.vsw_mirror_set_snaplen(m, v), "vsw_mirror_set_snaplen", self._name, value)

    # -- sources --
    def _port_ptr(self, port):
        if not isinstance(port, Handle) or port._sw is not self._sw or not hasattr(port, "kind"):
            raise TypeError("a source or destination is a Port of the session's switch, not %r"
                            % (port,))
        if port._ptr is None:
            raise ValueError(port._gone())
        return port._ptr

    def add_source(self, port: Port, direction: DirectionLike = "both",
                   vlans: Optional[Iterable[int]] = None) -> None:
        """Mirror a port of the switch in 'direction' ("in", "out" or
        "both"), or change its direction; with 'vlans', only those VLAN
        IDs (0-4094; see set_source_vlans()). A port may be a source of
        several sessions, but not of the one whose destination it is."""
        d = to_direction(direction)
        vl = None if vlans is None else _vlans(vlans, self._name, port)
        with self._use() as m:
            p = self._port_ptr(port)
            check(lib.vsw_mirror_add_source(m, p, d), "vsw_mirror_add_source", self._name,
                  port.name, direction)
            if vl is not None:
                self._set_vlans(m, p, port, vl)

    def remove_source(self, port: Port) -> None:
        """Stop mirroring a port (FileNotFoundError if it is no source)."""
        with self._use() as m:
            check(lib.vsw_mirror_remove_source(m, self._port_ptr(port)),
                  "vsw_mirror_remove_source", self._name, port.name)

    @property
    def sources(self) -> Dict[Port, str]:
        """{port: "in" | "out" | "both"}, in the order they were added."""
        out = {}
        d = ctypes.c_uint()
        with self._use() as m:
            p = lib.vsw_mirror_source_next(m, None, ctypes.byref(d))
            while p:
                out[self._sw._port(p)] = _DIR_TEXT.get(d.value, "?")
                p = lib.vsw_mirror_source_next(m, p, ctypes.byref(d))
        return out

    def _set_vlans(self, m, p, port, vl):
        arr = (ctypes.c_uint16 * len(vl))(*vl)
        check(lib.vsw_mirror_set_source_vlans(m, p, arr, len(vl)),
              "vsw_mirror_set_source_vlans", self._name, port.name, vl)

    def set_source_vlans(self, port: Port, vlans: Optional[Iterable[int]]) -> None:
        """Copy a source's frames only in these VLANs (0-4094); None or []
        for every VLAN. The VLAN of a port in a port group of VLAN 0-4094 is
        the port group's; of a VGT (4095) port or an uplink, the frame's
        outer 802.1Q tag's (0 when untagged)."""
        vl = _vlans(vlans or (), self._name, port)
        with self._use() as m:
            self._set_vlans(m, self._port_ptr(port), port, vl)

    def source_vlans(self, port: Port) -> List[int]:
        """The VLANs a source is restricted to, in order; [] for every VLAN."""
        with self._use() as m:
            p = self._port_ptr(port)
            n = check(lib.vsw_mirror_source_vlans(m, p, None, 0), "vsw_mirror_source_vlans",
                      self._name, port.name)
            arr = (ctypes.c_uint16 * max(n, 1))()
            n = check(lib.vsw_mirror_source_vlans(m, p, arr, n), "vsw_mirror_source_vlans",
                      self._name, port.name)
        return list(arr[:n])

    # -- destination --
    def set_dest_port(self, port: Optional[Port], encap_vlan: int = 0) -> None:
        """Send the copies to a port of the switch: a vNIC or VMkernel port
        (SPAN: it then receives only mirrored frames, and counts the others
        as Counter.MIRROR_DST), or an uplink with encap_vlan 1-4094 (RSPAN:
        the copies leave tagged with it) or 0; None for no destination."""
        v = V.ranged(encap_vlan, 0, VLAN_TRUNK - 1, "encapsulation VLAN", "0-4094",
                     "vsw_mirror_set_dest_port", self._name, port, encap_vlan)
        with self._use() as m:
            p = None if port is None else self._port_ptr(port)
            check(lib.vsw_mirror_set_dest_port(m, p, v), "vsw_mirror_set_dest_port", self._name,
                  None if port is None else port.name, encap_vlan)
            self._drop_dest()

    def set_dest_callback(self, fn: Optional[MirrorCallback]) -> None:
        """Send the copies to fn(mirror, frames), a list of CapturedFrame;
        it returns how many it took, from the first (None: all); the rest
        count as the session's dropped. It runs inside the frame path, with
        the rules of a receive callback: it must not change the switch, and
        an exception it raises is re-raised by the call that forwarded."""
        sw = self._sw
        if fn is None:
            cfunc = None
        else:
            if not callable(fn):
                raise TypeError("a callback destination is callable, not %r" % (fn,))
            cfunc = MIRROR_FN(batch_receiver(sw, self, "_dest_fn",
                                             lambda copies, n: _copies_out(sw, copies, n),
                                             "a mirror callback"))
        with self._use() as m:
            check(lib.vsw_mirror_set_dest_fn(m, cfunc if cfunc else MIRROR_FN(), None),
                  "vsw_mirror_set_dest_fn", self._name, fn)
            self._drop_dest()
            self._dest_fn, self._dest_cfunc = fn, cfunc

    @property
    def dest(self) -> Union[None, Port, Tuple[Uplink, int], MirrorCallback, Capture]:
        """The destination: None, a Port (SPAN, or an uplink without a
        VLAN), (uplink, vlan) for RSPAN, the callable, or the Capture whose
        session this is. Set it to any of the first four (which ends such
        a capture)."""
        with self._use() as m:
            cap = self._capture() if self._capture is not None else None
            if cap is not None:
                return cap
            if self._dest_fn is not None:
                return self._dest_fn
            vlan = ctypes.c_uint()
            port = self._sw._port(lib.vsw_mirror_dest_port(m, ctypes.byref(vlan)))
            return (port, vlan.value) if port is not None and vlan.value else port

    @dest.setter
    def dest(self, value: Union[None, Port, Tuple[Uplink, int], MirrorCallback]) -> None:
        if isinstance(value, tuple):
            self.set_dest_port(*value)
        elif value is None or isinstance(value, Handle):
            self.set_dest_port(value)
        else:
            self.set_dest_callback(value)

    # -- counters, life --
    @property
    def stats(self) -> Dict[str, int]:
        """{'mirrored': copies the destination took, 'dropped': copies lost}."""
        st = MirrorStats(ctypes.sizeof(MirrorStats))
        with self._use() as m:
            check(lib.vsw_mirror_stats(m, ctypes.byref(st)), "vsw_mirror_stats", self._name)
        return {"mirrored": st.mirrored, "dropped": st.dropped}

    def clear_stats(self) -> None:
        """Zero the session's counters."""
        with self._use() as m:
            check(lib.vsw_mirror_clear_stats(m), "vsw_mirror_clear_stats", self._name)

    def remove(self) -> None:
        """Remove the session; its destination port forwards normally again."""
        with self._use() as m:
            check(lib.vsw_mirror_remove(m), "vsw_mirror_remove", self._name)
            self._sw._forget(m)


def _vlans(vlans, name, port):
    if isinstance(vlans, int):
        vlans = [vlans]
    return sorted({V.ranged(v, 0, VLAN_TRUNK - 1, "VLAN ID", "0-4094",
                            "vsw_mirror_set_source_vlans", name, getattr(port, "name", port), v)
                   for v in vlans})


def add_mirror(sw, name, snaplen=0, enabled=True):
    """Switch.add_mirror(): create the session (the switch's lock held by the caller)."""
    need("vsw_mirror_add", "port mirroring")
    bname = V.enc(name, "mirror session name")
    opts = MirrorOpts(ctypes.sizeof(MirrorOpts),
                      _snaplen(snaplen, "vsw_mirror_add", sw._name, name, snaplen),
                      0 if enabled else 1)
    p = ctypes.c_void_p()
    with sw._use() as sp:
        check(lib.vsw_mirror_add(sp, bname, ctypes.byref(opts), ctypes.byref(p)),
              "vsw_mirror_add", sw._name, name)
        return sw._wrap(p.value, Mirror, bname.decode())


_capture_ids = itertools.count(1)


class Capture:
    """Frames of some ports, as they enter and leave the switch: a
    mirroring session of its own (``session``) whose copies come to Python.

    Made by Port.capture(direction="both", snaplen=0, count=None,
    timeout=None) or Switch.capture(ports, ...). Iterate over it for
    CapturedFrame objects (port, direction, timestamp, data, length); or
    call write_pcapng(file) first to have libvsw write them as pcapng to a
    file, which close() completes. ``count`` frames end it; close() (or
    leaving its ``with`` block) removes its session.

    Iteration yields the frames captured so far. When none is left it ends,
    unless ``timeout`` is set: then it runs the switch (poll()), or waits
    for another thread that runs it, until a frame comes, and ends when
    none came for ``timeout`` seconds or ``count`` frames were captured.
    The frames wait in a queue of ``max_queue`` frames; the copies that
    find it full are dropped and counted (``stats``)."""

    def __init__(self, sw: Switch, ports: Iterable[Port], direction: DirectionLike = "both",
                 snaplen: int = 0, count: Optional[int] = None,
                 timeout: Optional[float] = None, max_queue: int = QUEUE_FRAMES) -> None:
        need("vsw_capture_open", "capture")
        d = to_direction(direction)
        if count is not None and V.index(count, "count") < 1:
            raise ValueError("count must be at least 1, or None for no limit")
        if V.index(max_queue, "max_queue") < 1:
            raise ValueError("max_queue must be at least 1")
        ports = list(ports)
        if not ports:
            raise ValueError("a capture needs at least one port")
        self._sw = sw
        self._count = count
        self._timeout = timeout
        self._max_queue = max_queue
        self._queue = collections.deque()
        self._cond = threading.Condition()
        self._taken = 0         # frames queued for Python, or queued by the pcapng writer
        self._dropped = 0       # copies the Python queue had no room for
        self._c = None          # the struct vsw_capture * of write_pcapng()
        self._file = None       # a file write_pcapng() opened (and closes)
        self._fd = None
        self._final = None      # the stats when closed
        self._closed = False
        self._gone = False      # the session lost its destination or went
        self._session = None
        while True:   # a name of its own on the switch
            name = "capture-%d-%d" % (os.getpid(), next(_capture_ids))
            try:
                self._session = add_mirror(sw, name, snaplen, enabled=False)
                break
            except FileExistsError:
                continue
        try:
            m = self._session
            for p in ports:
                m.add_source(p, d)
            ref = weakref.ref(self)   # the session does not keep the capture alive
            m.set_dest_callback(lambda _m, frames: ref()._take(frames) if ref() else 0)
            m._capture = ref          # told when the session loses it (_detached)
            m.enabled = True
        except BaseException:
            m.remove()
            raise
        self._ports = ports
        self._direction = _DIR_TEXT[d]

    # the session's callback destination, inside the frame path
    def _take(self, frames):
        want = len(frames)
        if self._count is not None:
            want = max(0, min(want, self._count - self._taken))
        with self._cond:
            room = max(0, self._max_queue - len(self._queue))
            took = min(want, room)
            self._queue.extend(frames[:took])
            self._taken += took
            self._dropped += want - took    # beyond count is not a drop of ours
            self._cond.notify_all()
        return took

    def _detached(self):
        """The session lost this capture as its destination (replaced, or
        the session or its switch went)."""
        self._gone = True
        with self._cond:
            self._cond.notify_all()

    # -- what it is --
    @property
    def session(self) -> Mirror:
        """The mirroring session the capture made (removed by close())."""
        return self._session

    @property
    def ports(self) -> List[Port]:
        """The ports captured."""
        return list(self._ports)

    @property
    def direction(self) -> str:
        """"in", "out" or "both"."""
        return self._direction

    @property
    def count(self) -> Optional[int]:
        """The number of frames that ends the capture, or None."""
        return self._count

    def _c_call(self, fn, *args):
        """fn(*args) on the pcapng writer: under the switch's lock while the
        switch lives, alone once it is gone (the writer outlives it)."""
        sw = self._sw
        if sw._ptr is not None and not sw._closing:
            with Call(sw):
                return fn(*args)
        return fn(*args)

    @property
    def done(self) -> bool:
        """True once the capture takes no more frames: count reached,
        closed, its session gone, or (pcapng) finished."""
        if self._closed or self._gone:
            return True
        if self._c is not None:
            return bool(self._c_call(lib.vsw_capture_done, self._c))
        return self._count is not None and self._taken >= self._count

    @property
    def stats(self) -> Dict[str, int]:
        """{'frames': frames captured, 'dropped': copies lost because the
        queue was full, 'bytes': pcapng bytes written (write_pcapng())}."""
        if self._final is not None:
            return dict(self._final)
        return self._stats()

    def _stats(self):
        out = {"frames": self._taken, "dropped": self._dropped, "bytes": 0}
        if self._c is not None:
            st = CaptureStats(ctypes.sizeof(CaptureStats))
            self._c_call(lib.vsw_capture_stats, self._c, ctypes.byref(st))
            out = {"frames": self._taken + st.frames, "dropped": self._dropped + st.dropped,
                   "bytes": st.bytes}
        return out

    def __repr__(self) -> str:
        state = "closed" if self._closed else "done" if self._gone else "open"
        return "<Capture %s of %s (%s) frames=%d%s>" % (
            state, [p._name for p in self._ports], self._direction, self._taken,
            " pcapng" if self._c is not None else "")

    # -- frames to Python --
    def __iter__(self) -> Iterator[CapturedFrame]:
        return self

    def __next__(self) -> CapturedFrame:
        deadline = None
        while True:
            with self._cond:
                if self._queue:
                    return self._queue.popleft()
            if self._timeout is None or self.done:
                self._quiesce()
                raise StopIteration
            now = time.monotonic()
            if deadline is None:
                deadline = now + self._timeout
            elif now >= deadline:
                raise StopIteration
            self._run_a_slice(deadline - now)

    def _run_a_slice(self, left):
        """Run the switch for a slice (poll) or, when another thread runs it,
        wait for a frame as long; at most 'left' seconds."""
        ms = max(1, min(_SLICE_MS, int(left * 1000)))
        sw = self._sw
        if sw._lock.acquire(blocking=False):
            try:
                sw.poll(ms)
            finally:
                sw._lock.release()
            self.flush()
        else:
            with self._cond:
                if not self._queue:
                    self._cond.wait(ms / 1000)

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Run the switch (or wait for the thread that runs it) until the
        capture is done (count frames, its session gone), for at most
        'timeout' seconds (None: until done); pcapng is flushed meanwhile.
        Returns done."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.done:
            left = 3600.0 if deadline is None else deadline - time.monotonic()
            if left <= 0:
                break
            self._run_a_slice(left)
        self.flush()
        return self.done

    def _quiesce(self):
        """Once done, the session copies no more (it would only count drops)."""
        m = self._session
        if m is not None and m._ptr is not None and self._c is None and self.done:
            if not self._sw._closing and m._sw._depth == 0:
                m.enabled = False

    # -- frames to a pcapng file --
    def write_pcapng(self, file: Union[str, bytes, os.PathLike, BinaryIO],
                     queue_bytes: int = 0) -> Capture:
        """From now on, have libvsw write the captured frames as pcapng
        (vsw_capture_open) to 'file': a path (created or truncated), or a
        binary file object with fileno(), which stays open. One interface
        per port (its name), the direction in each packet's flags,
        nanosecond timestamps. 'queue_bytes' bounds the library's queue (0:
        4 MiB); copies that find it full are dropped and counted. The
        frames already captured stay for iteration. wait(), iteration and
        flush() write the queue out; close() ends the file with its
        statistics blocks. Returns the capture."""
        if self._c is not None:
            raise ValueError("the capture already writes pcapng")
        if self.done:
            raise ValueError("the capture is done")
        own = None
        if isinstance(file, (str, bytes, os.PathLike)):
            own = open(file, "wb")
            f = own
        else:
            f = file
            f.flush()
        try:
            fd = f.fileno()
            left = 0 if self._count is None else self._count - self._taken
            opts = CaptureOpts(ctypes.sizeof(CaptureOpts), V.uint(queue_bytes, 64, "queue_bytes"),
                               left)
            c = ctypes.c_void_p()
            m = self._session
            with m._use() as mp:
                check(lib.vsw_capture_open(mp, fd, ctypes.byref(opts), ctypes.byref(c)),
                      "vsw_capture_open", m._name, fd)
                m._drop_dest()          # our Python callback goes: this capture stays
                self._gone = False
                m._capture = weakref.ref(self)
                self._c, self._fd, self._file = c.value, fd, own
        except BaseException:
            if own is not None:
                own.close()
            raise
        return self

    def flush(self) -> bool:
        """Write what the pcapng writer queued; True when nothing is left
        (False: the descriptor would block). A failed write raises."""
        if self._c is None or self._closed:
            return True
        err = self._c_call(lib.vsw_capture_flush, self._c)
        if err == -errno.EAGAIN:
            return False
        check(err, "vsw_capture_flush", self._session._name)
        return True

    def _drain(self, c, limit_s=10.0):
        """Flush until nothing is pending (the switch gone or not)."""
        deadline = time.monotonic() + limit_s
        while lib.vsw_capture_pending(c) and time.monotonic() < deadline:
            err = lib.vsw_capture_flush(c)
            if err == -errno.EAGAIN:
                select.select([], [self._fd], [], 0.1)
            elif err < 0:
                return err
        return 0

    # -- the end --
    def close(self) -> None:
        """End the capture: finish and flush the pcapng file (its
        statistics blocks), free the writer, remove the session. Frames
        still queued for iteration stay readable. Not from a callback of
        the switch (VswError EBUSY), where libvsw can free neither."""
        if self._closed:
            return
        err = 0
        sw = self._sw
        if sw._ptr is not None and not sw._closing and sw._depth > 0:
            with Call(sw):
                if sw._depth > 1:   # inside a call of this thread: a callback
                    check(-errno.EBUSY, "vsw_capture_close", self._session._name)
        c = self._c
        if c is not None:
            self._c_call(lib.vsw_capture_finish, c)
            err = self._c_call(self._drain, c)
        self._final = self._stats()
        self._closed = True
        if c is not None:
            self._c_call(lib.vsw_capture_close, c)
            self._c = None
        m = self._session
        if m is not None and m._ptr is not None and sw._ptr is not None and not sw._closing:
            m._capture = None
            m.remove()
        if self._file is not None:
            self._file.close()
            self._file = None
        check(err, "vsw_capture_flush", m._name if m is not None else "")

    def __enter__(self) -> Capture:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass
