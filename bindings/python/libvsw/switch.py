# SPDX-License-Identifier: MIT
"""The switch: the owner of everything else (port groups, ports, their
backends), its settings, MAC table, clock, log and event loop.

Ownership follows the C library: a :class:`Switch` owns everything created
on it, and closing it (``close()``, leaving its ``with`` block, or at
interpreter exit) destroys them all; their Python objects then raise
:class:`ValueError` when used, as do a removed port or port group and a
:class:`Backend` whose port went or was detached. Objects are identical for
the same C object: ``sw.portgroup("pg") is pg``.

Threads: each switch has a lock that every call on it or on its objects
(attached backends included) holds around its C call. A call from another
thread waits until the running one returns: ``close()`` waits for a
``send()`` or a ``poll()``, and anything waits for ``run()``, which holds
the lock until ``stop()``, the one call that never waits (``close()`` from
another thread stops a ``run()`` first). Different switches run in
parallel.

Callbacks (receive, log, clock, and the visitors of ``fdb()``,
``lldp_neighbors()``, ``ips``, ``routes``) run in the thread of the call
that ran them, which re-raises the first exception one of them raised when
the C call returns. ``close()`` from a callback closes the switch when
that call returns; until then the switch refuses new calls.
"""

from __future__ import annotations

import ctypes
import errno
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Union

from . import _values as V
from ._guard import Call, capture, retire
from ._handle import open_switches
from ._lib import CLOCK_FN, FDB_FN, LOG_FN, SwitchOpts, lib, vsnprintf
from ._walk import chain, walk
from .enums import (BEACON_INTERVAL_MAX, BEACON_INTERVAL_MIN, LLDP_INTERVAL_MAX, MTU_MAX, MTU_MIN,
                    LldpMode, LogLevel, PortKind)
from .errors import check
from .mirror import Capture, DirectionLike, Mirror, add_mirror
from .policy import PolicyView, UplinkNames, set_teaming, teaming
from .port import Port, Uplink, Vmk, VNic
from .portgroup import PortGroup

c_void_p = ctypes.c_void_p

_LOG_LINE_MAX = 1024
_PORT_CLASSES = {PortKind.UPLINK: Uplink, PortKind.VNIC: VNic, PortKind.VMK: Vmk}
#: run() waits at most this long in C at a time, so that Python sees a
#: signal (Ctrl-C) even when the kernel delivered it to another thread.
_RUN_SLICE_MS = 200
_MTU_RANGE = "%d-%d" % (MTU_MIN, MTU_MAX)


def _mtu(value: int, call: str, *args: Any) -> int:
    return V.ranged(value, MTU_MIN, MTU_MAX, "MTU", _MTU_RANGE, call, *args)


class Switch:
    """A standard vSwitch (struct vsw_switch), the owner of everything else.

    ``Switch(name, mtu=None, max_macs=None)`` creates one; use it as a
    context manager (``with libvsw.Switch("vSwitch0") as sw:``), or call
    close(). Build it with add_portgroup(), add_uplink() and, on a port
    group, add_vnic() / add_vmk(); set its policies (``sw.policy``) and
    teaming order (set_teaming()); drive it with run() (until stop() or
    Ctrl-C), poll() or fileno() in a selector or asyncio loop.

    Thread rule: every call on the switch and its objects holds the
    switch's lock around its C call, so calls from several threads are
    serialised (close() waits for a running send() or poll(), and stops
    a running run(); other calls wait for run() to return); stop() alone
    never waits."""

    def __init__(self, name: Union[str, bytes], mtu: Optional[int] = None,
                 max_macs: Optional[int] = None) -> None:
        """Create a switch.

        name:      the switch's name, e.g. "vSwitch0" (str or bytes, no NUL).
        mtu:       the largest frame payload in bytes, 1280 to 9000; None
                   (or 0) for 1500. ValueError outside the range.
        max_macs:  the capacity of the MAC table for learned addresses, at
                   most 2**24; None (or 0) for 4096. The switch's own
                   virtual ports do not count against it.

        Raises VswError (an OSError) if libvsw refuses, e.g. an empty name.
        """
        bname = V.enc(name, "switch name")
        opts = SwitchOpts(ctypes.sizeof(SwitchOpts),
                          _mtu(mtu, "vsw_switch_new", name, mtu, max_macs) if mtu else 0,
                          V.uint(max_macs or 0, what="max_macs"))
        p = c_void_p()
        check(lib.vsw_switch_new(bname, ctypes.byref(opts), ctypes.byref(p)),
              "vsw_switch_new", name, mtu, max_macs)
        self._name = bname.decode()
        self._lock = threading.RLock()
        self._free_lock = threading.RLock()   # stop() against the free
        self._depth = 0
        self._closing = False
        self._freeing = False
        self._running = False
        self._stop_asked = False   # stop() before or during run()
        self._pending = None
        self._graveyard = []
        self._objs = {}        # C pointer -> wrapper, for identity
        self._clock = None
        self._log = None
        self._ptr = p.value
        open_switches.add(self)

    # -- life cycle --
    def close(self) -> None:
        """Destroy the switch and everything it owns. From a callback of
        the switch, the switch refuses new calls at once and is freed when
        the call that ran the callback returns (run() returns too). From
        another thread, close() stops a running run() and waits for the
        running call to return."""
        if not self._lock.acquire(blocking=False):
            # another thread is in a call, maybe run(), which would not
            # return by itself
            self._stop_quietly()
            self._lock.acquire()
        try:
            if self._ptr is None or self._closing:
                return
            if self._depth:
                self._closing = True
                self._stop_asked = True
                lib.vsw_switch_stop(self._ptr)   # a run() that ran the callback returns
                return
            err = self._free()
        finally:
            self._lock.release()
        if err is not None:
            raise err

    def _stop_quietly(self):
        with self._free_lock:
            if self._ptr is not None and not self._freeing:
                self._stop_asked = True
                lib.vsw_switch_stop(self._ptr)

    def _free(self):
        """Free the C switch (the lock held, no C call running); return an
        exception a log handler raised meanwhile."""
        self._closing = True
        self._depth += 1
        outer, self._pending = self._pending, None
        try:
            with self._free_lock:
                self._freeing = True
                lib.vsw_switch_free(self._ptr)
                self._ptr = None
        finally:
            self._depth -= 1
            err, self._pending = self._pending, outer
        for obj in self._objs.values():
            obj._invalidate()
        self._objs.clear()
        self._clock = self._log = None
        del self._graveyard[:]
        open_switches.discard(self)
        return err

    def __enter__(self) -> Switch:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass

    def _use(self):
        return Call(self)

    def _switch(self):
        return self

    def _wrap(self, ptr, cls, name):
        """The one wrapper of a C object (the lock held); name() gives its
        name when it has none yet."""
        if not ptr:
            return None
        obj = self._objs.get(ptr)
        if obj is None:
            obj = cls(self, ptr, name if isinstance(name, str) else V.dec(name(ptr)))
            self._objs[ptr] = obj
        return obj

    def _portgroup(self, ptr):
        """The PortGroup of a struct vsw_portgroup * (None for NULL)."""
        return self._wrap(ptr, PortGroup, lib.vsw_portgroup_name)

    def _port(self, ptr):
        """The Uplink, VNic or Vmk of a struct vsw_port * (None for NULL)."""
        if not ptr:
            return None
        return self._wrap(ptr, _PORT_CLASSES[lib.vsw_port_kind(ptr)], lib.vsw_port_name)

    def _forget(self, ptr):
        obj = self._objs.pop(ptr, None)
        if obj is not None:
            obj._invalidate()

    def __repr__(self) -> str:
        """Switch('vSwitch0', mtu=1500, portgroups=[...], uplinks=[...], ports=N);
        the short form when closed or while another thread runs it."""
        if self._ptr is None or self._closing:
            return "<Switch %r closed>" % self._name
        if not self._lock.acquire(blocking=False):
            return "<Switch %r busy>" % self._name
        try:
            ports = self.ports
            return "Switch(%r, mtu=%d, portgroups=%r, uplinks=%r, ports=%d)" % (
                self._name, self.mtu, [g.name for g in self.portgroups],
                [p.name for p in ports if isinstance(p, Uplink)], len(ports))
        finally:
            self._lock.release()

    __str__ = __repr__

    # -- properties --
    @property
    def name(self) -> str:
        """The switch's name."""
        with self._use():
            return self._name

    @property
    def mtu(self) -> int:
        """The switch's MTU (1280 to 9000); settable (ValueError outside)."""
        with self._use() as p:
            return lib.vsw_switch_mtu(p)

    @mtu.setter
    def mtu(self, value: int) -> None:
        v = _mtu(value, "vsw_switch_set_mtu", self._name, value)
        with self._use() as p:
            check(lib.vsw_switch_set_mtu(p, v), "vsw_switch_set_mtu", self._name, value)

    @property
    def beacon_interval(self) -> int:
        """How often uplinks send beacon probes, in milliseconds (100 to 60000); settable."""
        with self._use() as p:
            return lib.vsw_switch_beacon_interval(p)

    @beacon_interval.setter
    def beacon_interval(self, ms: int) -> None:
        v = V.ranged(ms, BEACON_INTERVAL_MIN, BEACON_INTERVAL_MAX, "beacon interval",
                     "%d-%d ms" % (BEACON_INTERVAL_MIN, BEACON_INTERVAL_MAX),
                     "vsw_switch_set_beacon_interval", self._name, ms)
        with self._use() as p:
            check(lib.vsw_switch_set_beacon_interval(p, v), "vsw_switch_set_beacon_interval",
                  self._name, ms)

    @property
    def policy(self) -> PolicyView:
        """The switch's policies (the defaults of its port groups)."""
        return PolicyView(self, portgroup=False)

    @property
    def lldp_mode(self) -> LldpMode:
        """What the switch does with LLDP on its uplinks, an LldpMode; settable."""
        with self._use() as p:
            return LldpMode(lib.vsw_switch_lldp_mode(p))

    @lldp_mode.setter
    def lldp_mode(self, mode: Union[LldpMode, str, int]) -> None:
        v = V.sint(V.member(LldpMode, mode, "LLDP mode"), what="LLDP mode")
        with self._use() as p:
            check(lib.vsw_switch_set_lldp_mode(p, v), "vsw_switch_set_lldp_mode",
                  self._name, mode)

    @property
    def lldp_interval(self) -> int:
        """Seconds between the LLDPDUs the switch advertises (1 to 3600); settable."""
        with self._use() as p:
            return lib.vsw_switch_lldp_interval(p)

    @lldp_interval.setter
    def lldp_interval(self, sec: int) -> None:
        v = V.ranged(sec, 1, LLDP_INTERVAL_MAX, "LLDP interval", "1-%d s" % LLDP_INTERVAL_MAX,
                     "vsw_switch_set_lldp_interval", self._name, sec)
        with self._use() as p:
            check(lib.vsw_switch_set_lldp_interval(p, v), "vsw_switch_set_lldp_interval",
                  self._name, sec)

    # -- children --
    def add_portgroup(self, name: Union[str, bytes], vlan: int = 0) -> PortGroup:
        """Add a port group (an L2 segment) with a VLAN ID: 0 (untagged),
        1-4094, or 4095 (VLAN_TRUNK: the guests tag); returns it. A VLAN ID
        that is no int raises TypeError, one out of range ValueError."""
        bname = V.enc(name, "port group name")
        v = V.vlan(vlan, "vsw_portgroup_add", self._name, name, vlan)
        p = c_void_p()
        with self._use() as sp:
            check(lib.vsw_portgroup_add(sp, bname, v, 0, ctypes.byref(p)),
                  "vsw_portgroup_add", self._name, name, vlan)
            return self._wrap(p.value, PortGroup, bname.decode())

    def portgroup(self, name: Union[str, bytes]) -> PortGroup:
        """The port group of that name (FileNotFoundError if none)."""
        bname = V.enc(name, "port group name")
        p = c_void_p()
        with self._use() as sp:
            check(lib.vsw_portgroup_find(sp, bname, ctypes.byref(p)),
                  "vsw_portgroup_find", self._name, name)
            return self._portgroup(p.value)

    @property
    def portgroups(self) -> List[PortGroup]:
        """Every port group, in the order added."""
        with self._use() as sp:
            return chain(lib.vsw_portgroup_next, sp, self._portgroup)

    def add_uplink(self, name: Union[str, bytes], backend: Optional[str] = None,
                   options: Optional[str] = None) -> Uplink:
        """Add a vmnic; with 'backend' (a spec such as "afpacket:eth1"), attach it."""
        bname = V.enc(name, "uplink name")
        p = c_void_p()
        with self._use() as sp:
            check(lib.vsw_uplink_add(sp, bname, 0, ctypes.byref(p)),
                  "vsw_uplink_add", self._name, name)
            up = self._port(lib.vsw_uplink_port(p.value))
            if backend is not None:
                try:
                    up.attach(backend, options)
                except BaseException:
                    up.remove()
                    raise
            return up

    def port(self, name: Union[str, bytes]) -> Port:
        """The port (of any kind) of that name."""
        bname = V.enc(name, "port name")
        p = c_void_p()
        with self._use() as sp:
            check(lib.vsw_port_find(sp, bname, ctypes.byref(p)), "vsw_port_find",
                  self._name, name)
            return self._port(p.value)

    @property
    def ports(self) -> List[Port]:
        """Every port, of every kind, in the order added."""
        with self._use() as sp:
            return chain(lib.vsw_port_next, sp, self._port)

    def uplink(self, name: Union[str, bytes]) -> Uplink:
        """The uplink of that name."""
        port = self.port(name)
        if not isinstance(port, Uplink):
            check(-errno.ENOENT, "vsw_uplink_find", self._name, name)
        return port

    @property
    def uplinks(self) -> List[Uplink]:
        """Every uplink, in the order added."""
        return [p for p in self.ports if isinstance(p, Uplink)]

    # -- port mirroring and capture (libvsw 2.2) --
    def add_mirror(self, name: Union[str, bytes], snaplen: int = 0,
                   enabled: bool = True) -> Mirror:
        """Add a port mirroring session (vsw-mirror(7)); returns it. It
        copies nothing until it has sources (Mirror.add_source()) and a
        destination (Mirror.dest). snaplen: bytes copied of each frame, 0
        for all, else at least 14; enabled=False creates it disabled.
        NotImplementedError with a libvsw older than 2.2."""
        return add_mirror(self, name, snaplen, enabled)

    def mirror(self, name: Union[str, bytes]) -> Mirror:
        """The mirroring session of that name (FileNotFoundError if none)."""
        bname = V.enc(name, "mirror session name")
        p = c_void_p()
        with self._use() as sp:
            check(lib.vsw_mirror_find(sp, bname, ctypes.byref(p)), "vsw_mirror_find",
                  self._name, name)
            return self._mirror(p.value)

    @property
    def mirrors(self) -> List[Mirror]:
        """Every mirroring session, in the order added (captures' too);
        [] with a libvsw older than 2.2."""
        if getattr(lib, "vsw_mirror_next", None) is None:
            return []
        with self._use() as sp:
            return chain(lib.vsw_mirror_next, sp, self._mirror)

    def _mirror(self, ptr):
        """The Mirror of a struct vsw_mirror * (None for NULL)."""
        return self._wrap(ptr, Mirror, lib.vsw_mirror_name)

    def capture(self, ports: Union[Port, str, List[Union[Port, str]]],
                direction: DirectionLike = "both", snaplen: int = 0,
                count: Optional[int] = None, timeout: Optional[float] = None,
                max_queue: int = 65536) -> Capture:
        """Capture the frames of some ports (Port objects or names) in
        'direction' ("in", "out", "both"): see Port.capture() and
        help(libvsw.Capture)."""
        if isinstance(ports, (Port, str, bytes)):
            ports = [ports]
        ports = [p if isinstance(p, Port) else self.port(p) for p in ports]
        return Capture(self, ports, direction, snaplen, count, timeout, max_queue)

    # -- teaming --
    def set_teaming(self, active: UplinkNames, standby: UplinkNames = ()) -> None:
        """Set the switch's active and standby uplinks (names, in order; one
        name, a str, is one uplink: set_teaming("vmnic0", "vmnic1"))."""
        set_teaming(lib.vsw_switch_set_teaming, self, active, standby)

    @property
    def teaming(self) -> Dict[str, List[str]]:
        """{'active': [names], 'standby': [names], 'unused': [names]}."""
        with self._use() as p:
            return teaming(lambda r, i: lib.vsw_switch_teaming_uplink(p, r, i))

    # -- MAC table --
    def fdb(self) -> List[Dict[str, Any]]:
        """The MAC table: a list of dicts vlan, mac, port, learned, age_sec."""
        def entry(e):
            info = e.contents
            return {"vlan": info.vlan, "mac": V.mac_out(info.mac),
                    "port": self._port(info.port)._name,
                    "learned": bool(info.learned), "age_sec": info.age_sec}
        return walk(self._use(), lib.vsw_switch_fdb_foreach, FDB_FN, entry, self._name)

    def flush_fdb(self) -> int:
        """Forget every learned MAC address; returns how many."""
        with self._use() as p:
            return check(lib.vsw_switch_fdb_flush(p), "vsw_switch_fdb_flush", self._name)

    # -- time, logging and the event loop --
    def set_clock(self, fn: Optional[Callable[[], int]]) -> None:
        """Replace the switch's clock with fn() -> nanoseconds, or None for the
        real one. If fn raises, the switch sees the last time it returned and
        the call that read the clock raises the exception."""
        if fn is None:
            cfunc = None
        else:
            last = [time.monotonic_ns()]

            def clock(user):
                try:
                    last[0] = V.uint(fn(), 64, "clock")
                except BaseException as e:
                    capture(self, e)
                return last[0]
            cfunc = CLOCK_FN(clock)
        with self._use() as p:
            check(lib.vsw_switch_set_clock(p, cfunc if cfunc else CLOCK_FN(), None),
                  "vsw_switch_set_clock", self._name, fn)
            retire(self, self._clock)
            self._clock = cfunc

    def set_log(self, fn: Optional[Callable[[Switch, LogLevel, str], Any]],
                level: Union[LogLevel, int] = LogLevel.INFO) -> None:
        """Send the switch's log messages of 'level' (a LogLevel) and more
        severe to fn(switch, level, message); None silences the switch. The
        handler must not change the switch; an exception it raises is
        re-raised by the call that logged."""
        lv = V.sint(level, what="log level")
        if fn is None:
            cfunc = None
        else:
            def log(swp, lvl, user, fmt, ap):
                try:
                    buf = ctypes.create_string_buffer(_LOG_LINE_MAX)
                    vsnprintf(buf, _LOG_LINE_MAX, fmt, ap)
                    fn(self, LogLevel(lvl), buf.value.decode("utf-8", "replace"))
                except BaseException as e:
                    capture(self, e)
            cfunc = LOG_FN(log)
        with self._use() as p:
            check(lib.vsw_switch_set_log(p, cfunc if cfunc else LOG_FN(), lv, None),
                  "vsw_switch_set_log", self._name, fn, level)
            retire(self, self._log)
            self._log = cfunc

    def poll(self, timeout_ms: int = 0) -> int:
        """One round of the event loop; returns the number of frames received.
        The switch's lock is held while it waits."""
        t = V.sint(timeout_ms, what="timeout")
        with self._use() as p:
            return check(lib.vsw_switch_poll(p, t), "vsw_switch_poll", self._name, timeout_ms)

    def fileno(self) -> int:
        """A descriptor that polls readable when the switch has work (for selectors, asyncio)."""
        with self._use() as p:
            return check(lib.vsw_switch_fd(p), "vsw_switch_fd", self._name)

    def run(self) -> None:
        """Run the event loop until stop(), until Ctrl-C (SIGINT: run()
        returns, the switch intact), or until a callback raises (then run()
        raises it); other threads' calls on the switch wait until it
        returns. It waits in C a slice at a time, so that Python handles
        the signals that arrive meanwhile."""
        try:
            with self._use() as p:
                self._running = True
                try:
                    # a callback that raised (_pending) or closed the switch
                    # (_closing) also asks for the stop
                    while not (self._stop_asked or self._closing or self._pending is not None):
                        check(lib.vsw_switch_poll(p, _RUN_SLICE_MS), "vsw_switch_poll",
                              self._name, _RUN_SLICE_MS)
                finally:
                    self._running = False
                    self._stop_asked = False
        except KeyboardInterrupt:
            return

    def stop(self) -> None:
        """Make run() return (safe from a callback, a signal handler or
        another thread: it does not wait for the switch's lock). Before
        run(), the next run() returns at once."""
        with self._free_lock:
            if self._ptr is None or self._freeing:
                raise ValueError("the switch %r is closed" % self._name)
            self._stop_asked = True
            check(lib.vsw_switch_stop(self._ptr), "vsw_switch_stop", self._name)
