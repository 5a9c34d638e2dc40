package com.fallom.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fallom.prompts.PromptSync;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.Delimiter;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for Fallom. The SDKs' environment variables bind by relaxed
 * binding, and beat {@code application.yml} as every environment variable does:
 * {@code FALLOM_API_KEY} to {@code fallom.api-key}, {@code FALLOM_BASE_URL} to
 * {@code fallom.base-url}, {@code FALLOM_CONFIGS_URL}, {@code FALLOM_TRACES_URL},
 * {@code FALLOM_PROMPTS_URL} and {@code FALLOM_CAPTURE_CONTENT} likewise.
 */
@ConfigurationProperties("fallom")
public class FallomProperties {

	/**
	 * Whether to enable Fallom. When false, nothing is registered: no threads, no network.
	 */
	private boolean enabled = true;

	/**
	 * API key of the Fallom account, stripped of whitespace around it. Without it Fallom
	 * runs offline: bootstrap configs only, and nothing is sent anywhere.
	 */
	private String apiKey;

	/**
	 * Base URL of every Fallom service, e.g. a local mock backend. Each service's own URL
	 * wins over it; without either, the production services are used.
	 */
	private String baseUrl;

	/**
	 * URL of the Fallom configs service (configs and session records). Defaults to the base
	 * URL, else https://configs.fallom.com.
	 */
	private String configsUrl;

	/**
	 * URL of the Fallom traces service (OTLP spans and custom metrics). Defaults to the base
	 * URL, else https://traces.fallom.com.
	 */
	private String tracesUrl;

	/**
	 * URL of the Fallom prompts service. Defaults to the base URL, else
	 * https://prompts.fallom.com.
	 */
	private String promptsUrl;

	/**
	 * Whether to send prompt and completion text with traces. When false (privacy mode),
	 * only models, token counts, latency and session context leave the process.
	 */
	private boolean captureContent = true;

	/**
	 * Longest time shutdown waits for the queues of session records, metrics and spans,
	 * which flush at once, to be sent.
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(2);

	private final Models models = new Models();

	private final Tracing tracing = new Tracing();

	private final Delivery delivery = new Delivery();

	private final Web web = new Web();

	private final Prompts prompts = new Prompts();

	private final Test test = new Test();

	private final Evals evals = new Evals();

	private final Anthropic anthropic = new Anthropic();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getApiKey() {
		return this.apiKey;
	}

	public void setApiKey(String apiKey) {
		this.apiKey = apiKey;
	}

	public String getBaseUrl() {
		return this.baseUrl;
	}

	public void setBaseUrl(String baseUrl) {
		this.baseUrl = baseUrl;
	}

	public String getConfigsUrl() {
		return this.configsUrl;
	}

	public void setConfigsUrl(String configsUrl) {
		this.configsUrl = configsUrl;
	}

	public String getTracesUrl() {
		return this.tracesUrl;
	}

	public void setTracesUrl(String tracesUrl) {
		this.tracesUrl = tracesUrl;
	}

	public String getPromptsUrl() {
		return this.promptsUrl;
	}

	public void setPromptsUrl(String promptsUrl) {
		this.promptsUrl = promptsUrl;
	}

	public boolean isCaptureContent() {
		return this.captureContent;
	}

	public void setCaptureContent(boolean captureContent) {
		this.captureContent = captureContent;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public Models getModels() {
		return this.models;
	}

	public Tracing getTracing() {
		return this.tracing;
	}

	public Delivery getDelivery() {
		return this.delivery;
	}

	public Web getWeb() {
		return this.web;
	}

	public Prompts getPrompts() {
		return this.prompts;
	}

	public Test getTest() {
		return this.test;
	}

	public Evals getEvals() {
		return this.evals;
	}

	public Anthropic getAnthropic() {
		return this.anthropic;
	}

	/**
	 * Tracing of the official Anthropic Java SDK's clients (fallom-anthropic).
	 */
	public static class Anthropic {

		/**
		 * Whether to trace the calls of the AnthropicClient and AnthropicClientAsync beans.
		 */
		private boolean enabled = true;

		/**
		 * Whether a call made inside a Fallom session takes the model of the session's
		 * variant of its config, the requested model being the fallback.
		 */
		private boolean routeModels;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isRouteModels() {
			return this.routeModels;
		}

		public void setRouteModels(boolean routeModels) {
			this.routeModels = routeModels;
		}

	}

	/**
	 * How session records, custom metrics and spans reach the backend.
	 */
	public static class Delivery {

		/**
		 * Most session-record and custom-metric requests under way at once, per queue:
		 * the throughput of each is this many records per round trip to the backend.
		 */
		private int maxRequestsInFlight = 64;

		/**
		 * Delay before the first retry of a failed send; each failure in a row doubles
		 * it, up to the max back-off. What fails waits in its queue meanwhile.
		 */
		private Duration initialBackoff = Duration.ofMillis(500);

		/**
		 * Longest delay between retries of a failed send.
		 */
		private Duration maxBackoff = Duration.ofSeconds(10);

		/**
		 * Most sends of one session record, metric record or span batch whose sending
		 * fails for a reason that may pass; then it is given up and counted as expired.
		 */
		private int maxAttempts = 10;

		/**
		 * Longest time a failed send is retried, from its first attempt; then it is given
		 * up and counted as expired.
		 */
		private Duration maxRetryTime = Duration.ofMinutes(10);

		/**
		 * Directory where session records, custom metrics and spans wait on disk when
		 * they cannot be sent (a backed-up queue, a failing backend, shutdown), to be
		 * sent after recovery or by the next start. One application per directory. Unset:
		 * memory only.
		 */
		private Path spoolDir;

		/**
		 * Most bytes the spool takes on disk; beyond, its oldest items are dropped and
		 * counted.
		 */
		private DataSize spoolMaxSize = DataSize.ofMegabytes(512);

		/**
		 * Oldest item the spool keeps; older items are dropped and counted.
		 */
		private Duration spoolMaxAge = Duration.ofHours(24);

		public Path getSpoolDir() {
			return this.spoolDir;
		}

		public void setSpoolDir(Path spoolDir) {
			this.spoolDir = spoolDir;
		}

		public DataSize getSpoolMaxSize() {
			return this.spoolMaxSize;
		}

		public void setSpoolMaxSize(DataSize spoolMaxSize) {
			this.spoolMaxSize = spoolMaxSize;
		}

		public Duration getSpoolMaxAge() {
			return this.spoolMaxAge;
		}

		public void setSpoolMaxAge(Duration spoolMaxAge) {
			this.spoolMaxAge = spoolMaxAge;
		}

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getMaxRetryTime() {
			return this.maxRetryTime;
		}

		public void setMaxRetryTime(Duration maxRetryTime) {
			this.maxRetryTime = maxRetryTime;
		}

		public int getMaxRequestsInFlight() {
			return this.maxRequestsInFlight;
		}

		public void setMaxRequestsInFlight(int maxRequestsInFlight) {
			this.maxRequestsInFlight = maxRequestsInFlight;
		}

		public Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		public void setInitialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

	}

	/**
	 * Properties that keep tests off the production backend.
	 */
	public static class Test {

		/**
		 * Whether to fail at start-up when Fallom has an API key and a URL on a production
		 * host (*.fallom.com). When unset, true in Spring tests and false otherwise.
		 */
		private Boolean forbidProduction;

		public Boolean getForbidProduction() {
			return this.forbidProduction;
		}

		public void setForbidProduction(Boolean forbidProduction) {
			this.forbidProduction = forbidProduction;
		}

	}

	/**
	 * Model A/B testing properties.
	 */
	public static class Models {

		/**
		 * Time between two syncs of the model configs, and of the prompts and prompt A/B
		 * tests.
		 */
		private Duration refreshInterval = Duration.ofSeconds(30);

		/**
		 * Timeout of each request to the backend (connect and response).
		 */
		private Duration timeout = Duration.ofSeconds(2);

		/**
		 * Most bytes of one answer from the backend (a config or prompt list): a larger
		 * answer fails that sync, which keeps its last good state.
		 */
		private DataSize maxResponseSize = DataSize.ofMegabytes(32);

		/**
		 * Longest time start-up waits for the first syncs of configs (and of prompts, when
		 * they are synced from start-up), in all, counted from when the first config sync
		 * began (as the engine bean is created); it waits only when there is nothing to
		 * serve (no bootstrap config, no snapshot). The application starts whatever happens.
		 */
		private Duration startupTimeout = Duration.ofSeconds(2);

		/**
		 * Whether start-up waits for the first syncs (within the start-up timeout) even
		 * when bootstrap configs, prompts or a snapshot could serve at once. The test
		 * support turns it on, so that a test's first call sees the mock backend's configs.
		 */
		private boolean awaitFirstSync;

		/**
		 * Whether to record each session's assignment with the backend.
		 */
		private boolean recordSessions = true;

		/**
		 * Most session records waiting to be sent; more are dropped and counted.
		 */
		private int sessionQueueCapacity = 10_000;

		/**
		 * Number of recent assignments remembered so that each is recorded once; at most
		 * 16777216, 8 bytes of heap each.
		 */
		private int recentSessions = 65_536;

		/**
		 * Time a pinned config version the backend does not have is remembered as
		 * missing.
		 */
		private Duration missingVersionTtl = Duration.ofMinutes(1);

		/**
		 * File the last good configs are written to after every sync and read from at
		 * start-up, so that a restart during a backend outage still serves them; the
		 * prompts and prompt A/B tests are kept beside it.
		 */
		private Path snapshotFile;

		/**
		 * Bootstrap configs by config key, each with its version, variants and optional
		 * targeting, served until the backend first answers and whenever no API key is set.
		 */
		private Map<String, Config> configs = new LinkedHashMap<>();

		public Duration getRefreshInterval() {
			return this.refreshInterval;
		}

		public void setRefreshInterval(Duration refreshInterval) {
			this.refreshInterval = refreshInterval;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public DataSize getMaxResponseSize() {
			return this.maxResponseSize;
		}

		public void setMaxResponseSize(DataSize maxResponseSize) {
			this.maxResponseSize = maxResponseSize;
		}

		public Duration getStartupTimeout() {
			return this.startupTimeout;
		}

		public boolean isAwaitFirstSync() {
			return this.awaitFirstSync;
		}

		public void setAwaitFirstSync(boolean awaitFirstSync) {
			this.awaitFirstSync = awaitFirstSync;
		}

		public void setStartupTimeout(Duration startupTimeout) {
			this.startupTimeout = startupTimeout;
		}

		public boolean isRecordSessions() {
			return this.recordSessions;
		}

		public void setRecordSessions(boolean recordSessions) {
			this.recordSessions = recordSessions;
		}

		public int getSessionQueueCapacity() {
			return this.sessionQueueCapacity;
		}

		public void setSessionQueueCapacity(int sessionQueueCapacity) {
			this.sessionQueueCapacity = sessionQueueCapacity;
		}

		public int getRecentSessions() {
			return this.recentSessions;
		}

		public void setRecentSessions(int recentSessions) {
			this.recentSessions = recentSessions;
		}

		public Duration getMissingVersionTtl() {
			return this.missingVersionTtl;
		}

		public void setMissingVersionTtl(Duration missingVersionTtl) {
			this.missingVersionTtl = missingVersionTtl;
		}

		public Path getSnapshotFile() {
			return this.snapshotFile;
		}

		public void setSnapshotFile(Path snapshotFile) {
			this.snapshotFile = snapshotFile;
		}

		public Map<String, Config> getConfigs() {
			return this.configs;
		}

		public void setConfigs(Map<String, Config> configs) {
			this.configs = configs;
		}

	}

	/**
	 * A bootstrap model config.
	 */
	public static class Config {

		/**
		 * Version of the config.
		 */
		private int version = 1;

		/**
		 * Variants, in order: each a model and its weight in percent.
		 */
		private List<Variant> variants = new ArrayList<>();

		/**
		 * Targeting that pins some sessions to a variant, as set up in Fallom's dashboard.
		 * None unless set.
		 */
		private Targeting targeting;

		public int getVersion() {
			return this.version;
		}

		public void setVersion(int version) {
			this.version = version;
		}

		public List<Variant> getVariants() {
			return this.variants;
		}

		public void setVariants(List<Variant> variants) {
			this.variants = variants;
		}

		public Targeting getTargeting() {
			return this.targeting;
		}

		public void setTargeting(Targeting targeting) {
			this.targeting = targeting;
		}

	}

	/**
	 * A variant of a bootstrap model config.
	 */
	public static class Variant {

		/**
		 * Model name, as passed to the chat client.
		 */
		private String model;

		/**
		 * Percentage of sessions that get this model, 0 to 100, decimals allowed.
		 */
		private double weight;

		public String getModel() {
			return this.model;
		}

		public void setModel(String model) {
			this.model = model;
		}

		public double getWeight() {
			return this.weight;
		}

		public void setWeight(double weight) {
			this.weight = weight;
		}

	}

	/**
	 * The targeting of a bootstrap model config: individual targets first, then rules,
	 * the first match deciding, as the backend's targeting is evaluated.
	 */
	public static class Targeting {

		/**
		 * Whether the targeting applies. When false it is kept but matches nothing.
		 */
		private boolean enabled = true;

		/**
		 * Individual targets, in order: sessions whose context field equals the value get
		 * the variant.
		 */
		private List<IndividualTarget> individualTargets = new ArrayList<>();

		/**
		 * Rules, in order, tried after the individual targets: sessions whose context
		 * satisfies every condition get the variant.
		 */
		private List<Rule> rules = new ArrayList<>();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public List<IndividualTarget> getIndividualTargets() {
			return this.individualTargets;
		}

		public void setIndividualTargets(List<IndividualTarget> individualTargets) {
			this.individualTargets = individualTargets;
		}

		public List<Rule> getRules() {
			return this.rules;
		}

		public void setRules(List<Rule> rules) {
			this.rules = rules;
		}

	}

	/**
	 * An individual target of a bootstrap model config.
	 */
	public static class IndividualTarget {

		/**
		 * Context field to compare, e.g. customerId, which the customer id of a call
		 * fills.
		 */
		private String field;

		/**
		 * Value the context field must equal.
		 */
		private String value;

		/**
		 * Index of the variant that matching sessions get, from 0.
		 */
		private Integer variantIndex;

		public String getField() {
			return this.field;
		}

		public void setField(String field) {
			this.field = field;
		}

		public String getValue() {
			return this.value;
		}

		public void setValue(String value) {
			this.value = value;
		}

		public Integer getVariantIndex() {
			return this.variantIndex;
		}

		public void setVariantIndex(Integer variantIndex) {
			this.variantIndex = variantIndex;
		}

	}

	/**
	 * A targeting rule of a bootstrap model config.
	 */
	public static class Rule {

		/**
		 * Index of the variant that matching sessions get, from 0.
		 */
		private Integer variantIndex;

		/**
		 * Conditions that must all hold; a rule without conditions matches every session.
		 */
		private List<Condition> conditions = new ArrayList<>();

		public Integer getVariantIndex() {
			return this.variantIndex;
		}

		public void setVariantIndex(Integer variantIndex) {
			this.variantIndex = variantIndex;
		}

		public List<Condition> getConditions() {
			return this.conditions;
		}

		public void setConditions(List<Condition> conditions) {
			this.conditions = conditions;
		}

	}

	/**
	 * A condition of a targeting rule.
	 */
	public static class Condition {

		/**
		 * Context field to test; a session whose context lacks it fails the condition.
		 */
		private String field;

		/**
		 * Operator, as the backend names it: eq, neq, in, nin, contains, startsWith or
		 * endsWith.
		 */
		private String operator;

		/**
		 * Value to compare with: one string, or for in and nin a list of strings (a YAML
		 * list, or value[0], value[1] and so on).
		 */
		// One string stays one element, commas and all: only a YAML list (or indexed
		// properties) makes several.
		@Delimiter(Delimiter.NONE)
		private List<String> value;

		public String getField() {
			return this.field;
		}

		public void setField(String field) {
			this.field = field;
		}

		public String getOperator() {
			return this.operator;
		}

		public void setOperator(String operator) {
			this.operator = operator;
		}

		public List<String> getValue() {
			return this.value;
		}

		public void setValue(List<String> value) {
			this.value = value;
		}

	}

	/**
	 * Tracing properties.
	 */
	public static class Tracing {

		/**
		 * Whether to export every Spring AI chat call to Fallom and tag spans with the
		 * Fallom session.
		 */
		private boolean enabled = true;

		/**
		 * Whether to export the rest of a Spring AI agent run too: tool calls, embedding
		 * calls, vector store queries, and the ChatClient call and its advisors.
		 */
		private boolean includeNonChat = true;

		/**
		 * Wire format of exported spans: 'records' (one JSON trace record per call, as
		 * today's Fallom SDKs send) or 'otlp' (OTLP/HTTP protobuf, e.g. through a
		 * collector).
		 */
		private String protocol = "records";

		/**
		 * Most characters of each content value sent with a call (a prompt message, a
		 * completion, a tool's arguments or result); longer ones are cut, and the trace
		 * record (or the span, marked fallom.content_truncated) says so.
		 */
		private int maxContentLength = 32_768;

		/**
		 * Most bytes of one trace record; a bigger record sheds its content, never its
		 * session, model, usage or status, and says so.
		 */
		private DataSize maxRecordBytes = DataSize.ofMegabytes(1);

		/**
		 * Most spans waiting to be exported; more are dropped and counted.
		 */
		private int queueCapacity = 2048;

		/**
		 * Most estimated bytes of spans waiting to be exported; more are dropped and
		 * counted.
		 */
		private DataSize maxQueuedBytes = DataSize.ofMegabytes(16);

		/**
		 * Most spans sent to the backend in one export request.
		 */
		private int batchSize = 256;

		/**
		 * Most estimated bytes of spans in one export request; a single bigger span is
		 * sent alone.
		 */
		private DataSize maxBatchBytes = DataSize.ofMegabytes(4);

		/**
		 * Timeout of each export request (connect and response), also used for custom
		 * metrics.
		 */
		private Duration exportTimeout = Duration.ofSeconds(5);

		/**
		 * Most custom metric records waiting to be sent; more are dropped and counted.
		 */
		private int metricsQueueCapacity = 10_000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isIncludeNonChat() {
			return this.includeNonChat;
		}

		public void setIncludeNonChat(boolean includeNonChat) {
			this.includeNonChat = includeNonChat;
		}

		public String getProtocol() {
			return this.protocol;
		}

		public void setProtocol(String protocol) {
			this.protocol = protocol;
		}

		public int getMaxContentLength() {
			return this.maxContentLength;
		}

		public void setMaxContentLength(int maxContentLength) {
			this.maxContentLength = maxContentLength;
		}

		public DataSize getMaxRecordBytes() {
			return this.maxRecordBytes;
		}

		public void setMaxRecordBytes(DataSize maxRecordBytes) {
			this.maxRecordBytes = maxRecordBytes;
		}

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

		public DataSize getMaxQueuedBytes() {
			return this.maxQueuedBytes;
		}

		public void setMaxQueuedBytes(DataSize maxQueuedBytes) {
			this.maxQueuedBytes = maxQueuedBytes;
		}

		public DataSize getMaxBatchBytes() {
			return this.maxBatchBytes;
		}

		public void setMaxBatchBytes(DataSize maxBatchBytes) {
			this.maxBatchBytes = maxBatchBytes;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public Duration getExportTimeout() {
			return this.exportTimeout;
		}

		public void setExportTimeout(Duration exportTimeout) {
			this.exportTimeout = exportTimeout;
		}

		public int getMetricsQueueCapacity() {
			return this.metricsQueueCapacity;
		}

		public void setMetricsQueueCapacity(int metricsQueueCapacity) {
			this.metricsQueueCapacity = metricsQueueCapacity;
		}

	}

	/**
	 * Web filter properties.
	 */
	public static class Web {

		/**
		 * Whether to register the servlet or WebFlux filter that reads session ids from
		 * requests.
		 */
		private boolean enabled = true;

		/**
		 * Name of the request header that carries the session id.
		 */
		private String sessionHeader = "X-Fallom-Session-Id";

		/**
		 * Name of a cookie to read the session id from when the header is absent. Not
		 * read unless set.
		 */
		private String sessionCookie;

		/**
		 * Name of a query parameter to read the session id from when the header and the
		 * cookie are absent. Not read unless set.
		 */
		private String sessionQueryParameter;

		/**
		 * Name of the request header that carries the config key, e.g. X-Fallom-Config-Key.
		 * Unset by default, so that no caller can file its traffic under an experiment of
		 * its choosing: set it only when the callers are trusted.
		 */
		private String configKeyHeader;

		/**
		 * Config key of requests without a config key header. Without either, a request
		 * gets no session.
		 */
		private String defaultConfigKey;

		/**
		 * Name of the request header that carries the customer id, such as
		 * X-Fallom-Customer-Id, which tags spans and is the customer that targeting sees.
		 * Unset by default, so that no caller can claim another customer's variant or file
		 * its traffic under another customer: set it only when the callers are trusted.
		 */
		private String customerIdHeader;

		/**
		 * Whether the authenticated principal's name is the customer id, winning over the
		 * customer id header. Moves the filter right after Spring Security's.
		 */
		private boolean customerIdFromPrincipal = true;

		/**
		 * Longest session id, config key or customer id accepted from a request; longer
		 * ones are ignored and counted.
		 */
		private int maxSessionIdLength = 256;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getSessionHeader() {
			return this.sessionHeader;
		}

		public void setSessionHeader(String sessionHeader) {
			this.sessionHeader = sessionHeader;
		}

		public String getSessionCookie() {
			return this.sessionCookie;
		}

		public void setSessionCookie(String sessionCookie) {
			this.sessionCookie = sessionCookie;
		}

		public String getSessionQueryParameter() {
			return this.sessionQueryParameter;
		}

		public void setSessionQueryParameter(String sessionQueryParameter) {
			this.sessionQueryParameter = sessionQueryParameter;
		}

		public String getConfigKeyHeader() {
			return this.configKeyHeader;
		}

		public void setConfigKeyHeader(String configKeyHeader) {
			this.configKeyHeader = configKeyHeader;
		}

		public String getDefaultConfigKey() {
			return this.defaultConfigKey;
		}

		public void setDefaultConfigKey(String defaultConfigKey) {
			this.defaultConfigKey = defaultConfigKey;
		}

		public String getCustomerIdHeader() {
			return this.customerIdHeader;
		}

		public void setCustomerIdHeader(String customerIdHeader) {
			this.customerIdHeader = customerIdHeader;
		}

		public boolean isCustomerIdFromPrincipal() {
			return this.customerIdFromPrincipal;
		}

		public void setCustomerIdFromPrincipal(boolean customerIdFromPrincipal) {
			this.customerIdFromPrincipal = customerIdFromPrincipal;
		}

		public int getMaxSessionIdLength() {
			return this.maxSessionIdLength;
		}

		public void setMaxSessionIdLength(int maxSessionIdLength) {
			this.maxSessionIdLength = maxSessionIdLength;
		}

	}

	/**
	 * Prompt management properties.
	 */
	public static class Prompts {

		/**
		 * Whether to enable prompt management: the FallomPrompts bean and, when online, the
		 * sync of prompts and prompt A/B tests.
		 */
		private boolean enabled = true;

		/**
		 * When to sync prompts and prompt A/B tests from the prompts service when online:
		 * 'on' (true) once the app uses prompts (bootstrap templates or tests, a prompt
		 * snapshot, or the first prompt lookup), 'always' from start-up, 'off' (false)
		 * never, serving only the bootstrap templates and tests.
		 */
		private PromptSync sync = PromptSync.ON;

		/**
		 * Bootstrap prompts by prompt key, served until the backend first answers and
		 * whenever no API key is set.
		 */
		private Map<String, Template> templates = new LinkedHashMap<>();

		/**
		 * Bootstrap prompt A/B tests by test key, served until the backend first answers
		 * and whenever no API key is set.
		 */
		private Map<String, AbTest> abTests = new LinkedHashMap<>();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public PromptSync getSync() {
			return this.sync;
		}

		public void setSync(PromptSync sync) {
			this.sync = sync;
		}

		public Map<String, Template> getTemplates() {
			return this.templates;
		}

		public void setTemplates(Map<String, Template> templates) {
			this.templates = templates;
		}

		public Map<String, AbTest> getAbTests() {
			return this.abTests;
		}

		public void setAbTests(Map<String, AbTest> abTests) {
			this.abTests = abTests;
		}

	}

	/**
	 * A bootstrap prompt.
	 */
	public static class Template {

		/**
		 * Version of the prompt.
		 */
		private int version = 1;

		/**
		 * System prompt, with {{ name }} placeholders for variables.
		 */
		private String system = "";

		/**
		 * User message template, with {{ name }} placeholders for variables.
		 */
		private String user = "";

		public int getVersion() {
			return this.version;
		}

		public void setVersion(int version) {
			this.version = version;
		}

		public String getSystem() {
			return this.system;
		}

		public void setSystem(String system) {
			this.system = system;
		}

		public String getUser() {
			return this.user;
		}

		public void setUser(String user) {
			this.user = user;
		}

	}

	/**
	 * A bootstrap prompt A/B test.
	 */
	public static class AbTest {

		/**
		 * Version of the test.
		 */
		private int version = 1;

		/**
		 * Variants, in order: each a prompt key, an optional pinned prompt version and a
		 * weight in percent.
		 */
		private List<PromptVariant> variants = new ArrayList<>();

		public int getVersion() {
			return this.version;
		}

		public void setVersion(int version) {
			this.version = version;
		}

		public List<PromptVariant> getVariants() {
			return this.variants;
		}

		public void setVariants(List<PromptVariant> variants) {
			this.variants = variants;
		}

	}

	/**
	 * A variant of a bootstrap prompt A/B test.
	 */
	public static class PromptVariant {

		/**
		 * Key of the prompt this variant gives.
		 */
		private String promptKey;

		/**
		 * Pinned version of the prompt; when unset, the prompt's current version.
		 */
		private Integer promptVersion;

		/**
		 * Percentage of sessions that get this prompt, 0 to 100, decimals allowed.
		 */
		private double weight;

		public String getPromptKey() {
			return this.promptKey;
		}

		public void setPromptKey(String promptKey) {
			this.promptKey = promptKey;
		}

		public Integer getPromptVersion() {
			return this.promptVersion;
		}

		public void setPromptVersion(Integer promptVersion) {
			this.promptVersion = promptVersion;
		}

		public double getWeight() {
			return this.weight;
		}

		public void setWeight(double weight) {
			this.weight = weight;
		}

	}


	/**
	 * Evals with an LLM judge (the fallom-evals module): the Fallom app that serves datasets
	 * and receives results, the judge, and how fast and how far a run may go.
	 */
	public static class Evals {

		/**
		 * Whether to register a FallomEvals bean when fallom-evals is on the classpath.
		 */
		private boolean enabled = true;

		/**
		 * URL of the Fallom app, which serves datasets and receives eval results. Not the
		 * services' base URL.
		 */
		private String appUrl = "https://app.fallom.com";

		/**
		 * Model the judge asks, on the judge's OpenAI-compatible endpoint.
		 */
		private String judgeModel = "openai/gpt-4o-mini";

		/**
		 * Base URL of the judge's OpenAI-compatible endpoint, e.g. a local model's.
		 */
		private String judgeBaseUrl = "https://openrouter.ai/api/v1";

		/**
		 * API key of the judge's endpoint. Defaults to the OPENROUTER_API_KEY environment
		 * variable.
		 */
		private String judgeApiKey;

		/**
		 * Name of a Spring AI or LangChain4j ChatModel bean to judge with, instead of the
		 * OpenAI-compatible endpoint.
		 */
		private String judgeChatModel;

		/**
		 * Longest time one judge or model request may take.
		 */
		private Duration judgeTimeout = Duration.ofSeconds(120);

		/**
		 * Number of judge and model calls a run makes at once.
		 */
		private int concurrency = 8;

		/**
		 * Number of retries of a call answered 429 or 5xx, or not at all.
		 */
		private int maxRetries = 3;

		/**
		 * Most judge and model calls a run makes, retries included; 0 for no limit.
		 */
		private int maxCalls = 0;

		/**
		 * Most dollars a run spends, as the replies report them; 0 for no limit.
		 */
		private double maxCost = 0.0;

		/**
		 * Directory of the judge answer cache; unset caches nothing.
		 */
		private Path cacheDirectory;

		/**
		 * Directory where each run writes a JSON and a Markdown report; unset writes none.
		 */
		private Path reportDirectory;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getAppUrl() {
			return this.appUrl;
		}

		public void setAppUrl(String appUrl) {
			this.appUrl = appUrl;
		}

		public String getJudgeModel() {
			return this.judgeModel;
		}

		public void setJudgeModel(String judgeModel) {
			this.judgeModel = judgeModel;
		}

		public String getJudgeBaseUrl() {
			return this.judgeBaseUrl;
		}

		public void setJudgeBaseUrl(String judgeBaseUrl) {
			this.judgeBaseUrl = judgeBaseUrl;
		}

		public String getJudgeApiKey() {
			return this.judgeApiKey;
		}

		public void setJudgeApiKey(String judgeApiKey) {
			this.judgeApiKey = judgeApiKey;
		}

		public String getJudgeChatModel() {
			return this.judgeChatModel;
		}

		public void setJudgeChatModel(String judgeChatModel) {
			this.judgeChatModel = judgeChatModel;
		}

		public Duration getJudgeTimeout() {
			return this.judgeTimeout;
		}

		public void setJudgeTimeout(Duration judgeTimeout) {
			this.judgeTimeout = judgeTimeout;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public int getMaxRetries() {
			return this.maxRetries;
		}

		public void setMaxRetries(int maxRetries) {
			this.maxRetries = maxRetries;
		}

		public int getMaxCalls() {
			return this.maxCalls;
		}

		public void setMaxCalls(int maxCalls) {
			this.maxCalls = maxCalls;
		}

		public double getMaxCost() {
			return this.maxCost;
		}

		public void setMaxCost(double maxCost) {
			this.maxCost = maxCost;
		}

		public Path getCacheDirectory() {
			return this.cacheDirectory;
		}

		public void setCacheDirectory(Path cacheDirectory) {
			this.cacheDirectory = cacheDirectory;
		}

		public Path getReportDirectory() {
			return this.reportDirectory;
		}

		public void setReportDirectory(Path reportDirectory) {
			this.reportDirectory = reportDirectory;
		}

	}

}
