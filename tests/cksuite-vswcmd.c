// SPDX-License-Identifier: MIT
/*
 * Description: the vswctl grammar (examples/daemon/cmd.c): every command with
 * good input, and bad input of each kind, with the error line naming the
 * bad word.
 */
#include <stdlib.h>

#include "cksuite.h"
#include "../examples/daemon/cmd.h"

static const char *const good[] = {
	"vswitch add vSwitch0",
	"vswitch add vSwitch1 --mtu 9000",
	"vswitch add vSwitch1 --mtu=1280",
	"vswitch remove vSwitch1",
	"vswitch set vSwitch0 --mtu 1500",
	"vswitch add vSwitch2 --beacon-interval 500",
	"vswitch set vSwitch0 --beacon-interval=2000 --mtu 9000",
	"vswitch add vSwitch2 --lldp both --lldp-interval 5",
	"vswitch set vSwitch0 --lldp=none",
	"vswitch set vSwitch0 --lldp advertise --mtu 9000",
	"vswitch set vSwitch0 --lldp-interval 3600",
	"portgroup add vSwitch0 \"VM Network\"",
	"portgroup add vSwitch0 Prod --vlan 10",
	"portgroup add vSwitch0 Trunk --vlan 4095",
	"portgroup remove vSwitch0 Prod",
	"portgroup set vSwitch0 Prod --vlan 20",
	"uplink add vSwitch0 vmnic0 --backend afpacket:eth1",
	"uplink add vSwitch0 vmnic1 --backend afpacket:eth2 --options rx=v3,block_tov=2",
	"uplink remove vSwitch0 vmnic1",
	"uplink set vSwitch0 vmnic0 --link down",
	"uplink add vSwitch0 vmnic2 --backend afpacket:eth3 --options offloads=off",
	"uplink add vSwitch0 vmnic3 --backend afpacket:eth4 --offloads csum,tso4",
	"uplink set vSwitch0 vmnic0 --offloads none",
	"uplink set vSwitch0 vmnic0 --link up --offloads=all",
	"uplink neighbors",
	"uplink neighbors vSwitch0",
	"uplink neighbors vSwitch0 vmnic0 --json",
	"--json uplink neighbors vSwitch0",
	"vnic add vSwitch0 Prod vm1 --backend tap:vm1",
	"vnic add vSwitch0 Prod vm2 --mac 00:50:56:00:00:02",
	"vnic add vSwitch0 \"VM Network\" vm3 --mac 00:50:56:00:00:03 --backend tap:vm3",
	"vnic remove vSwitch0 vm1",
	"vnic set vSwitch0 vm2 --mac 00:50:56:00:00:99",
	"vnic set vSwitch0 vm2 --link up",
	"vnic add vSwitch0 Prod vm4 --backend tap:vm4 --options offloads=on --offloads csum,tso4,tso6,tso_ecn,uso",
	"vnic set vSwitch0 vm4 --offloads uso,csum",
	"vmk set vSwitch0 vmk0 --offloads csum",
	"vmk add vSwitch0 Mgmt vmk6 --backend tap:vmk6 --offloads none",
	"vmk add vSwitch0 Mgmt vmk0 --services management,vmotion",
	"vmk add vSwitch0 Mgmt vmk1 --mac 00:50:56:aa:bb:cc --services none --backend tap:vmk1",
	"vmk remove vSwitch0 vmk1",
	"vmk set vSwitch0 vmk0 --services vsan",
	"vmk add vSwitch0 Mgmt vmk2 --netstack vmotion --ip 192.0.2.10/24,2001:db8::10/64 --mtu 9000",
	"vmk add vSwitch0 Mgmt vmk3 --netstack default --ip none",
	"vmk add vSwitch0 Mgmt vmk4 --ip 198.51.100.1/32",
	"vmk set vSwitch0 vmk2 --ip none",
	"vmk add vSwitch0 Mgmt vmk5 --netstack vmotion --ip 192.0.2.10/24 --gateway 192.0.2.1",
	"vmk set vSwitch0 vmk5 --gateway 192.0.2.1,2001:db8::1",
	"vmk set vSwitch0 vmk5 --gateway fe80::1",
	"vmk set vSwitch0 vmk5 --gateway none",
	"vmk set vSwitch0 vmk2 --mtu 1500 --ip 192.0.2.11/24",
	"vmk set vSwitch0 vmk2 --services vmotion,faultToleranceLogging",
	"netstack add vmotion",
	"netstack add my_stack-2.test",
	"netstack remove vmotion",
	"policy get vSwitch0",
	"policy get vSwitch0 Prod --json",
	"policy set vSwitch0 forged_transmits=reject",
	"policy set vSwitch0 Prod promiscuous=accept mac_changes=reject",
	"policy set vSwitch0 Prod load_balancing=ip_hash failback=no notify_switches=yes",
	"policy set vSwitch0 Prod shaping=on average_bps=100M peak_bps=1G burst_bytes=64Ki",
	"policy set vSwitch0 Prod active=vmnic0,vmnic1 standby=vmnic2",
	"policy set vSwitch0 Prod active=",
	"policy set vSwitch0 active= standby=vmnic0",
	"policy set vSwitch0 Prod mac_learning=on mac_limit=64 mac_aging_sec=60",
	"policy set vSwitch0 failure_detection=beacon",
	"policy clear vSwitch0 Prod forged_transmits active",
	"list",
	"list --json",
	"--json list",
	"stats",
	"stats vSwitch0",
	"stats vSwitch0 vm2 --json",
	"fdb",
	"fdb vSwitch0 --json",
	"vde add vSwitch0 \"VM Network\" /run/vsw/vde",
	"vde remove vSwitch0 /run/vsw/vde",
	"vswitch add vSwitch0 --may-exist",
	"vswitch remove vSwitch0 --if-exists",
	"portgroup add s pg --may-exist --vlan 3",
	"portgroup remove s pg --if-exists",
	"uplink add s u --backend tap:u --may-exist",
	"uplink remove s u --if-exists",
	"vnic add s pg vm --may-exist",
	"vnic remove s vm --if-exists",
	"vmk add s pg vmk0 --may-exist",
	"vmk remove s vmk0 --if-exists",
	"netstack add n --may-exist",
	"netstack remove n --if-exists",
	"vde add s pg /d --may-exist",
	"vde remove s /d --if-exists",
	"fdb flush s",
	"stats clear s",
	"stats clear s vm1",
	"stats s vm1 --all",
	"stats --all --json",
	"mirror add s span1",
	"mirror add s span1 --snaplen 128 --disabled --may-exist",
	"mirror add s span1 --snaplen=0",
	"mirror remove s span1 --if-exists",
	"mirror set s span1 source=vm1",
	"mirror set s span1 source=vm1:in source=vm2:out:vlans=10,20-30 dest=mon",
	"mirror set s span1 source=vm1:both:vlans=0 dest=vmnic0:vlan=999 snaplen=64 enabled=yes",
	"mirror set s span1 no-source=vm1 no-dest enabled=no",
	"mirror set s \"my session\" source=\"VM one\":in",
	"mirror list",
	"mirror list s --json",
	"--json mirror list",
	"capture s",
	"capture s vm1",
	"capture s vm1 vm2 vmnic0 --direction in --count 10 --snaplen 96",
	"capture s vm1 --write - --direction=out",
	"vswitch add vSwitch0 # a comment",
	"  vswitch   add  vSwitch0  ",
	"vds create dvs1",
	"vds create dvs1 --mtu 9000",
	"vds remove dvs1",
	"vds portgroup add dvs1 web --vlan 10",
	"vds portgroup remove dvs1 web",
	"vds policy set dvs1 web promiscuous=accept",
	"vds policy set dvs1 load_balancing=src_mac active=dvuplink0",
	"vds list",
	"vds list dvs1 --json",
	"--json vds hosts dvs1",
	"vds ports dvs1",
};

static const struct {
	const char *line;
	const char *err; /* a part of the error line */
} bad[] = {
	{ "frobnicate", "unknown command 'frobnicate'" },
	{ "vswitch", "'vswitch' needs a verb" },
	{ "vswitch jump vSwitch0", "unknown verb 'jump'" },
	{ "vswitch add", "missing switch name" },
	{ "vswitch add a b", "unexpected word 'b'" },
	{ "vswitch add s --mtu 9001", "MTU '9001'" },
	{ "vswitch add s --mtu abc", "MTU 'abc'" },
	{ "vswitch add s --vlan 5", "unknown option '--vlan'" },
	{ "vds", "'vds' needs a verb" },
	{ "vds portgroup dvs1 web", "unknown verb 'portgroup'" },
	{ "vds portgroup add dvs1", "missing port group name" },
	{ "vds policy set dvs1 web", "nothing to set" },
	{ "vds policy set dvs1 web bogus=1", "unknown policy 'bogus'" },
	{ "vds create", "missing distributed switch name" },
	{ "vds hosts", "missing distributed switch name" },
	{ "vds create d --vlan 3", "unknown option '--vlan'" },
	{ "vswitch set s", "nothing to set" },
	{ "vswitch set s --beacon-interval 99", "beacon interval '99' out of range (100-60000 ms)" },
	{ "vswitch set s --beacon-interval 60001", "beacon interval '60001'" },
	{ "vswitch set s --beacon-interval 1s", "beacon interval '1s'" },
	{ "vswitch remove s --beacon-interval 500", "unknown option '--beacon-interval'" },
	{ "portgroup set s pg --beacon-interval 500", "unknown option '--beacon-interval'" },
	{ "vswitch set s --lldp sometimes", "bad LLDP mode 'sometimes'" },
	{ "vswitch set s --lldp", "needs a value" },
	{ "vswitch set s --lldp-interval 0", "LLDP interval '0'" },
	{ "vswitch set s --lldp-interval 3601", "LLDP interval '3601'" },
	{ "vswitch remove s --lldp none", "unknown option '--lldp'" },
	{ "portgroup set s pg --lldp both", "unknown option '--lldp'" },
	{ "uplink neighbors s vmnic0 extra", "unexpected word 'extra'" },
	{ "uplink neighbors s --link up", "unknown option '--link'" },
	{ "vnic neighbors s", "'vnic neighbors' is not a command" },
	{ "portgroup add s", "missing port group name" },
	{ "portgroup add s pg --vlan 4096", "VLAN ID '4096'" },
	{ "portgroup add s pg --vlan -1", "VLAN ID '-1'" },
	{ "portgroup add s pg --vlan", "needs a value" },
	{ "uplink add s vmnic0", "missing --backend" },
	{ "uplink add s vmnic0 --backend eth1", "bad backend spec 'eth1'" },
	{ "uplink set s vmnic0 --link sideways", "bad link state 'sideways'" },
	{ "uplink set s vmnic0", "nothing to set" },
	{ "uplink set s vmnic0 --offloads tso", "bad offload list 'tso'" },
	{ "uplink set s vmnic0 --offloads csum,,tso4", "bad offload list 'csum,,tso4'" },
	{ "uplink set s vmnic0 --offloads csum,", "bad offload list 'csum,'" },
	{ "uplink set s vmnic0 --offloads=", "bad offload list ''" },
	{ "uplink set s vmnic0 --offloads all,csum", "bad offload list 'all,csum'" },
	{ "uplink set s vmnic0 --offloads", "needs a value" },
	{ "uplink remove s vmnic0 --offloads all", "unknown option '--offloads'" },
	{ "portgroup set s pg --offloads all", "unknown option '--offloads'" },
	{ "vnic remove s vm1 --offloads none", "unknown option '--offloads'" },
	{ "vnic add s pg", "missing port name" },
	{ "vnic add s pg vm1 --mac 00:50:56:00:00", "bad MAC address '00:50:56:00:00'" },
	{ "vnic add s pg vm1 --mac 01:00:5e:00:00:01", "bad MAC address '01:00:5e:00:00:01'" },
	{ "vnic add s pg vm1 --mac 00:00:00:00:00:00", "bad MAC address" },
	{ "vnic add s pg vm1 --mac zz:50:56:00:00:01", "bad MAC address 'zz:50:56:00:00:01'" },
	{ "vnic add s pg vm1 --services vmotion", "unknown option '--services'" },
	{ "vnic remove s", "missing port name" },
	{ "vmk add s pg vmk0 --services teleport", "bad service list 'teleport'" },
	{ "vmk add s pg vmk0 --ip 192.0.2.1", "bad address '192.0.2.1'" },
	{ "vmk add s pg vmk0 --ip 192.0.2.1/33", "bad address '192.0.2.1/33'" },
	{ "vmk add s pg vmk0 --ip 2001:db8::1/129", "bad address '2001:db8::1/129'" },
	{ "vmk add s pg vmk0 --ip host/24", "bad address 'host/24'" },
	{ "vmk add s pg vmk0 --ip 192.0.2.1/24,", "bad address list '192.0.2.1/24,'" },
	{ "vmk add s pg vmk0 --netstack a/b", "bad TCP/IP stack name 'a/b'" },
	{ "vmk add s pg vmk0 --netstack ..", "bad TCP/IP stack name '..'" },
	{ "vmk add s pg vmk0 --backend tap:x --ip 192.0.2.1/24", "not both" },
	{ "vmk add s pg vmk0 --backend tap:x --netstack vmotion", "not both" },
	{ "vmk set s vmk0 --netstack vmotion", "unknown option '--netstack'" },
	{ "vmk set s vmk0 --gateway 192.0.2.1/24", "bad gateway '192.0.2.1/24'" },
	{ "vmk set s vmk0 --gateway router", "bad gateway 'router'" },
	{ "vmk set s vmk0 --gateway 192.0.2.1,192.0.2.2", "two IPv4 gateways in '192.0.2.1,192.0.2.2'" },
	{ "vmk set s vmk0 --gateway 192.0.2.1,2001:db8::1,2001:db8::2", "bad gateway list" },
	{ "vmk add s pg vmk0 --backend tap:x --gateway 192.0.2.1", "not both" },
	{ "vnic set s vm1 --gateway 192.0.2.1", "unknown option '--gateway'" },
	{ "vmk set s vmk0 --mtu 100", "MTU '100'" },
	{ "vnic add s pg vm1 --ip 192.0.2.1/24", "unknown option '--ip'" },
	{ "netstack add", "missing stack name" },
	{ "netstack add default", "not default" },
	{ "netstack add a b", "unexpected word 'b'" },
	{ "netstack add ../etc", "bad TCP/IP stack name '../etc'" },
	{ "netstack set x", "'netstack set' is not a command" },
	{ "policy get", "missing switch name" },
	{ "policy set s", "nothing to set" },
	{ "policy set s pg forged_transmits", "expected KEY=VALUE, got 'forged_transmits' (did you mean 'forged_transmits=VALUE'?)" },
	{ "policy set s pg forged=accept", "unknown policy 'forged'" },
	{ "policy set s pg forged_transmits=maybe", "bad value 'maybe' for forged_transmits" },
	{ "policy set s pg load_balancing=random", "bad value 'random'" },
	{ "policy set s pg average_bps=lots", "bad value 'lots'" },
	{ "policy set s pg active=,", "bad uplink list" },
	{ "policy set s pg active=vmnic0,,vmnic1", "bad uplink list" },
	{ "policy clear s pg", "no policy named" },
	{ "policy clear s pg nonsense", "unknown policy 'nonsense'" },
	{ "vde add s pg", "vde add: missing directory" },
	{ "vde remove s", "vde remove: missing directory" },
	{ "vde add s pg /d extra", "unexpected word 'extra'" },
	{ "vde set s /d", "vde set" },
	{ "vde add s pg /d --json", "unknown option '--json'" },
	{ "list extra", "unexpected word 'extra'" },
	{ "stats a b c", "unexpected word 'c'" },
	{ "vswitch add s --json", "unknown option '--json'" },
	{ "--json", "missing command" },
	/* did you mean, valid values, parse against range */
	{ "vswich add x", "unknown command 'vswich' (did you mean 'vswitch'?)" },
	{ "vswitch ad x", "unknown verb 'ad' for vswitch (did you mean 'add'? verbs: add, remove, set)" },
	{ "vswitch", "'vswitch' needs a verb: add, remove, set" },
	{ "vnic list s", "'vnic list' is not a command (vnic verbs: add, remove, set)" },
	{ "vswitch add x --mut 9000", "unknown option '--mut' for vswitch add (did you mean '--mtu'?)" },
	{ "vswitch add x --mtu 1500b", "bad MTU '1500b' (want a number 1280-9000)" },
	{ "vswitch add x --mtu 9001", "MTU '9001' out of range (1280-9000)" },
	{ "vswitch add x --mtu 99999999999999999999999", "out of range" },
	{ "portgroup add s pg --vlan ten", "bad VLAN ID 'ten' (want a number 0-4095)" },
	{ "vswitch set s --lldp lisen", "bad LLDP mode 'lisen' (did you mean 'listen'? valid: none, listen, advertise, both)" },
	{ "uplink set s u --link dwn", "(did you mean 'down'? valid: up, down)" },
	{ "uplink set s u --offloads csum,tos4", "unknown 'tos4' (did you mean 'tso4'?" },
	{ "vmk set s k --services vmotoin", "unknown 'vmotoin' (did you mean 'vmotion'?" },
	{ "policy set s load_balancing=iphash",
	  "bad value 'iphash' for load_balancing (did you mean 'ip_hash'? valid: port_id, src_mac, ip_hash, explicit)" },
	{ "policy set s pg load_balancing explicit", "expected KEY=VALUE, got 'load_balancing' (did you mean 'load_balancing=explicit'?)" },
	{ "policy set s load_balancing explicit", "(did you mean 'load_balancing=explicit'?)" },
	{ "policy set s failbak=no", "unknown policy 'failbak' (did you mean 'failback'?)" },
	{ "policy set s average_bps=1x", "bad value '1x' for average_bps (want a number" },
	{ "vswitch add x --may-exist=1", "takes no value" },
	{ "vswitch set x --may-exist", "unknown option '--may-exist'" },
	{ "vswitch add x --if-exists", "unknown option '--if-exists' for vswitch add" },
	{ "stats clear", "stats clear: missing switch name" },
	{ "fdb flush", "fdb flush: missing switch name" },
	{ "fdb flush s --json", "unknown option '--json'" },
	{ "vnic add s pg vm --options x=1", "--options without --backend" },
	{ "vswitch add \"unterminated", "unterminated quote" },
	{ "vswitch add \"a\rb\"", "control character in 'a'" },
	{ "vswitch add 0123456789012345678901234567890123456789012345678901234567890123456789",
	  "too long" },
	{ "mirror", "'mirror' needs a verb" },
	{ "mirror add s", "mirror add: missing session name" },
	{ "mirror set s m", "nothing to set" },
	{ "mirror set s m sorce=vm1", "unknown mirror setting 'sorce' (did you mean 'source'?)" },
	{ "mirror set s m source", "(did you mean 'source=VALUE'?)" },
	{ "mirror set s m source=", "empty source port name" },
	{ "mirror set s m source=vm1:in:vlans=4095", "bad VLAN '4095'" },
	{ "mirror set s m source=vm1:vlans=30-20", "bad VLAN range '30-20'" },
	{ "mirror set s m source=vm1:vlans=", "bad VLAN list" },
	{ "mirror set s m dest=u:vlan=0", "RSPAN VLAN '0' out of range (1-4094)" },
	{ "mirror set s m enabled=maybe", "bad value 'maybe' for enabled (valid: yes, no)" },
	{ "mirror set s m snaplen=13", "snap length '13' too short" },
	{ "mirror set s m source=a no-source=a", "'a' is both source= and no-source=" },
	{ "mirror add s m --snaplen 300000", "snap length '300000' out of range" },
	{ "mirror remove s m --may-exist", "unknown option '--may-exist' for mirror remove" },
	{ "mirror list s m", "unexpected word 'm'" },
	{ "mirror set s m=1 source=a", "mirror set: missing session name" },
	{ "capture", "capture: missing switch name" },
	{ "capture s --direction up", "bad direction 'up' (did you mean 'in'? valid: in, out, both)" },
	{ "capture s --count 0", "frame count '0' out of range" },
	{ "capture s --json", "unknown option '--json' for capture" },
};

START_TEST(grammar_good)
{
	static struct vswcmd c;
	char err[256] = "";

	ck_assert_msg(vswcmd_parse(good[_i], &c, err, sizeof(err)) == 1, "'%s': %s", good[_i], err);
}
END_TEST

START_TEST(grammar_bad)
{
	static struct vswcmd c;
	char err[256] = "";

	ck_assert_msg(vswcmd_parse(bad[_i].line, &c, err, sizeof(err)) == -1, "'%s' was accepted",
		      bad[_i].line);
	ck_assert_msg(strstr(err, bad[_i].err), "'%s': got '%s', wanted '%s'", bad[_i].line, err,
		      bad[_i].err);
}
END_TEST

START_TEST(grammar_values)
{
	static struct vswcmd c;
	char err[256];

	ck_assert_int_eq(vswcmd_parse("", &c, err, sizeof(err)), 0);
	ck_assert_int_eq(vswcmd_parse("   # only a comment", &c, err, sizeof(err)), 0);
	ck_assert_int_eq(vswcmd_parse("portgroup add vSwitch0 \"VM Network\" --vlan 10", &c, err, sizeof(err)), 1);
	ck_assert_str_eq(c.pos[1], "VM Network");
	ck_assert_uint_eq(c.vlan, 10);
	ck_assert(c.changes);
	ck_assert_int_eq(vswcmd_parse("policy set s pg shaping=on average_bps=100M burst_bytes=64Ki active=a,b standby=c",
				      &c, err, sizeof(err)), 1);
	ck_assert_int_eq(c.nkv, 3);
	ck_assert_uint_eq(c.kv[1].value, 100000000u);
	ck_assert_uint_eq(c.kv[2].value, 65536u);
	ck_assert_int_eq(c.nactive, 2);
	ck_assert_int_eq(c.nstandby, 1);
	ck_assert_str_eq(c.standby[0], "c");
	ck_assert(c.has_active && c.has_standby);
	/* an empty active list is given, and differs from none given */
	ck_assert_int_eq(vswcmd_parse("policy set s pg active=", &c, err, sizeof(err)), 1);
	ck_assert(c.has_active && !c.has_standby);
	ck_assert_int_eq(c.nactive, 0);
	ck_assert_int_eq(vswcmd_parse("policy set s pg standby=", &c, err, sizeof(err)), 1);
	ck_assert(!c.has_active && c.has_standby);
	ck_assert_int_eq(c.nstandby, 0);
	ck_assert_int_eq(vswcmd_parse("policy set s pg failback=no", &c, err, sizeof(err)), 1);
	ck_assert(!c.has_active && !c.has_standby);
	ck_assert_int_eq(vswcmd_parse("stats --json", &c, err, sizeof(err)), 1);
	ck_assert(c.json);
	ck_assert(!c.changes);
	ck_assert_int_eq(vswcmd_parse("vswitch set s --beacon-interval 250", &c, err, sizeof(err)), 1);
	ck_assert(c.has_beacon_interval && !c.has_mtu);
	ck_assert_uint_eq(c.beacon_interval, 250);
	ck_assert_int_eq(vswcmd_parse("vswitch set s --lldp-interval 10 --lldp both", &c, err, sizeof(err)), 1);
	ck_assert(c.has_lldp && c.has_lldp_interval && !c.has_mtu);
	ck_assert_int_eq(c.lldp, VSW_LLDP_BOTH);
	ck_assert_uint_eq(c.lldp_interval, 10);
	ck_assert(c.changes);
	ck_assert_int_eq(vswcmd_parse("vswitch add s --lldp listen", &c, err, sizeof(err)), 1);
	ck_assert_int_eq(c.lldp, VSW_LLDP_LISTEN);
	ck_assert_int_eq(vswcmd_parse("uplink neighbors s u --json", &c, err, sizeof(err)), 1);
	ck_assert_int_eq(c.verb, VERB_NEIGHBORS);
	ck_assert_int_eq(c.npos, 2);
	ck_assert(c.json && !c.changes);
	ck_assert_str_eq(vswcmd_lldp_mode(VSW_LLDP_ADVERTISE), "advertise");
	ck_assert_int_eq(vswcmd_parse("vnic add s pg vm --mac 00:50:56:0a:0b:0c", &c, err, sizeof(err)), 1);
	ck_assert_uint_eq(c.mac[5], 0x0c);
	ck_assert(!c.has_offloads);
	/* --offloads: names to VSW_OFFLOAD_* bits, and back in a fixed order */
	ck_assert_int_eq(vswcmd_parse("vnic set s vm --offloads uso,tso4,csum", &c, err, sizeof(err)), 1);
	ck_assert(c.has_offloads && c.changes);
	ck_assert_uint_eq(c.offloads, VSW_OFFLOAD_USO | VSW_OFFLOAD_TSO4 | VSW_OFFLOAD_CSUM);
	ck_assert_int_eq(vswcmd_parse("uplink set s u --offloads all", &c, err, sizeof(err)), 1);
	ck_assert_uint_eq(c.offloads, VSW_OFFLOAD_ALL);
	ck_assert(!c.has_link);
	ck_assert_int_eq(vswcmd_parse("uplink add s u --backend tap:u --offloads none", &c, err, sizeof(err)), 1);
	ck_assert(c.has_offloads);
	ck_assert_uint_eq(c.offloads, 0);
	{
		char b[64];
		ck_assert_str_eq(vswcmd_offloads(0, b, sizeof(b)), "none");
		ck_assert_str_eq(vswcmd_offloads(VSW_OFFLOAD_ALL, b, sizeof(b)), "csum,tso4,tso6,tso_ecn,uso");
		ck_assert_str_eq(vswcmd_offloads(VSW_OFFLOAD_USO | VSW_OFFLOAD_CSUM, b, sizeof(b)), "csum,uso");
		/* a bit this version does not know is not shown */
		ck_assert_str_eq(vswcmd_offloads(1ull << 40, b, sizeof(b)), "none");
		ck_assert_str_eq(vswcmd_offloads(VSW_OFFLOAD_ALL, b, 8), "csum");
		ck_assert_str_eq(vswcmd_offload_name(VSW_OFFLOAD_TSO_ECN), "tso_ecn");
		ck_assert_ptr_null(vswcmd_offload_name(1ull << 40));
		/* what is shown parses back to the same bits */
		for (uint64_t m = 0; m <= VSW_OFFLOAD_ALL; m++) {
			char line[128];
			snprintf(line, sizeof(line), "vnic set s vm --offloads %s",
				 vswcmd_offloads(m, b, sizeof(b)));
			ck_assert_int_eq(vswcmd_parse(line, &c, err, sizeof(err)), 1);
			ck_assert_uint_eq(c.offloads, m);
		}
	}
	/* mirror set: sources with their direction and VLAN ranges */
	ck_assert_int_eq(vswcmd_parse("mirror set s m source=vm1:in:vlans=10,20-30 source=a:b source=c:out "
				      "no-source=d dest=vmnic0:vlan=999 snaplen=64 enabled=no", &c, err, sizeof(err)), 1);
	ck_assert(c.changes);
	ck_assert_int_eq(c.nmsrc, 3);
	ck_assert_str_eq(c.msrc[0].port, "vm1");
	ck_assert_uint_eq(c.msrc[0].dir, VSW_MIRROR_INGRESS);
	ck_assert_int_eq(c.msrc[0].nranges, 2);
	ck_assert_uint_eq(c.msrc[0].lo[1], 20);
	ck_assert_uint_eq(c.msrc[0].hi[1], 30);
	ck_assert_str_eq(c.msrc[1].port, "a:b"); /* not a direction: part of the name */
	ck_assert_uint_eq(c.msrc[1].dir, VSW_MIRROR_BOTH);
	ck_assert_int_eq(c.msrc[1].nranges, 0);
	ck_assert_uint_eq(c.msrc[2].dir, VSW_MIRROR_EGRESS);
	ck_assert_int_eq(c.nmnosrc, 1);
	ck_assert_str_eq(c.mnosrc[0], "d");
	ck_assert(c.has_mdest);
	ck_assert_str_eq(c.mdest, "vmnic0");
	ck_assert_uint_eq(c.mdest_vlan, 999);
	ck_assert(c.has_snaplen && c.has_enabled && !c.enabled);
	ck_assert_uint_eq(c.snaplen, 64);
	ck_assert_int_eq(vswcmd_parse("mirror set s m no-dest", &c, err, sizeof(err)), 1);
	ck_assert(c.has_mdest);
	ck_assert_ptr_null(c.mdest);
	ck_assert(!c.has_snaplen && !c.has_enabled && !c.nmsrc);
	ck_assert_int_eq(vswcmd_parse("mirror add s m --disabled --snaplen 96", &c, err, sizeof(err)), 1);
	ck_assert(c.disabled && c.has_snaplen);
	ck_assert_int_eq(vswcmd_parse("mirror list --json", &c, err, sizeof(err)), 1);
	ck_assert(c.json && !c.changes);
	ck_assert_int_eq(c.verb, VERB_LIST);
	/* capture: a read command for the grammar (the daemon asks for privilege) */
	ck_assert_int_eq(vswcmd_parse("capture s vm1 vm2 --direction out --count 5 --snaplen 128", &c, err,
				      sizeof(err)), 1);
	ck_assert(!c.changes);
	ck_assert_int_eq(c.npos, 3);
	ck_assert_uint_eq(c.direction, VSW_MIRROR_EGRESS);
	ck_assert(c.has_count && c.has_snaplen);
	ck_assert_uint_eq(c.count, 5);
	{
		/* as many ports as the grammar takes, and not one more */
		char line[1024] = "capture s";
		for (int i = 1; i < VSWCMD_MAX_POS; i++)
			snprintf(line + strlen(line), sizeof(line) - strlen(line), " p%d", i);
		ck_assert_int_eq(vswcmd_parse(line, &c, err, sizeof(err)), 1);
		ck_assert_int_eq(c.npos, VSWCMD_MAX_POS);
		strcat(line, " one-more");
		ck_assert_int_eq(vswcmd_parse(line, &c, err, sizeof(err)), -1);
		ck_assert_ptr_nonnull(strstr(err, "unexpected word 'one-more'"));
	}
	/* joining quotes what needs it, and parses back to the same words */
	{
		char *w[] = { "portgroup", "add", "s", "VM Network", "--vlan", "7" };
		char line[256];
		ck_ok(vswcmd_join(6, w, line, sizeof(line)));
		ck_assert_str_eq(line, "portgroup add s \"VM Network\" --vlan 7");
		ck_assert_int_eq(vswcmd_parse(line, &c, err, sizeof(err)), 1);
		ck_assert_str_eq(c.pos[1], "VM Network");
	}
}
END_TEST

/* help and completion, from the same table as the parser */
static char *run_help(int n, char **w, int *r)
{
	char *buf = NULL, err[256] = "";
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	*r = vswcmd_help(f, n, w, err, sizeof(err));
	fclose(f);
	if (*r < 0) {
		free(buf);
		return strdup(err);
	}
	return buf;
}

static char *run_complete(const char *line)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	vswcmd_complete_line(f, line);
	fclose(f);
	return buf;
}

static const struct {
	const char *line, *want;
	bool exact; /* the whole answer, or a part of it */
} completions[] = {
	{ "vs", "vswitch\n", true },
	{ "", "portgroup\n", false },
	{ "", "show-config\n", false },
	{ "-s /tmp/x.sock vswitch ", "add\nremove\nset\n", true },
	{ "vswitch add s0 --l", "--lldp\n--lldp-interval\n", true },
	{ "vswitch set s0 --lldp a", "advertise\n", true },
	{ "vnic set s0 vm1 --offloads csum,tso", "csum,tso4\ncsum,tso6\ncsum,tso_ecn\n", true },
	{ "uplink remove ", "@switch\n", true },
	{ "uplink remove \"vSwitch 0\" ", "@uplink vSwitch 0\n", true },
	{ "vnic set s0 ", "@vnic s0\n", true },
	{ "vmk remove s0 ", "@vmk s0\n", true },
	{ "stats s0 ", "@port s0\n", true },
	{ "vds ", "create\nremove\nportgroup\npolicy\nlist\nhosts\nports\n", true },
	{ "vds portgroup ", "add\nremove\n", true },
	{ "vds portgroup add ", "@switch\n", true },
	{ "vds portgroup remove d ", "@portgroup d\n", true },
	{ "help vds ", "create\nremove\nportgroup\npolicy\nlist\nhosts\nports\n", true },
	{ "policy set s0 pg load_b", "load_balancing=\n", true },
	{ "policy set s0 pg load_balancing=s", "load_balancing=src_mac\n", true },
	{ "stats ", "clear\n", false },
	{ "stats ", "@switch\n", false },
	{ "uplink add s0 u0 --backend af", "afpacket:\n", true },
	{ "help vsw", "vswitch\n", true },
	{ "vmk add s0 pg vmk1 --services vmo", "vmotion\n", true },
	{ "mir", "mirror\n", true },
	{ "mirror ", "add\nremove\nset\nlist\n", true },
	{ "mirror remove s0 ", "@mirror s0\n", true },
	{ "mirror set s0 span1 ", "source=\nno-source=\ndest=\nno-dest\nsnaplen=\nenabled=\n", true },
	{ "mirror set s0 span1 no", "no-source=\nno-dest\n", true },
	{ "mirror set s0 span1 enabled=", "enabled=yes\nenabled=no\n", true },
	{ "mirror set s0 span1 source=vm1:o", "source=vm1:out\n", true },
	{ "mirror add s0 m --", "--snaplen\n--disabled\n--may-exist\n", true },
	{ "capture ", "@switch\n", true },
	{ "capture s0 ", "@port s0\n", true },
	{ "capture s0 vm1 vm2 ", "@port s0\n", true },
	{ "capture s0 vm1 --direction ", "in\nout\nboth\n", true },
};

START_TEST(help_and_completion)
{
	char *w[] = { "policy", "set" }, *o, *typo[] = { "vswich" }, *vb[] = { "vswitch", "jump" };
	int r;

	o = run_help(0, NULL, &r);
	ck_assert_int_eq(r, 0);
	ck_assert_ptr_nonnull(strstr(o, "  vswitch    add, remove, set"));
	ck_assert_ptr_nonnull(strstr(o, "save [FILE]"));
	ck_assert_ptr_nonnull(strstr(o, "show-config"));
	ck_assert_ptr_nonnull(strstr(o, "--version"));
	free(o);
	o = run_help(2, w, &r);
	ck_assert_int_eq(r, 0);
	ck_assert_ptr_nonnull(strstr(o, "vswctl policy set SWITCH [PORTGROUP] KEY=VALUE..."));
	ck_assert_ptr_null(strstr(o, "policy get"));
	ck_assert_ptr_nonnull(strstr(o, "load_balancing       port_id, src_mac, ip_hash, explicit"));
	ck_assert_ptr_nonnull(strstr(o, "failure_detection    link_status, beacon"));
	free(o);
	w[0] = "vmk";
	o = run_help(1, w, &r);
	ck_assert_ptr_nonnull(strstr(o, "valid: management, vmotion"));
	ck_assert_ptr_nonnull(strstr(o, "tap        mac=MAC offloads=on|off"));
	ck_assert_ptr_nonnull(strstr(o, "--if-exists"));
	free(o);
	w[0] = "mirror";
	o = run_help(2, w, &r);
	ck_assert_int_eq(r, 0);
	ck_assert_ptr_nonnull(strstr(o, "vswctl mirror set SWITCH SESSION KEY=VALUE..."));
	ck_assert_ptr_nonnull(strstr(o, "dest=UPLINK:vlan=N"));
	free(o);
	w[0] = "capture";
	o = run_help(1, w, &r);
	ck_assert_int_eq(r, 0);
	ck_assert_ptr_nonnull(strstr(o, "vswctl capture SWITCH [PORT...] [--direction DIR]"));
	ck_assert_ptr_nonnull(strstr(o, "valid: in, out, both"));
	free(o);
	o = run_help(1, typo, &r);
	ck_assert_int_eq(r, -1);
	ck_assert_ptr_nonnull(strstr(o, "(did you mean 'vswitch'?)"));
	free(o);
	o = run_help(2, vb, &r);
	ck_assert_int_eq(r, -1);
	ck_assert_ptr_nonnull(strstr(o, "unknown verb 'jump'"));
	free(o);

	for (size_t i = 0; i < sizeof(completions) / sizeof(completions[0]); i++) {
		o = run_complete(completions[i].line);
		ck_assert_msg(completions[i].exact ? !strcmp(o, completions[i].want) : !!strstr(o, completions[i].want),
			      "'%s': got '%s', wanted '%s'", completions[i].line, o, completions[i].want);
		free(o);
	}
	ck_assert_str_eq(vswcmd_suggest("portgrp", (const char *const[]){ "portgroup", "policy" }, 2), "portgroup");
	ck_assert_ptr_null(vswcmd_suggest("xyzzy", (const char *const[]){ "portgroup", "policy" }, 2));
}
END_TEST

Suite *vsw_vswcmd_suite(void)
{
	Suite *s = suite_create("vswcmd");
	TCase *tc = tcase_create("grammar");

	tcase_add_loop_test(tc, grammar_good, 0, (int)(sizeof(good) / sizeof(good[0])));
	tcase_add_loop_test(tc, grammar_bad, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, grammar_values);
	tcase_add_test(tc, help_and_completion);
	suite_add_tcase(s, tc);
	return s;
}
