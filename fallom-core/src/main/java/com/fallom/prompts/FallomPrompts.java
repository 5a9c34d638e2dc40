package com.fallom.prompts;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fallom.models.internal.SessionHasher;
import com.fallom.prompts.internal.CompiledAbTest;
import com.fallom.prompts.internal.CompiledPrompt;
import com.fallom.prompts.internal.PromptRegistry;
import com.fallom.prompts.internal.PromptSnapshot;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Gives managed prompts, rendered with the caller's variables, and splits sessions between
 * the prompts of a prompt A/B test exactly as Fallom's Python SDK does (the same session
 * gets the same variant in every language, and the same bucket as for model configs).
 * <p>
 * A call never does I/O: it reads an immutable snapshot that a background sync replaces.
 * An unknown prompt or test gives the caller's fallback at once, or, without one, a
 * {@link PromptNotFoundException} naming the key.
 *
 * <pre class="code">
 * FallomPrompt prompt = prompts.get("onboarding", Map.of("user_name", name));
 * FallomPrompt pinned = prompts.get("onboarding", variables, 2);
 * FallomPrompt tested = prompts.getAb("onboarding-test", sessionId, variables,
 *         PromptFallback.of("You are a helpful assistant.", "Hi {{user_name}}!"));
 * </pre>
 *
 * Templates: every {@code {{ name }}} whose name is a Python word ({@code \w+}, Unicode
 * letters, numbers and underscores) is replaced by the variable's value as text, as
 * Python's {@code str()} writes it ({@code True}, {@code None}, {@code 1e+16}); a
 * placeholder with no variable stays as it is; values are inserted literally. The same
 * variables apply to the system prompt and the user message.
 * <p>
 * This class keeps no per-request state: {@link FallomPrompt#context()} gives the span
 * attributes for whoever scopes them.
 */
public class FallomPrompts {

	private static final Log logger = LogFactory.getLog(FallomPrompts.class);

	private final PromptRegistry registry;

	private volatile PromptListener[] listeners;

	private final Set<String> loggedPromptFallbacks = ConcurrentHashMap.newKeySet();

	private final Set<String> loggedAbTestFallbacks = ConcurrentHashMap.newKeySet();

	private final Runnable firstUse;

	private volatile boolean used;

	/**
	 * Create an instance.
	 * @param registry the prompts and tests
	 * @param listeners told of every prompt given
	 */
	public FallomPrompts(PromptRegistry registry, List<PromptListener> listeners) {
		this(registry, listeners, () -> {
		});
	}

	/**
	 * Create an instance that tells the engine when the app first asks for a prompt or a
	 * prompt A/B test, so that prompt sync starts only in apps that use prompts.
	 * @param registry the prompts and tests
	 * @param listeners told of every prompt given
	 * @param firstUse run once, on the caller's thread, before the first prompt is looked
	 * up; it must not block
	 */
	public FallomPrompts(PromptRegistry registry, List<PromptListener> listeners, Runnable firstUse) {
		this.registry = registry;
		this.listeners = listeners.toArray(PromptListener[]::new);
		this.firstUse = firstUse;
	}

	/**
	 * Create an instance that tells no listener.
	 * @param registry the prompts and tests
	 */
	public FallomPrompts(PromptRegistry registry) {
		this(registry, List.of());
	}

	/**
	 * Tell a listener of every prompt given from now on.
	 * @param listener the listener
	 */
	public synchronized void addListener(PromptListener listener) {
		PromptListener[] grown = Arrays.copyOf(this.listeners, this.listeners.length + 1);
		grown[grown.length - 1] = listener;
		this.listeners = grown;
	}

	/**
	 * Return the current version of a prompt, rendered.
	 * @param promptKey the prompt key
	 * @param variables the variables, or {@code null}
	 * @return the prompt
	 * @throws PromptNotFoundException when the prompt is unknown
	 */
	public FallomPrompt get(String promptKey, @Nullable Map<String, ?> variables) {
		return prompt(promptKey, variables, 0, null);
	}

	/**
	 * Return the current version of a prompt, rendered, or the fallback.
	 * @param promptKey the prompt key
	 * @param variables the variables, or {@code null}
	 * @param fallback what to give when the prompt is unknown or anything fails
	 * @return the prompt
	 */
	public FallomPrompt get(String promptKey, @Nullable Map<String, ?> variables, PromptFallback fallback) {
		return prompt(promptKey, variables, 0, requireFallback(fallback));
	}

	/**
	 * Return a pinned version of a prompt, rendered. Every version seen since start-up
	 * can be pinned.
	 * @param promptKey the prompt key
	 * @param variables the variables, or {@code null}
	 * @param version the version, 1 or more
	 * @return the prompt
	 * @throws PromptNotFoundException when the prompt or the version is unknown
	 */
	public FallomPrompt get(String promptKey, @Nullable Map<String, ?> variables, int version) {
		return prompt(promptKey, variables, requireVersion(promptKey, version), null);
	}

	/**
	 * Return a pinned version of a prompt, rendered, or the fallback.
	 * @param promptKey the prompt key
	 * @param variables the variables, or {@code null}
	 * @param version the version, 1 or more
	 * @param fallback what to give when the version is unknown or anything fails
	 * @return the prompt
	 */
	public FallomPrompt get(String promptKey, @Nullable Map<String, ?> variables, int version,
			PromptFallback fallback) {
		return prompt(promptKey, variables, requireVersion(promptKey, version), requireFallback(fallback));
	}

	/**
	 * Return the prompt of a session's variant of a prompt A/B test, rendered. Sticky:
	 * the same session id always gets the same variant of the same test.
	 * @param abTestKey the test key
	 * @param sessionId the session id
	 * @param variables the variables, or {@code null}
	 * @return the prompt, with the test key and the variant index
	 * @throws PromptNotFoundException when the test is unknown or its variant names an
	 * unknown prompt version
	 */
	public FallomPrompt getAb(String abTestKey, String sessionId, @Nullable Map<String, ?> variables) {
		return abTestPrompt(abTestKey, sessionId, variables, null);
	}

	/**
	 * Return the prompt of a session's variant of a prompt A/B test, rendered, or the
	 * fallback.
	 * @param abTestKey the test key
	 * @param sessionId the session id
	 * @param variables the variables, or {@code null}
	 * @param fallback what to give when the test or its prompt is unknown or anything
	 * fails; it carries the test key as its key
	 * @return the prompt
	 */
	public FallomPrompt getAb(String abTestKey, String sessionId, @Nullable Map<String, ?> variables,
			PromptFallback fallback) {
		return abTestPrompt(abTestKey, sessionId, variables, requireFallback(fallback));
	}

	/**
	 * Return the prompts and tests this instance serves.
	 * @return the registry
	 */
	public PromptRegistry getRegistry() {
		return this.registry;
	}

	private FallomPrompt prompt(String promptKey, @Nullable Map<String, ?> variables, int version,
			@Nullable PromptFallback fallback) {
		requireKey(promptKey, "Prompt key");
		markUsed();
		FallomPrompt prompt;
		try {
			PromptSnapshot snapshot = this.registry.snapshot();
			CompiledPrompt compiled = (version == 0) ? snapshot.prompt(promptKey)
					: snapshot.prompt(promptKey, version);
			if (compiled == null) {
				throw new PromptNotFoundException(promptKey, (version == 0) ? "Prompt '" + promptKey + "' not found"
						: "Prompt '" + promptKey + "' version " + version + " not found");
			}
			prompt = compiled.render(variables, null, null);
		}
		catch (RuntimeException ex) {
			FallomPrompt given = useFallback(promptKey, "prompt", this.loggedPromptFallbacks, variables, fallback,
					ex);
			notifyPrompt(promptKey, given, true);
			return given;
		}
		notifyPrompt(promptKey, prompt, false);
		return prompt;
	}

	private FallomPrompt abTestPrompt(String abTestKey, String sessionId, @Nullable Map<String, ?> variables,
			@Nullable PromptFallback fallback) {
		requireKey(abTestKey, "Prompt A/B test key");
		markUsed();
		if (sessionId == null || sessionId.isEmpty()) {
			throw new IllegalArgumentException("Session id of prompt A/B test '" + abTestKey
					+ "' must not be null or empty: an empty id would put every such session in one bucket");
		}
		FallomPrompt prompt;
		try {
			PromptSnapshot snapshot = this.registry.snapshot();
			CompiledAbTest test = snapshot.abTest(abTestKey);
			if (test == null) {
				throw new PromptNotFoundException(abTestKey, "Prompt A/B test '" + abTestKey + "' not found");
			}
			int variantIndex = test.variantIndexFor(SessionHasher.bucketOf(sessionId));
			PromptAbTest.Variant variant = test.variant(variantIndex);
			Integer pinned = variant.promptVersion();
			CompiledPrompt compiled = (pinned != null) ? snapshot.prompt(variant.promptKey(), pinned)
					: snapshot.prompt(variant.promptKey());
			if (compiled == null) {
				throw new PromptNotFoundException(abTestKey, "Prompt A/B test '" + abTestKey + "' variant "
						+ variantIndex + " uses prompt '" + variant.promptKey() + "' "
						+ ((pinned != null) ? "version " + pinned : "(current version)") + ", which is not found");
			}
			prompt = compiled.render(variables, abTestKey, variantIndex);
		}
		catch (RuntimeException ex) {
			FallomPrompt given = useFallback(abTestKey, "prompt A/B test", this.loggedAbTestFallbacks, variables,
					fallback, ex);
			notifyAbTest(abTestKey, given, true);
			return given;
		}
		notifyAbTest(abTestKey, prompt, false);
		return prompt;
	}

	/**
	 * Throw when there is no fallback, otherwise log the problem once per key and give
	 * the fallback.
	 */
	private FallomPrompt useFallback(String key, String what, Set<String> logged, @Nullable Map<String, ?> variables,
			@Nullable PromptFallback fallback, RuntimeException problem) {
		if (fallback == null) {
			if (problem instanceof FallomPromptsException) {
				throw problem;
			}
			// Name the key; the cause's message is the caller's own (a variable's toString).
			throw new FallomPromptsException(key, "The " + what + " '" + key + "' could not be rendered", problem);
		}
		if (logged.add(key)) {
			String reason = (problem instanceof FallomPromptsException) ? problem.getMessage()
					: "The " + what + " '" + key + "' could not be rendered (" + problem.getClass().getName() + ")";
			logger.warn(reason + "; using the fallback prompt (logged once per key, later fallbacks are silent)");
		}
		try {
			return fallback.resolve(key, variables);
		}
		catch (RuntimeException ex) {
			throw new FallomPromptsException(key, "The fallback of " + what + " '" + key + "' could not be rendered",
					ex);
		}
	}

	private void notifyPrompt(String promptKey, FallomPrompt prompt, boolean fallback) {
		for (PromptListener listener : this.listeners) {
			try {
				listener.onPrompt(promptKey, prompt, fallback);
			}
			catch (RuntimeException ex) {
				logger.debug("Fallom prompt listener failed", ex);
			}
		}
	}

	private void notifyAbTest(String abTestKey, FallomPrompt prompt, boolean fallback) {
		for (PromptListener listener : this.listeners) {
			try {
				listener.onAbTest(abTestKey, prompt, fallback);
			}
			catch (RuntimeException ex) {
				logger.debug("Fallom prompt listener failed", ex);
			}
		}
	}

	private void markUsed() {
		if (!this.used) {
			this.used = true;
			try {
				this.firstUse.run();
			}
			catch (RuntimeException ex) {
				logger.debug("Fallom prompt sync could not start on first use", ex);
			}
		}
	}

	private static void requireKey(String key, String name) {
		if (key == null || key.isBlank()) {
			throw new IllegalArgumentException(name + " must not be null or blank");
		}
	}

	private static int requireVersion(String promptKey, int version) {
		if (version < 1) {
			throw new IllegalArgumentException("Version of prompt '" + promptKey + "' must be 1 or more, was " + version);
		}
		return version;
	}

	private static PromptFallback requireFallback(PromptFallback fallback) {
		if (fallback == null) {
			throw new IllegalArgumentException("Fallback must not be null: use the overload without one");
		}
		return fallback;
	}

}
