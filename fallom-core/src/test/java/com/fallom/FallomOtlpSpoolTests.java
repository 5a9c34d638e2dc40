package com.fallom;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import com.fallom.internal.QueueStatistics;
import com.fallom.internal.spool.Spool;
import com.fallom.metrics.FallomQueueMetrics;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.Fault;
import com.fallom.test.ReceivedSpan;
import com.fallom.tracing.TracingProtocol;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The engine exporting spans over OTLP with a delivery spool, against the mock backend
 * over loopback: an outage far beyond the span queue spills the spans to disk and every
 * one arrives after recovery, what a closed engine left is exported by the next one, and
 * torn, corrupt or foreign items on disk are skipped and counted while the rest arrive.
 */
class FallomOtlpSpoolTests {

	private static final int SPANS = 600;

	private static final int QUEUE = 100;

	/** Spans left at shutdown: more than twice the queue. */
	private static final int LEFT = 240;

	private static final int HEADER_BYTES = 8 + 4 + 8;

	private static final int ITEM_HEADER_BYTES = 4 + 4 + 8;

	@TempDir
	Path spoolDirectory;

	private FallomMockServer server;

	@BeforeEach
	void startServer() {
		this.server = FallomMockServer.start();
	}

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	private Fallom.Builder online() {
		// A queue of a sixth of the spans: without the spool most of them would be dropped
		return Fallom.builder(Map.of())
			.apiKey(this.server.apiKey())
			.baseUrl(this.server.baseUrl())
			.serviceName("otlp-spool-test")
			.tracingProtocol(TracingProtocol.OTLP)
			.spanQueueCapacity(QUEUE)
			.startupTimeout(Duration.ofSeconds(30))
			.retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
			.spoolDirectory(this.spoolDirectory);
	}

	private void backendDown() {
		this.server.fault(Endpoint.TRACES, Fault.status(503));
	}

	/**
	 * End spans at 200 a second, a busy app rather than a tight loop: a pump held up for
	 * less than a quarter of a second (half the queue) on a loaded machine drops nothing.
	 * @return the name of each span by its id
	 */
	private static Map<String, String> endSpans(Fallom fallom, int count) {
		Map<String, String> names = new HashMap<>();
		for (int i = 0; i < count; i++) {
			Span span = fallom.tracer().spanBuilder("chat " + i).setAttribute("n", i).startSpan();
			names.put(span.getSpanContext().getSpanId(), "chat " + i);
			span.end();
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
		}
		return names;
	}

	private static QueueStatistics spans(Fallom fallom) {
		return fallom.queues().stream().filter((queue) -> queue.getQueueName().equals("spans")).findFirst().orElseThrow();
	}

	private static Spool<?> spool(Fallom fallom) {
		Spool<?> spool = spans(fallom).getSpool();
		assertThat(spool).as("the spool of the OTLP span queue").isNotNull();
		return spool;
	}

	private List<String> receivedIds() {
		return this.server.receivedSpans().stream().map(ReceivedSpan::spanId).toList();
	}

	private Map<String, String> receivedNames() {
		return this.server.receivedSpans().stream()
			.collect(Collectors.toMap(ReceivedSpan::spanId, ReceivedSpan::name, (first, again) -> first));
	}

	private static String figures(Fallom fallom) {
		QueueStatistics queue = spans(fallom);
		Spool<?> spool = queue.getSpool();
		if (spool == null) {
			return "spans: size " + queue.getQueueSize() + ", dropped " + queue.getDroppedCount() + ", no spool";
		}
		return "spans: size " + queue.getQueueSize() + ", dropped " + queue.getDroppedCount() + ", sent "
				+ queue.getSentCount() + ", failed " + queue.getFailedCount() + ", spooled " + spool.getSpooledCount()
				+ ", replayed " + spool.getReplayedCount() + ", corrupt " + spool.getCorruptCount() + ", spool bytes "
				+ spool.getBytes();
	}

	@Test
	void spansOfAnOutageBeyondTheQueueAllArriveOnceAfterRecovery() {
		backendDown();
		try (Fallom fallom = online().build()) {
			Map<String, String> sent = endSpans(fallom, SPANS);
			await().atMost(Duration.ofSeconds(20)).until(() -> spool(fallom).getSpooledCount() >= SPANS);
			assertThat(this.server.receivedSpans()).isEmpty();
			this.server.clearFaults();
			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> assertThat(new HashSet<>(receivedIds())).as(() -> figures(fallom))
					.containsExactlyInAnyOrderElementsOf(sent.keySet()));
			await().atMost(Duration.ofSeconds(10)).until(() -> spool(fallom).getBytes() == 0);
			// Once each, with its name and its resource: the bytes on disk are the whole span
			assertThat(receivedIds()).as(() -> figures(fallom)).hasSize(SPANS);
			assertThat(receivedNames()).isEqualTo(sent);
			assertThat(this.server.receivedSpans()).allSatisfy(
					(span) -> assertThat(span.resourceAttributes()).containsEntry("service.name", "otlp-spool-test"));
			assertThat(spans(fallom).getDroppedCount()).isZero();
			assertThat(spans(fallom).getSentCount()).isEqualTo(SPANS);
			assertThat(spool(fallom).getReplayedCount()).isPositive();
			assertThat(spool(fallom).getCorruptCount()).isZero();
			// Counted like every queue's spool: Micrometer, and so the endpoint and health
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			new FallomQueueMetrics(fallom.queues()).bindTo(registry);
			assertThat(registry.get("fallom.queue.spooled").tag("queue", "spans").functionCounter().count())
				.isEqualTo(spool(fallom).getSpooledCount())
				.isGreaterThanOrEqualTo(SPANS);
			assertThat(registry.get("fallom.queue.replayed").tag("queue", "spans").functionCounter().count())
				.isEqualTo(spool(fallom).getReplayedCount())
				.isPositive();
			assertThat(registry.get("fallom.queue.spool.size").tag("queue", "spans").gauge().value()).isZero();
			// Spans read back travel together: requests of one span each, joined into one
			assertThat(this.server.traceRequests()).anySatisfy(
					(request) -> assertThat(request.getResourceSpansCount()).isGreaterThan(1));
		}
	}

	@Test
	void spansAClosedEngineLeftAreExportedByTheNextOne() throws IOException {
		backendDown();
		Map<String, String> sent = leaveSpansOnDisk();
		this.server.clearFaults();
		try (Fallom second = online().build()) {
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(new HashSet<>(receivedIds())).as(() -> figures(second))
					.containsExactlyInAnyOrderElementsOf(sent.keySet()));
			await().atMost(Duration.ofSeconds(10)).until(() -> spool(second).getBytes() == 0);
			assertThat(receivedNames()).isEqualTo(sent);
			assertThat(spool(second).getCorruptCount()).isZero();
		}
	}

	@Test
	void tornCorruptAndForeignItemsAreSkippedAndCountedWhileTheRestArrive() throws IOException {
		backendDown();
		Map<String, String> sent = leaveSpansOnDisk();
		List<Path> segments = segments();
		Map<Path, List<Item>> onDisk = new HashMap<>();
		for (Path segment : segments) {
			onDisk.put(segment, items(segment));
		}
		// A flipped byte in the middle of an item of the first segment with several
		Path edited = segments.stream().filter((segment) -> onDisk.get(segment).size() >= 3).findFirst().orElseThrow();
		Item flipped = onDisk.get(edited).get(1);
		byte[] data = Files.readAllBytes(edited);
		data[flipped.offset() + ITEM_HEADER_BYTES + flipped.length() / 2] ^= 0x5A;
		Files.write(edited, data);
		// The last item of the last segment torn by a crash, then an item that checks out
		// but was never an export request (a file edited by hand, another writer)
		Path last = segments.get(segments.size() - 1);
		List<Item> lastItems = onDisk.get(last);
		Item torn = lastItems.get(lastItems.size() - 1);
		assertThat(torn).isNotEqualTo(flipped);
		byte[] lastData = Files.readAllBytes(last);
		byte[] truncated = new byte[lastData.length - 3];
		System.arraycopy(lastData, 0, truncated, 0, truncated.length);
		Files.write(last, concat(truncated, item("not an export request".getBytes(StandardCharsets.UTF_8))));
		Set<String> expected = new HashSet<>();
		onDisk.values().forEach((items) -> items.stream()
			.filter((item) -> item != flipped && item != torn)
			.forEach((item) -> expected.addAll(item.spanIds())));
		this.server.clearFaults();
		try (Fallom second = online().build()) {
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(new HashSet<>(receivedIds())).as(() -> figures(second))
					.containsExactlyInAnyOrderElementsOf(expected));
			await().atMost(Duration.ofSeconds(10)).until(() -> spool(second).getBytes() == 0);
			assertThat(spool(second).getCorruptCount()).isEqualTo(3);
			assertThat(spans(second).getFailedCount()).isZero();
			assertThat(sent.keySet()).containsAll(expected);
		}
	}

	/**
	 * Run an engine with the backend down and close it, its flush too short to send:
	 * every span it ended is left on disk.
	 * @return the name of each span by its id
	 */
	private Map<String, String> leaveSpansOnDisk() throws IOException {
		Fallom first = online().shutdownTimeout(Duration.ofMillis(300)).build();
		Map<String, String> sent = endSpans(first, LEFT);
		first.close();
		assertThat(spans(first).getDroppedCount()).as(() -> figures(first)).isZero();
		assertThat(spool(first).getBytes()).isPositive();
		assertThat(this.server.receivedSpans()).isEmpty();
		Set<String> onDisk = new HashSet<>();
		for (Path segment : segments()) {
			items(segment).forEach((item) -> onDisk.addAll(item.spanIds()));
		}
		assertThat(onDisk).containsExactlyInAnyOrderElementsOf(sent.keySet());
		return sent;
	}

	/** The OTLP stream's segment files, oldest first. */
	private List<Path> segments() throws IOException {
		try (Stream<Path> files = Files.walk(this.spoolDirectory)) {
			List<Path> segments = files
				.filter((file) -> file.getParent().getFileName().toString().equals("otlp")
						&& file.getFileName().toString().endsWith(".seg"))
				.sorted()
				.collect(Collectors.toCollection(ArrayList::new));
			assertThat(segments).isNotEmpty();
			return segments;
		}
	}

	/** The items of a segment, as the spool's format documents it, and the span ids of each. */
	private static List<Item> items(Path segment) throws IOException {
		byte[] data = Files.readAllBytes(segment);
		assertThat(new String(data, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("FALLOMSP");
		ByteBuffer view = ByteBuffer.wrap(data);
		List<Item> items = new ArrayList<>();
		int position = HEADER_BYTES;
		while (position < data.length) {
			int length = view.getInt(position);
			byte[] bytes = new byte[length];
			System.arraycopy(data, position + ITEM_HEADER_BYTES, bytes, 0, length);
			Set<String> ids = new HashSet<>();
			for (ResourceSpans resourceSpans : ExportTraceServiceRequest.parseFrom(bytes).getResourceSpansList()) {
				for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
					scopeSpans.getSpansList()
						.forEach((span) -> ids.add(HexFormat.of().formatHex(span.getSpanId().toByteArray())));
				}
			}
			items.add(new Item(position, length, ids));
			position += ITEM_HEADER_BYTES + length;
		}
		return items;
	}

	/** An item as the spool writes it: length, CRC32C of its time and bytes, time, bytes. */
	private static byte[] item(byte[] bytes) {
		long time = System.currentTimeMillis();
		CRC32C crc = new CRC32C();
		crc.update(ByteBuffer.allocate(8).putLong(0, time));
		crc.update(bytes);
		return ByteBuffer.allocate(ITEM_HEADER_BYTES + bytes.length)
			.putInt(bytes.length)
			.putInt((int) crc.getValue())
			.putLong(time)
			.put(bytes)
			.array();
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] joined = new byte[first.length + second.length];
		System.arraycopy(first, 0, joined, 0, first.length);
		System.arraycopy(second, 0, joined, first.length, second.length);
		return joined;
	}

	private record Item(int offset, int length, Set<String> spanIds) {
	}

}
