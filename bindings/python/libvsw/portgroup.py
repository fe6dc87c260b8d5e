# SPDX-License-Identifier: MIT
"""Port groups: L2 segments with a VLAN ID, their policies and teaming
order, and the vNICs and VMkernel ports added to them. The switch makes the
handles of the ports (Switch._port)."""

from __future__ import annotations

import ctypes
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple, Union

from . import _values as V
from ._values import MacLike
from ._handle import Handle
from ._lib import lib
from ._walk import chain
from .backend import Backend
from .enums import Service
from .errors import check
from .policy import PolicyView, UplinkNames, set_teaming, teaming
from .port import Port, Vmk, VNic

if TYPE_CHECKING:
    from .switch import Switch


class PortGroup(Handle):
    """A port group: an L2 segment with a VLAN ID (0, 1-4094, 4095), its
    policies (inherited from the switch until set) and teaming order.

    Made by Switch.add_portgroup(name, vlan=0) and found again with
    Switch.portgroup(name); never constructed directly. Add its ports with
    add_vnic() and add_vmk(). repr() shows its VLAN and ports."""

    __slots__ = ()

    def _fields(self) -> List[Tuple[str, Any]]:
        return super()._fields() + [("vlan", self.vlan), ("ports", [p.name for p in self.ports])]

    @property
    def switch(self) -> Switch:
        """The Switch that owns the port group."""
        return self._sw

    @property
    def vlan(self) -> int:
        """The VLAN ID: 0 (no tagging), 1-4094, or 4095 (guest tagging); settable."""
        with self._use() as p:
            return lib.vsw_portgroup_vlan(p)

    @vlan.setter
    def vlan(self, value: int) -> None:
        v = V.vlan(value, "vsw_portgroup_set_vlan", self._name, value)
        with self._use() as p:
            check(lib.vsw_portgroup_set_vlan(p, v), "vsw_portgroup_set_vlan", self._name, value)

    @property
    def policy(self) -> PolicyView:
        """The port group's effective policies; set to override, del to inherit."""
        return PolicyView(self, portgroup=True)

    @property
    def port_count(self) -> int:
        """How many vNICs and VMkernel ports the group holds."""
        with self._use() as p:
            return lib.vsw_portgroup_port_count(p)

    @property
    def ports(self) -> List[Port]:
        """The group's vNICs and VMkernel ports, in the order added."""
        with self._use() as pg:
            return chain(lib.vsw_portgroup_port_next, pg, self._sw._port)

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
            p = ctypes.c_void_p()
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

    def add_vnic(self, name: Union[str, bytes], mac: Optional[MacLike] = None,
                 backend: Optional[Union[str, Backend]] = None,
                 options: Optional[str] = None) -> VNic:
        """Add a VM's vNIC; 'mac' defaults to the backend's (a tap's) MAC.
        'backend' is a spec ("tap:vm1") or an open Backend, which the port
        then owns."""
        return self._add_port(lib.vsw_vnic_add, name, mac, [], backend, options)

    def add_vmk(self, name: Union[str, bytes], mac: Optional[MacLike] = None,
                services: Union[Service, int] = 0,
                backend: Optional[Union[str, Backend]] = None,
                options: Optional[str] = None) -> Vmk:
        """Add a VMkernel port carrying 'services' (Service flags)."""
        return self._add_port(lib.vsw_vmk_add, name, mac, [V.uint(services, what="services")],
                              backend, options)

    def set_teaming(self, active: UplinkNames, standby: UplinkNames = ()) -> None:
        """Override the teaming order with these uplink names (in order; one
        name, a str, is one uplink)."""
        set_teaming(lib.vsw_portgroup_set_teaming, self, active, standby)

    def clear_teaming(self) -> None:
        """Follow the switch's teaming order again."""
        with self._use() as p:
            check(lib.vsw_portgroup_clear_teaming(p), "vsw_portgroup_clear_teaming", self._name)

    @property
    def teaming(self) -> Dict[str, Any]:
        """{'active', 'standby', 'unused': [names], 'inherited': bool}."""
        with self._use() as p:
            t = teaming(lambda r, i: lib.vsw_portgroup_teaming_uplink(p, r, i))
            t["inherited"] = bool(lib.vsw_portgroup_teaming_inherited(p))
            return t

    def remove(self) -> None:
        """Remove the (empty) port group."""
        with self._use() as p:
            check(lib.vsw_portgroup_remove(p), "vsw_portgroup_remove", self._name)
            self._sw._forget(p)
