/* SPDX-License-Identifier: MIT */
/*
 * In-QEMU tests of the virtio-vsock driver through csvsm-vsockd, QEMU's
 * vhost-user-vsock-pci and the listeners tests/qemu/run_svtest.py starts
 * on the host (docs/vsock.md):
 *   port 5000: 1 MiB each way, both checked (the host answers 'Y' when
 *              what it received matches, then sends its own 1 MiB);
 *   port 5001: the host closes without reading: the SVSM sees a reset;
 *   port 5002: the host reads nothing until the SVSM connects to port
 *              5004: the SVSM runs out of credit and times out, then
 *              finishes when the host reads;
 *   port 5003: an echo, for several connections in turn;
 *   port 5009: nobody listens: refused.
 */
#include "svsm/virtio.h"
#include "svsm/vsock.h"

#include "lib/string.h"
#include "test.h"

#define MIB   (1024u * 1024u)
#define SEC   (1000u * 1000u)
#define CHUNK 16384u

static uint8_t pat(uint32_t i, uint8_t seed)
{
	return (uint8_t)((i * 7u) ^ (i >> 11) ^ seed);
}

static struct vsock_dev *dev(void)
{
	(void)virtio_pci_probe();
	return vsock_default();
}

static uint8_t buf[CHUNK];

static bool send_pattern(struct vsock_conn *c, uint32_t total, uint8_t seed,
			 uint32_t timeout)
{
	for (uint32_t off = 0; off < total; off += CHUNK) {
		size_t sent = 0;

		for (uint32_t k = 0; k < CHUNK; k++)
			buf[k] = pat(off + k, seed);
		REQUIRE_EQ(vsock_send(c, buf, CHUNK, timeout, &sent), SVSM_OK);
	}
	return true;
}

static bool recv_exact(struct vsock_conn *c, uint8_t *p, size_t len)
{
	for (size_t done = 0; done < len;) {
		size_t got = 0;

		REQUIRE_EQ(vsock_recv(c, p + done, len - done, 10 * SEC, &got),
			   SVSM_OK);
		REQUIRE_TRUE(got > 0);
		done += got;
	}
	return true;
}

TEST(vsock, device_found)
{
	struct vsock_dev *v = dev();

	ASSERT_TRUE(v != NULL);
	EXPECT_EQ(vsock_guest_cid(v), 3u);
}

TEST(vsock, one_mib_each_way_checked)
{
	struct vsock_dev *v = dev();
	struct vsock_conn *c;
	uint8_t verdict = 0;
	uint32_t bad = 0;

	ASSERT_TRUE(v != NULL);
	ASSERT_EQ(vsock_connect(v, 5000, 5 * SEC, &c), SVSM_OK);
	ASSERT_TRUE(send_pattern(c, MIB, 0x11, 10 * SEC));
	ASSERT_TRUE(recv_exact(c, &verdict, 1));
	EXPECT_EQ(verdict, 'Y');
	for (uint32_t off = 0; off < MIB; off += CHUNK) {
		ASSERT_TRUE(recv_exact(c, buf, CHUNK));
		for (uint32_t k = 0; k < CHUNK; k++)
			bad += buf[k] != pat(off + k, 0x22);
	}
	EXPECT_EQ(bad, 0u);
	vsock_close(c);
	EXPECT_EQ(vsock_stats(v)->credit_overrun, 0u);
}

TEST(vsock, peer_reset_seen)
{
	struct vsock_dev *v = dev();
	struct vsock_conn *c;
	size_t got = 0;
	enum svsm_err err;

	ASSERT_TRUE(v != NULL);
	ASSERT_EQ(vsock_connect(v, 5001, 5 * SEC, &c), SVSM_OK);
	ASSERT_EQ(vsock_send(c, "unread", 6, SEC, &got), SVSM_OK);
	err = vsock_recv(c, buf, sizeof(buf), 10 * SEC, &got);
	EXPECT_EQ(err, SVSM_E_HW);
	EXPECT_EQ(vsock_send(c, "x", 1, SEC, &got), SVSM_E_HW);
	vsock_close(c);
}

TEST(vsock, refused_when_nobody_listens)
{
	struct vsock_dev *v = dev();
	struct vsock_conn *c = NULL;

	ASSERT_TRUE(v != NULL);
	EXPECT_EQ(vsock_connect(v, 5009, 5 * SEC, &c), SVSM_E_UNSUPPORTED);
}

TEST(vsock, credit_exhausted_then_resumed)
{
	struct vsock_dev *v = dev();
	struct vsock_conn *c, *go;
	size_t sent = 0, total = 0;
	uint8_t verdict = 0;
	enum svsm_err err = SVSM_OK;

	ASSERT_TRUE(v != NULL);
	ASSERT_EQ(vsock_connect(v, 5002, 5 * SEC, &c), SVSM_OK);
	/* The host sleeps: sending stops when the credit is gone. */
	for (total = 0; total < 4 * MIB; total += CHUNK) {
		for (uint32_t k = 0; k < CHUNK; k++)
			buf[k] = pat((uint32_t)total + k, 0x33);
		err = vsock_send(c, buf, CHUNK, 200 * 1000, &sent);
		if (err != SVSM_OK)
			break;
	}
	EXPECT_EQ(err, SVSM_E_TIMEOUT);
	EXPECT_EQ(vsock_credit_avail(vsock_conn_credit(c)), 0u);
	EXPECT_LT(total, 4u * MIB);
	/* Port 5004 tells the host to start reading. */
	ASSERT_EQ(vsock_connect(v, 5004, 5 * SEC, &go), SVSM_OK);
	vsock_close(go);
	/* The host reads again: the rest of the cut chunk, then the rest. */
	ASSERT_EQ(vsock_send(c, buf + sent, CHUNK - sent, 20 * SEC, &sent),
		  SVSM_OK);
	for (total += CHUNK; total < 4 * MIB; total += CHUNK) {
		for (uint32_t k = 0; k < CHUNK; k++)
			buf[k] = pat((uint32_t)total + k, 0x33);
		ASSERT_EQ(vsock_send(c, buf, CHUNK, 20 * SEC, &sent), SVSM_OK);
	}
	ASSERT_TRUE(recv_exact(c, &verdict, 1));
	EXPECT_EQ(verdict, 'Y');
	vsock_close(c);
}

TEST(vsock, connections_in_turn)
{
	struct vsock_dev *v = dev();

	ASSERT_TRUE(v != NULL);
	for (uint32_t i = 0; i < 12; i++) {
		struct vsock_conn *c;
		uint8_t back[100];
		size_t sent;

		for (uint32_t k = 0; k < sizeof(back); k++)
			buf[k] = pat(k, (uint8_t)i);
		ASSERT_EQ(vsock_connect(v, 5003, 5 * SEC, &c), SVSM_OK);
		ASSERT_EQ(vsock_send(c, buf, sizeof(back), SEC, &sent),
			  SVSM_OK);
		ASSERT_TRUE(recv_exact(c, back, sizeof(back)));
		EXPECT_EQ(memcmp(back, buf, sizeof(back)), 0);
		vsock_close(c);
	}
}
