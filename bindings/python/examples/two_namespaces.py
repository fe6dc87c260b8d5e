#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Two network namespaces on one port group, pinging through libvsw (root)."""
import os, subprocess, threading, libvsw

def sh(cmd): subprocess.run(cmd, shell=True, check=True)

tag = "vswpy%d" % os.getpid()
with libvsw.Switch("vSwitch0") as sw:
    pg = sw.add_portgroup("VM Network")
    try:
        for i in (1, 2):
            pg.add_vnic("vm%d" % i, backend="tap:%s%d" % (tag, i))   # MAC: the tap's
            sh(f"ip netns add {tag}-{i}; ip link set {tag}{i} netns {tag}-{i}")
            sh(f"ip -n {tag}-{i} addr add 10.98.0.{i}/24 dev {tag}{i}; ip -n {tag}-{i} link set {tag}{i} up")
        loop = threading.Thread(target=sw.run)      # the switch's event loop
        loop.start()
        sh(f"ip netns exec {tag}-1 ping -c 3 -W 2 10.98.0.2")
        sw.stop(); loop.join()
        print({p.name: p.counters["tx_packets"] for p in sw.ports})
    finally:
        sh(f"ip netns del {tag}-1 2>/dev/null; ip netns del {tag}-2 2>/dev/null; true")
