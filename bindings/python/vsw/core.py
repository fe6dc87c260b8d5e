# SPDX-License-Identifier: MIT
"""Pythonic classes over libvsw's C API: switches, port groups, uplinks,
vNICs, VMkernel ports, backends.

Ownership follows the C library: a :class:`Switch` owns everything created
on it, and closing it (``close()``, leaving its ``with`` block, or at
interpreter exit) destroys them all; their Python objects then raise
:class:`ValueError` when used. Objects are identical for the same C object:
``sw.portgroup("pg") is pg``.

Receive callbacks are kept alive by the port they are set on for as long as
the C side may call them, and exceptions raised inside a callback are
re-raised by the call that delivered the frames (``send``, ``poll``...).
"""

import atexit
import ctypes
import errno
import ipaddress
import weakref

from ._lib import (CLOCK_FN, FDB_FN, IP_FN, LLDP_FN, ROUTE_FN, RX_FN, Frame, SwitchOpts,
                   VmkIfaceOpts, lib)
from .enums import BATCH_MAX, BeaconState, Counter, LldpMode, PortKind, UplinkRole
from .errors import check

c_void_p = ctypes.c_void_p

_FRAME_VLAN_TCI = 0x0001


def _enc(s):
    return s.encode() if isinstance(s, str) else bytes(s)


def _dec(b):
    return b.decode() if b is not None else None


def _mac_in(mac):
    """A MAC as 6 bytes, from 'xx:xx:xx:xx:xx:xx' or a bytes-like of 6."""
    if isinstance(mac, str):
        parts = mac.split(":")
        if len(parts) != 6:
            raise ValueError("bad MAC address %r" % mac)
        try:
            raw = bytes(int(p, 16) for p in parts)
        except ValueError:
            raise ValueError("bad MAC address %r" % mac) from None
    else:
        raw = bytes(mac)
    if len(raw) != 6:
        raise ValueError("bad MAC address %r" % (mac,))
    return (ctypes.c_uint8 * 6)(*raw)


def _mac_out(arr):
    return ":".join("%02x" % b for b in bytes(arr))


def _frames_in(frames):
    """A ctypes Frame array for a list of bytes or (bytes, vlan_tci) items,
    and the buffers it points into (keep them alive during the call)."""
    arr = (Frame * len(frames))()
    keep = []
    for i, f in enumerate(frames):
        tci = None
        if isinstance(f, tuple):
            f, tci = f
        b = bytes(f)
        ptr = ctypes.c_char_p(b)   # points into b, no copy
        keep.append((b, ptr))
        arr[i].data = ctypes.cast(ptr, c_void_p).value
        arr[i].len = len(b)
        if tci is not None:
            arr[i].vlan_tci = tci
            arr[i].flags = _FRAME_VLAN_TCI
    return arr, keep


def _frame_bytes(fr):
    """The bytes of one received Frame, with a stripped tag put back."""
    data = ctypes.string_at(fr.data, fr.len)
    if fr.flags & _FRAME_VLAN_TCI and len(data) >= 12:
        tag = bytes((0x81, 0x00, fr.vlan_tci >> 8, fr.vlan_tci & 0xFF))
        data = data[:12] + tag + data[12:]
    return data


def _chunks(seq, n):
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


_open_switches = weakref.WeakSet()
_open_backends = weakref.WeakSet()


@atexit.register
def _close_everything():
    # the C side must be done with every callback before ctypes goes away
    for sw in list(_open_switches):
        sw.close()
    for be in list(_open_backends):
        be.close()


class _Handle:
    """A wrapper of a C object owned by a switch."""

    __slots__ = ("_ptr", "_sw", "__weakref__")

    def __init__(self, sw, ptr):
        self._sw = sw
        self._ptr = ptr

    def _p(self):
        if self._ptr is None:
            raise ValueError("%s was removed" % type(self).__name__)
        return self._ptr

    def __repr__(self):
        state = "removed" if self._ptr is None else repr(self.name)
        return "<%s %s>" % (type(self).__name__, state)


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
        v = ctypes.c_uint64()
        p = self._owner._p()
        if self._is_pg():
            check(lib.vsw_portgroup_policy_get(p, int(key), ctypes.byref(v), None),
                  "vsw_portgroup_policy_get", self._owner.name, key)
        else:
            check(lib.vsw_switch_policy_get(p, int(key), ctypes.byref(v)),
                  "vsw_switch_policy_get", self._owner.name, key)
        return v.value

    def __setitem__(self, key, value):
        p = self._owner._p()
        fn = lib.vsw_portgroup_policy_set if self._is_pg() else lib.vsw_switch_policy_set
        check(fn(p, int(key), int(value)), fn.__name__, self._owner.name, key, value)
        self._owner._switch()._after()

    def __delitem__(self, key):
        if not self._is_pg():
            raise TypeError("a switch's policies cannot be cleared; set them")
        check(lib.vsw_portgroup_policy_clear(self._owner._p(), int(key)),
              "vsw_portgroup_policy_clear", self._owner.name, key)
        self._owner._switch()._after()

    def inherited(self, key):
        """True if a port group's value comes from its switch."""
        if not self._is_pg():
            return False
        v, inh = ctypes.c_uint64(), ctypes.c_int()
        check(lib.vsw_portgroup_policy_get(self._owner._p(), int(key), ctypes.byref(v),
                                           ctypes.byref(inh)),
              "vsw_portgroup_policy_get", self._owner.name, key)
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
    names = [_enc(n) for n in arr]
    c = (ctypes.c_char_p * max(len(names), 1))(*names)
    return c, len(names)


class Switch:
    """A standard vSwitch (struct vsw_switch). Use as a context manager."""

    def __init__(self, name, mtu=None, max_macs=None):
        opts = SwitchOpts(ctypes.sizeof(SwitchOpts), mtu or 0, max_macs or 0)
        p = c_void_p()
        check(lib.vsw_switch_new(_enc(name), ctypes.byref(opts), ctypes.byref(p)),
              "vsw_switch_new", name, mtu, max_macs)
        self._ptr = p.value
        self._objs = {}        # C pointer -> wrapper, for identity
        self._pending = None   # an exception raised in a callback
        self._clock = None
        _open_switches.add(self)

    # -- life cycle --
    def close(self):
        """Destroy the switch and everything it owns."""
        if self._ptr is None:
            return
        lib.vsw_switch_free(self._ptr)
        self._ptr = None
        for obj in self._objs.values():
            obj._ptr = None
            if isinstance(obj, Port):
                obj._rx = obj._rx_cfunc = None
        self._objs.clear()
        _open_switches.discard(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass

    def _p(self):
        if self._ptr is None:
            raise ValueError("the switch is closed")
        return self._ptr

    def _switch(self):
        return self

    def _wrap(self, ptr, cls):
        if not ptr:
            return None
        obj = self._objs.get(ptr)
        if obj is None:
            obj = cls(self, ptr)
            self._objs[ptr] = obj
        return obj

    def _forget(self, ptr):
        obj = self._objs.pop(ptr, None)
        if obj is not None:
            obj._ptr = None

    def _after(self):
        """Re-raise an exception a callback raised during the last call."""
        if self._pending is not None:
            e, self._pending = self._pending, None
            raise e

    def __repr__(self):
        return "<Switch %s>" % ("closed" if self._ptr is None else repr(self.name))

    # -- properties --
    @property
    def name(self):
        """The switch's name."""
        return _dec(lib.vsw_switch_name(self._p()))

    @property
    def mtu(self):
        """The switch's MTU (1280 to 9000); settable."""
        return lib.vsw_switch_mtu(self._p())

    @mtu.setter
    def mtu(self, value):
        check(lib.vsw_switch_set_mtu(self._p(), int(value)), "vsw_switch_set_mtu", self.name, value)

    @property
    def beacon_interval(self):
        """How often uplinks send beacon probes, in milliseconds (100 to 60000); settable."""
        return lib.vsw_switch_beacon_interval(self._p())

    @beacon_interval.setter
    def beacon_interval(self, ms):
        check(lib.vsw_switch_set_beacon_interval(self._p(), int(ms)),
              "vsw_switch_set_beacon_interval", self.name, ms)

    @property
    def policy(self):
        """The switch's policies (the defaults of its port groups)."""
        return PolicyView(self)

    @property
    def lldp_mode(self):
        """What the switch does with LLDP on its uplinks, an LldpMode; settable."""
        return LldpMode(lib.vsw_switch_lldp_mode(self._p()))

    @lldp_mode.setter
    def lldp_mode(self, mode):
        check(lib.vsw_switch_set_lldp_mode(self._p(), int(mode)), "vsw_switch_set_lldp_mode",
              self.name, mode)
        self._after()

    @property
    def lldp_interval(self):
        """Seconds between the LLDPDUs the switch advertises (1 to 3600); settable."""
        return lib.vsw_switch_lldp_interval(self._p())

    @lldp_interval.setter
    def lldp_interval(self, sec):
        check(lib.vsw_switch_set_lldp_interval(self._p(), int(sec)),
              "vsw_switch_set_lldp_interval", self.name, sec)
        self._after()

    # -- children --
    def add_portgroup(self, name, vlan=0):
        """Add a port group (an L2 segment) with a VLAN ID; returns it."""
        p = c_void_p()
        check(lib.vsw_portgroup_add(self._p(), _enc(name), int(vlan), 0, ctypes.byref(p)),
              "vsw_portgroup_add", self.name, name, vlan)
        return self._wrap(p.value, PortGroup)

    def portgroup(self, name):
        """The port group of that name (FileNotFoundError if none)."""
        p = c_void_p()
        check(lib.vsw_portgroup_find(self._p(), _enc(name), ctypes.byref(p)),
              "vsw_portgroup_find", self.name, name)
        return self._wrap(p.value, PortGroup)

    @property
    def portgroups(self):
        """Every port group, in the order added."""
        out, p = [], lib.vsw_portgroup_next(self._p(), None)
        while p:
            out.append(self._wrap(p, PortGroup))
            p = lib.vsw_portgroup_next(self._ptr, p)
        return out

    def add_uplink(self, name, backend=None, options=None):
        """Add a vmnic; with 'backend' (a spec such as "afpacket:eth1"), attach it."""
        p = c_void_p()
        check(lib.vsw_uplink_add(self._p(), _enc(name), 0, ctypes.byref(p)),
              "vsw_uplink_add", self.name, name)
        up = self._wrap(lib.vsw_uplink_port(p.value), Uplink)
        if backend is not None:
            try:
                up.attach(backend, options)
            except Exception:
                up.remove()
                raise
        self._after()
        return up

    def port(self, name):
        """The port (of any kind) of that name."""
        p = c_void_p()
        check(lib.vsw_port_find(self._p(), _enc(name), ctypes.byref(p)), "vsw_port_find",
              self.name, name)
        return self._port(p.value)

    def _port(self, ptr):
        if not ptr:
            return None
        kind = lib.vsw_port_kind(ptr)
        return self._wrap(ptr, {PortKind.UPLINK: Uplink, PortKind.VNIC: VNic,
                                PortKind.VMK: Vmk}[kind])

    @property
    def ports(self):
        """Every port, of every kind, in the order added."""
        out, p = [], lib.vsw_port_next(self._p(), None)
        while p:
            out.append(self._port(p))
            p = lib.vsw_port_next(self._ptr, p)
        return out

    def uplink(self, name):
        """The uplink of that name."""
        port = self.port(name)
        if not isinstance(port, Uplink):
            check(-errno.ENOENT, "vsw_uplink_find", self.name, name)
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
        check(lib.vsw_switch_set_teaming(self._p(), a, na, s if ns else None, ns),
              "vsw_switch_set_teaming", self.name, list(active), list(standby))
        self._after()

    @property
    def teaming(self):
        """{'active': [names], 'standby': [names], 'unused': [names]}."""
        return _teaming(lambda r, i: lib.vsw_switch_teaming_uplink(self._p(), r, i))

    # -- MAC table --
    def fdb(self):
        """The MAC table: a list of dicts vlan, mac, port, learned, age_sec."""
        out = []

        def visit(e, user):
            info = e.contents
            out.append({"vlan": info.vlan, "mac": _mac_out(info.mac),
                        "port": self._port(info.port).name, "learned": bool(info.learned),
                        "age_sec": info.age_sec})
            return 0
        cb = FDB_FN(visit)
        check(lib.vsw_switch_fdb_foreach(self._p(), cb, None), "vsw_switch_fdb_foreach", self.name)
        return out

    def flush_fdb(self):
        """Forget every learned MAC address; returns how many."""
        return check(lib.vsw_switch_fdb_flush(self._p()), "vsw_switch_fdb_flush", self.name)

    # -- time and the event loop --
    def set_clock(self, fn):
        """Replace the switch's clock with fn() -> nanoseconds, or None for the real one."""
        if fn is None:
            self._clock = None
            check(lib.vsw_switch_set_clock(self._p(), CLOCK_FN(), None), "vsw_switch_set_clock",
                  self.name, None)
            return
        self._clock = CLOCK_FN(lambda user: int(fn()))
        check(lib.vsw_switch_set_clock(self._p(), self._clock, None), "vsw_switch_set_clock",
              self.name, fn)

    def poll(self, timeout_ms=0):
        """One round of the event loop; returns the number of frames received."""
        n = check(lib.vsw_switch_poll(self._p(), int(timeout_ms)), "vsw_switch_poll", self.name,
                  timeout_ms)
        self._after()
        return n

    def fileno(self):
        """A descriptor that polls readable when the switch has work (for selectors, asyncio)."""
        return check(lib.vsw_switch_fd(self._p()), "vsw_switch_fd", self.name)

    def run(self):
        """Run the event loop until stop()."""
        check(lib.vsw_switch_run(self._p()), "vsw_switch_run", self.name)
        self._after()

    def stop(self):
        """Make run() return (safe from a callback or a signal handler)."""
        check(lib.vsw_switch_stop(self._p()), "vsw_switch_stop", self.name)


def _teaming(at):
    out = {}
    for role in (UplinkRole.ACTIVE, UplinkRole.STANDBY, UplinkRole.UNUSED):
        names, i = [], 0
        while True:
            u = at(int(role), i)
            if not u:
                break
            names.append(_dec(lib.vsw_port_name(lib.vsw_uplink_port(u))))
            i += 1
        out[role.name.lower()] = names
    return out


class PortGroup(_Handle):
    """A port group: an L2 segment with a VLAN ID (0, 1-4094, 4095)."""

    __slots__ = ()

    def _switch(self):
        return self._sw

    @property
    def name(self):
        """The port group's name."""
        return _dec(lib.vsw_portgroup_name(self._p()))

    @property
    def switch(self):
        """The Switch that owns the port group."""
        return self._sw

    @property
    def vlan(self):
        """The VLAN ID: 0 (no tagging), 1-4094, or 4095 (guest tagging); settable."""
        return lib.vsw_portgroup_vlan(self._p())

    @vlan.setter
    def vlan(self, value):
        check(lib.vsw_portgroup_set_vlan(self._p(), int(value)), "vsw_portgroup_set_vlan",
              self.name, value)
        self._sw._after()

    @property
    def policy(self):
        """The port group's effective policies; set to override, del to inherit."""
        return PolicyView(self)

    @property
    def port_count(self):
        """How many vNICs and VMkernel ports the group holds."""
        return lib.vsw_portgroup_port_count(self._p())

    @property
    def ports(self):
        """The group's vNICs and VMkernel ports, in the order added."""
        out, p = [], lib.vsw_portgroup_port_next(self._p(), None)
        while p:
            out.append(self._sw._port(p))
            p = lib.vsw_portgroup_port_next(self._ptr, p)
        return out

    def _add_port(self, cfn, name, mac, extra, backend, options):
        be = None
        if backend is not None:
            be = backend if isinstance(backend, Backend) else Backend(backend, options)
        if mac is None:
            if be is None:
                raise ValueError("a MAC address is needed when there is no backend to take it from")
            mac = be.mac
        p = c_void_p()
        args = [self._p(), _enc(name), _mac_in(mac)] + extra + [0, ctypes.byref(p)]
        try:
            check(cfn(*args), cfn.__name__, self.name, name, mac, *extra)
        except Exception:
            if be is not None and backend is not be:
                be.close()
            raise
        port = self._sw._port(lib.vsw_vnic_port(p.value) if cfn is lib.vsw_vnic_add
                              else lib.vsw_vmk_port(p.value))
        if be is not None:
            try:
                port.attach_backend(be)
            except Exception:
                port.remove()
                raise
        self._sw._after()
        return port

    def add_vnic(self, name, mac=None, backend=None, options=None):
        """Add a VM's vNIC; 'mac' defaults to the backend's (a tap's) MAC."""
        return self._add_port(lib.vsw_vnic_add, name, mac, [], backend, options)

    def add_vmk(self, name, mac=None, services=0, backend=None, options=None):
        """Add a VMkernel port carrying 'services' (Service flags)."""
        return self._add_port(lib.vsw_vmk_add, name, mac, [int(services)], backend, options)

    def set_teaming(self, active, standby=()):
        """Override the teaming order with these uplink names."""
        a, na = _names(active)
        s, ns = _names(standby)
        check(lib.vsw_portgroup_set_teaming(self._p(), a, na, s if ns else None, ns),
              "vsw_portgroup_set_teaming", self.name, list(active), list(standby))
        self._sw._after()

    def clear_teaming(self):
        """Follow the switch's teaming order again."""
        check(lib.vsw_portgroup_clear_teaming(self._p()), "vsw_portgroup_clear_teaming", self.name)
        self._sw._after()

    @property
    def teaming(self):
        """{'active', 'standby', 'unused': [names], 'inherited': bool}."""
        t = _teaming(lambda r, i: lib.vsw_portgroup_teaming_uplink(self._p(), r, i))
        t["inherited"] = bool(lib.vsw_portgroup_teaming_inherited(self._p()))
        return t

    def remove(self):
        """Remove the (empty) port group."""
        ptr = self._p()
        check(lib.vsw_portgroup_remove(ptr), "vsw_portgroup_remove", self.name)
        self._sw._forget(ptr)


class Port(_Handle):
    """What uplinks, vNICs and VMkernel ports have in common."""

    __slots__ = ("_rx", "_rx_cfunc")

    def __init__(self, sw, ptr):
        super().__init__(sw, ptr)
        self._rx = None
        self._rx_cfunc = None

    @property
    def name(self):
        """The port's name, unique in its switch."""
        return _dec(lib.vsw_port_name(self._p()))

    @property
    def kind(self):
        """PortKind.UPLINK, VNIC or VMK."""
        return PortKind(lib.vsw_port_kind(self._p()))

    @property
    def switch(self):
        """The Switch the port belongs to."""
        return self._sw

    @property
    def portgroup(self):
        """The port group of a vNIC or VMkernel port; None for an uplink."""
        return self._sw._wrap(lib.vsw_port_portgroup(self._p()), PortGroup)

    @property
    def link(self):
        """True while the port is up; set False to disconnect it."""
        return bool(lib.vsw_port_link(self._p()))

    @link.setter
    def link(self, up):
        check(lib.vsw_port_set_link(self._p(), 1 if up else 0), "vsw_port_set_link", self.name, up)
        self._sw._after()

    @property
    def counters(self):
        """Every counter of the port, as {name: value}."""
        p = self._p()
        return {c.name.lower(): lib.vsw_port_counter(p, int(c)) for c in Counter}

    def counter(self, which):
        """One counter (a Counter) of the port."""
        return lib.vsw_port_counter(self._p(), int(which))

    def clear_counters(self):
        """Set every counter of the port to zero."""
        check(lib.vsw_port_clear_counters(self._p()), "vsw_port_clear_counters", self.name)

    def send(self, frames):
        """Send frames into the switch from this port: bytes, or (bytes, vlan_tci)
        for a frame whose outer 802.1Q tag was stripped. Any number of frames."""
        frames = list(frames)
        p = self._p()
        for chunk in _chunks(frames, BATCH_MAX):
            arr, keep = _frames_in(chunk)
            check(lib.vsw_port_input(p, arr, len(chunk)), "vsw_port_input", self.name,
                  "%d frames" % len(chunk))
            del keep
            self._sw._after()

    @property
    def on_receive(self):
        """A callable(port, [bytes]) given the frames the switch delivers to this
        port, when it has no backend; None to stop."""
        return self._rx

    @on_receive.setter
    def on_receive(self, fn):
        p = self._p()
        if fn is None:
            check(lib.vsw_port_set_rx(p, RX_FN(), None), "vsw_port_set_rx", self.name, None)
            self._rx = self._rx_cfunc = None
            return
        ref = weakref.ref(self)
        sw = self._sw

        def trampoline(port_ptr, frames, n, user):
            try:
                port = ref()
                if port is not None and port._rx is not None:
                    port._rx(port, [_frame_bytes(frames[i]) for i in range(n)])
            except BaseException as e:  # re-raised by the delivering call
                if sw._pending is None:
                    sw._pending = e
        cfunc = RX_FN(trampoline)
        check(lib.vsw_port_set_rx(p, cfunc, None), "vsw_port_set_rx", self.name, fn)
        self._rx, self._rx_cfunc = fn, cfunc

    @property
    def current_uplink(self):
        """The uplink this virtual port's traffic leaves by, or None."""
        return self._sw._port(lib.vsw_uplink_port(lib.vsw_port_current_uplink(self._p())) or None)

    def attach(self, spec, options=None):
        """Open a backend from 'spec' ("tap:vm1", "afpacket:eth1"...) and attach it."""
        check(lib.vsw_port_attach(self._p(), _enc(spec), _enc(options) if options else None),
              "vsw_port_attach", self.name, spec, options)
        self._sw._after()

    def attach_backend(self, backend):
        """Attach an open Backend; the port owns it from now on."""
        check(lib.vsw_port_attach_backend(self._p(), backend._p()), "vsw_port_attach_backend",
              self.name, backend)
        backend._owned_by(self)
        self._sw._after()

    def detach(self):
        """Detach and close the port's backend."""
        check(lib.vsw_port_detach(self._p()), "vsw_port_detach", self.name)
        self._sw._after()

    @property
    def backend_type(self):
        """The type of the attached backend ("tap", "memory"...), or None."""
        be = lib.vsw_port_backend(self._p())
        return _dec(lib.vsw_backend_type(be)) if be else None


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
        "src_mac": _mac_out(n.src_mac),
    }


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

        def visit(n, user):
            out.append(_lldp_neighbor(n.contents))
            return 0
        cb = LLDP_FN(visit)
        check(lib.vsw_uplink_lldp_foreach(lib.vsw_port_to_uplink(self._p()), cb, None),
              "vsw_uplink_lldp_foreach", self.name)
        return out

    def remove(self):
        """Remove the uplink from its switch and every teaming order."""
        ptr = self._p()
        check(lib.vsw_uplink_remove(lib.vsw_port_to_uplink(ptr)), "vsw_uplink_remove", self.name)
        self._sw._forget(ptr)

    @property
    def beacon_state(self):
        """What beacon probing says of the uplink over all probed VLANs (a BeaconState)."""
        return BeaconState(lib.vsw_uplink_beacon_state(lib.vsw_port_to_uplink(self._p())))

    def beacon_vlan_state(self, vlan):
        """What beacon probing says of the uplink on one VLAN (4095 is VLAN 0's probes)."""
        return BeaconState(lib.vsw_uplink_beacon_vlan_state(lib.vsw_port_to_uplink(self._p()),
                                                            int(vlan)))


class _VirtualPort(Port):
    __slots__ = ()

    @property
    def mac(self):
        """The MAC address the switch knows the port under."""
        m = (ctypes.c_uint8 * 6)()
        check(lib.vsw_port_mac(self._p(), m), "vsw_port_mac", self.name)
        return _mac_out(m)


class VNic(_VirtualPort):
    """A virtual machine's NIC."""

    __slots__ = ()

    @property
    def initial_mac(self):
        """The MAC the vNIC was added with."""
        m = (ctypes.c_uint8 * 6)()
        check(lib.vsw_vnic_initial_mac(lib.vsw_port_to_vnic(self._p()), m), "vsw_vnic_initial_mac",
              self.name)
        return _mac_out(m)

    @_VirtualPort.mac.setter
    def mac(self, value):
        """Set the effective MAC, as a guest that changes its address."""
        check(lib.vsw_vnic_set_mac(lib.vsw_port_to_vnic(self._p()), _mac_in(value)),
              "vsw_vnic_set_mac", self.name, value)
        self._sw._after()

    def remove(self):
        """Remove the vNIC."""
        ptr = self._p()
        check(lib.vsw_vnic_remove(lib.vsw_port_to_vnic(ptr)), "vsw_vnic_remove", self.name)
        self._sw._forget(ptr)


class Vmk(_VirtualPort):
    """A VMkernel port: the host's own endpoint on the switch."""

    __slots__ = ()

    @property
    def services(self):
        """The services the VMkernel port carries (Service flags); settable."""
        from .enums import Service
        return Service(lib.vsw_vmk_services(lib.vsw_port_to_vmk(self._p())))

    @services.setter
    def services(self, value):
        check(lib.vsw_vmk_set_services(lib.vsw_port_to_vmk(self._p()), int(value)),
              "vsw_vmk_set_services", self.name, value)

    def _k(self):
        return lib.vsw_port_to_vmk(self._p())

    def create_interface(self, netstack=None, mtu=0):
        """Give the port its interface in the host: a tap named after it, with
        its MAC, in the TCP/IP stack 'netstack' (None: the caller's own), at
        'mtu' (0: the switch's). Needs CAP_NET_ADMIN (and CAP_SYS_ADMIN for a
        named stack)."""
        o = VmkIfaceOpts(ctypes.sizeof(VmkIfaceOpts), _enc(netstack) if netstack else None,
                         int(mtu))
        check(lib.vsw_vmk_iface_create(self._k(), ctypes.byref(o)), "vsw_vmk_iface_create",
              self.name, netstack, mtu)

    @property
    def netstack(self):
        """The TCP/IP stack of the port's interface ("default" or a name), or
        None when it has none."""
        s = lib.vsw_vmk_netstack(self._k())
        return s.decode() if s is not None else None

    @property
    def mtu(self):
        """The MTU of the port's interface; settable."""
        return check(lib.vsw_vmk_mtu(self._k()), "vsw_vmk_mtu", self.name)

    @mtu.setter
    def mtu(self, value):
        check(lib.vsw_vmk_set_mtu(self._k(), int(value)), "vsw_vmk_set_mtu", self.name, value)

    def add_ip(self, cidr):
        """Give the interface the address 'cidr' ("192.0.2.1/24", "2001:db8::1/64")."""
        check(lib.vsw_vmk_ip_add(self._k(), _enc(cidr)), "vsw_vmk_ip_add", self.name, cidr)

    def remove_ip(self, cidr):
        """Take the address 'cidr' off the interface."""
        check(lib.vsw_vmk_ip_remove(self._k(), _enc(cidr)), "vsw_vmk_ip_remove", self.name, cidr)

    @property
    def ips(self):
        """The interface's addresses, as "ADDR/PREFIX" strings."""
        out = []

        def visit(cidr, user):
            out.append(cidr.decode())
            return 0
        cb = IP_FN(visit)
        check(lib.vsw_vmk_ip_foreach(self._k(), cb, None), "vsw_vmk_ip_foreach", self.name)
        return out

    def add_route(self, dst, gateway=None):
        """Add a route through the interface in its stack: dst "default" or
        "NET/LEN", via 'gateway' (None: on the link; required for default).
        A stack has one route per destination: one default gateway."""
        check(lib.vsw_vmk_route_add(self._k(), _enc(dst), _enc(gateway) if gateway else None),
              "vsw_vmk_route_add", self.name, dst, gateway)

    def remove_route(self, dst, gateway=None):
        """Remove a route through the interface (gateway None: any gateway)."""
        check(lib.vsw_vmk_route_remove(self._k(), _enc(dst), _enc(gateway) if gateway else None),
              "vsw_vmk_route_remove", self.name, dst, gateway)

    @property
    def routes(self):
        """The routes through the interface, but the kernel's own: a list of
        (dst, gateway or None) tuples."""
        out = []

        def visit(dst, gw, user):
            out.append((dst.decode(), gw.decode() if gw is not None else None))
            return 0
        cb = ROUTE_FN(visit)
        check(lib.vsw_vmk_route_foreach(self._k(), cb, None), "vsw_vmk_route_foreach", self.name)
        return out

    def remove(self):
        """Remove the VMkernel port."""
        ptr = self._p()
        check(lib.vsw_vmk_remove(lib.vsw_port_to_vmk(ptr)), "vsw_vmk_remove", self.name)
        self._sw._forget(ptr)


def netstack_add(name):
    """Create the TCP/IP stack 'name': a network namespace /run/netns/NAME
    (as `ip netns add` makes) with its loopback up."""
    check(lib.vsw_netstack_add(_enc(name)), "vsw_netstack_add", name)


def netstack_remove(name):
    """Remove the TCP/IP stack 'name'."""
    check(lib.vsw_netstack_remove(_enc(name)), "vsw_netstack_remove", name)


class Backend:
    """A backend instance used on its own: e.g. one end of a memory wire
    ("memory:NAME") playing the physical network behind an uplink."""

    def __init__(self, spec, options=None):
        p = c_void_p()
        check(lib.vsw_backend_open(_enc(spec), _enc(options) if options else None, ctypes.byref(p)),
              "vsw_backend_open", spec, options)
        self._ptr = p.value
        self._spec = spec
        self._owner = None
        self._bufs = (Frame * BATCH_MAX)()
        _open_backends.add(self)

    def _p(self):
        if self._ptr is None:
            raise ValueError("the backend is closed")
        return self._ptr

    def _owned_by(self, port):
        self._owner = weakref.ref(port)
        _open_backends.discard(self)

    def close(self):
        """Close the instance (an instance a port owns is closed by the port)."""
        if self._ptr is not None and self._owner is None:
            lib.vsw_backend_close(self._ptr)
        self._ptr = None
        _open_backends.discard(self)

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
        return _dec(lib.vsw_backend_type(self._p()))

    def send(self, frames):
        """Send frames (bytes, or (bytes, vlan_tci)); returns how many were taken."""
        frames = list(frames)
        total = 0
        for chunk in _chunks(frames, BATCH_MAX):
            arr, keep = _frames_in(chunk)
            n = check(lib.vsw_backend_send(self._p(), arr, len(chunk)), "vsw_backend_send",
                      self._spec, "%d frames" % len(chunk))
            del keep
            total += n
            if n < len(chunk):
                break
        return total

    def recv(self, max_frames=BATCH_MAX):
        """Receive waiting frames (never blocks): a list of bytes, tags in the bytes."""
        n = check(lib.vsw_backend_recv(self._p(), self._bufs, min(max_frames, BATCH_MAX)),
                  "vsw_backend_recv", self._spec, max_frames)
        return [_frame_bytes(self._bufs[i]) for i in range(n)]

    def fileno(self):
        """A descriptor that polls readable when frames wait."""
        return check(lib.vsw_backend_fd(self._p()), "vsw_backend_fd", self._spec)

    @property
    def link(self):
        """The link (carrier) state; set it where the backend can (a memory wire's cable)."""
        return bool(check(lib.vsw_backend_link(self._p()), "vsw_backend_link", self._spec))

    @link.setter
    def link(self, up):
        check(lib.vsw_backend_set_link(self._p(), 1 if up else 0), "vsw_backend_set_link",
              self._spec, up)

    @property
    def mac(self):
        """The MAC address of the device behind the backend ("xx:xx:...")."""
        m = (ctypes.c_uint8 * 6)()
        check(lib.vsw_backend_mac(self._p(), m), "vsw_backend_mac", self._spec)
        return _mac_out(m)

    @property
    def mtu(self):
        """The MTU of the device behind the backend."""
        return check(lib.vsw_backend_mtu(self._p()), "vsw_backend_mtu", self._spec)
