# SPDX-License-Identifier: MIT
"""Description: close() from a receive callback frees the switch once the
send that ran the callback returns (issue 13 defect 14: the refused free
leaked it). Run by tests/python-tests.sh under valgrind, which must find no
block allocated by libvsw definitely lost."""

import libvsw

A, B = "00:50:56:00:00:0a", "00:50:56:00:00:0b"
for _ in range(3):
    sw = libvsw.Switch("s")
    pg = sw.add_portgroup("pg")
    a, b = pg.add_vnic("a", mac=A), pg.add_vnic("b", mac=B)
    b.on_receive = lambda port, frames: sw.close()
    try:
        a.send([bytes.fromhex("00505600000b00505600000a0800") + bytes(46)])
    except ValueError:
        pass   # what the bindings of b7fad2d raised; the leak is what counts here
    assert "closed" in repr(sw)
print("ok")
