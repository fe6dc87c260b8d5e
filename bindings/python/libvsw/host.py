# SPDX-License-Identifier: MIT
"""Host plumbing: a VMkernel port's interface in the host kernel (its
TCP/IP stack, MTU, addresses and routes), and the TCP/IP stacks themselves
(network namespaces). These calls run netlink and may need CAP_NET_ADMIN;
nothing else in the package does.
"""

from __future__ import annotations

import ctypes
from typing import List, Optional, Tuple, Union

from . import _values as V
from ._guard import Call
from ._lib import IP_FN, ROUTE_FN, VmkIfaceOpts, lib
from ._walk import walk
from .errors import check


class _VmkCall(Call):
    """Call whose value is the struct vsw_vmk of the port."""

    __slots__ = ()

    def __init__(self, port):
        super().__init__(port._sw, port)

    def __enter__(self):
        return lib.vsw_port_to_vmk(super().__enter__())


class VmkInterface:
    """The host side of a VMkernel port (mixed into libvsw.Vmk)."""

    __slots__ = ()

    def _k(self):
        return _VmkCall(self)

    def create_interface(self, netstack: Optional[str] = None, mtu: int = 0) -> None:
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
    def netstack(self) -> Optional[str]:
        """The TCP/IP stack of the port's interface ("default" or a name), or
        None when it has none."""
        with self._k() as k:
            return V.dec(lib.vsw_vmk_netstack(k))

    @property
    def mtu(self) -> int:
        """The MTU of the port's interface; settable."""
        with self._k() as k:
            return check(lib.vsw_vmk_mtu(k), "vsw_vmk_mtu", self._name)

    @mtu.setter
    def mtu(self, value: int) -> None:
        v = V.uint(value, what="mtu")
        with self._k() as k:
            check(lib.vsw_vmk_set_mtu(k, v), "vsw_vmk_set_mtu", self._name, value)

    def add_ip(self, cidr: Union[str, bytes]) -> None:
        """Give the interface the address 'cidr' ("192.0.2.1/24", "2001:db8::1/64")."""
        c = V.enc(cidr, "address")
        with self._k() as k:
            check(lib.vsw_vmk_ip_add(k, c), "vsw_vmk_ip_add", self._name, cidr)

    def remove_ip(self, cidr: Union[str, bytes]) -> None:
        """Take the address 'cidr' off the interface."""
        c = V.enc(cidr, "address")
        with self._k() as k:
            check(lib.vsw_vmk_ip_remove(k, c), "vsw_vmk_ip_remove", self._name, cidr)

    @property
    def ips(self) -> List[str]:
        """The interface's addresses, as "ADDR/PREFIX" strings."""
        return walk(self._k(), lib.vsw_vmk_ip_foreach, IP_FN, lambda cidr: cidr.decode(),
                    self._name)

    def add_route(self, dst: Union[str, bytes], gateway: Optional[Union[str, bytes]] = None) -> None:
        """Add a route through the interface in its stack: dst "default" or
        "NET/LEN", via 'gateway' (None: on the link; required for default).
        A stack has one route per destination: one default gateway."""
        d, g = V.enc(dst, "destination"), V.enc_opt(gateway, "gateway")
        with self._k() as k:
            check(lib.vsw_vmk_route_add(k, d, g), "vsw_vmk_route_add", self._name, dst, gateway)

    def remove_route(self, dst: Union[str, bytes],
                     gateway: Optional[Union[str, bytes]] = None) -> None:
        """Remove a route through the interface (gateway None: any gateway)."""
        d, g = V.enc(dst, "destination"), V.enc_opt(gateway, "gateway")
        with self._k() as k:
            check(lib.vsw_vmk_route_remove(k, d, g), "vsw_vmk_route_remove", self._name, dst,
                  gateway)

    @property
    def routes(self) -> List[Tuple[str, Optional[str]]]:
        """The routes through the interface, but the kernel's own: a list of
        (dst, gateway or None) tuples."""
        return walk(self._k(), lib.vsw_vmk_route_foreach, ROUTE_FN, lambda dst, gw: (
            dst.decode(), V.dec(gw)), self._name)


def netstack_add(name: Union[str, bytes]) -> None:
    """Create the TCP/IP stack 'name': a network namespace /run/netns/NAME
    (as `ip netns add` makes) with its loopback up."""
    check(lib.vsw_netstack_add(V.enc(name, "netstack")), "vsw_netstack_add", name)


def netstack_remove(name: Union[str, bytes]) -> None:
    """Remove the TCP/IP stack 'name'."""
    check(lib.vsw_netstack_remove(V.enc(name, "netstack")), "vsw_netstack_remove", name)
