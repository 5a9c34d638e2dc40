package com.fallom.models;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SessionRecorder} without a backend.
 */
class SessionRecorderTests {

	@Test
	void recordsEachAssignmentOnce() throws Exception {
		List<SessionRecorder.SessionRecord> sent = new CopyOnWriteArrayList<>();
		SessionRecorder recorder = new SessionRecorder(sent::add, 100, 1024, Duration.ofSeconds(1));
		recorder.start();
		try {
			for (int i = 0; i < 10; i++) {
				recorder.record("k", 1, "s1", "gpt-4o", 42L);
				recorder.record("k", 2, "s1", "gpt-4o", 42L);
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 2);
		}
		finally {
			recorder.stop();
		}
		assertThat(sent).containsExactly(new SessionRecorder.SessionRecord("k", 1, "s1", "gpt-4o"),
				new SessionRecorder.SessionRecord("k", 2, "s1", "gpt-4o"));
	}

	@Test
	void fullQueueDropsAndCountsWithoutBlocking() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		SessionRecorder recorder = new SessionRecorder((record) -> release.await(10, TimeUnit.SECONDS), 10, 4096,
				Duration.ofMillis(200));
		recorder.start();
		try {
			for (int i = 0; i < 1000; i++) {
				recorder.record("k", 1, "s" + i, "m", i + 1);
			}
			// One record is held by the sender thread, ten wait in the queue, the rest dropped.
			assertThat(recorder.getQueueSize()).isLessThanOrEqualTo(10);
			assertThat(recorder.getDroppedCount()).isGreaterThanOrEqualTo(989);
		}
		finally {
			release.countDown();
			recorder.stop();
		}
	}

	@Test
	void stopFlushesWhatIsQueued() {
		List<SessionRecorder.SessionRecord> sent = new CopyOnWriteArrayList<>();
		SessionRecorder recorder = new SessionRecorder(sent::add, 1000, 4096, Duration.ofSeconds(5));
		for (int i = 0; i < 500; i++) {
			recorder.record("k", 1, "s" + i, "m", i + 1);
		}
		recorder.start();
		recorder.stop();
		assertThat(sent).hasSize(500);
		assertThat(recorder.getDroppedCount()).isZero();
	}

	@Test
	void bodyHasExactlyTheProtocolFields() {
		byte[] json = SessionRecorder.toJson(new SessionRecorder.SessionRecord("k", 3, "s1", "gpt-4o"));
		assertThat(JsonMapper.builder().build().readValue(json, java.util.Map.class)).containsExactly(
				java.util.Map.entry("config_key", "k"), java.util.Map.entry("config_version", 3),
				java.util.Map.entry("session_id", "s1"), java.util.Map.entry("assigned_model", "gpt-4o"));
	}

}
