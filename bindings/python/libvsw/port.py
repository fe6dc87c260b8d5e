# SPDX-License-Identifier: MIT
"""Ports: what uplinks, vNICs and VMkernel ports share (link, counters,
frames in and out, a backend), and each kind's own calls. A port's switch
makes its handle (Switch._port) and finds its port group (Switch._portgroup).
"""

from __future__ import annotations

import ctypes
import ipaddress
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple, Union

from . import _values as V
from ._values import MacLike
from ._guard import batch_receiver, retire
from ._handle import Handle
from ._lib import LLDP_FN, RX_FN, lib
from ._walk import walk
from .backend import Backend
from .enums import BeaconState, Counter, Offload, PortKind, Service
from .errors import check
from .frame import Frame, Frames
from .host import VmkInterface
from .mirror import Capture, DirectionLike

if TYPE_CHECKING:
    from .portgroup import PortGroup
    from .switch import Switch

#: A receive callback: (port, frames) -> how many it took (None: all).
Receiver = Callable[["Port", List[Frame]], Optional[int]]


class Port(Handle):
    """What uplinks, vNICs and VMkernel ports have in common: link state,
    counters, frames in (send()) and out (on_receive or a backend).

    Ports are made by their switch or port group, never constructed
    directly: Switch.add_uplink(), PortGroup.add_vnic(), PortGroup.add_vmk();
    Switch.port(name) finds one again. repr() shows its state."""

    __slots__ = ("_rx", "_rx_cfunc", "_backend")

    def __init__(self, sw: Switch, ptr: int, name: str) -> None:
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

    def _fields(self) -> List[Tuple[str, Any]]:
        return super()._fields() + [("link", self.link), ("backend", self.backend_type)]

    def _drop_backend(self, why):
        be, self._backend = self._backend, None
        if be is not None:
            be._taken_away(why)

    @property
    def kind(self) -> PortKind:
        """PortKind.UPLINK, VNIC or VMK."""
        with self._use() as p:
            return PortKind(lib.vsw_port_kind(p))

    @property
    def switch(self) -> Switch:
        """The Switch the port belongs to."""
        return self._sw

    @property
    def portgroup(self) -> Optional[PortGroup]:
        """The port group of a vNIC or VMkernel port; None for an uplink."""
        with self._use() as p:
            return self._sw._portgroup(lib.vsw_port_portgroup(p))

    @property
    def link(self) -> bool:
        """True while the port is up; set False to disconnect it."""
        with self._use() as p:
            return bool(lib.vsw_port_link(p))

    @link.setter
    def link(self, up: bool) -> None:
        with self._use() as p:
            check(lib.vsw_port_set_link(p, 1 if up else 0), "vsw_port_set_link", self._name, up)

    @property
    def counters(self) -> Dict[str, int]:
        """Every counter of the port, as {name: value}, read in one call
        (vsw_port_counters), so the values belong to one instant."""
        vals = (ctypes.c_uint64 * len(Counter))()
        with self._use() as p:
            check(lib.vsw_port_counters(p, vals, len(Counter)), "vsw_port_counters", self._name)
        return {c.name.lower(): vals[int(c)] for c in Counter}

    def counter(self, which: Union[Counter, str, int]) -> int:
        """One counter of the port: a Counter or its name, any case
        (``port.counter("rx_packets")`` is ``port.counters["rx_packets"]``);
        an unknown name raises KeyError (also a ValueError) listing the
        valid ones."""
        w = V.sint(V.member(Counter, which, "counter"), what="counter")
        with self._use() as p:
            return lib.vsw_port_counter(p, w)

    def clear_counters(self) -> None:
        """Set every counter of the port to zero."""
        with self._use() as p:
            check(lib.vsw_port_clear_counters(p), "vsw_port_clear_counters", self._name)

    def send(self, frames: Frames) -> None:
        """Send frames into the switch from this port: one frame (bytes,
        bytearray, memoryview or Frame: one frame, not a list of its bytes),
        or a list (any iterable) of bytes, of
        Frame objects (bytes with offload metadata: a partial checksum, a
        TSO/USO super-frame), or of (bytes, vlan_tci) for a frame whose
        outer 802.1Q tag was stripped. Any number of frames; a switch closed
        by a receive callback meanwhile takes no more. From a receive
        callback of the same switch, the frames are queued and forwarded
        when the delivery that ran the callback ends."""
        batches = V.batches(frames)
        sw = self._sw
        with self._use() as p:
            for arr, keep in batches:
                check(lib.vsw_port_input(p, arr, len(arr)), "vsw_port_input", self._name,
                      "%d frames" % len(arr))
                if sw._closing or sw._pending is not None:
                    break

    @property
    def on_receive(self) -> Optional[Receiver]:
        """A callable(port, frames) given the frames the switch delivers to
        this port (a list of Frame: bytes with their offload metadata), when
        it has no backend; None to stop. It returns how many it took, from
        the first: None means all; the rest count as Counter.TX_FULL. If it
        raises, it took none, and the call that delivered re-raises. Frames
        come with offload metadata only of the kinds in the port's
        offloads (none by default): the switch finishes the others."""
        return self._rx

    @on_receive.setter
    def on_receive(self, fn: Optional[Receiver]) -> None:
        sw = self._sw
        if fn is None:
            cfunc = None
        else:
            # the frames the Python side never saw were not taken
            cfunc = RX_FN(batch_receiver(sw, self, "_rx", _frames_out, "a receive callback"))
        with self._use() as p:
            check(lib.vsw_port_set_rx(p, cfunc if cfunc else RX_FN(), None), "vsw_port_set_rx",
                  self._name, fn)
            retire(sw, self._rx_cfunc)
            self._rx, self._rx_cfunc = fn, cfunc

    def capture(self, direction: DirectionLike = "both", snaplen: int = 0,
                count: Optional[int] = None, timeout: Optional[float] = None,
                max_queue: int = 65536) -> Capture:
        """Capture the port's frames, as the pktcap-uw of ESXi: "in" (what
        the port sends into the switch, as it sent it), "out" (what the
        switch delivers to it, after tagging) or "both". Returns a Capture:
        iterate over it for CapturedFrame objects (port, direction,
        timestamp in ns, data, length), or call write_pcapng(file). snaplen
        cuts each copy (0: whole frames, else at least 14); count frames
        end it; with timeout (seconds), iteration runs the switch and waits
        that long for the next frame. Use it in a ``with`` block, or
        close() it: that removes its mirroring session. libvsw 2.2."""
        return Capture(self._sw, [self], direction, snaplen, count, timeout, max_queue)

    @property
    def offloads(self) -> Offload:
        """The offloaded frames the port's receiver takes as they are
        (Offload flags; none for a port without a backend until set). Set it
        to narrow or widen them; with a backend, never beyond what the
        backend takes. The switch finishes the other frames in software."""
        with self._use() as p:
            return Offload(lib.vsw_port_offloads(p))

    @offloads.setter
    def offloads(self, value: Union[Offload, int]) -> None:
        v = V.uint(value, 64, what="offloads")
        with self._use() as p:
            check(lib.vsw_port_set_offloads(p, v), "vsw_port_set_offloads", self._name, value)

    @property
    def current_uplink(self) -> Optional[Uplink]:
        """The uplink this virtual port's traffic leaves by, or None."""
        with self._use() as p:
            return self._sw._port(lib.vsw_uplink_port(lib.vsw_port_current_uplink(p)) or None)

    def attach(self, spec: Union[str, bytes], options: Optional[Union[str, bytes]] = None) -> None:
        """Open a backend from 'spec' ("tap:vm1", "afpacket:eth1"...) and attach it."""
        bspec, bopt = V.enc(spec, "backend spec"), V.enc_opt(options, "backend options")
        with self._use() as p:
            check(lib.vsw_port_attach(p, bspec, bopt), "vsw_port_attach", self._name, spec,
                  options)

    def attach_backend(self, backend: Backend) -> None:
        """Attach an open Backend; the port owns it from now on (it is closed
        with the port, by detach() or with the switch)."""
        if not isinstance(backend, Backend):
            raise TypeError("attach_backend() takes a Backend; attach() takes a spec")
        with self._use() as p:
            backend._hand_over(self._sw, self._name,
                               lambda be: lib.vsw_port_attach_backend(p, be))
            self._backend = backend

    def detach(self) -> None:
        """Detach and close the port's backend."""
        with self._use() as p:
            check(lib.vsw_port_detach(p), "vsw_port_detach", self._name)
            self._drop_backend("it was detached from port %r" % self._name)

    @property
    def backend_type(self) -> Optional[str]:
        """The type of the attached backend ("tap", "memory"...), or None."""
        with self._use() as p:
            be = lib.vsw_port_backend(p)
            return V.dec(lib.vsw_backend_type(be)) if be else None


def _frames_out(frames, n):
    return [V.frame_out(frames[i]) for i in range(n)]


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


class Uplink(Port):
    """A vmnic: the switch's port to the physical network, made by
    Switch.add_uplink(name, backend=None) (e.g. backend="afpacket:eth1")."""

    __slots__ = ()

    def lldp_neighbors(self) -> List[Dict[str, Any]]:
        """The LLDP neighbors the uplink has heard, first heard first: a list of
        dicts chassis_id, port_id (text; *_subtype and *_raw bytes too), ttl,
        expires_sec, port_description, system_name, system_description (None
        when not sent), mgmt_ipv4, mgmt_ipv6, port_vlan_id (None when not
        sent) and src_mac."""
        return walk(self._use(), lib.vsw_uplink_lldp_foreach, LLDP_FN,
                    lambda n: _lldp_neighbor(n.contents), self._name, lib.vsw_port_to_uplink)

    def remove(self) -> None:
        """Remove the uplink from its switch and every teaming order."""
        with self._use() as p:
            check(lib.vsw_uplink_remove(lib.vsw_port_to_uplink(p)), "vsw_uplink_remove",
                  self._name)
            self._sw._forget(p)

    @property
    def beacon_state(self) -> BeaconState:
        """What beacon probing says of the uplink over all probed VLANs (a BeaconState)."""
        with self._use() as p:
            return BeaconState(lib.vsw_uplink_beacon_state(lib.vsw_port_to_uplink(p)))

    def beacon_vlan_state(self, vlan: int) -> BeaconState:
        """What beacon probing says of the uplink on one VLAN (4095 is VLAN 0's probes)."""
        v = V.uint(vlan, what="VLAN ID")
        with self._use() as p:
            return BeaconState(lib.vsw_uplink_beacon_vlan_state(lib.vsw_port_to_uplink(p), v))


class _VirtualPort(Port):
    __slots__ = ()

    def _fields(self) -> List[Tuple[str, Any]]:
        base = super()._fields()
        return base[:1] + [("portgroup", self.portgroup.name), ("mac", self.mac)] + base[1:]

    @property
    def mac(self) -> str:
        """The MAC address the switch knows the port under."""
        m = (ctypes.c_uint8 * 6)()
        with self._use() as p:
            check(lib.vsw_port_mac(p, m), "vsw_port_mac", self._name)
        return V.mac_out(m)


class VNic(_VirtualPort):
    """A virtual machine's NIC, made by PortGroup.add_vnic(name, mac=None,
    backend=None) (e.g. backend="tap:vm1", whose MAC it then takes)."""

    __slots__ = ()

    @property
    def initial_mac(self) -> str:
        """The MAC the vNIC was added with."""
        m = (ctypes.c_uint8 * 6)()
        with self._use() as p:
            check(lib.vsw_vnic_initial_mac(lib.vsw_port_to_vnic(p), m), "vsw_vnic_initial_mac",
                  self._name)
        return V.mac_out(m)

    @_VirtualPort.mac.setter
    def mac(self, value: MacLike) -> None:
        """Set the effective MAC, as a guest that changes its address."""
        m = V.mac_in(value)
        with self._use() as p:
            check(lib.vsw_vnic_set_mac(lib.vsw_port_to_vnic(p), m), "vsw_vnic_set_mac",
                  self._name, value)

    def remove(self) -> None:
        """Remove the vNIC (and close its backend)."""
        with self._use() as p:
            check(lib.vsw_vnic_remove(lib.vsw_port_to_vnic(p)), "vsw_vnic_remove", self._name)
            self._sw._forget(p)


class Vmk(_VirtualPort, VmkInterface):
    """A VMkernel port: the host's own endpoint on the switch, made by
    PortGroup.add_vmk(name, mac=None, services=0, backend=None). Its interface
    in the host (create_interface(), netstack, mtu, addresses, routes) comes
    from libvsw.host."""

    __slots__ = ()

    @property
    def services(self) -> Service:
        """The services the VMkernel port carries (Service flags); settable."""
        with self._k() as k:
            return Service(lib.vsw_vmk_services(k))

    @services.setter
    def services(self, value: Union[Service, int]) -> None:
        v = V.uint(value, what="services")
        with self._k() as k:
            check(lib.vsw_vmk_set_services(k, v), "vsw_vmk_set_services", self._name, value)

    def remove(self) -> None:
        """Remove the VMkernel port (and its interface)."""
        with self._use() as p:
            check(lib.vsw_vmk_remove(lib.vsw_port_to_vmk(p)), "vsw_vmk_remove", self._name)
            self._sw._forget(p)
