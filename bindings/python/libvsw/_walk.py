# SPDX-License-Identifier: MIT
"""The one way this package runs a C walk (a *_foreach with a visitor).

A visitor runs inside C, which cannot carry a Python exception: the first
one a visitor raises is kept on the switch (_guard.capture), the visitor
returns non-zero so that the walk stops there (every libvsw walk stops on
a non-zero return and returns that value), and the guarded call re-raises
it once, when the C walk has returned.
"""

from ._guard import capture
from .errors import check


def walk(call, foreach, proto, convert, name, arg=None):
    """The list of convert(*item) for each item the C walk visits.

    call     a _guard.Call (or subclass), held around the walk;
    foreach  the C function, called as foreach(ptr, visitor, NULL) with the
             pointer the call yields (through arg(ptr) if given);
    proto    the ctypes CFUNCTYPE of its visitor (the last argument is the
             user pointer, which convert does not see);
    name     the object's name, for the error message.
    """
    sw = call._sw
    out = []

    def visit(*args):
        try:
            out.append(convert(*args[:-1]))
            return 0
        except BaseException as e:   # KeyboardInterrupt too: C cannot unwind
            capture(sw, e)
            return 1
    visitor = proto(visit)   # alive until the walk returns
    with call as p:
        check(foreach(p if arg is None else arg(p), visitor, None), foreach.__name__, name)
    return out


def chain(next_fn, owner, wrap):
    """[wrap(p) for every p of a C iterator: next_fn(owner, NULL) for the
    first, next_fn(owner, prev) for the next, NULL at the end]. The caller
    holds the switch's lock."""
    out, p = [], next_fn(owner, None)
    while p:
        out.append(wrap(p))
        p = next_fn(owner, p)
    return out
