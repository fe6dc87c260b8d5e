# SPDX-License-Identifier: MIT
"""What a switch and its port groups both configure: policies and the
teaming order. A port group follows its switch's until it sets its own."""

from __future__ import annotations

import ctypes
import enum
from typing import Any, Callable, Dict, Iterable, Iterator, List, Tuple, Union

from . import _values as V
from ._lib import lib
from .enums import FailureDetection, LoadBalancing, Policy, UplinkRole
from .errors import check

#: What a policy key is given as: a Policy, its name ("promiscuous", any
#: case) or its C value.
PolicyKey = Union[Policy, str, int]
#: One uplink name or several, in order.
UplinkNames = Union[str, bytes, Iterable[Union[str, bytes]]]

#: The type of each policy's value, as read; the others are integers.
_TYPES: Dict[Policy, type] = {
    Policy.PROMISCUOUS: bool, Policy.MAC_CHANGES: bool, Policy.FORGED_TRANSMITS: bool,
    Policy.SHAPING_ENABLED: bool, Policy.NOTIFY_SWITCHES: bool, Policy.FAILBACK: bool,
    Policy.MAC_LEARNING: bool,
    Policy.LOAD_BALANCING: LoadBalancing, Policy.FAILURE_DETECTION: FailureDetection,
}


def _key(key: PolicyKey) -> int:
    return V.sint(V.member(Policy, key, "policy key"), what="policy key")


def _value_in(key: int, value: Any) -> int:
    kind = _TYPES.get(key)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        value = V.member(kind, value, Policy(key).name.lower() + " value")
    return V.uint(value, 64, "policy value")


def _value_out(key: int, value: int) -> Union[bool, int, enum.IntEnum]:
    kind = _TYPES.get(key)
    if kind is bool:
        return bool(value)
    if kind is not None:
        try:
            return kind(value)
        except ValueError:
            pass
    return value


def _shown(v: Any) -> str:
    return "%s.%s" % (type(v).__name__, v.name) if isinstance(v, enum.Enum) else repr(v)


class PolicyView:
    """Policies of a switch or a port group, as a mapping Policy -> value.

    Keys are Policy members or their names, any case (``view["promiscuous"]``
    is ``view[Policy.PROMISCUOUS]``); an unknown name raises KeyError (also
    a ValueError) listing the valid ones. Values read as bool for the
    on/off policies, as LoadBalancing / FailureDetection for those two,
    integers for the rest; the enumerated ones are set by member or name
    too (``view["load_balancing"] = "ip_hash"``).

    ``view[key] = value`` sets, ``view[key]`` reads the effective value,
    ``del view[key]`` returns a port group's value to inheritance, and
    ``view.inherited(key)`` tells whether it follows the switch.
    ``repr(view)`` shows every value: ``Policy(promiscuous=False, ...)``,
    with a port group's own values listed as ``overridden=[...]``.
    """

    def __init__(self, owner: Any, portgroup: bool) -> None:
        self._owner = owner
        self._pg = portgroup

    def __getitem__(self, key: PolicyKey) -> Union[bool, int, enum.IntEnum]:
        k = _key(key)
        v = ctypes.c_uint64()
        with self._owner._use() as p:
            if self._pg:
                check(lib.vsw_portgroup_policy_get(p, k, ctypes.byref(v), None),
                      "vsw_portgroup_policy_get", self._owner._name, key)
            else:
                check(lib.vsw_switch_policy_get(p, k, ctypes.byref(v)),
                      "vsw_switch_policy_get", self._owner._name, key)
        return _value_out(k, v.value)

    def __setitem__(self, key: PolicyKey, value: Union[bool, int, str]) -> None:
        k = _key(key)
        v = _value_in(k, value)
        fn = lib.vsw_portgroup_policy_set if self._pg else lib.vsw_switch_policy_set
        with self._owner._use() as p:
            check(fn(p, k, v), fn.__name__, self._owner._name, key, value)

    def __delitem__(self, key: PolicyKey) -> None:
        if not self._pg:
            raise TypeError("a switch's policies cannot be cleared; set them")
        k = _key(key)
        with self._owner._use() as p:
            check(lib.vsw_portgroup_policy_clear(p, k), "vsw_portgroup_policy_clear",
                  self._owner._name, key)

    def inherited(self, key: PolicyKey) -> bool:
        """True if a port group's value comes from its switch."""
        if not self._pg:
            return False
        k = _key(key)
        v, inh = ctypes.c_uint64(), ctypes.c_int()
        with self._owner._use() as p:
            check(lib.vsw_portgroup_policy_get(p, k, ctypes.byref(v), ctypes.byref(inh)),
                  "vsw_portgroup_policy_get", self._owner._name, key)
        return bool(inh.value)

    def keys(self) -> List[Policy]:
        return list(Policy)

    def items(self) -> List[Tuple[Policy, Union[bool, int, enum.IntEnum]]]:
        return [(k, self[k]) for k in self.keys()]

    def values(self) -> List[Union[bool, int, enum.IntEnum]]:
        return [self[k] for k in self.keys()]

    def get(self, key: PolicyKey, default: Any = None) -> Any:
        """view[key], or default for a key that is no policy."""
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key: object) -> bool:
        try:
            return isinstance(key, (str, int)) and V.member(Policy, key, "") in set(Policy)
        except KeyError:
            return False

    def __iter__(self) -> Iterator[Policy]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())

    def __repr__(self) -> str:
        owner = self._owner
        sw = owner._switch()
        if not sw._lock.acquire(blocking=False):
            return "<Policy of %r: busy>" % owner._name
        try:
            shown = ["%s=%s" % (k.name.lower(), _shown(v)) for k, v in self.items()]
            if self._pg:
                own = [k.name.lower() for k in self.keys() if not self.inherited(k)]
                shown.append("overridden=%r" % own)
        except ValueError as e:   # the switch closed, the port group removed
            return "<Policy of %r: %s>" % (owner._name, e)
        finally:
            sw._lock.release()
        return "Policy(%s)" % ", ".join(shown)


def set_teaming(fn: Callable[..., int], owner: Any, active: UplinkNames,
                standby: UplinkNames) -> None:
    """fn(ptr, active, n_active, standby or NULL, n_standby) with the uplink
    names; one name (a str) is an order of one uplink."""
    a, na, an = _names(active)
    s, ns, sn = _names(standby)
    with owner._use() as p:
        check(fn(p, a, na, s if ns else None, ns), fn.__name__, owner._name, an, sn)


def _names(arr: UplinkNames) -> Tuple[Any, int, List[Union[str, bytes]]]:
    if isinstance(arr, (str, bytes)):
        arr = [arr]
    given = list(arr)
    names = [V.enc(n, "uplink name") for n in given]
    c = (ctypes.c_char_p * max(len(names), 1))(*names)
    return c, len(names), given


def teaming(at: Callable[[int, int], Any]) -> Dict[str, List[str]]:
    """{'active', 'standby', 'unused': [uplink names]}, at(role, i) being the
    C uplink at position i of a role (NULL past the end)."""
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
