package com.fallom.springai;

import com.fallom.Fallom;
import com.fallom.models.FallomModels;
import com.fallom.prompts.FallomPrompts;
import org.jspecify.annotations.Nullable;

/**
 * Makes {@link FallomAdvisor}s from the engine's models and prompts. Spring Boot declares
 * one as a bean; without Spring, {@code FallomAdvisors.of(fallom)}.
 *
 * <pre class="code">
 * ChatClient chatClient = ChatClient.builder(chatModel)
 *     .defaultAdvisors(fallomAdvisors.abTest("support-assistant").fallback("gpt-4o-mini"))
 *     .build();
 * </pre>
 */
public final class FallomAdvisors {

	private final FallomModels models;

	private final @Nullable FallomPrompts prompts;

	/**
	 * Create an instance.
	 * @param models the assignments
	 * @param prompts the managed prompts, or {@code null} when none are applied
	 */
	public FallomAdvisors(FallomModels models, @Nullable FallomPrompts prompts) {
		this.models = models;
		this.prompts = prompts;
	}

	/**
	 * Create an instance for an engine.
	 * @param fallom the engine
	 * @return the advisors
	 */
	public static FallomAdvisors of(Fallom fallom) {
		return new FallomAdvisors(fallom.models(), fallom.prompts());
	}

	/**
	 * Return an advisor that assigns each session a model of the latest version of a
	 * config.
	 * @param configKey the config key
	 * @return the advisor
	 * @throws IllegalArgumentException when the config key is null or blank
	 */
	public FallomAdvisor abTest(String configKey) {
		return FallomAdvisor.abTest(this.models, this.prompts, configKey);
	}

}
