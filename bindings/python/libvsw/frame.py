# SPDX-License-Identifier: MIT
"""Frames with their offload metadata: what Port.send() and Backend.send()
take besides plain bytes, and what receive callbacks and Backend.recv()
give (libvsw 2.0's struct vsw_frame, as Python sees it)."""

from __future__ import annotations

import operator
from typing import Any, Iterable, Optional, Tuple, Union

from .enums import FrameFlag, GsoType

# the fields after the bytes, with their width in bits
_WIDTH = {"flags": 16, "csum_start": 16, "csum_offset": 16, "hdr_len": 16, "gso_size": 16,
          "gso_type": 8}


def _field(name, v):
    v = operator.index(v)
    bits = _WIDTH[name]
    if not 0 <= v < 1 << bits:
        raise OverflowError("%s %d is out of range (0 to %d)" % (name, v, (1 << bits) - 1))
    return v

#: A frame's bytes: bytes, bytearray, memoryview (a Frame is bytes).
BytesLike = Union[bytes, bytearray, memoryview]


class Frame(bytes):
    """One Ethernet frame: its bytes (a Frame is a bytes object and compares
    equal to its bytes), and the offload metadata Linux's virtio_net_hdr
    carries, read-only:

    - flags: FrameFlag bits (CSUM_PARTIAL, CSUM_VALID, GSO_ECN);
    - csum_start, csum_offset: with CSUM_PARTIAL, where the checksummed
      bytes start and where, from there, the checksum goes (16 for TCP, 6
      for UDP); the field holds the pseudo-header's sum;
    - gso_type (a GsoType), gso_size, hdr_len: a super-frame to be cut into
      segments of gso_size payload bytes behind hdr_len bytes of headers
      (Ethernet, tags, IP and TCP/UDP);
    - vlan_tci: the TCI of an outer 802.1Q tag stripped from the bytes
      (FrameFlag.VLAN_TCI), or None; frames received never have one.

    Offsets count from the first byte, so they move by 4 where the switch
    pushes or pops a tag. A plain frame has every field 0. The switch drops
    and counts (Counter.BAD_OFFLOAD) a frame whose metadata its bytes
    contradict. Frame(data, gso_type=GsoType.TCPV4, ...) builds one;
    frame.replace(field=value) a copy with fields changed. Slicing gives
    plain bytes.
    """

    def __new__(cls, data: BytesLike = b"", *, flags: int = 0, csum_start: int = 0,
                csum_offset: int = 0, hdr_len: int = 0, gso_size: int = 0,
                gso_type: int = GsoType.NONE, vlan_tci: Optional[int] = None) -> Frame:
        if isinstance(data, (str, int)):
            raise TypeError("a frame is a bytes-like object, not %s" % type(data).__name__)
        self = super().__new__(cls, data)
        flags = _field("flags", flags)
        if flags & FrameFlag.VLAN_TCI:
            raise ValueError("give a stripped tag as vlan_tci=, not as FrameFlag.VLAN_TCI")
        if vlan_tci is not None:
            vlan_tci = operator.index(vlan_tci)
            if not 0 <= vlan_tci < 1 << 16:
                raise OverflowError("vlan_tci %d is out of range (0 to 65535)" % vlan_tci)
        set_ = object.__setattr__
        set_(self, "flags", FrameFlag(flags))
        set_(self, "csum_start", _field("csum_start", csum_start))
        set_(self, "csum_offset", _field("csum_offset", csum_offset))
        set_(self, "hdr_len", _field("hdr_len", hdr_len))
        set_(self, "gso_size", _field("gso_size", gso_size))
        gso_type = _field("gso_type", gso_type)
        try:
            gso_type = GsoType(gso_type)
        except ValueError:
            pass   # a type this package does not know stays a number, for the switch to judge
        set_(self, "gso_type", gso_type)
        set_(self, "vlan_tci", vlan_tci)
        return self

    def __setattr__(self, name, value):
        raise AttributeError("a Frame is immutable: use replace()")

    def __delattr__(self, name):
        raise AttributeError("a Frame is immutable")

    def _meta(self):
        return {"flags": self.flags, "csum_start": self.csum_start,
                "csum_offset": self.csum_offset, "hdr_len": self.hdr_len,
                "gso_size": self.gso_size, "gso_type": self.gso_type,
                "vlan_tci": self.vlan_tci}

    def replace(self, data: Optional[BytesLike] = None, **fields: Any) -> Frame:
        """A copy with other bytes (data) or other metadata fields."""
        meta = self._meta()
        unknown = set(fields) - set(meta)
        if unknown:
            raise TypeError("Frame has no field %s" % ", ".join(sorted(unknown)))
        meta.update(fields)
        return Frame(bytes(self) if data is None else data, **meta)

    @property
    def offloaded(self) -> bool:
        """True when the frame carries offload metadata (a checksum to
        complete or verified, or a GSO type)."""
        return bool(self.flags & ~FrameFlag.VLAN_TCI or self.gso_type)

    def __reduce__(self):
        return (_rebuild, (bytes(self), self._meta()))

    def __repr__(self) -> str:
        shown = ["%d bytes" % len(self)]
        for k, v in self._meta().items():
            if k == "vlan_tci" and v is not None:
                shown.append("vlan_tci=0x%04x" % v)
            elif k != "vlan_tci" and v:
                shown.append("%s=%s" % (k, v.name if hasattr(v, "name") and v.name else v))
        return "<Frame %s>" % " ".join(shown)


def _rebuild(data, meta):
    return Frame(data, **meta)


#: One frame as send() takes it: its bytes (a Frame with its offload
#: metadata), or (bytes, vlan_tci) for a frame whose outer tag was stripped.
FrameLike = Union[BytesLike, Frame, Tuple[BytesLike, int]]
#: What send() takes: one frame's bytes, or any iterable of FrameLike.
Frames = Union[BytesLike, Iterable[FrameLike]]
