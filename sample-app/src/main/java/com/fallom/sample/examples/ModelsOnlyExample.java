package com.fallom.sample.examples;

import java.util.Map;

import com.fallom.models.FallomModels;
import com.fallom.models.ModelAssignment;
import com.fallom.models.ModelOptions;

import org.springframework.stereotype.Service;

/**
 * The seed SDK's {@code models_only.py}: only model assignment, for an app that calls its
 * LLM some other way (set {@code fallom.tracing.enabled=false} to turn tracing off).
 */
@Service
public class ModelsOnlyExample {

	private final FallomModels models;

	public ModelsOnlyExample(FallomModels models) {
		this.models = models;
	}

	/**
	 * The latest version of a config.
	 * @param sessionId the session id
	 * @return the model
	 */
	public String latest(String sessionId) {
		// tag::get[]
		String model = this.models.get("support-assistant", sessionId);
		// "gpt-4o" or "claude-3-5-sonnet", by the config's weights; the same for a session every time
		// end::get[]
		return model;
	}

	/**
	 * A pinned version of a config.
	 * @param sessionId the session id
	 * @return the model
	 */
	public String pinned(String sessionId) {
		// tag::version-pinning[]
		// Use the latest version (default)
		String latest = this.models.get("support-assistant", sessionId);

		// Pin to a specific version
		String pinned = this.models.get("support-assistant", sessionId, ModelOptions.version(1));
		// end::version-pinning[]
		return pinned;
	}

	/**
	 * A model with a fallback.
	 * @param sessionId the session id
	 * @return the model
	 */
	public String withFallback(String sessionId) {
		// tag::fallback[]
		String model = this.models.get("support-assistant", sessionId, "gpt-4o-mini");

		// Pinned and with a fallback
		String pinned = this.models.get("support-assistant", sessionId,
				ModelOptions.version(2).withFallback("gpt-4o-mini"));
		// end::fallback[]
		return pinned;
	}

	/**
	 * A model for a customer and context that the config's targeting may pin.
	 * @param sessionId the session id
	 * @param customerId the customer id
	 * @param plan the customer's plan
	 * @return the assignment
	 */
	public ModelAssignment targeted(String sessionId, String customerId, String plan) {
		// tag::targeting[]
		ModelAssignment assignment = this.models.assign("support-assistant", sessionId,
				ModelOptions.customerId(customerId).withContext(Map.of("plan", plan, "region", "eu-west")));
		// assignment.reason(): INDIVIDUAL_TARGET (e.g. customerId "vip-1"), RULE (.targetingIndex() says which) or HASH
		// end::targeting[]
		return assignment;
	}

	/**
	 * The whole assignment.
	 * @param sessionId the session id
	 * @return the assignment
	 */
	public ModelAssignment assignment(String sessionId) {
		// tag::assign[]
		ModelAssignment assignment = this.models.assign("support-assistant", sessionId,
				ModelOptions.fallback("gpt-4o-mini"));
		// assignment.model(), .configVersion(), .variantIndex(), .source(): LATEST, PINNED, SNAPSHOT, BOOTSTRAP or FALLBACK
		// end::assign[]
		return assignment;
	}

}
