# SPDX-License-Identifier: MIT
"""The enumerations of vsw.h as Python enums; values are the C values."""

import enum


class Policy(enum.IntEnum):
    """Policy option keys (enum vsw_policy)."""

    PROMISCUOUS = 0
    MAC_CHANGES = 1
    FORGED_TRANSMITS = 2
    SHAPING_ENABLED = 3
    SHAPING_AVERAGE_BPS = 4
    SHAPING_PEAK_BPS = 5
    SHAPING_BURST_BYTES = 6
    LOAD_BALANCING = 7
    FAILURE_DETECTION = 8
    NOTIFY_SWITCHES = 9
    FAILBACK = 10
    MAC_LEARNING = 11
    MAC_LIMIT = 12
    MAC_AGING_SEC = 13


class LoadBalancing(enum.IntEnum):
    """Values of Policy.LOAD_BALANCING."""

    PORT_ID = 0
    SRC_MAC = 1
    IP_HASH = 2
    EXPLICIT = 3


class FailureDetection(enum.IntEnum):
    """Values of Policy.FAILURE_DETECTION."""

    LINK_STATUS = 0
    BEACON = 1


class BeaconState(enum.IntEnum):
    """What beacon probing says of an uplink (enum vsw_beacon_state), least severe first."""

    OFF = 0
    ALONE = 1
    OK = 2
    INCONCLUSIVE = 3
    FAILED = 4


class LldpMode(enum.IntEnum):
    """What a switch does with LLDP on its uplinks (enum vsw_lldp_mode)."""

    NONE = 0
    LISTEN = 1
    ADVERTISE = 2
    BOTH = 3


class LogLevel(enum.IntEnum):
    """Severity of a log message (enum vsw_log_level); the values are syslog's."""

    ERR = 3
    WARNING = 4
    INFO = 6
    DEBUG = 7


class PortKind(enum.IntEnum):
    """Kinds of port (enum vsw_port_kind)."""

    UPLINK = 1
    VNIC = 2
    VMK = 3


class UplinkRole(enum.IntEnum):
    """Where an uplink stands in a teaming order."""

    UNUSED = 0
    ACTIVE = 1
    STANDBY = 2


class Counter(enum.IntEnum):
    """Per-port counters (enum vsw_counter); Counter.name.lower() is the C name."""

    RX_PACKETS = 0
    RX_BYTES = 1
    TX_PACKETS = 2
    TX_BYTES = 3
    RUNT = 4
    BAD_SRC = 5
    OVERSIZE = 6
    VLAN_VIOLATION = 7
    FORGED = 8
    SHAPED = 9
    REFLECTED = 10
    UNKNOWN_DST = 11
    NO_UPLINK = 12
    NO_RECEIVER = 13
    SELF_DST = 14
    MAC_CHANGE_BLOCKED = 15
    LINK_DOWN = 16
    TX_ERRORS = 17
    RX_ERRORS = 18
    LEARN_REFUSED = 19
    RARP_SENT = 20
    BEACON_SENT = 21
    BEACON_RX = 22
    BEACON_MISSED = 23
    BEACON_IGNORED = 24
    LLDP_RX = 25
    LLDP_TX = 26
    LLDP_DISCARDED = 27
    TRUNCATED = 28
    RX_DROPPED = 29
    BAD_OFFLOAD = 30
    OFFLOAD_FAILED = 31
    SW_SEGMENTED = 32
    SW_CSUM = 33
    TX_FULL = 34
    QUEUE_FULL = 35
    BAD_DESC = 36
    BAD_VNET_HDR = 37
    BAD_RING = 38
    MIRROR_DST = 39
    VXLAN_SHORT = 40
    VXLAN_BAD_FLAGS = 41
    VXLAN_UNKNOWN_VNI = 42
    VXLAN_RUNT = 43
    VXLAN_INNER_TAG = 44
    VXLAN_TOO_BIG = 45


class MirrorDirection(enum.IntEnum):
    """Which frames of a source port a mirroring session copies (enum
    vsw_mirror_dir); the Python API also takes "in", "out" and "both"."""

    INGRESS = 1   # the frames the port sends into the switch ("in")
    EGRESS = 2    # the frames the switch delivers to the port ("out")
    BOTH = 3


class CounterKind(enum.IntEnum):
    """Classes of counters."""

    TRAFFIC = 1
    DROP = 2
    ERROR = 3
    EVENT = 4


class Offload(enum.IntFlag):
    """Offloaded frames a port's receiver takes as they are (VSW_OFFLOAD_*
    bits; Port.offloads). The switch finishes the others in software."""

    CSUM = 1 << 0      # frames with FrameFlag.CSUM_PARTIAL (or CSUM_VALID)
    TSO4 = 1 << 1      # GsoType.TCPV4 super-frames (with CSUM)
    TSO6 = 1 << 2      # GsoType.TCPV6 super-frames (with CSUM)
    TSO_ECN = 1 << 3   # TCP super-frames with FrameFlag.GSO_ECN
    USO = 1 << 4       # GsoType.UDP_L4 super-frames (with CSUM)
    ALL = CSUM | TSO4 | TSO6 | TSO_ECN | USO


class GsoType(enum.IntEnum):
    """The GSO type of a super-frame (enum vsw_gso_type; Frame.gso_type)."""

    NONE = 0
    TCPV4 = 1
    TCPV6 = 2
    UDP_L4 = 3


class FrameFlag(enum.IntFlag):
    """Flags of a frame (VSW_FRAME_*; Frame.flags)."""

    VLAN_TCI = 0x0001       # the outer 802.1Q tag was stripped: Frame.vlan_tci
    CSUM_PARTIAL = 0x0002   # the L4 checksum is to be completed (csum_start, csum_offset)
    CSUM_VALID = 0x0004     # the checksums were verified
    GSO_ECN = 0x0008        # a TCP super-frame whose sender set CWR


class Service(enum.IntFlag):
    """Services a VMkernel port carries (a bitmask)."""

    MANAGEMENT = 1 << 0
    VMOTION = 1 << 1
    PROVISIONING = 1 << 2
    FT_LOGGING = 1 << 3
    VSAN = 1 << 4
    REPLICATION = 1 << 5
    NFC_REPLICATION = 1 << 6
    NVME_TCP = 1 << 7
    NVME_RDMA = 1 << 8
    BACKUP_NFC = 1 << 9
    VSAN_WITNESS = 1 << 10


#: The largest batch Port.send() hands to the switch in one call.
BATCH_MAX = 256
#: Port group VLAN IDs.
VLAN_NONE = 0
VLAN_TRUNK = 4095
#: The ranges of vsw.h (VSW_MTU_*, VSW_BEACON_INTERVAL_*, VSW_LLDP_INTERVAL_MAX).
MTU_MIN = 1280
MTU_MAX = 9000
BEACON_INTERVAL_MIN = 100
BEACON_INTERVAL_MAX = 60000
LLDP_INTERVAL_MAX = 3600
