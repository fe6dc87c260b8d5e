// SPDX-License-Identifier: MIT
/*
 * vswctl - the command line of vswd. Checks the command's grammar itself
 * (so that a typo is reported even when no daemon runs), sends it as one
 * line to the daemon's control socket, and prints the answer.
 *
 * Exit status: 0 success; 1 bad input or a command the daemon refused (one
 * line on stderr naming the bad word); 2 the daemon is unreachable.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cmd.h"

#define DEFAULT_SOCKET "/run/vsw/vswd.sock"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vswctl [-s SOCKET] [--json] COMMAND...\n"
		"  vswitch add NAME [--mtu N] [--beacon-interval MS] [--lldp MODE] [--lldp-interval SEC]\n"
		"        | remove NAME\n"
		"        | set NAME [--mtu N] [--beacon-interval MS] [--lldp none|listen|advertise|both]\n"
		"              [--lldp-interval SEC]\n"
		"  portgroup add SWITCH NAME [--vlan N] | remove SWITCH NAME | set SWITCH NAME --vlan N\n"
		"  uplink add SWITCH NAME --backend SPEC [--options OPTS] | remove SWITCH NAME\n"
		"         | set SWITCH NAME --link up|down | neighbors [SWITCH [NAME]]\n"
		"  vnic add SWITCH PORTGROUP NAME [--mac MAC] [--backend SPEC] [--options OPTS]\n"
		"       | remove SWITCH NAME | set SWITCH NAME [--mac MAC] [--link up|down]\n"
		"  vmk add SWITCH PORTGROUP NAME [--mac MAC] [--services LIST] [--netstack NAME]\n"
		"          [--ip ADDR/PREFIX,...|none] [--mtu N] [--gateway GW[,GW6]|none]\n"
		"      | add SWITCH PORTGROUP NAME [--mac MAC] [--services LIST] --backend SPEC\n"
		"          [--options OPTS]\n"
		"      | remove SWITCH NAME\n"
		"      | set SWITCH NAME [--services LIST] [--ip ADDR/PREFIX,...|none] [--mtu N]\n"
		"          [--gateway GW[,GW6]|none]\n"
		"  policy get SWITCH [PORTGROUP] | set SWITCH [PORTGROUP] KEY=VALUE...\n"
		"         | clear SWITCH PORTGROUP KEY...\n"
		"  netstack add NAME | remove NAME\n"
		"  vde add SWITCH PORTGROUP DIR | remove SWITCH DIR\n"
		"  list | stats [SWITCH [PORT]] | fdb [SWITCH]\n");
}

int main(int argc, char **argv)
{
	const char *path = DEFAULT_SOCKET;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char line[VSWCMD_MAX_LINE + 2], err[256], buf[65536];
	struct vswcmd *c;
	int i = 1, fd;
	size_t got = 0;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc > 2 && !strcmp(argv[1], "-s")) {
		path = argv[2];
		i = 3;
	} else if (getenv("VSWD_SOCKET")) {
		path = getenv("VSWD_SOCKET");
	}
	if (i == argc) {
		usage(stderr);
		return 1;
	}
	if (vswcmd_join(argc - i, argv + i, line, sizeof(line) - 1) < 0) {
		fprintf(stderr, "vswctl: command too long\n");
		return 1;
	}
	c = malloc(sizeof(*c));
	if (!c)
		return 1;
	if (vswcmd_parse(line, c, err, sizeof(err)) <= 0) {
		fprintf(stderr, "vswctl: %s\n", c->nwords ? err : "empty command");
		free(c);
		return 1;
	}
	free(c);

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "vswctl: socket path too long\n");
		return 2;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "vswctl: cannot reach vswd at %s: %s\n", path, strerror(errno));
		return 2;
	}
	strcat(line, "\n");
	if (send(fd, line, strlen(line), MSG_NOSIGNAL) < 0) {
		fprintf(stderr, "vswctl: %s: %s\n", path, strerror(errno));
		return 2;
	}
	shutdown(fd, SHUT_WR);
	/* the answer: "OK\n" + output, or "ERR\n" + one line */
	for (;;) {
		ssize_t n = recv(fd, buf + got, sizeof(buf) - 1 - got, 0);
		if (n < 0) {
			fprintf(stderr, "vswctl: %s: %s\n", path, strerror(errno));
			return 2;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got == sizeof(buf) - 1) {
			/* long output: pass the OK through, stream the rest */
			if (!strncmp(buf, "OK\n", 3)) {
				fwrite(buf + 3, 1, got - 3, stdout);
				while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
					fwrite(buf, 1, (size_t)n, stdout);
				return 0;
			}
			break;
		}
	}
	close(fd);
	buf[got] = 0;
	if (!strncmp(buf, "OK\n", 3)) {
		fputs(buf + 3, stdout);
		return 0;
	}
	if (!strncmp(buf, "ERR\n", 4)) {
		char *nl = strchr(buf + 4, '\n');
		if (nl)
			*nl = 0;
		fprintf(stderr, "vswctl: %s\n", buf + 4);
		return 1;
	}
	fprintf(stderr, "vswctl: no answer from vswd at %s\n", path);
	return 2;
}
