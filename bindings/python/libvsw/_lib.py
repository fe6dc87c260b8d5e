# SPDX-License-Identifier: MIT
"""Loading libvsw and declaring its C API for ctypes.

The library is found, in order, through the ``LIBVSW_PATH`` environment
variable (the path of a ``libvsw.so*`` file, e.g. in a build tree), then as
the installed soname ``libvsw.so.<major>`` for the major versions this
package knows. A library of another major version is refused with a clear
message rather than called with the wrong ABI.
"""

import ctypes
import os

#: Major versions of libvsw whose ABI this package speaks: 2.0 changed struct
#: vsw_frame (32 bytes, offload metadata) and the receive callback's return
#: type, so libvsw.so.1 cannot be driven by this package, nor the reverse.
KNOWN_MAJORS = (2,)
#: The oldest minor version of those that has every function declared below.
MIN_MINOR = 0

c_int = ctypes.c_int
c_uint = ctypes.c_uint
c_char_p = ctypes.c_char_p
c_void_p = ctypes.c_void_p
c_uint8_p = ctypes.POINTER(ctypes.c_uint8)
c_uint64 = ctypes.c_uint64
c_size_t = ctypes.c_size_t


class CFrame(ctypes.Structure):
    """struct vsw_frame: one frame descriptor and its offload metadata (32
    bytes, fixed for the life of the 2.x ABI; arrays of it cross the API).
    Python code sees libvsw.Frame instead (frame.py)."""

    _fields_ = [
        ("data", ctypes.c_void_p),
        ("len", ctypes.c_uint32),
        ("vlan_tci", ctypes.c_uint16),
        ("flags", ctypes.c_uint16),
        ("csum_start", ctypes.c_uint16),
        ("csum_offset", ctypes.c_uint16),
        ("hdr_len", ctypes.c_uint16),
        ("gso_size", ctypes.c_uint16),
        ("gso_type", ctypes.c_uint8),
        ("reserved", ctypes.c_uint8 * 7),
    ]


class SwitchOpts(ctypes.Structure):
    """struct vsw_switch_opts."""

    _fields_ = [("size", c_size_t), ("mtu", c_uint), ("max_macs", c_uint)]


class FdbEntryInfo(ctypes.Structure):
    """struct vsw_fdb_entry_info."""

    _fields_ = [
        ("size", c_size_t),
        ("vlan", c_uint),
        ("mac", ctypes.c_uint8 * 6),
        ("learned", c_int),
        ("age_sec", c_uint),
        ("port", c_void_p),
    ]


class VmkIfaceOpts(ctypes.Structure):
    """struct vsw_vmk_iface_opts."""

    _fields_ = [("size", c_size_t), ("netstack", c_char_p), ("mtu", c_uint), ("persist", c_int)]


class LldpNeighbor(ctypes.Structure):
    """struct vsw_lldp_neighbor (libvsw 1.1)."""

    _fields_ = [
        ("size", c_size_t),
        ("chassis_id_subtype", c_uint),
        ("chassis_id", c_uint8_p),
        ("chassis_id_len", c_uint),
        ("chassis_id_text", c_char_p),
        ("port_id_subtype", c_uint),
        ("port_id", c_uint8_p),
        ("port_id_len", c_uint),
        ("port_id_text", c_char_p),
        ("ttl", c_uint),
        ("expires_sec", c_uint),
        ("port_description", c_char_p),
        ("system_name", c_char_p),
        ("system_description", c_char_p),
        ("has_mgmt_ipv4", c_int),
        ("mgmt_ipv4", ctypes.c_uint8 * 4),
        ("has_mgmt_ipv6", c_int),
        ("mgmt_ipv6", ctypes.c_uint8 * 16),
        ("port_vlan_id", c_uint),
        ("src_mac", ctypes.c_uint8 * 6),
    ]


class MirrorOpts(ctypes.Structure):
    """struct vsw_mirror_opts (libvsw 2.2)."""

    _fields_ = [("size", c_size_t), ("snaplen", c_uint), ("disabled", c_int)]


class MirrorCopy(ctypes.Structure):
    """struct vsw_mirror_copy (libvsw 2.2): one copy a mirroring session
    hands its callback destination; valid during the call only."""

    _fields_ = [
        ("data", c_uint8_p),
        ("caplen", ctypes.c_uint32),
        ("len", ctypes.c_uint32),
        ("ts_ns", c_uint64),
        ("port", c_void_p),
        ("direction", c_uint),
    ]


class MirrorStats(ctypes.Structure):
    """struct vsw_mirror_stats (libvsw 2.2)."""

    _fields_ = [("size", c_size_t), ("mirrored", c_uint64), ("dropped", c_uint64)]


class CaptureOpts(ctypes.Structure):
    """struct vsw_capture_opts (libvsw 2.2)."""

    _fields_ = [("size", c_size_t), ("queue_bytes", c_size_t), ("max_frames", c_uint64)]


class CaptureStats(ctypes.Structure):
    """struct vsw_capture_stats (libvsw 2.2)."""

    _fields_ = [("size", c_size_t), ("frames", c_uint64), ("dropped", c_uint64),
                ("bytes", c_uint64)]


# vsw_rx_fn returns how many frames the receiver took (libvsw 2.0)
RX_FN = ctypes.CFUNCTYPE(c_uint, c_void_p, ctypes.POINTER(CFrame), c_uint, c_void_p)
FDB_FN = ctypes.CFUNCTYPE(c_int, ctypes.POINTER(FdbEntryInfo), c_void_p)
CLOCK_FN = ctypes.CFUNCTYPE(c_uint64, c_void_p)
IP_FN = ctypes.CFUNCTYPE(c_int, c_char_p, c_void_p)
ROUTE_FN = ctypes.CFUNCTYPE(c_int, c_char_p, c_char_p, c_void_p)
LLDP_FN = ctypes.CFUNCTYPE(c_int, ctypes.POINTER(LldpNeighbor), c_void_p)
# vsw_mirror_fn returns how many copies the destination took (libvsw 2.2)
MIRROR_FN = ctypes.CFUNCTYPE(c_uint, c_void_p, ctypes.POINTER(MirrorCopy), c_uint, c_void_p)
# vsw_log_fn: the va_list arrives as (and is passed on as) a pointer, which
# is what a va_list argument is on the ABIs Linux runs on.
LOG_FN = ctypes.CFUNCTYPE(None, c_void_p, c_int, c_void_p, c_char_p, c_void_p)

# name: (restype, argtypes)
_PROTOTYPES = {
    "vsw_version": (c_char_p, []),
    "vsw_version_major": (c_uint, []),
    "vsw_version_minor": (c_uint, []),
    "vsw_switch_new": (c_int, [c_char_p, ctypes.POINTER(SwitchOpts), ctypes.POINTER(c_void_p)]),
    "vsw_switch_free": (None, [c_void_p]),
    "vsw_switch_name": (c_char_p, [c_void_p]),
    "vsw_switch_mtu": (c_uint, [c_void_p]),
    "vsw_switch_set_mtu": (c_int, [c_void_p, c_uint]),
    "vsw_switch_set_log": (c_int, [c_void_p, LOG_FN, c_int, c_void_p]),
    "vsw_policy_name": (c_char_p, [c_int]),
    "vsw_switch_policy_set": (c_int, [c_void_p, c_int, c_uint64]),
    "vsw_switch_policy_get": (c_int, [c_void_p, c_int, ctypes.POINTER(c_uint64)]),
    "vsw_portgroup_policy_set": (c_int, [c_void_p, c_int, c_uint64]),
    "vsw_portgroup_policy_get": (c_int, [c_void_p, c_int, ctypes.POINTER(c_uint64),
                                         ctypes.POINTER(c_int)]),
    "vsw_portgroup_policy_clear": (c_int, [c_void_p, c_int]),
    "vsw_portgroup_add": (c_int, [c_void_p, c_char_p, c_uint, c_uint, ctypes.POINTER(c_void_p)]),
    "vsw_portgroup_remove": (c_int, [c_void_p]),
    "vsw_portgroup_find": (c_int, [c_void_p, c_char_p, ctypes.POINTER(c_void_p)]),
    "vsw_portgroup_next": (c_void_p, [c_void_p, c_void_p]),
    "vsw_portgroup_name": (c_char_p, [c_void_p]),
    "vsw_portgroup_vlan": (c_uint, [c_void_p]),
    "vsw_portgroup_set_vlan": (c_int, [c_void_p, c_uint]),
    "vsw_portgroup_port_count": (c_uint, [c_void_p]),
    "vsw_portgroup_port_next": (c_void_p, [c_void_p, c_void_p]),
    "vsw_switch_set_teaming": (c_int, [c_void_p, ctypes.POINTER(c_char_p), c_uint,
                                       ctypes.POINTER(c_char_p), c_uint]),
    "vsw_portgroup_set_teaming": (c_int, [c_void_p, ctypes.POINTER(c_char_p), c_uint,
                                          ctypes.POINTER(c_char_p), c_uint]),
    "vsw_portgroup_clear_teaming": (c_int, [c_void_p]),
    "vsw_portgroup_teaming_inherited": (c_int, [c_void_p]),
    "vsw_switch_teaming_uplink": (c_void_p, [c_void_p, c_int, c_uint]),
    "vsw_portgroup_teaming_uplink": (c_void_p, [c_void_p, c_int, c_uint]),
    "vsw_port_find": (c_int, [c_void_p, c_char_p, ctypes.POINTER(c_void_p)]),
    "vsw_port_next": (c_void_p, [c_void_p, c_void_p]),
    "vsw_port_kind": (c_int, [c_void_p]),
    "vsw_port_name": (c_char_p, [c_void_p]),
    "vsw_port_portgroup": (c_void_p, [c_void_p]),
    "vsw_port_mac": (c_int, [c_void_p, c_uint8_p]),
    "vsw_port_set_link": (c_int, [c_void_p, c_int]),
    "vsw_port_link": (c_int, [c_void_p]),
    "vsw_counter_name": (c_char_p, [c_int]),
    "vsw_counter_kind": (c_int, [c_int]),
    "vsw_port_counter": (c_uint64, [c_void_p, c_int]),
    "vsw_port_counters": (c_int, [c_void_p, ctypes.POINTER(c_uint64), ctypes.c_uint]),
    "vsw_port_clear_counters": (c_int, [c_void_p]),
    "vsw_uplink_add": (c_int, [c_void_p, c_char_p, c_uint, ctypes.POINTER(c_void_p)]),
    "vsw_uplink_remove": (c_int, [c_void_p]),
    "vsw_uplink_port": (c_void_p, [c_void_p]),
    "vsw_port_to_uplink": (c_void_p, [c_void_p]),
    "vsw_vnic_add": (c_int, [c_void_p, c_char_p, c_uint8_p, c_uint, ctypes.POINTER(c_void_p)]),
    "vsw_vnic_remove": (c_int, [c_void_p]),
    "vsw_vnic_port": (c_void_p, [c_void_p]),
    "vsw_port_to_vnic": (c_void_p, [c_void_p]),
    "vsw_vnic_initial_mac": (c_int, [c_void_p, c_uint8_p]),
    "vsw_vnic_set_mac": (c_int, [c_void_p, c_uint8_p]),
    "vsw_vmk_service_name": (c_char_p, [c_uint]),
    "vsw_vmk_add": (c_int, [c_void_p, c_char_p, c_uint8_p, c_uint, c_uint, ctypes.POINTER(c_void_p)]),
    "vsw_vmk_remove": (c_int, [c_void_p]),
    "vsw_vmk_port": (c_void_p, [c_void_p]),
    "vsw_port_to_vmk": (c_void_p, [c_void_p]),
    "vsw_vmk_services": (c_uint, [c_void_p]),
    "vsw_vmk_set_services": (c_int, [c_void_p, c_uint]),
    "vsw_vmk_iface_create": (c_int, [c_void_p, ctypes.POINTER(VmkIfaceOpts)]),
    "vsw_vmk_netstack": (c_char_p, [c_void_p]),
    "vsw_vmk_mtu": (c_int, [c_void_p]),
    "vsw_vmk_set_mtu": (c_int, [c_void_p, c_uint]),
    "vsw_vmk_ip_add": (c_int, [c_void_p, c_char_p]),
    "vsw_vmk_ip_remove": (c_int, [c_void_p, c_char_p]),
    "vsw_vmk_ip_foreach": (c_int, [c_void_p, IP_FN, c_void_p]),
    "vsw_vmk_route_add": (c_int, [c_void_p, c_char_p, c_char_p]),
    "vsw_vmk_route_remove": (c_int, [c_void_p, c_char_p, c_char_p]),
    "vsw_vmk_route_foreach": (c_int, [c_void_p, ROUTE_FN, c_void_p]),
    "vsw_netstack_add": (c_int, [c_char_p]),
    "vsw_netstack_remove": (c_int, [c_char_p]),
    "vsw_port_input": (c_int, [c_void_p, ctypes.POINTER(CFrame), c_uint]),
    "vsw_port_set_rx": (c_int, [c_void_p, RX_FN, c_void_p]),
    "vsw_port_set_offloads": (c_int, [c_void_p, c_uint64]),
    "vsw_port_offloads": (c_uint64, [c_void_p]),
    "vsw_switch_set_clock": (c_int, [c_void_p, CLOCK_FN, c_void_p]),
    "vsw_port_current_uplink": (c_void_p, [c_void_p]),
    "vsw_switch_fdb_foreach": (c_int, [c_void_p, FDB_FN, c_void_p]),
    "vsw_switch_fdb_flush": (c_int, [c_void_p]),
    "vsw_switch_set_lldp_mode": (c_int, [c_void_p, c_int]),
    "vsw_switch_lldp_mode": (c_int, [c_void_p]),
    "vsw_switch_set_lldp_interval": (c_int, [c_void_p, c_uint]),
    "vsw_switch_lldp_interval": (c_uint, [c_void_p]),
    "vsw_uplink_lldp_foreach": (c_int, [c_void_p, LLDP_FN, c_void_p]),
    "vsw_backend_open": (c_int, [c_char_p, c_char_p, ctypes.POINTER(c_void_p)]),
    "vsw_backend_close": (None, [c_void_p]),
    "vsw_backend_type": (c_char_p, [c_void_p]),
    "vsw_backend_recv": (c_int, [c_void_p, ctypes.POINTER(CFrame), c_uint]),
    "vsw_backend_send": (c_int, [c_void_p, ctypes.POINTER(CFrame), c_uint]),
    "vsw_backend_fd": (c_int, [c_void_p]),
    "vsw_backend_link": (c_int, [c_void_p]),
    "vsw_backend_set_link": (c_int, [c_void_p, c_int]),
    "vsw_backend_mac": (c_int, [c_void_p, c_uint8_p]),
    "vsw_backend_mtu": (c_int, [c_void_p]),
    "vsw_port_attach": (c_int, [c_void_p, c_char_p, c_char_p]),
    "vsw_switch_set_beacon_interval": (c_int, [c_void_p, c_uint]),
    "vsw_switch_beacon_interval": (c_uint, [c_void_p]),
    "vsw_uplink_beacon_state": (c_int, [c_void_p]),
    "vsw_uplink_beacon_vlan_state": (c_int, [c_void_p, c_uint]),
    "vsw_port_attach_backend": (c_int, [c_void_p, c_void_p]),
    "vsw_port_detach": (c_int, [c_void_p]),
    "vsw_port_backend": (c_void_p, [c_void_p]),
    "vsw_switch_poll": (c_int, [c_void_p, c_int]),
    "vsw_switch_fd": (c_int, [c_void_p]),
    "vsw_switch_run": (c_int, [c_void_p]),
    "vsw_switch_stop": (c_int, [c_void_p]),
}

c_uint16_p = ctypes.POINTER(ctypes.c_uint16)
c_uint_p = ctypes.POINTER(c_uint)

#: Port mirroring and capture (libvsw 2.2): declared when the library has
#: them; an older 2.x library loads all the same, and mirroring then
#: raises (need()).
_PROTOTYPES_2_2 = {
    "vsw_mirror_add": (c_int, [c_void_p, c_char_p, ctypes.POINTER(MirrorOpts),
                               ctypes.POINTER(c_void_p)]),
    "vsw_mirror_remove": (c_int, [c_void_p]),
    "vsw_mirror_find": (c_int, [c_void_p, c_char_p, ctypes.POINTER(c_void_p)]),
    "vsw_mirror_next": (c_void_p, [c_void_p, c_void_p]),
    "vsw_mirror_name": (c_char_p, [c_void_p]),
    "vsw_mirror_add_source": (c_int, [c_void_p, c_void_p, c_uint]),
    "vsw_mirror_remove_source": (c_int, [c_void_p, c_void_p]),
    "vsw_mirror_source_next": (c_void_p, [c_void_p, c_void_p, c_uint_p]),
    "vsw_mirror_set_source_vlans": (c_int, [c_void_p, c_void_p, c_uint16_p, c_uint]),
    "vsw_mirror_source_vlans": (c_int, [c_void_p, c_void_p, c_uint16_p, c_uint]),
    "vsw_mirror_set_dest_port": (c_int, [c_void_p, c_void_p, c_uint]),
    "vsw_mirror_set_dest_fn": (c_int, [c_void_p, MIRROR_FN, c_void_p]),
    "vsw_mirror_dest_port": (c_void_p, [c_void_p, c_uint_p]),
    "vsw_mirror_set_snaplen": (c_int, [c_void_p, c_uint]),
    "vsw_mirror_snaplen": (c_uint, [c_void_p]),
    "vsw_mirror_set_enabled": (c_int, [c_void_p, c_int]),
    "vsw_mirror_enabled": (c_int, [c_void_p]),
    "vsw_mirror_stats": (c_int, [c_void_p, ctypes.POINTER(MirrorStats)]),
    "vsw_mirror_clear_stats": (c_int, [c_void_p]),
    "vsw_capture_open": (c_int, [c_void_p, c_int, ctypes.POINTER(CaptureOpts),
                                 ctypes.POINTER(c_void_p)]),
    "vsw_capture_flush": (c_int, [c_void_p]),
    "vsw_capture_pending": (c_size_t, [c_void_p]),
    "vsw_capture_finish": (c_int, [c_void_p]),
    "vsw_capture_done": (c_int, [c_void_p]),
    "vsw_capture_stats": (c_int, [c_void_p, ctypes.POINTER(CaptureStats)]),
    "vsw_capture_close": (None, [c_void_p]),
}


def _candidates():
    path = os.environ.get("LIBVSW_PATH")
    if path:
        yield path
        return
    for major in KNOWN_MAJORS:
        yield "libvsw.so.%d" % major


def _load():
    errors = []
    for name in _candidates():
        try:
            lib = ctypes.CDLL(name)
        except OSError as e:
            errors.append("%s: %s" % (name, e))
            continue
        major = ctypes.CFUNCTYPE(c_uint)(("vsw_version_major", lib))()
        if major not in KNOWN_MAJORS:
            raise ImportError(
                "libvsw: %s is libvsw %d, but this package speaks the ABI of libvsw %s; "
                "install bindings that match the library" %
                (name, major, ", ".join(str(m) for m in KNOWN_MAJORS)))
        minor = ctypes.CFUNCTYPE(c_uint)(("vsw_version_minor", lib))()
        if minor < MIN_MINOR:
            raise ImportError("libvsw: %s is libvsw %d.%d, but this package needs %d.%d or later"
                              % (name, major, minor, major, MIN_MINOR))
        for fn, (res, args) in _PROTOTYPES.items():
            f = getattr(lib, fn)
            f.restype = res
            f.argtypes = args
        for fn, (res, args) in _PROTOTYPES_2_2.items():
            f = getattr(lib, fn, None)
            if f is not None:
                f.restype = res
                f.argtypes = args
        return lib
    raise ImportError("libvsw: cannot load libvsw (%s); set LIBVSW_PATH to a libvsw.so, "
                      "or install libvsw" % "; ".join(errors))


lib = _load()


def need(fn, what):
    """Raise NotImplementedError unless the loaded library has the C function
    fn (one of a later minor version), naming 'what' needs it."""
    if getattr(lib, fn, None) is None:
        raise NotImplementedError("%s needs libvsw 2.2 or later; the library loaded (%s) "
                                  "has no %s" % (what, lib.vsw_version().decode(), fn))

#: vsnprintf(3) from the C library, to format the messages of a log handler.
vsnprintf = ctypes.CDLL(None).vsnprintf
vsnprintf.restype = c_int
vsnprintf.argtypes = [c_char_p, c_size_t, c_char_p, c_void_p]
