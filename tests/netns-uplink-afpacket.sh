#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: netns-uplink-vlan.sh through the afpacket backend.
exec "$(dirname "$0")/netns-uplink-vlan.sh" afpacket
