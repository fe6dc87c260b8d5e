# SPDX-License-Identifier: MIT
"""Python values into C values, refused rather than wrapped.

ctypes converts an int to a C integer modulo 2**bits and a bytes object to
a char * that ends at its first NUL, silently: VLAN 2**32+10 would become
VLAN 10 and "ab\\x00cd" would become "ab". Every value this package hands
to libvsw goes through one of these first.
"""

import ctypes
import operator
from typing import Union

from ._lib import CFrame
from .enums import BATCH_MAX, FrameFlag
from .errors import out_of_range
from .frame import Frame

#: A MAC address: "xx:xx:xx:xx:xx:xx" or 6 bytes.
MacLike = Union[str, bytes, bytearray, memoryview]

_VLAN_TCI = int(FrameFlag.VLAN_TCI)
_CSUM_PARTIAL = int(FrameFlag.CSUM_PARTIAL)


class UnknownName(KeyError, ValueError):
    """A name that is none of an enumeration's: a KeyError (as a mapping
    raises) and a ValueError (as a bad argument), listing the valid names."""

    def __str__(self):
        return str(self.args[0])


def member(enum_cls, key, what):
    """An enumeration's member from its name (any case, '-' for '_'); any
    other key as it is, for the C library to judge."""
    if isinstance(key, str):
        m = enum_cls.__members__.get(key.strip().upper().replace("-", "_"))
        if m is None:
            raise UnknownName("unknown %s %r; valid: %s" % (
                what, key, ", ".join(n.lower() for n in enum_cls.__members__)))
        return m
    return key


def index(v, what):
    """operator.index(v), with a TypeError naming 'what' (a bool is no number)."""
    if isinstance(v, bool):
        raise TypeError("%s must be an int, not bool" % what)
    try:
        return operator.index(v)
    except TypeError:
        raise TypeError("%s must be an int, not %s" % (what, type(v).__name__)) from None


def ranged(v, lo, hi, what, valid, call, *args):
    """v as an integer lo to hi; TypeError for a non-integer, OverflowError
    past 32 bits (as uint()), VswRangeError (a ValueError) naming 'valid'
    otherwise."""
    v = uint(index(v, what), what=what)
    if not lo <= v <= hi:
        raise out_of_range(call, args, what, v, valid)
    return v


VLAN_RANGE = "0-4094 (0: untagged), or 4095 (VLAN_TRUNK: the guests tag)"


def vlan(v, call, *args):
    """A port group's VLAN ID, 0 to 4095 (a str is refused, not parsed)."""
    return ranged(v, 0, 4095, "VLAN ID", VLAN_RANGE, call, *args)


def uint(v, bits=32, what="value"):
    """v as an unsigned integer of 'bits' bits; OverflowError if it does not fit."""
    v = operator.index(v)
    if not 0 <= v < 1 << bits:
        raise OverflowError("%s %d is out of range (0 to %d)" % (what, v, (1 << bits) - 1))
    return v


def sint(v, bits=32, what="value"):
    """v as a signed integer of 'bits' bits; OverflowError if it does not fit."""
    v = operator.index(v)
    lim = 1 << (bits - 1)
    if not -lim <= v < lim:
        raise OverflowError("%s %d is out of range (%d to %d)" % (what, v, -lim, lim - 1))
    return v


def enc(s, what="string"):
    """A str (UTF-8) or bytes-like as bytes for a C string; ValueError on a NUL."""
    if isinstance(s, str):
        b = s.encode()
    elif isinstance(s, (bytes, bytearray, memoryview)):
        b = bytes(s)
    else:
        raise TypeError("%s must be str or bytes, not %s" % (what, type(s).__name__))
    if b"\0" in b:
        raise ValueError("%s %r holds a NUL byte" % (what, s))
    return b


def enc_opt(s, what="string"):
    """enc(s), or None for None and the empty string."""
    return enc(s, what) if s else None


def dec(b):
    return b.decode() if b is not None else None


def mac_in(mac):
    """A MAC as 6 bytes, from 'xx:xx:xx:xx:xx:xx' or a bytes-like of 6."""
    if isinstance(mac, str):
        parts = mac.split(":")
        if len(parts) != 6:
            raise ValueError("bad MAC address %r" % mac)
        try:
            raw = bytes(int(p, 16) for p in parts)
        except ValueError:
            raise ValueError("bad MAC address %r" % mac) from None
    elif isinstance(mac, (bytes, bytearray, memoryview)):
        raw = bytes(mac)
    else:
        raise TypeError("a MAC address is a str or 6 bytes, not %s" % type(mac).__name__)
    if len(raw) != 6:
        raise ValueError("bad MAC address %r" % (mac,))
    return (ctypes.c_uint8 * 6)(*raw)


def mac_out(arr):
    return ":".join("%02x" % b for b in bytes(arr))


def frame_list(frames):
    """The frames of a send() as a list: one bytes-like object (a Frame
    too) is one frame, not a list of its bytes."""
    if isinstance(frames, (bytes, bytearray, memoryview)):
        return [frames]
    if isinstance(frames, str):
        raise TypeError("send() takes frames as bytes, not str")
    return list(frames)


def batches(frames):
    """The frames of a send() as (CFrame array, buffers) pairs of at most
    BATCH_MAX frames each, every frame checked before any is sent."""
    frames = frame_list(frames)
    return [frames_in(frames[i:i + BATCH_MAX]) for i in range(0, len(frames), BATCH_MAX)]


def frames_in(frames):
    """A ctypes CFrame array for a list of bytes-likes, Frame objects (with
    their offload metadata) or (bytes-like, vlan_tci) items, and the buffers
    it points into (keep them alive during the call). Lengths are checked
    before anything is copied."""
    arr = (CFrame * len(frames))()
    keep = []
    for i, f in enumerate(frames):
        tci = None
        if isinstance(f, tuple):
            if len(f) != 2:
                raise TypeError("a frame is bytes, a Frame or (bytes, vlan_tci)")
            f, tci = f
            tci = uint(tci, 16, "vlan_tci")
        if isinstance(f, (str, int)):
            raise TypeError("a frame is a bytes-like object, not %s" % type(f).__name__)
        with memoryview(f) as mv:
            uint(mv.nbytes, 32, "frame length")
            b = f if type(f) is bytes else mv.tobytes()
        ptr = ctypes.c_char_p(b)   # points into b, no copy
        keep.append((b, ptr))
        d = arr[i]
        d.data = ctypes.cast(ptr, ctypes.c_void_p).value
        d.len = len(b)
        if isinstance(f, Frame):
            d.flags = f.flags
            d.csum_start = f.csum_start
            d.csum_offset = f.csum_offset
            d.hdr_len = f.hdr_len
            d.gso_size = f.gso_size
            d.gso_type = f.gso_type
            if tci is None:
                tci = f.vlan_tci
        if tci is not None:
            d.vlan_tci = tci
            d.flags |= _VLAN_TCI
    return arr, keep


def taken(took, n, who="a receive callback"):
    """What a callback given n frames returned, as the number it took:
    None means all; a bool or a number outside 0..n is refused."""
    if took is None:
        return n
    if isinstance(took, bool):
        raise TypeError("%s returns how many frames it took (or None for all), not a bool"
                        % who)
    took = operator.index(took)
    if not 0 <= took <= n:
        raise ValueError("%s given %d frames said it took %d" % (who, n, took))
    return took


def frame_out(fr):
    """One received CFrame as a Frame, with a stripped tag put back into
    the bytes (and the offsets moved by its 4 bytes, as the switch does)."""
    data = ctypes.string_at(fr.data, fr.len)
    flags, start, hlen = fr.flags, fr.csum_start, fr.hdr_len
    if flags & _VLAN_TCI and len(data) >= 12:
        tag = bytes((0x81, 0x00, fr.vlan_tci >> 8, fr.vlan_tci & 0xFF))
        data = data[:12] + tag + data[12:]
        if flags & _CSUM_PARTIAL:
            start += 4
        if fr.gso_type:
            hlen += 4
    flags &= ~_VLAN_TCI
    return Frame(data, flags=flags, csum_start=start, csum_offset=fr.csum_offset,
                 hdr_len=hlen, gso_size=fr.gso_size, gso_type=fr.gso_type)
