# SPDX-License-Identifier: MIT
"""libvsw: Python bindings for libvsw, the embeddable VMware-style virtual switch.

Pure Python over ctypes: no compiler needed. The library is loaded from
``LIBVSW_PATH`` if set, else as the installed ``libvsw.so.2``.

    import libvsw

    with libvsw.Switch("vSwitch0") as sw:
        pg = sw.add_portgroup("Prod", vlan=10)
        a = pg.add_vnic("a", mac="00:50:56:00:00:01")
        b = pg.add_vnic("b", mac="00:50:56:00:00:02")
        b.on_receive = lambda port, frames: print(port.name, len(frames))
        a.send([bytes.fromhex("005056000002" "005056000001" "0800") + bytes(46)])

Frames go in as bytes, or as :class:`Frame` objects that carry offload
metadata (a partial checksum, a TSO/USO super-frame); they come out as
:class:`Frame` objects. A port's receiver takes offloaded frames as they
are only of the kinds in ``port.offloads`` (:class:`Offload`): the switch
checksums or segments the others in software.

Policies and counters go by name too (``pg.policy["promiscuous"]``,
``port.counter("rx_packets")``); ``port.capture()`` shows a port's
frames (libvsw 2.2: mirroring sessions, ``sw.add_mirror()``, and pcapng,
``write_pcapng()``); ``send()`` takes one frame or a list;
VLAN IDs and MTUs out of range raise :class:`VswRangeError` (a
:class:`ValueError`) with the valid range; ``run()`` returns on Ctrl-C.

Every libvsw error is raised as :class:`VswError` (an :class:`OSError` with
``errno`` set). See help(libvsw.Switch) and the man pages vsw(7), vsw-forwarding(7).
"""

from ._lib import lib as _clib
from .backend import Backend
from .enums import (BATCH_MAX, VLAN_NONE, VLAN_TRUNK, BeaconState, Counter, CounterKind,
                    FailureDetection, FrameFlag, GsoType, LldpMode, LoadBalancing, LogLevel,
                    MirrorDirection, Offload, Policy, PortKind, Service, UplinkRole)
from .errors import VswError, VswExistsError, VswNotFoundError, VswPermissionError, VswRangeError
from .frame import Frame
from .host import netstack_add, netstack_remove
from .mirror import Capture, CapturedFrame, Mirror
from .port import Port, Uplink, Vmk, VNic
from .portgroup import PortGroup
from .switch import Switch

__all__ = [
    "Backend", "Capture", "CapturedFrame", "Frame", "Mirror", "MirrorDirection", "Port", "PortGroup", "Switch", "Uplink", "Vmk", "VNic",
    "BATCH_MAX", "VLAN_NONE", "VLAN_TRUNK", "BeaconState", "Counter", "CounterKind",
    "FailureDetection", "FrameFlag", "GsoType", "LldpMode", "LoadBalancing", "LogLevel",
    "Offload", "Policy", "PortKind", "Service", "UplinkRole",
    "VswError", "VswExistsError", "VswNotFoundError", "VswPermissionError", "VswRangeError",
    "version", "library_version", "netstack_add", "netstack_remove",
]

#: Version of this package (follows the library it was released with).
__version__ = "2.0.0"


def library_version() -> str:
    """The version string of the libvsw that was loaded, e.g. "2.0.0"."""
    return _clib.vsw_version().decode()


version = library_version
