# SPDX-License-Identifier: MIT
"""Pythonic classes over libvsw's C API: switches, port groups, uplinks,
vNICs, VMkernel ports, backends.

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

import atexit
import ctypes
import errno
import ipaddress
import threading
import time
import weakref

from . import _values as V
from ._guard import Call, capture, retire
from ._lib import (CLOCK_FN, FDB_FN, IP_FN, LLDP_FN, LOG_FN, ROUTE_FN, RX_FN, Frame, SwitchOpts,
                   VmkIfaceOpts, lib, vsnprintf)
from .enums import BATCH_MAX, BeaconState, Counter, LldpMode, LogLevel, PortKind, UplinkRole
from .errors import check

c_void_p = ctypes.c_void_p

_LOG_LINE_MAX = 1024


def _chunks(seq, n):
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


_open_switches = weakref.WeakSet()
_open_backends = weakref.WeakSet()


@atexit.register
def _close_everything():
    # the C side must be done with every callback before ctypes goes away;
    # a switch a daemon thread still runs is left to the process's end
    for sw in list(_open_switches):
        sw._stop_quietly()
        if sw._lock.acquire(timeout=1):
            try:
                sw.close()
            finally:
                sw._lock.release()
    for be in list(_open_backends):
        be.close()


class _Handle:
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
    def name(self):
        """The object's name (it never changes)."""
        with self._use():
            return self._name

    def __repr__(self):
        state = " removed" if self._ptr is None else ""
        return "<%s %r%s>" % (type(self).__name__, self._name, state)


class PolicyView:
    """Policies of a switch or a port group, as a mapping Policy -> int.

    ``view[key] = value`` sets, ``view[key]`` reads the effective value,
    ``del view[key]`` returns a port group's value to inheritance, and
    ``view.inherited(key)`` tells whether it follows the switch.
    """

    def __init__(self, owner):
        self._owner = owner

    def _is_pg(self):
        return isinstance(self._owner, PortGroup)

    def __getitem__(self, key):
        k = V.sint(key, what="policy key")
        v = ctypes.c_uint64()
        with self._owner._use() as p:
            if self._is_pg():
                check(lib.vsw_portgroup_policy_get(p, k, ctypes.byref(v), None),
                      "vsw_portgroup_policy_get", self._owner._name, key)
            else:
                check(lib.vsw_switch_policy_get(p, k, ctypes.byref(v)),
                      "vsw_switch_policy_get", self._owner._name, key)
        return v.value

    def __setitem__(self, key, value):
        k = V.sint(key, what="policy key")
        v = V.uint(value, 64, "policy value")
        fn = lib.vsw_portgroup_policy_set if self._is_pg() else lib.vsw_switch_policy_set
        with self._owner._use() as p:
            check(fn(p, k, v), fn.__name__, self._owner._name, key, value)

    def __delitem__(self, key):
        if not self._is_pg():
            raise TypeError("a switch's policies cannot be cleared; set them")
        k = V.sint(key, what="policy key")
        with self._owner._use() as p:
            check(lib.vsw_portgroup_policy_clear(p, k), "vsw_portgroup_policy_clear",
                  self._owner._name, key)

    def inherited(self, key):
        """True if a port group's value comes from its switch."""
        if not self._is_pg():
            return False
        k = V.sint(key, what="policy key")
        v, inh = ctypes.c_uint64(), ctypes.c_int()
        with self._owner._use() as p:
            check(lib.vsw_portgroup_policy_get(p, k, ctypes.byref(v), ctypes.byref(inh)),
                  "vsw_portgroup_policy_get", self._owner._name, key)
        return bool(inh.value)

    def keys(self):
        from .enums import Policy
        return list(Policy)

    def items(self):
        return [(k, self[k]) for k in self.keys()]

    def __iter__(self):
        return iter(self.keys())

    def __len__(self):
        return len(self.keys())


def _names(arr):
    if isinstance(arr, (str, bytes)):
        raise TypeError("a list of uplink names is needed, not one name")
    names = [V.enc(n, "uplink name") for n in arr]
    c = (ctypes.c_char_p * max(len(names), 1))(*names)
    return c, len(names)


class Switch:
    """A standard vSwitch (struct vsw_switch). Use as a context manager.

    Thread rule: every call on the switch and its objects holds the
    switch's lock around its C call, so calls from several threads are
    serialised (close() waits for a running send() or poll(), and stops
    a running run(); other calls wait for run() to return); stop() alone
    never waits."""

    def __init__(self, name, mtu=None, max_macs=None):
        opts = SwitchOpts(ctypes.sizeof(SwitchOpts), V.uint(mtu or 0, what="mtu"),
                          V.uint(max_macs or 0, what="max_macs"))
        bname = V.enc(name, "switch name")
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
        self._pending = None
        self._graveyard = []
        self._objs = {}        # C pointer -> wrapper, for identity
        self._clock = None
        self._log = None
        self._ptr = p.value
        _open_switches.add(self)

    # -- life cycle --
    def close(self):
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
        _open_switches.discard(self)
        return err

    def __enter__(self):
        return self

    def __exit__(self, *exc):
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

    def _wrap(self, ptr, cls, name=None):
        """The wrapper of a C object (the lock held)."""
        if not ptr:
            return None
        obj = self._objs.get(ptr)
        if obj is None:
            if name is None:
                name = V.dec((lib.vsw_portgroup_name if cls is PortGroup
                              else lib.vsw_port_name)(ptr))
            obj = cls(self, ptr, name)
            self._objs[ptr] = obj
        return obj

    def _port(self, ptr):
        if not ptr:
            return None
        kind = lib.vsw_port_kind(ptr)
        return self._wrap(ptr, {PortKind.UPLINK: Uplink, PortKind.VNIC: VNic,
                                PortKind.VMK: Vmk}[kind])

    def _forget(self, ptr):
        obj = self._objs.pop(ptr, None)
        if obj is not None:
            obj._invalidate()

    def __repr__(self):
        return "<Switch %r%s>" % (self._name, " closed" if self._ptr is None else "")

    # -- properties --
    @property
    def name(self):
        """The switch's name."""
        with self._use():
            return self._name

    @property
    def mtu(self):
        """The switch's MTU (1280 to 9000); settable."""
        with self._use() as p:
            return lib.vsw_switch_mtu(p)

    @mtu.setter
    def mtu(self, value):
        v = V.uint(value, what="mtu")
        with self._use() as p:
            check(lib.vsw_switch_set_mtu(p, v), "vsw_switch_set_mtu", self._name, value)

    @property
    def beacon_interval(self):
        """How often uplinks send beacon probes, in milliseconds (100 to 60000); settable."""
        with self._use() as p:
            return lib.vsw_switch_beacon_interval(p)

    @beacon_interval.setter
    def beacon_interval(self, ms):
        v = V.uint(ms, what="beacon interval")
        with self._use() as p:
            check(lib.vsw_switch_set_beacon_interval(p, v), "vsw_switch_set_beacon_interval",
                  self._name, ms)

    @property
    def policy(self):
        """The switch's policies (the defaults of its port groups)."""
        return PolicyView(self)

    @property
    def lldp_mode(self):
        """What the switch does with LLDP on its uplinks, an LldpMode; settable."""
        with self._use() as p:
            return LldpMode(lib.vsw_switch_lldp_mode(p))

    @lldp_mode.setter
    def lldp_mode(self, mode):
        v = V.sint(mode, what="LLDP mode")
        with self._use() as p:
            check(lib.vsw_switch_set_lldp_mode(p, v), "vsw_switch_set_lldp_mode",
                  self._name, mode)

    @property
    def lldp_interval(self):
        """Seconds between the LLDPDUs the switch advertises (1 to 3600); settable."""
        with self._use() as p:
            return lib.vsw_switch_lldp_interval(p)

    @lldp_interval.setter
    def lldp_interval(self, sec):
        v = V.uint(sec, what="LLDP interval")
        with self._use() as p:
            check(lib.vsw_switch_set_lldp_interval(p, v), "vsw_switch_set_lldp_interval",
                  self._name, sec)

    # -- children --
    def add_portgroup(self, name, vlan=0):
        """Add a port group (an L2 segment) with a VLAN ID; returns it."""
        bname, v = V.enc(name, "port group name"), V.uint(vlan, what="VLAN ID")
        p = c_void_p()
        with self._use() as sp:
            check(lib.vsw_portgroup_add(sp, bname, v, 0, ctypes.byref(p)),
                  "vsw_portgroup_add", self._name, name, vlan)
            return self._wrap(p.value, PortGroup, bname.decode())

    def portgroup(self, name):
        """The port group of that name (FileNotFoundError if none)."""
        bname = V.enc(name, "port group name")
        p = c_void_p()
        with self._use() as sp:
            check(lib.vsw_portgroup_find(sp, bname, ctypes.byref(p)),
                  "vsw_portgroup_find", self._name, name)
            return self._wrap(p.value, PortGroup)

    @property
    def portgroups(self):
        """Every port group, in the order added."""
        with self._use() as sp:
            out, p = [], lib.vsw_portgroup_next(sp, None)
            while p:
                out.append(self._wrap(p, PortGroup))
                p = lib.vsw_portgroup_next(sp, p)
            return out

    def add_uplink(self, name, backend=None, options=None):
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

    def port(self, name):
        """The port (of any kind) of that name."""
        bname = V.enc(name, "port name")
        p = c_void_p()
        with self._use() as sp:
            check(lib.vsw_port_find(sp, bname, ctypes.byref(p)), "vsw_port_find",
                  self._name, name)
            return self._port(p.value)

    @property
    def ports(self):
        """Every port, of every kind, in the order added."""
        with self._use() as sp:
            out, p = [], lib.vsw_port_next(sp, None)
            while p:
                out.append(self._port(p))
                p = lib.vsw_port_next(sp, p)
            return out

    def uplink(self, name):
        """The uplink of that name."""
        port = self.port(name)
        if not isinstance(port, Uplink):
            check(-errno.ENOENT, "vsw_uplink_find", self._name, name)
        return port

    @property
    def uplinks(self):
        """Every uplink, in the order added."""
        return [p for p in self.ports if isinstance(p, Uplink)]

    # -- teaming --
    def set_teaming(self, active, standby=()):
        """Set the switch's active and standby uplinks (names, in order)."""
        a, na = _names(active)
        s, ns = _names(standby)
        with self._use() as p:
            check(lib.vsw_switch_set_teaming(p, a, na, s if ns else None, ns),
                  "vsw_switch_set_teaming", self._name, list(active), list(standby))

    @property
    def teaming(self):
        """{'active': [names], 'standby': [names], 'unused': [names]}."""
        with self._use() as p:
            return _teaming(lambda r, i: lib.vsw_switch_teaming_uplink(p, r, i))

    # -- MAC table --
    def fdb(self):
        """The MAC table: a list of dicts vlan, mac, port, learned, age_sec."""
        out = []

        def visit(e, user):
            try:
                info = e.contents
                out.append({"vlan": info.vlan, "mac": V.mac_out(info.mac),
                            "port": self._port(info.port)._name,
                            "learned": bool(info.learned), "age_sec": info.age_sec})
                return 0
            except BaseException as exc:
                capture(self, exc)
                return 1
        cb = FDB_FN(visit)
        with self._use() as p:
            check(lib.vsw_switch_fdb_foreach(p, cb, None), "vsw_switch_fdb_foreach", self._name)
        return out

    def flush_fdb(self):
        """Forget every learned MAC address; returns how many."""
        with self._use() as p:
            return check(lib.vsw_switch_fdb_flush(p), "vsw_switch_fdb_flush", self._name)

    # -- time, logging and the event loop --
    def set_clock(self, fn):
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

    def set_log(self, fn, level=LogLevel.INFO):
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

    def poll(self, timeout_ms=0):
        """One round of the event loop; returns the number of frames received.
        The switch's lock is held while it waits."""
        t = V.sint(timeout_ms, what="timeout")
        with self._use() as p:
            return check(lib.vsw_switch_poll(p, t), "vsw_switch_poll", self._name, timeout_ms)

    def fileno(self):
        """A descriptor that polls readable when the switch has work (for selectors, asyncio)."""
        with self._use() as p:
            return check(lib.vsw_switch_fd(p), "vsw_switch_fd", self._name)

    def run(self):
        """Run the event loop until stop(), or until a callback raises (then
        run() raises it); other threads' calls on the switch wait until it
        returns."""
        with self._use() as p:
            self._running = True
            try:
                check(lib.vsw_switch_run(p), "vsw_switch_run", self._name)
            finally:
                self._running = False

    def stop(self):
        """Make run() return (safe from a callback, a signal handler or
        another thread: it does not wait for the switch's lock)."""
        with self._free_lock:
            if self._ptr is None or self._freeing:
                raise ValueError("the switch %r is closed" % self._name)
            check(lib.vsw_switch_stop(self._ptr), "vsw_switch_stop", self._name)


def _teaming(at):
    out = {}
    for role in (UplinkRole.ACTIVE, UplinkRole.STANDBY, UplinkRole.UNUSED):
        names, i = [], 0
        while True:
            u = at(int(role), i)
            if not u:
                break
            names.append(V.dec(lib.vsw_port_name(lib.vsw_uplink_port(u))))
            i += 1
        out[role.name.lower()] = names
    return out


class PortGroup(_Handle):
    """A port group: an L2 segment with a VLAN ID (0, 1-4094, 4095)."""

    __slots__ = ()

    @property
    def switch(self):
        """The Switch that owns the port group."""
        return self._sw

    @property
    def vlan(self):
        """The VLAN ID: 0 (no tagging), 1-4094, or 4095 (guest tagging); settable."""
        with self._use() as p:
            return lib.vsw_portgroup_vlan(p)

    @vlan.setter
    def vlan(self, value):
        v = V.uint(value, what="VLAN ID")
        with self._use() as p:
            check(lib.vsw_portgroup_set_vlan(p, v), "vsw_portgroup_set_vlan", self._name, value)

    @property
    def policy(self):
        """The port group's effective policies; set to override, del to inherit."""
        return PolicyView(self)

    @property
    def port_count(self):
        """How many vNICs and VMkernel ports the group holds."""
        with self._use() as p:
            return lib.vsw_portgroup_port_count(p)

    @property
    def ports(self):
        """The group's vNICs and VMkernel ports, in the order added."""
        with self._use() as pg:
            out, p = [], lib.vsw_portgroup_port_next(pg, None)
            while p:
                out.append(self._sw._port(p))
                p = lib.vsw_portgroup_port_next(pg, p)
            return out

    def _add_port(self, cfn, name, mac, extra, backend, options):
        bname = V.enc(name, "port name")
        if mac is not None:
            cmac = V.mac_in(mac)
        elif backend is None:
            raise ValueError("a MAC address is needed when there is no backend to take it from")
        ours = None
        if backend is not None and not isinstance(backend, Backend):
            backend = ours = Backend(backend, options)
        try:
            if mac is None:
                mac = backend.mac
                cmac = V.mac_in(mac)
            p = c_void_p()
            with self._use() as pg:
                check(cfn(pg, bname, cmac, *extra, 0, ctypes.byref(p)), cfn.__name__,
                      self._name, name, mac, *extra)
                port = self._sw._port(lib.vsw_vnic_port(p.value) if cfn is lib.vsw_vnic_add
                                      else lib.vsw_vmk_port(p.value))
                if backend is not None:
                    try:
                        port.attach_backend(backend)
                    except BaseException:
                        port.remove()
                        raise
                return port
        except BaseException:
            if ours is not None:
                ours.close()
            raise

    def add_vnic(self, name, mac=None, backend=None, options=None):
        """Add a VM's vNIC; 'mac' defaults to the backend's (a tap's) MAC.
        'backend' is a spec ("tap:vm1") or an open Backend, which the port
        then owns."""
        return self._add_port(lib.vsw_vnic_add, name, mac, [], backend, options)

    def add_vmk(self, name, mac=None, services=0, backend=None, options=None):
        """Add a VMkernel port carrying 'services' (Service flags)."""
        return self._add_port(lib.vsw_vmk_add, name, mac, [V.uint(services, what="services")],
                              backend, options)

    def set_teaming(self, active, standby=()):
        """Override the teaming order with these uplink names."""
        a, na = _names(active)
        s, ns = _names(standby)
        with self._use() as p:
            check(lib.vsw_portgroup_set_teaming(p, a, na, s if ns else None, ns),
                  "vsw_portgroup_set_teaming", self._name, list(active), list(standby))

    def clear_teaming(self):
        """Follow the switch's teaming order again."""
        with self._use() as p:
            check(lib.vsw_portgroup_clear_teaming(p), "vsw_portgroup_clear_teaming", self._name)

    @property
    def teaming(self):
        """{'active', 'standby', 'unused': [names], 'inherited': bool}."""
        with self._use() as p:
            t = _teaming(lambda r, i: lib.vsw_portgroup_teaming_uplink(p, r, i))
            t["inherited"] = bool(lib.vsw_portgroup_teaming_inherited(p))
            return t

    def remove(self):
        """Remove the (empty) port group."""
        with self._use() as p:
            check(lib.vsw_portgroup_remove(p), "vsw_portgroup_remove", self._name)
            self._sw._forget(p)


class Port(_Handle):
    """What uplinks, vNICs and VMkernel ports have in common."""

    __slots__ = ("_rx", "_rx_cfunc", "_backend")

    def __init__(self, sw, ptr, name):
        super().__init__(sw, ptr, name)
        self._rx = None
        self._rx_cfunc = None
        self._backend = None   # the Backend wrapper attached with attach_backend()

    def _invalidate(self):
        self._ptr = None
        self._rx = None
        retire(self._sw, self._rx_cfunc)
        self._rx_cfunc = None
        self._drop_backend("its port %r was removed" % self._name)

    def _drop_backend(self, why):
        be, self._backend = self._backend, None
        if be is not None:
            be._ptr = None
            be._why = why

    @property
    def kind(self):
        """PortKind.UPLINK, VNIC or VMK."""
        with self._use() as p:
            return PortKind(lib.vsw_port_kind(p))

    @property
    def switch(self):
        """The Switch the port belongs to."""
        return self._sw

    @property
    def portgroup(self):
        """The port group of a vNIC or VMkernel port; None for an uplink."""
        with self._use() as p:
            return self._sw._wrap(lib.vsw_port_portgroup(p), PortGroup)

    @property
    def link(self):
        """True while the port is up; set False to disconnect it."""
        with self._use() as p:
            return bool(lib.vsw_port_link(p))

    @link.setter
    def link(self, up):
        with self._use() as p:
            check(lib.vsw_port_set_link(p, 1 if up else 0), "vsw_port_set_link", self._name, up)

    @property
    def counters(self):
        """Every counter of the port, as {name: value}."""
        with self._use() as p:
            return {c.name.lower(): lib.vsw_port_counter(p, int(c)) for c in Counter}

    def counter(self, which):
        """One counter (a Counter) of the port."""
        w = V.sint(which, what="counter")
        with self._use() as p:
            return lib.vsw_port_counter(p, w)

    def clear_counters(self):
        """Set every counter of the port to zero."""
        with self._use() as p:
            check(lib.vsw_port_clear_counters(p), "vsw_port_clear_counters", self._name)

    def send(self, frames):
        """Send frames into the switch from this port: a list of bytes, or of
        (bytes, vlan_tci) for a frame whose outer 802.1Q tag was stripped.
        Any number of frames; a switch closed by a receive callback meanwhile
        takes no more."""
        frames = V.frame_list(frames)
        batches = [V.frames_in(chunk) for chunk in _chunks(frames, BATCH_MAX)]
        sw = self._sw
        with self._use() as p:
            for arr, keep in batches:
                check(lib.vsw_port_input(p, arr, len(arr)), "vsw_port_input", self._name,
                      "%d frames" % len(arr))
                if sw._closing or sw._pending is not None:
                    break

    @property
    def on_receive(self):
        """A callable(port, [bytes]) given the frames the switch delivers to this
        port, when it has no backend; None to stop."""
        return self._rx

    @on_receive.setter
    def on_receive(self, fn):
        sw = self._sw
        if fn is None:
            cfunc = None
        else:
            ref = weakref.ref(self)

            def trampoline(port_ptr, frames, n, user):
                try:
                    port = ref()
                    if port is not None and port._rx is not None and not sw._closing:
                        port._rx(port, [V.frame_bytes(frames[i]) for i in range(n)])
                except BaseException as e:  # re-raised by the delivering call
                    capture(sw, e)
            cfunc = RX_FN(trampoline)
        with self._use() as p:
            check(lib.vsw_port_set_rx(p, cfunc if cfunc else RX_FN(), None), "vsw_port_set_rx",
                  self._name, fn)
            retire(sw, self._rx_cfunc)
            self._rx, self._rx_cfunc = fn, cfunc

    @property
    def current_uplink(self):
        """The uplink this virtual port's traffic leaves by, or None."""
        with self._use() as p:
            return self._sw._port(lib.vsw_uplink_port(lib.vsw_port_current_uplink(p)) or None)

    def attach(self, spec, options=None):
        """Open a backend from 'spec' ("tap:vm1", "afpacket:eth1"...) and attach it."""
        bspec, bopt = V.enc(spec, "backend spec"), V.enc_opt(options, "backend options")
        with self._use() as p:
            check(lib.vsw_port_attach(p, bspec, bopt), "vsw_port_attach", self._name, spec,
                  options)

    def attach_backend(self, backend):
        """Attach an open Backend; the port owns it from now on (it is closed
        with the port, by detach() or with the switch)."""
        if not isinstance(backend, Backend):
            raise TypeError("attach_backend() takes a Backend; attach() takes a spec")
        with self._use() as p:
            with backend._lock:
                if backend._sw is not None:
                    check(-errno.EBUSY, "vsw_port_attach_backend", self._name, backend)
                if backend._ptr is None:
                    raise ValueError(backend._gone())
                check(lib.vsw_port_attach_backend(p, backend._ptr), "vsw_port_attach_backend",
                      self._name, backend)
                backend._sw = self._sw
                self._backend = backend
                _open_backends.discard(backend)

    def detach(self):
        """Detach and close the port's backend."""
        with self._use() as p:
            check(lib.vsw_port_detach(p), "vsw_port_detach", self._name)
            self._drop_backend("it was detached from port %r" % self._name)

    @property
    def backend_type(self):
        """The type of the attached backend ("tap", "memory"...), or None."""
        with self._use() as p:
            be = lib.vsw_port_backend(p)
            return V.dec(lib.vsw_backend_type(be)) if be else None


def _text(b):
    # the library escapes what is not printable ASCII
    return None if b is None else b.decode("ascii")


def _lldp_neighbor(n):
    return {
        "chassis_id": n.chassis_id_text.decode("ascii"),
        "chassis_id_subtype": n.chassis_id_subtype,
        "chassis_id_raw": bytes(n.chassis_id[:n.chassis_id_len]),
        "port_id": n.port_id_text.decode("ascii"),
        "port_id_subtype": n.port_id_subtype,
        "port_id_raw": bytes(n.port_id[:n.port_id_len]),
        "ttl": n.ttl,
        "expires_sec": n.expires_sec,
        "port_description": _text(n.port_description),
        "system_name": _text(n.system_name),
        "system_description": _text(n.system_description),
        "mgmt_ipv4": str(ipaddress.IPv4Address(bytes(n.mgmt_ipv4))) if n.has_mgmt_ipv4 else None,
        "mgmt_ipv6": str(ipaddress.IPv6Address(bytes(n.mgmt_ipv6))) if n.has_mgmt_ipv6 else None,
        "port_vlan_id": n.port_vlan_id or None,
        "src_mac": V.mac_out(n.src_mac),
    }


def _visitor(sw, out, convert):
    """A walk's visitor: appends convert(args) to out; on an exception, keeps
    it for the walk to re-raise and stops the walk."""
    def visit(*args):
        try:
            out.append(convert(*args[:-1]))
            return 0
        except BaseException as e:
            capture(sw, e)
            return 1
    return visit


class Uplink(Port):
    """A vmnic: the switch's port to the physical network."""

    __slots__ = ()

    def lldp_neighbors(self):
        """The LLDP neighbors the uplink has heard, first heard first: a list of
        dicts chassis_id, port_id (text; *_subtype and *_raw bytes too), ttl,
        expires_sec, port_description, system_name, system_description (None
        when not sent), mgmt_ipv4, mgmt_ipv6, port_vlan_id (None when not
        sent) and src_mac."""
        out = []
        cb = LLDP_FN(_visitor(self._sw, out, lambda n: _lldp_neighbor(n.contents)))
        with self._use() as p:
            check(lib.vsw_uplink_lldp_foreach(lib.vsw_port_to_uplink(p), cb, None),
                  "vsw_uplink_lldp_foreach", self._name)
        return out

    def remove(self):
        """Remove the uplink from its switch and every teaming order."""
        with self._use() as p:
            check(lib.vsw_uplink_remove(lib.vsw_port_to_uplink(p)), "vsw_uplink_remove",
                  self._name)
            self._sw._forget(p)

    @property
    def beacon_state(self):
        """What beacon probing says of the uplink over all probed VLANs (a BeaconState)."""
        with self._use() as p:
            return BeaconState(lib.vsw_uplink_beacon_state(lib.vsw_port_to_uplink(p)))

    def beacon_vlan_state(self, vlan):
        """What beacon probing says of the uplink on one VLAN (4095 is VLAN 0's probes)."""
        v = V.uint(vlan, what="VLAN ID")
        with self._use() as p:
            return BeaconState(lib.vsw_uplink_beacon_vlan_state(lib.vsw_port_to_uplink(p), v))


class _VirtualPort(Port):
    __slots__ = ()

    @property
    def mac(self):
        """The MAC address the switch knows the port under."""
        m = (ctypes.c_uint8 * 6)()
        with self._use() as p:
            check(lib.vsw_port_mac(p, m), "vsw_port_mac", self._name)
        return V.mac_out(m)


class VNic(_VirtualPort):
    """A virtual machine's NIC."""

    __slots__ = ()

    @property
    def initial_mac(self):
        """The MAC the vNIC was added with."""
        m = (ctypes.c_uint8 * 6)()
        with self._use() as p:
            check(lib.vsw_vnic_initial_mac(lib.vsw_port_to_vnic(p), m), "vsw_vnic_initial_mac",
                  self._name)
        return V.mac_out(m)

    @_VirtualPort.mac.setter
    def mac(self, value):
        """Set the effective MAC, as a guest that changes its address."""
        m = V.mac_in(value)
        with self._use() as p:
            check(lib.vsw_vnic_set_mac(lib.vsw_port_to_vnic(p), m), "vsw_vnic_set_mac",
                  self._name, value)

    def remove(self):
        """Remove the vNIC (and close its backend)."""
        with self._use() as p:
            check(lib.vsw_vnic_remove(lib.vsw_port_to_vnic(p)), "vsw_vnic_remove", self._name)
            self._sw._forget(p)


class Vmk(_VirtualPort):
    """A VMkernel port: the host's own endpoint on the switch."""

    __slots__ = ()

    def _k(self):
        return _VmkCall(self)

    @property
    def services(self):
        """The services the VMkernel port carries (Service flags); settable."""
        from .enums import Service
        with self._k() as k:
            return Service(lib.vsw_vmk_services(k))

    @services.setter
    def services(self, value):
        v = V.uint(value, what="services")
        with self._k() as k:
            check(lib.vsw_vmk_set_services(k, v), "vsw_vmk_set_services", self._name, value)

    def create_interface(self, netstack=None, mtu=0):
        """Give the port its interface in the host: a tap named after it, with
        its MAC, in the TCP/IP stack 'netstack' (None: the caller's own), at
        'mtu' (0: the switch's). Needs CAP_NET_ADMIN (and CAP_SYS_ADMIN for a
        named stack)."""
        o = VmkIfaceOpts(ctypes.sizeof(VmkIfaceOpts), V.enc_opt(netstack, "netstack"),
                         V.uint(mtu, what="mtu"))
        with self._k() as k:
            check(lib.vsw_vmk_iface_create(k, ctypes.byref(o)), "vsw_vmk_iface_create",
                  self._name, netstack, mtu)

    @property
    def netstack(self):
        """The TCP/IP stack of the port's interface ("default" or a name), or
        None when it has none."""
        with self._k() as k:
            return V.dec(lib.vsw_vmk_netstack(k))

    @property
    def mtu(self):
        """The MTU of the port's interface; settable."""
        with self._k() as k:
            return check(lib.vsw_vmk_mtu(k), "vsw_vmk_mtu", self._name)

    @mtu.setter
    def mtu(self, value):
        v = V.uint(value, what="mtu")
        with self._k() as k:
            check(lib.vsw_vmk_set_mtu(k, v), "vsw_vmk_set_mtu", self._name, value)

    def add_ip(self, cidr):
        """Give the interface the address 'cidr' ("192.0.2.1/24", "2001:db8::1/64")."""
        c = V.enc(cidr, "address")
        with self._k() as k:
            check(lib.vsw_vmk_ip_add(k, c), "vsw_vmk_ip_add", self._name, cidr)

    def remove_ip(self, cidr):
        """Take the address 'cidr' off the interface."""
        c = V.enc(cidr, "address")
        with self._k() as k:
            check(lib.vsw_vmk_ip_remove(k, c), "vsw_vmk_ip_remove", self._name, cidr)

    @property
    def ips(self):
        """The interface's addresses, as "ADDR/PREFIX" strings."""
        out = []
        cb = IP_FN(_visitor(self._sw, out, lambda cidr: cidr.decode()))
        with self._k() as k:
            check(lib.vsw_vmk_ip_foreach(k, cb, None), "vsw_vmk_ip_foreach", self._name)
        return out

    def add_route(self, dst, gateway=None):
        """Add a route through the interface in its stack: dst "default" or
        "NET/LEN", via 'gateway' (None: on the link; required for default).
        A stack has one route per destination: one default gateway."""
        d, g = V.enc(dst, "destination"), V.enc_opt(gateway, "gateway")
        with self._k() as k:
            check(lib.vsw_vmk_route_add(k, d, g), "vsw_vmk_route_add", self._name, dst, gateway)

    def remove_route(self, dst, gateway=None):
        """Remove a route through the interface (gateway None: any gateway)."""
        d, g = V.enc(dst, "destination"), V.enc_opt(gateway, "gateway")
        with self._k() as k:
            check(lib.vsw_vmk_route_remove(k, d, g), "vsw_vmk_route_remove", self._name, dst,
                  gateway)

    @property
    def routes(self):
        """The routes through the interface, but the kernel's own: a list of
        (dst, gateway or None) tuples."""
        out = []
        cb = ROUTE_FN(_visitor(self._sw, out, lambda dst, gw: (
            dst.decode(), gw.decode() if gw is not None else None)))
        with self._k() as k:
            check(lib.vsw_vmk_route_foreach(k, cb, None), "vsw_vmk_route_foreach", self._name)
        return out

    def remove(self):
        """Remove the VMkernel port (and its interface)."""
        with self._use() as p:
            check(lib.vsw_vmk_remove(lib.vsw_port_to_vmk(p)), "vsw_vmk_remove", self._name)
            self._sw._forget(p)


class _VmkCall(Call):
    """Call whose value is the struct vsw_vmk of the port."""

    __slots__ = ()

    def __init__(self, port):
        super().__init__(port._sw, port)

    def __enter__(self):
        return lib.vsw_port_to_vmk(super().__enter__())


def netstack_add(name):
    """Create the TCP/IP stack 'name': a network namespace /run/netns/NAME
    (as `ip netns add` makes) with its loopback up."""
    check(lib.vsw_netstack_add(V.enc(name, "netstack")), "vsw_netstack_add", name)


def netstack_remove(name):
    """Remove the TCP/IP stack 'name'."""
    check(lib.vsw_netstack_remove(V.enc(name, "netstack")), "vsw_netstack_remove", name)


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

    def __init__(self, spec, options=None):
        bspec, bopt = V.enc(spec, "backend spec"), V.enc_opt(options, "backend options")
        p = c_void_p()
        check(lib.vsw_backend_open(bspec, bopt, ctypes.byref(p)), "vsw_backend_open",
              spec, options)
        self._spec = spec
        self._lock = threading.RLock()
        self._sw = None      # the switch whose port owns the instance
        self._why = None     # why the object is unusable
        self._bufs = (Frame * BATCH_MAX)()
        self._ptr = p.value
        _open_backends.add(self)

    def _gone(self):
        return "the backend %r is closed%s" % (self._spec, ": " + self._why if self._why else "")

    def _use(self):
        return _BackendCall(self)

    def close(self):
        """Close the instance. An instance a port owns is closed by the port;
        this only makes the object unusable."""
        with self._lock:
            sw = self._sw
            if sw is None:
                if self._ptr is not None:
                    lib.vsw_backend_close(self._ptr)
                self._ptr = None
                _open_backends.discard(self)
                return
        with sw._lock:
            self._ptr = None
            if self._why is None:
                self._why = "closed by its user"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # pragma: no cover
            pass

    def __repr__(self):
        return "<Backend %r%s>" % (self._spec, " closed" if self._ptr is None else "")

    @property
    def type(self):
        """The backend type, e.g. "memory"."""
        with self._use() as p:
            return V.dec(lib.vsw_backend_type(p))

    def send(self, frames):
        """Send frames (a list of bytes, or of (bytes, vlan_tci)); returns how
        many were taken."""
        frames = V.frame_list(frames)
        batches = [V.frames_in(chunk) for chunk in _chunks(frames, BATCH_MAX)]
        total = 0
        with self._use() as p:
            for arr, keep in batches:
                n = check(lib.vsw_backend_send(p, arr, len(arr)), "vsw_backend_send",
                          self._spec, "%d frames" % len(arr))
                total += n
                if n < len(arr):
                    break
        return total

    def recv(self, max_frames=BATCH_MAX):
        """Receive waiting frames (never blocks): a list of at most
        max_frames bytes, tags in the bytes."""
        n = min(V.uint(max_frames, what="max_frames"), BATCH_MAX)
        with self._use() as p:
            n = check(lib.vsw_backend_recv(p, self._bufs, n), "vsw_backend_recv", self._spec,
                      max_frames)
            return [V.frame_bytes(self._bufs[i]) for i in range(n)]

    def fileno(self):
        """A descriptor that polls readable when frames wait."""
        with self._use() as p:
            return check(lib.vsw_backend_fd(p), "vsw_backend_fd", self._spec)

    @property
    def link(self):
        """The link (carrier) state; set it where the backend can (a memory wire's cable)."""
        with self._use() as p:
            return bool(check(lib.vsw_backend_link(p), "vsw_backend_link", self._spec))

    @link.setter
    def link(self, up):
        with self._use() as p:
            check(lib.vsw_backend_set_link(p, 1 if up else 0), "vsw_backend_set_link",
                  self._spec, up)

    @property
    def mac(self):
        """The MAC address of the device behind the backend ("xx:xx:...")."""
        m = (ctypes.c_uint8 * 6)()
        with self._use() as p:
            check(lib.vsw_backend_mac(p, m), "vsw_backend_mac", self._spec)
        return V.mac_out(m)

    @property
    def mtu(self):
        """The MTU of the device behind the backend."""
        with self._use() as p:
            return check(lib.vsw_backend_mtu(p), "vsw_backend_mtu", self._spec)
