package com.fallom.springai;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fallom.models.AssignmentSource;
import com.fallom.models.FallomModels;
import com.fallom.models.ModelAssignment;
import com.fallom.models.ModelOptions;
import com.fallom.prompts.FallomPrompt;
import com.fallom.prompts.FallomPrompts;
import com.fallom.session.FallomCustomerContext;
import com.fallom.session.FallomCustomerThreadLocalAccessor;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.session.FallomSessionThreadLocalAccessor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.core.Ordered;

/**
 * A {@code ChatClient} advisor that A/B tests each call: it assigns the session a model of
 * a Fallom config, sets it on the request's {@link ChatOptions} (the other options stay
 * as the caller set them), optionally applies a managed prompt or a prompt A/B test, and
 * tags the call's chat span with the assignment. Immutable: each method returns a new
 * advisor, and one advisor serves any number of concurrent calls.
 *
 * <pre class="code">
 * chatClient.prompt()
 *     .advisors(fallomAdvisors.abTest("support-assistant").fallback("gpt-4o-mini"))
 *     .advisors((a) -&gt; a.param(FallomAdvisor.SESSION_ID, sessionId))
 *     .user(question)
 *     .call();
 * </pre>
 *
 * The session id is the advisor parameter {@link #SESSION_ID}, else the current Fallom
 * session (a web filter, {@code @FallomSession}, {@code FallomTrace.withSession}; for a
 * stream, the one in the subscriber's Reactor {@code Context} first, so a WebFlux request
 * needs no {@code spring.reactor.context-propagation=auto}); the
 * customer id is the parameter {@link #CUSTOMER_ID}, else the current session's, and
 * reaches the config's targeting. The assignment travels in the
 * metadata of the request's user message, never sent to the model, so the span is right
 * whatever thread runs the call. A managed prompt is rendered with the advisor context as
 * its variables ({@code a.param("question", question)}). The response's context holds
 * the {@link #ASSIGNMENT} and the applied {@link #PROMPT}.
 * <p>
 * Without a session id the fallback model is used when there is one (logged once per
 * config key and counted as a fallback); without a fallback the call fails with an
 * {@link IllegalStateException}. With a fallback, no Fallom failure fails the call.
 */
public final class FallomAdvisor implements CallAdvisor, StreamAdvisor {

	/** The advisor parameter that holds the session id. */
	public static final String SESSION_ID = "fallom.session_id";

	/**
	 * The advisor parameter that holds the customer id, for the config's targeting and
	 * the spans.
	 */
	public static final String CUSTOMER_ID = "fallom.customer_id";

	/**
	 * The key of the {@link ModelAssignment} in the context of the call's
	 * {@code ChatClientResponse}.
	 */
	public static final String ASSIGNMENT = "fallom.assignment";

	/**
	 * The key of the applied {@link FallomPrompt} in the context of the call's
	 * {@code ChatClientResponse}, absent when no managed prompt was applied.
	 */
	public static final String PROMPT = "fallom.prompt";

	/**
	 * The default order: before Spring AI's tool-calling advisor, so every model call of a
	 * tool-calling round trip gets the assigned model and tags.
	 */
	public static final int DEFAULT_ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	private static final Log logger = LogFactory.getLog(FallomAdvisor.class);

	private final FallomModels models;

	private final @Nullable FallomPrompts prompts;

	private final String configKey;

	private final ModelOptions options;

	private final @Nullable String promptKey;

	private final boolean promptAbTest;

	private final int order;

	private final AtomicBoolean failureLogged;

	private FallomAdvisor(FallomModels models, @Nullable FallomPrompts prompts, String configKey, ModelOptions options,
			@Nullable String promptKey, boolean promptAbTest, int order, AtomicBoolean failureLogged) {
		this.models = models;
		this.prompts = prompts;
		this.configKey = configKey;
		this.options = options;
		this.promptKey = promptKey;
		this.promptAbTest = promptAbTest;
		this.order = order;
		this.failureLogged = failureLogged;
	}

	/**
	 * Create an advisor that assigns the latest version of a config; usually through
	 * {@link FallomAdvisors#abTest(String)}.
	 * @param models the assignments
	 * @param prompts the managed prompts, or {@code null} when no prompt is applied
	 * @param configKey the config key
	 * @return the advisor
	 * @throws IllegalArgumentException when the config key is null or blank
	 */
	public static FallomAdvisor abTest(FallomModels models, @Nullable FallomPrompts prompts, String configKey) {
		if (models == null) {
			throw new IllegalArgumentException("FallomModels must not be null");
		}
		if (configKey == null || configKey.isBlank()) {
			throw new IllegalArgumentException("Config key of a FallomAdvisor must not be null or blank");
		}
		return new FallomAdvisor(models, prompts, configKey, ModelOptions.latest(), null, false, DEFAULT_ORDER,
				new AtomicBoolean());
	}

	/**
	 * Return an advisor that uses a fallback model when no config can be used, and never
	 * fails a call for a Fallom reason.
	 * @param model the fallback model
	 * @return the advisor
	 */
	public FallomAdvisor fallback(String model) {
		return with(this.options.withFallback(model), this.promptKey, this.promptAbTest, this.order);
	}

	/**
	 * Return an advisor pinned to a config version.
	 * @param version the version, 1 or more
	 * @return the advisor
	 */
	public FallomAdvisor version(int version) {
		return with(this.options.withVersion(version), this.promptKey, this.promptAbTest, this.order);
	}

	/**
	 * Return an advisor that also applies a managed prompt, its latest version.
	 * @param promptKey the prompt key
	 * @return the advisor
	 */
	public FallomAdvisor prompt(String promptKey) {
		return with(this.options, requirePromptKey(promptKey), false, this.order);
	}

	/**
	 * Return an advisor that also applies the session's variant of a prompt A/B test.
	 * @param abTestKey the prompt A/B test key
	 * @return the advisor
	 */
	public FallomAdvisor promptAbTest(String abTestKey) {
		return with(this.options, requirePromptKey(abTestKey), true, this.order);
	}

	/**
	 * Return an advisor with another order.
	 * @param order the order
	 * @return the advisor
	 */
	public FallomAdvisor order(int order) {
		return with(this.options, this.promptKey, this.promptAbTest, order);
	}

	private String requirePromptKey(String key) {
		if (key == null || key.isBlank()) {
			throw new IllegalArgumentException("Prompt key of a FallomAdvisor must not be null or blank");
		}
		if (this.prompts == null) {
			throw new IllegalStateException("This FallomAdvisor was built without FallomPrompts");
		}
		return key;
	}

	private FallomAdvisor with(ModelOptions options, @Nullable String promptKey, boolean promptAbTest, int order) {
		return new FallomAdvisor(this.models, this.prompts, this.configKey, options, promptKey, promptAbTest, order,
				this.failureLogged);
	}

	@Override
	public String getName() {
		return "FallomAdvisor";
	}

	@Override
	public int getOrder() {
		return this.order;
	}

	@Override
	public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
		FallomSessionContext previous = FallomSessionHolder.get();
		try {
			Advised advised = adviseSafely(request, null);
			// For the tools and advisors this call runs on this thread: their spans carry the
			// session too. Restored after, so nothing leaks to the thread's next work.
			FallomSessionHolder.set(advised.session());
			return advised.tell(chain.nextCall(advised.request()));
		}
		finally {
			FallomSessionHolder.set(previous);
		}
	}

	@Override
	public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
		return Flux.deferContextual((reactorContext) -> {
			StreamedCall call = StreamedCall.register();
			Advised advised;
			FallomSessionContext previous = FallomSessionHolder.get();
			FallomCustomerContext previousCustomer = FallomSessionHolder.getCustomer();
			try {
				// The subscriber's session first: a WebFlux request's, or @FallomSession's. Without
				// context-propagation=auto, the thread may hold none, or, on an event loop, the
				// session of whatever code ran there last.
				FallomSessionContext session = reactorContext.getOrDefault(FallomSessionThreadLocalAccessor.KEY, null);
				FallomCustomerContext customer = reactorContext.getOrDefault(FallomCustomerThreadLocalAccessor.KEY,
						null);
				if (session != null || customer != null) {
					FallomSessionHolder.set(session);
					FallomSessionHolder.setCustomer(customer);
				}
				advised = adviseSafely(request, call.id());
			}
			catch (RuntimeException ex) {
				call.ended();
				return Flux.error(ex);
			}
			finally {
				FallomSessionHolder.set(previous);
				FallomSessionHolder.setCustomer(previousCustomer);
			}
			AtomicBoolean first = new AtomicBoolean(true);
			return chain.nextStream(advised.request()).map(advised::tell).doOnNext((response) -> {
				if (first.compareAndSet(true, false)) {
					call.firstChunk();
				}
			}).doOnCancel(call::cancelled).doFinally((signal) -> call.ended());
		});
	}

	/**
	 * Advise the request; with a fallback, a failure past the assignment (a
	 * {@code ChatOptions} that cannot be copied, say) sends the request as the caller made it.
	 */
	private Advised adviseSafely(ChatClientRequest request, @Nullable String callId) {
		try {
			return advise(request, callId);
		}
		catch (RuntimeException ex) {
			String fallback = this.options.getFallback();
			if (fallback == null) {
				throw ex;
			}
			failed("advise the call", ex);
			return new Advised(request, null,
					new ModelAssignment(this.configKey, fallback, 0, -1, AssignmentSource.FALLBACK), null);
		}
	}

	private Advised advise(ChatClientRequest request, @Nullable String callId) {
		String sessionId = text(request.context().get(SESSION_ID));
		FallomSessionContext current = FallomSessionHolder.get();
		if (sessionId == null && current != null) {
			sessionId = current.sessionId();
		}
		String customerId = text(request.context().get(CUSTOMER_ID));
		if (customerId == null && current != null) {
			customerId = current.customerId();
		}
		if (sessionId == null && this.options.getFallback() == null) {
			throw new IllegalStateException("FallomAdvisor for config '" + this.configKey
					+ "' found no session id: set one with the advisor parameter FallomAdvisor.SESSION_ID"
					+ " (.advisors((a) -> a.param(FallomAdvisor.SESSION_ID, sessionId))), a Fallom web filter,"
					+ " @FallomSession or FallomTrace.withSession, or give the advisor a fallback model");
		}
		ModelAssignment assignment = assign(sessionId, customerId);
		FallomSessionContext session = null;
		if (sessionId != null) {
			session = (assignment.isFallback() ? new FallomSessionContext(this.configKey, sessionId)
					: new FallomSessionContext(this.configKey, sessionId, assignment.configVersion(),
							assignment.variantIndex(), assignment.model()))
				.withCustomerId(customerId);
			if (current != null && current.sessionId().equals(sessionId)) {
				// The request's own metadata and tags stay with the tools and advisors it runs.
				session = session.withMetadata(current.metadata()).withTags(current.tags());
			}
		}
		FallomPrompt prompt = (sessionId != null || !this.promptAbTest) ? prompt(request, sessionId) : null;
		CallMetadata metadata = new CallMetadata(session, customerId, callId);
		Prompt advised = rewrite(request.prompt(), assignment.model(), prompt, metadata);
		return new Advised(request.mutate().prompt(advised).build(), session, assignment, prompt);
	}

	private ModelAssignment assign(@Nullable String sessionId, @Nullable String customerId) {
		try {
			// The customer reaches the config's targeting, as FallomModels.get with it would.
			ModelOptions options = (customerId != null) ? this.options.withCustomerId(customerId) : this.options;
			return this.models.assign(this.configKey, sessionId, options);
		}
		catch (RuntimeException ex) {
			String fallback = this.options.getFallback();
			if (fallback == null) {
				throw ex;
			}
			failed("assign a model", ex);
			return new ModelAssignment(this.configKey, fallback, 0, -1, AssignmentSource.FALLBACK);
		}
	}

	private @Nullable FallomPrompt prompt(ChatClientRequest request, @Nullable String sessionId) {
		String key = this.promptKey;
		FallomPrompts prompts = this.prompts;
		if (key == null || prompts == null) {
			return null;
		}
		try {
			return (this.promptAbTest && sessionId != null) ? prompts.getAb(key, sessionId, request.context())
					: prompts.get(key, request.context());
		}
		catch (RuntimeException ex) {
			if (this.options.getFallback() == null) {
				throw ex;
			}
			// The caller's own messages are the fallback prompt.
			failed("apply prompt '" + key + "'", ex);
			return null;
		}
	}

	private void failed(String what, RuntimeException ex) {
		if (this.failureLogged.compareAndSet(false, true)) {
			logger.warn("FallomAdvisor for config '" + this.configKey + "' could not " + what + ": " + ex
					+ "; the call goes on with the fallback (logged once)");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("FallomAdvisor for config '" + this.configKey + "' could not " + what, ex);
		}
	}

	private static Prompt rewrite(Prompt prompt, String model, @Nullable FallomPrompt fallomPrompt,
			CallMetadata metadata) {
		List<Message> messages = new ArrayList<>(prompt.getInstructions());
		Map<String, Object> promptAttributes = (fallomPrompt != null) ? fallomPrompt.attributes() : Map.of();
		if (fallomPrompt != null && !fallomPrompt.system().isEmpty()) {
			int system = indexOf(messages, SystemMessage.class, false);
			Map<String, Object> systemMetadata = new HashMap<>(
					(system >= 0) ? messages.get(system).getMetadata() : Map.of());
			systemMetadata.putAll(promptAttributes);
			SystemMessage message = SystemMessage.builder().text(fallomPrompt.system()).metadata(systemMetadata).build();
			if (system >= 0) {
				messages.set(system, message);
			}
			else {
				messages.add(0, message);
			}
		}
		int user = indexOf(messages, UserMessage.class, true);
		String userText = (fallomPrompt != null && !fallomPrompt.user().isEmpty()) ? fallomPrompt.user() : null;
		if (user >= 0) {
			UserMessage original = (UserMessage) messages.get(user);
			Map<String, Object> userMetadata = new HashMap<>(original.getMetadata());
			userMetadata.putAll(promptAttributes);
			metadata.writeTo(userMetadata);
			UserMessage.Builder builder = original.mutate().metadata(userMetadata);
			if (userText != null) {
				builder.text(userText);
			}
			messages.set(user, builder.build());
		}
		else {
			Map<String, Object> userMetadata = new HashMap<>(promptAttributes);
			metadata.writeTo(userMetadata);
			messages.add(UserMessage.builder().text((userText != null) ? userText : "").metadata(userMetadata).build());
		}
		ChatOptions options = prompt.getOptions();
		ChatOptions withModel = (options != null) ? options.mutate().model(model).build()
				: ChatOptions.builder().model(model).build();
		return prompt.mutate().messages(messages).chatOptions(withModel).build();
	}

	private static int indexOf(List<Message> messages, Class<? extends Message> type, boolean last) {
		int found = -1;
		for (int i = 0; i < messages.size(); i++) {
			if (type.isInstance(messages.get(i))) {
				if (!last) {
					return i;
				}
				found = i;
			}
		}
		return found;
	}

	private static @Nullable String text(@Nullable Object value) {
		if (value == null) {
			return null;
		}
		String text = value.toString();
		return text.isBlank() ? null : text;
	}

	@Override
	public String toString() {
		return "FallomAdvisor[configKey=" + this.configKey + ", " + this.options + ((this.promptKey != null)
				? ", " + (this.promptAbTest ? "promptAbTest=" : "prompt=") + this.promptKey : "") + "]";
	}

	private record Advised(ChatClientRequest request, @Nullable FallomSessionContext session,
			ModelAssignment assignment, @Nullable FallomPrompt prompt) {

		ChatClientResponse tell(ChatClientResponse response) {
			ChatClientResponse.Builder builder = response.mutate().context(ASSIGNMENT, this.assignment);
			if (this.prompt != null) {
				builder.context(PROMPT, this.prompt);
			}
			return builder.build();
		}

	}

}
