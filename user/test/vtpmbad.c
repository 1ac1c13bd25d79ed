// SPDX-License-Identifier: MIT
/*
 * A vTPM program that misbehaves on request, for the tests of the vTPM
 * channel's failure paths (tests/svsm/vtpm_test.c). It counts its starts
 * in /var/tpm/starts (a file that must survive a restart) and answers
 * each command with a TPM response header (rc 0) followed by that count.
 * The command's last byte chooses: 'C' crash (a store to address 0), 'H'
 * hang (a loop with no syscall), 'X' exit, 'R' read again without
 * answering, 'W' answer twice; anything else is answered once.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned char starts(void)
{
	unsigned char n = 0;
	int fd;

	mkdir("/var/tpm", 0700);
	fd = open("/var/tpm/starts", O_RDWR | O_CREAT, 0600);
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

int main(void)
{
	unsigned char cmd[4097];
	unsigned char rsp[11] = {0x80, 0x01, 0, 0, 0, 11, 0, 0, 0, 0, 0};
	int fd = open("/dev/vtpm", O_RDWR);

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
		default:
			break;
		}
		if (write(fd, rsp, sizeof(rsp)) != sizeof(rsp))
			return 4;
	}
}
