// SPDX-License-Identifier: MIT
/*
 * A vTPM program that misbehaves on request, for the tests of the vTPM
 * channel's failure paths: in the SVSM (tests/svsm/vtpm_test.c, channel
 * /dev/vtpm) and on the model (tests/unit/protocol_vtpm_test.c, channel
 * `--fd 3`, a SOCK_SEQPACKET socket). It counts its starts in
 * var/tpm/starts under its working directory (a file that must survive a
 * restart) and answers each command with a TPM response header (rc 0)
 * followed by that count. The command's last byte chooses: 'C' crash (a
 * store to address 0), 'H' hang (a loop with no syscall), 'X' exit, 'R'
 * read again without answering, 'W' answer twice, 'B' answer with 5000
 * bytes (more than any buffer; the program goes on); anything else is
 * answered once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned char starts(void)
{
	unsigned char n = 0;
	int fd;

	mkdir("var", 0700);
	mkdir("var/tpm", 0700);
	fd = open("var/tpm/starts", O_RDWR | O_CREAT, 0600);
	if (fd < 0)
		return 0;
	if (read(fd, &n, 1) != 1)
		n = 0;
	n++;
	if (pwrite(fd, &n, 1, 0) != 1)
		n = 0;
	close(fd);
	return n;
}

int main(int argc, char **argv)
{
	static unsigned char cmd[4097], big[5000];
	unsigned char rsp[11] = {0x80, 0x01, 0, 0, 0, 11, 0, 0, 0, 0, 0};
	int fd = argc == 3 && !strcmp(argv[1], "--fd")
			 ? atoi(argv[2])
			 : open("/dev/vtpm", O_RDWR);

	rsp[10] = starts();
	if (fd < 0)
		return 1;
	for (;;) {
		ssize_t n = read(fd, cmd, sizeof(cmd));

		if (n <= 0)
			return 2;
		switch (cmd[n - 1]) {
		case 'C':
			*(volatile int *)(uintptr_t)0 = 1;
			break;
		case 'H':
			for (;;)
				;
		case 'X':
			return 3;
		case 'R':
			n = read(fd, cmd, sizeof(cmd));
			break;
		case 'W':
			n = write(fd, rsp, sizeof(rsp));
			break;
		case 'B':
			memcpy(big, rsp, sizeof(rsp));
			if (write(fd, big, sizeof(big)) < 0 &&
			    errno != EMSGSIZE)
				return 5;
			continue;
		default:
			break;
		}
		if (write(fd, rsp, sizeof(rsp)) != sizeof(rsp))
			return 4;
	}
}
