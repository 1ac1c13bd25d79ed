/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of the split virtqueue (kernel/drivers/virtio/virtqueue.c)
 * and of negotiation (virtio.c) against the fake device of fake_virtio.c,
 * on fake physical memory. Covered: ring layout as the device sees it,
 * chains in order, many in flight, free-list recovery; every lie a device
 * can tell in the used ring (id out of range, id not a head, a repeated
 * completion, an index that jumps, a length beyond the buffer) is caught,
 * leaves the driver's private state intact, and after a reset the queue
 * serves again; malformed chains and a full queue are refused;
 * negotiation requires VERSION_1, takes ACCESS_PLATFORM, never accepts an
 * unoffered feature, and fails cleanly on a device that drops
 * FEATURES_OK, never finishes a reset, or whose configuration generation
 * never settles.
 */
#include <stdint.h>
#include <string.h>

#include "svsm/addr.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/virtio.h"

#include "fake/fake.h"
#include "fake_virtio.h"
#include "test.h"

#define MEM_SIZE (4ull << 20)

static bool setup_mem(void)
{
	uint64_t base = fake_mm_init(MEM_SIZE);

	REQUIRE_EQ(pgalloc_init(pa_init(base), MEM_SIZE), SVSM_OK);
	heap_init(0x5eed5eed5eed5eedull);
	return true;
}

/* A device at DRIVER_OK with queue 0 of `size` entries set up. */
static bool setup(struct fake_vdev *f, struct virtq *vq, uint16_t size)
{
	REQUIRE_TRUE(setup_mem());
	fake_vdev_init(f);
	f->qmax = size;
	REQUIRE_EQ(virtio_negotiate(&f->vdev, 0, 0), SVSM_OK);
	REQUIRE_EQ(virtq_init(vq, &f->vdev, 0, VIRTQ_DRIVER_MAX), SVSM_OK);
	REQUIRE_EQ(virtio_driver_ok(&f->vdev), SVSM_OK);
	return true;
}

/* One readable and one writable buffer in `b`; token = &tokens[i]. */
static enum svsm_err post(struct virtq *vq, struct shared_buf *b, uint32_t off,
			  void *token)
{
	struct virtq_buf bufs[2] = {
		{shared_pa(b, off), 16, false},
		{shared_pa(b, off + 16), 48, true},
	};

	return virtq_add(vq, bufs, 2, token);
}

TEST(virtq, one_round_trip)
{
	struct fake_vdev f;
	struct virtq vq;
	struct shared_buf b;
	struct virtq_done done;
	uint8_t got[48];
	int token;

	ASSERT_TRUE(setup(&f, &vq, 8));
	ASSERT_EQ(vq.size, 8u);
	ASSERT_EQ(shared_alloc(PAGE_SIZE, &b), SVSM_OK);
	ASSERT_EQ(virtq_get_used(&vq, &done), SVSM_E_BUSY);
	ASSERT_EQ(post(&vq, &b, 0, &token), SVSM_OK);
	EXPECT_EQ(vq.free_count, 6u);
	virtq_kick(&vq);
	EXPECT_EQ(f.notifies, 1u);
	ASSERT_EQ(virtq_get_used(&vq, &done), SVSM_E_BUSY);
	fake_vdev_run(&f);
	ASSERT_EQ(virtq_get_used(&vq, &done), SVSM_OK);
	EXPECT_TRUE(done.token == &token);
	EXPECT_EQ(done.len, 48u);
	EXPECT_FALSE(done.len_fault);
	EXPECT_EQ(vq.free_count, 8u);
	EXPECT_EQ(vq.in_flight, 0u);
	shared_copy_from(&b, 16, got, sizeof(got));
	for (unsigned int i = 0; i < sizeof(got); i++)
		ASSERT_EQ(got[i], FAKE_FILL);
	ASSERT_EQ(virtq_get_used(&vq, &done), SVSM_E_BUSY);
	virtq_destroy(&vq);
	shared_free(&b);
}

TEST(virtq, size_is_a_power_of_two_within_both_maxima)
{
	struct fake_vdev f;
	struct virtq vq;

	ASSERT_TRUE(setup_mem());
	fake_vdev_init(&f);
	f.qmax = 1000;
	ASSERT_EQ(virtio_negotiate(&f.vdev, 0, 0), SVSM_OK);
	ASSERT_EQ(virtq_init(&vq, &f.vdev, 0, 300), SVSM_OK);
	EXPECT_EQ(vq.size, 256u);
	EXPECT_EQ(f.qsize, 256u);
	virtq_destroy(&vq);
	f.qmax = 0;
	EXPECT_EQ(virtq_init(&vq, &f.vdev, 0, 8), SVSM_E_HW);
	f.qmax = 8;
	EXPECT_EQ(virtq_init(&vq, &f.vdev, 1, 8), SVSM_E_HW);
}

TEST(virtq, wraps_many_times_with_chains_in_flight)
{
	struct fake_vdev f;
	struct virtq vq;
	struct shared_buf b;
	struct virtq_done done;
	int tokens[4];

	ASSERT_TRUE(setup(&f, &vq, 8));
	ASSERT_EQ(shared_alloc(PAGE_SIZE, &b), SVSM_OK);
	/* 70000 chains: the u16 indices wrap; four in flight at a time. */
	for (unsigned int round = 0; round < 17500; round++) {
		for (unsigned int i = 0; i < 4; i++)
			ASSERT_EQ(post(&vq, &b, i * 64, &tokens[i]), SVSM_OK);
		ASSERT_EQ(post(&vq, &b, 0, &tokens[0]), SVSM_E_BUSY);
		virtq_kick(&vq);
		fake_vdev_run(&f);
		for (unsigned int i = 0; i < 4; i++) {
			ASSERT_EQ(virtq_get_used(&vq, &done), SVSM_OK);
			ASSERT_TRUE(done.token == &tokens[i]);
		}
		ASSERT_EQ(virtq_get_used(&vq, &done), SVSM_E_BUSY);
	}
	EXPECT_EQ(vq.free_count, 8u);
	EXPECT_EQ(vq.faults, 0u);
	virtq_destroy(&vq);
	shared_free(&b);
}

TEST(virtq, malformed_chains_refused)
{
	struct fake_vdev f;
	struct virtq vq;
	struct shared_buf b;
	struct virtq_buf bufs[9];

	ASSERT_TRUE(setup(&f, &vq, 8));
	ASSERT_EQ(shared_alloc(PAGE_SIZE, &b), SVSM_OK);
	for (unsigned int i = 0; i < 9; i++)
		bufs[i] = (struct virtq_buf){shared_pa(&b, 0), 8, false};
	EXPECT_EQ(virtq_add(&vq, bufs, 0, NULL), SVSM_E_INVAL);
	EXPECT_EQ(virtq_add(&vq, bufs, 9, NULL), SVSM_E_INVAL);
	bufs[0].device_writes = true; /* writable before readable */
	EXPECT_EQ(virtq_add(&vq, bufs, 2, NULL), SVSM_E_INVAL);
	bufs[0].device_writes = false;
	bufs[1].len = 0;
	EXPECT_EQ(virtq_add(&vq, bufs, 2, NULL), SVSM_E_INVAL);
	bufs[0].len = UINT32_MAX;
	bufs[1].len = 2;
	EXPECT_EQ(virtq_add(&vq, bufs, 2, NULL), SVSM_E_INVAL);
	/* Nothing was published. */
	EXPECT_EQ(vq.free_count, 8u);
	EXPECT_EQ(vq.avail_idx, 0u);
	virtq_destroy(&vq);
	shared_free(&b);
}

/*
 * Posts three chains, lets the device lie once, and checks: the lie is
 * reported as `want`, no token was handed out twice or invented, the
 * driver's private state is as before the lie, and after a reset and
 * virtq_restart() the queue serves again.
 */
static bool lie_caught(enum fake_lie lie, enum virtq_fault want,
		       unsigned int after)
{
	struct fake_vdev f;
	struct virtq vq;
	struct shared_buf b;
	struct virtq_done done;
	int tokens[3];
	unsigned int ok = 0;
	enum svsm_err err;

	REQUIRE_TRUE(setup(&f, &vq, 8));
	REQUIRE_EQ(shared_alloc(PAGE_SIZE, &b), SVSM_OK);
	for (unsigned int i = 0; i < 3; i++)
		REQUIRE_EQ(post(&vq, &b, i * 64, &tokens[i]), SVSM_OK);
	f.lie = lie;
	f.lie_count = 1;
	f.lie_after = after;
	virtq_kick(&vq);
	fake_vdev_run(&f);
	while ((err = virtq_get_used(&vq, &done)) == SVSM_OK) {
		/* Only honest completions come out, each token once. */
		REQUIRE_TRUE(done.token == &tokens[ok]);
		ok++;
	}
	REQUIRE_EQ(err, SVSM_E_HW);
	REQUIRE_EQ(ok, after);
	REQUIRE_EQ(vq.broken, want);
	REQUIRE_EQ(vq.faults, 1u);
	/* Broken: nothing more is taken or posted. */
	REQUIRE_EQ(virtq_get_used(&vq, &done), SVSM_E_HW);
	REQUIRE_EQ(post(&vq, &b, 0, &tokens[0]), SVSM_E_HW);
	/* The private free list still accounts for every descriptor. */
	REQUIRE_EQ(vq.free_count + 2u * vq.in_flight, 8u);
	/* Reset, set up again, and serve. */
	REQUIRE_EQ(virtio_negotiate(&f.vdev, 0, 0), SVSM_OK);
	REQUIRE_EQ(virtq_restart(&vq), SVSM_OK);
	REQUIRE_EQ(virtio_driver_ok(&f.vdev), SVSM_OK);
	REQUIRE_EQ(vq.free_count, 8u);
	REQUIRE_EQ(post(&vq, &b, 0, &tokens[1]), SVSM_OK);
	virtq_kick(&vq);
	fake_vdev_run(&f);
	REQUIRE_EQ(virtq_get_used(&vq, &done), SVSM_OK);
	REQUIRE_TRUE(done.token == &tokens[1]);
	REQUIRE_EQ(vq.broken, VIRTQ_OK);
	virtq_destroy(&vq);
	shared_free(&b);
	return true;
}

TEST(virtq, used_id_out_of_range)
{
	ASSERT_TRUE(lie_caught(FAKE_ID_RANGE, VIRTQ_FAULT_ID_RANGE, 0));
}

TEST(virtq, used_id_not_a_head)
{
	ASSERT_TRUE(lie_caught(FAKE_ID_NOT_HEAD, VIRTQ_FAULT_ID_NOT_HEAD, 1));
}

TEST(virtq, used_id_completed_twice)
{
	ASSERT_TRUE(lie_caught(FAKE_ID_REPEAT, VIRTQ_FAULT_ID_NOT_HEAD, 1));
}

TEST(virtq, used_idx_jumps)
{
	ASSERT_TRUE(lie_caught(FAKE_IDX_JUMP, VIRTQ_FAULT_IDX_JUMP, 0));
}

TEST(virtq, used_len_beyond_the_buffer)
{
	struct fake_vdev f;
	struct virtq vq;
	struct shared_buf b;
	struct virtq_done done;
	int token;

	ASSERT_TRUE(setup(&f, &vq, 8));
	ASSERT_EQ(shared_alloc(PAGE_SIZE, &b), SVSM_OK);
	ASSERT_EQ(post(&vq, &b, 0, &token), SVSM_OK);
	f.lie = FAKE_LEN_BEYOND;
	f.lie_count = 1;
	virtq_kick(&vq);
	fake_vdev_run(&f);
	/* That request is flagged and clamped; the queue carries on. */
	ASSERT_EQ(virtq_get_used(&vq, &done), SVSM_OK);
	EXPECT_TRUE(done.len_fault);
	EXPECT_EQ(done.len, 48u);
	EXPECT_EQ(vq.faults, 1u);
	EXPECT_EQ(vq.broken, VIRTQ_OK);
	ASSERT_EQ(post(&vq, &b, 0, &token), SVSM_OK);
	virtq_kick(&vq);
	fake_vdev_run(&f);
	ASSERT_EQ(virtq_get_used(&vq, &done), SVSM_OK);
	EXPECT_FALSE(done.len_fault);
	virtq_destroy(&vq);
	shared_free(&b);
}

TEST(virtq, used_ring_is_read_once_per_value)
{
	struct fake_vdev f;
	struct virtq vq;
	struct shared_buf b;
	struct virtq_done done;
	int token;
	struct virtq_used *u;

	/*
	 * The device completes, then rewrites the used entry to an id out
	 * of range after the driver took it: the driver must not notice,
	 * because it never reads an entry twice.
	 */
	ASSERT_TRUE(setup(&f, &vq, 8));
	ASSERT_EQ(shared_alloc(PAGE_SIZE, &b), SVSM_OK);
	ASSERT_EQ(post(&vq, &b, 0, &token), SVSM_OK);
	virtq_kick(&vq);
	fake_vdev_run(&f);
	ASSERT_EQ(virtq_get_used(&vq, &done), SVSM_OK);
	u = arch_phys_to_virt(f.used_pa, 6 + 8 * 8);
	u->ring[0].id = 99;
	u->ring[0].len = 99999;
	EXPECT_EQ(virtq_get_used(&vq, &done), SVSM_E_BUSY);
	EXPECT_EQ(vq.faults, 0u);
	virtq_destroy(&vq);
	shared_free(&b);
}

TEST(virtio, negotiation_takes_only_offered_allow_listed_features)
{
	struct fake_vdev f;

	ASSERT_TRUE(setup_mem());
	fake_vdev_init(&f);
	f.offered |= VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
		     VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | VIRTIO_BIT(5);
	ASSERT_EQ(virtio_negotiate(&f.vdev, VIRTIO_BIT(5) | VIRTIO_BIT(6), 0),
		  SVSM_OK);
	EXPECT_EQ(f.accepted, VIRTIO_BIT(VIRTIO_F_VERSION_1) |
				      VIRTIO_BIT(VIRTIO_F_ACCESS_PLATFORM) |
				      VIRTIO_BIT(5));
	EXPECT_EQ(f.vdev.features, f.accepted);
	EXPECT_TRUE(f.status & VIRTIO_STATUS_FEATURES_OK);
	EXPECT_EQ(f.resets, 1u);
	/* ACCESS_PLATFORM is taken when offered, not required. */
	f.offered = VIRTIO_BIT(VIRTIO_F_VERSION_1);
	ASSERT_EQ(virtio_negotiate(&f.vdev, 0, 0), SVSM_OK);
	EXPECT_EQ(f.accepted, VIRTIO_BIT(VIRTIO_F_VERSION_1));
}

TEST(virtio, legacy_device_refused)
{
	struct fake_vdev f;

	ASSERT_TRUE(setup_mem());
	fake_vdev_init(&f);
	f.offered = VIRTIO_BIT(VIRTIO_F_ACCESS_PLATFORM);
	EXPECT_EQ(virtio_negotiate(&f.vdev, 0, 0), SVSM_E_UNSUPPORTED);
	EXPECT_TRUE(f.status & VIRTIO_STATUS_FAILED);
	EXPECT_EQ(f.accepted, 0u);
}

TEST(virtio, device_dropping_features_ok_fails)
{
	struct fake_vdev f;

	ASSERT_TRUE(setup_mem());
	fake_vdev_init(&f);
	f.refuse_features = true;
	EXPECT_EQ(virtio_negotiate(&f.vdev, 0, 0), SVSM_E_HW);
	EXPECT_TRUE(f.status & VIRTIO_STATUS_FAILED);
	EXPECT_EQ(f.vdev.features, 0u);
}

TEST(virtio, reset_that_never_completes_times_out)
{
	struct fake_vdev f;

	ASSERT_TRUE(setup_mem());
	fake_vdev_init(&f);
	f.stuck_reset = true;
	EXPECT_EQ(virtio_negotiate(&f.vdev, 0, 0), SVSM_E_TIMEOUT);
	EXPECT_GE(f.waited_us, 500000u);
}

TEST(virtio, config_generation_that_never_settles)
{
	struct fake_vdev f;
	uint64_t v = 1;

	ASSERT_TRUE(setup_mem());
	fake_vdev_init(&f);
	f.config[0] = 0x34;
	f.config[1] = 0x12;
	ASSERT_EQ(virtio_config_read(&f.vdev, 0, 2, &v), SVSM_OK);
	EXPECT_EQ(v, 0x1234u);
	f.generation_spins = true;
	EXPECT_EQ(virtio_config_read(&f.vdev, 0, 2, &v), SVSM_E_HW);
	EXPECT_EQ(v, 0u);
	f.generation_spins = false;
	EXPECT_EQ(virtio_config_read(&f.vdev, 62, 4, &v), SVSM_E_INVAL);
	EXPECT_EQ(virtio_config_read(&f.vdev, 0, 3, &v), SVSM_E_INVAL);
}
