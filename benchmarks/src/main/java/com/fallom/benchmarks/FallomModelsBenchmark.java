package com.fallom.benchmarks;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fallom.internal.FallomHttpClient;
import com.fallom.models.ConfigOrigin;
import com.fallom.models.FallomModels;
import com.fallom.models.ModelConfig;
import com.fallom.models.ModelConfigRegistry;
import com.fallom.models.ModelVariant;
import com.fallom.models.SessionRecorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The assignment hot path: {@link FallomModels#get(String, String)} on a cached config,
 * including the MD5 of the session id, the session context update and the session
 * recorder's recent-set check. Run with {@code -prof gc} for B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FallomModelsBenchmark {

	/** One engine for all threads, as in an application. */
	@State(Scope.Benchmark)
	public static class Engine {

		FallomModels models;

		private FallomHttpClient client;

		@Setup(Level.Trial)
		public void setUp() {
			ModelConfigRegistry registry = new ModelConfigRegistry(List.of(new ModelConfig("support", 3,
					List.of(new ModelVariant("gpt-4o", 50), new ModelVariant("claude-3-5-sonnet", 50)),
					ConfigOrigin.FETCHED)), null);
			// Never started and pointed at a closed loopback port: recording costs only the
			// recent-set check and, for a new assignment, one queue offer.
			this.client = new FallomHttpClient(URI.create("http://127.0.0.1:9"), "benchmark", Duration.ofSeconds(1));
			SessionRecorder recorder = new SessionRecorder(this.client, 10_000, 65_536, Duration.ofSeconds(1),
					Duration.ZERO);
			this.models = new FallomModels(registry, null, recorder, List.of());
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.client.close();
		}

	}

	/** Each thread cycles through its own 1,024 session ids. */
	@State(Scope.Thread)
	public static class Sessions {

		final String[] ids = new String[1024];

		int next;

		@Setup(Level.Trial)
		public void setUp() {
			long seed = Thread.currentThread().getId() * 7919;
			for (int i = 0; i < this.ids.length; i++) {
				this.ids[i] = "user" + (seed + i) + "-convo" + (i * 31 + 17);
			}
		}

		String nextId() {
			String id = this.ids[this.next];
			this.next = (this.next + 1) & (this.ids.length - 1);
			return id;
		}

	}

	@Benchmark
	public String getSameSession(Engine engine) {
		return engine.models.get("support", "user24204-convo67097");
	}

	@Benchmark
	public String getRotatingSessions(Engine engine, Sessions sessions) {
		return engine.models.get("support", sessions.nextId());
	}

	@Benchmark
	@Threads(2)
	public String getRotatingSessionsTwoThreads(Engine engine, Sessions sessions) {
		return engine.models.get("support", sessions.nextId());
	}

}
