package com.fallom.benchmarks;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fallom.internal.FallomHttpClient;
import com.fallom.models.ConfigOrigin;
import com.fallom.models.FallomModels;
import com.fallom.models.ModelConfig;
import com.fallom.models.ModelConfigRegistry;
import com.fallom.models.ModelOptions;
import com.fallom.models.ModelTargeting;
import com.fallom.models.ModelTargeting.Condition;
import com.fallom.models.ModelTargeting.IndividualTarget;
import com.fallom.models.ModelTargeting.Rule;
import com.fallom.models.ModelVariant;
import com.fallom.models.SessionRecorder;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Assignment with targeting: {@link FallomModels#get(String, String, ModelOptions)} with a
 * customer id and a 3-entry context against a config with 3 individual targets and 5
 * rules, when no rule matches (all five evaluated, then the hash), when the last rule
 * matches, with the options built on each call, and with no options when the session
 * carries the customer and fields (as the web filter and {@code @FallomSession} set them).
 * The baseline is the same call on the same config without targeting. Run with
 * {@code -prof gc} for B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class FallomTargetingBenchmark {

	private static final List<ModelVariant> VARIANTS = List.of(new ModelVariant("gpt-4o", 50),
			new ModelVariant("claude-3-5-sonnet", 50), new ModelVariant("o3-mini", 0));

	private static final String SESSION = "user24204-convo67097";

	FallomModels models;

	ModelOptions noMatch;

	ModelOptions lastRule;

	private FallomHttpClient client;

	@Setup(Level.Trial)
	public void setUp() {
		ModelTargeting targeting = ModelTargeting.of(
				List.of(new IndividualTarget("customerId", "vip-1", 2), new IndividualTarget("customerId", "vip-2", 1),
						new IndividualTarget("email", "cto@example.com", 0)),
				List.of(new Rule(List.of(new Condition("plan", "eq", "enterprise")), 2),
						new Rule(List.of(new Condition("plan", "in", List.of("pro", "team")),
								new Condition("region", "startsWith", "us-")), 1),
						new Rule(List.of(new Condition("email", "endsWith", "@acme.io")), 0),
						new Rule(List.of(new Condition("customerId", "contains", "beta")), 2),
						new Rule(List.of(new Condition("plan", "nin", List.of("free", "enterprise")),
								new Condition("region", "neq", "us-east")), 1)));
		ModelConfigRegistry registry = new ModelConfigRegistry(
				List.of(new ModelConfig("targeted", 4, VARIANTS, targeting, ConfigOrigin.FETCHED),
						new ModelConfig("plain", 4, VARIANTS, ConfigOrigin.FETCHED)),
				null);
		// As in FallomModelsBenchmark: a recorder never started, so recording costs only
		// its recent-set check.
		this.client = new FallomHttpClient(URI.create("http://127.0.0.1:9"), "benchmark", Duration.ofSeconds(1));
		SessionRecorder recorder = new SessionRecorder(this.client, 10_000, 65_536, Duration.ofSeconds(1),
				Duration.ZERO);
		this.models = new FallomModels(registry, null, recorder, List.of());
		this.noMatch = ModelOptions.customerId("cust-42")
			.withContext(Map.of("plan", "free", "region", "eu-west", "email", "x@other.org"));
		this.lastRule = ModelOptions.customerId("cust-42")
			.withContext(Map.of("plan", "pro", "region", "eu-west", "email", "x@other.org"));
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.client.close();
	}

	@Benchmark
	public String getWithoutTargeting() {
		return this.models.get("plain", SESSION, this.noMatch);
	}

	@Benchmark
	public String getFiveRulesNoMatch() {
		return this.models.get("targeted", SESSION, this.noMatch);
	}

	@Benchmark
	public String getFiveRulesLastMatches() {
		return this.models.get("targeted", SESSION, this.lastRule);
	}

	@Benchmark
	public String getFiveRulesOptionsBuiltPerCall() {
		return this.models.get("targeted", SESSION, ModelOptions.customerId("cust-42")
			.withContext(Map.of("plan", "free", "region", "eu-west", "email", "x@other.org")));
	}

	@Benchmark
	public String getFiveRulesFieldsFromTheSession(RequestSession request) {
		return this.models.get("targeted", RequestSession.SESSION_ID);
	}

	/**
	 * The session of a web request whose customer and fields the filter or
	 * {@code @FallomSession} set, so that {@code get} takes no options. Set on the
	 * benchmark thread and cleared after, so that the other benchmarks see none.
	 */
	@State(Scope.Thread)
	public static class RequestSession {

		static final String SESSION_ID = "request-session";

		@Setup(Level.Trial)
		public void setUp() {
			FallomSessionHolder.set(new FallomSessionContext("web", SESSION_ID, "cust-42")
				.withTargetingContext(Map.of("plan", "free", "region", "eu-west", "email", "x@other.org")));
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			FallomSessionHolder.clearAll();
		}

	}

}
