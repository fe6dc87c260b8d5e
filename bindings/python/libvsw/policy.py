# SPDX-License-Identifier: MIT
"""What a switch and its port groups both configure: policies and the
teaming order. A port group follows its switch's until it sets its own."""

import ctypes

from . import _values as V
from ._lib import lib
from .enums import Policy, UplinkRole
from .errors import check


class PolicyView:
    """Policies of a switch or a port group, as a mapping Policy -> int.

    ``view[key] = value`` sets, ``view[key]`` reads the effective value,
    ``del view[key]`` returns a port group's value to inheritance, and
    ``view.inherited(key)`` tells whether it follows the switch.
    """

    def __init__(self, owner, portgroup):
        self._owner = owner
        self._pg = portgroup

    def __getitem__(self, key):
        k = V.sint(key, what="policy key")
        v = ctypes.c_uint64()
        with self._owner._use() as p:
            if self._pg:
                check(lib.vsw_portgroup_policy_get(p, k, ctypes.byref(v), None),
                      "vsw_portgroup_policy_get", self._owner._name, key)
            else:
                check(lib.vsw_switch_policy_get(p, k, ctypes.byref(v)),
                      "vsw_switch_policy_get", self._owner._name, key)
        return v.value

    def __setitem__(self, key, value):
        k = V.sint(key, what="policy key")
        v = V.uint(value, 64, "policy value")
        fn = lib.vsw_portgroup_policy_set if self._pg else lib.vsw_switch_policy_set
        with self._owner._use() as p:
            check(fn(p, k, v), fn.__name__, self._owner._name, key, value)

    def __delitem__(self, key):
        if not self._pg:
            raise TypeError("a switch's policies cannot be cleared; set them")
        k = V.sint(key, what="policy key")
        with self._owner._use() as p:
            check(lib.vsw_portgroup_policy_clear(p, k), "vsw_portgroup_policy_clear",
                  self._owner._name, key)

    def inherited(self, key):
        """True if a port group's value comes from its switch."""
        if not self._pg:
            return False
        k = V.sint(key, what="policy key")
        v, inh = ctypes.c_uint64(), ctypes.c_int()
        with self._owner._use() as p:
            check(lib.vsw_portgroup_policy_get(p, k, ctypes.byref(v), ctypes.byref(inh)),
                  "vsw_portgroup_policy_get", self._owner._name, key)
        return bool(inh.value)

    def keys(self):
        return list(Policy)

    def items(self):
        return [(k, self[k]) for k in self.keys()]

    def __iter__(self):
        return iter(self.keys())

    def __len__(self):
        return len(self.keys())


def set_teaming(fn, owner, active, standby):
    """fn(ptr, active, n_active, standby or NULL, n_standby) with the uplink names."""
    a, na = _names(active)
    s, ns = _names(standby)
    with owner._use() as p:
        check(fn(p, a, na, s if ns else None, ns), fn.__name__, owner._name,
              list(active), list(standby))


def _names(arr):
    if isinstance(arr, (str, bytes)):
        raise TypeError("a list of uplink names is needed, not one name")
    names = [V.enc(n, "uplink name") for n in arr]
    c = (ctypes.c_char_p * max(len(names), 1))(*names)
    return c, len(names)


def teaming(at):
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
