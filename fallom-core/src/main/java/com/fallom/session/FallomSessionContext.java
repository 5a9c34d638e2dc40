package com.fallom.session;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fallom.internal.Arguments;
import org.jspecify.annotations.Nullable;

/**
 * The Fallom session a piece of work belongs to: the config key (the A/B test or agent
 * name) and the session id (one conversation), optionally the customer, and the session
 * metadata and tags of the newer SDKs. Every LLM span and custom metric is tagged with it.
 * A session set by {@code FallomModels} also carries the assignment: the config version,
 * the variant and the model.
 *
 * @param configKey the config key, never blank
 * @param sessionId the session id, never blank
 * @param configVersion the config version the model came from, or {@code 0} when unknown
 * @param variantIndex the index of the assigned variant, or {@code -1} when unknown
 * @param model the assigned model, or {@code null} when unknown
 * @param customerId the customer (end user) of the session, or {@code null}; blank means
 * none
 * @param metadata session metadata: strings, numbers and booleans by name, unmodifiable
 * @param tags session tags, unmodifiable
 * @param targetingContext the fields targeting rules read for this session (such as
 * {@code plan} or {@code region}), unmodifiable; used by {@code FallomModels} and never
 * exported, unlike the metadata
 */
public record FallomSessionContext(String configKey, String sessionId, int configVersion, int variantIndex,
		@Nullable String model, @Nullable String customerId, Map<String, Object> metadata, List<String> tags,
		Map<String, String> targetingContext) {

	public FallomSessionContext {
		Arguments.hasText(configKey, "'configKey' must not be null or blank");
		Arguments.hasText(sessionId, "'sessionId' must not be null or blank");
		customerId = Arguments.hasText(customerId) ? customerId : null;
		metadata = validMetadata(metadata);
		tags = validTags(tags);
		targetingContext = validTargetingContext(targetingContext);
	}

	/**
	 * Create a session with metadata and tags and no targeting context.
	 * @param configKey the config key, never blank
	 * @param sessionId the session id, never blank
	 * @param configVersion the config version the model came from, or {@code 0}
	 * @param variantIndex the index of the assigned variant, or {@code -1}
	 * @param model the assigned model, or {@code null}
	 * @param customerId the customer id, or {@code null}
	 * @param metadata session metadata: strings, numbers and booleans by name
	 * @param tags session tags
	 */
	public FallomSessionContext(String configKey, String sessionId, int configVersion, int variantIndex,
			@Nullable String model, @Nullable String customerId, Map<String, Object> metadata, List<String> tags) {
		this(configKey, sessionId, configVersion, variantIndex, model, customerId, metadata, tags, Map.of());
	}

	/**
	 * Create a session without an assignment, as {@code FallomTrace.setSession} does.
	 * @param configKey the config key, never blank
	 * @param sessionId the session id, never blank
	 */
	public FallomSessionContext(String configKey, String sessionId) {
		this(configKey, sessionId, 0, -1, null, null, Map.of(), List.of());
	}

	/**
	 * Create a session of a customer without an assignment.
	 * @param configKey the config key, never blank
	 * @param sessionId the session id, never blank
	 * @param customerId the customer id, or {@code null}
	 */
	public FallomSessionContext(String configKey, String sessionId, @Nullable String customerId) {
		this(configKey, sessionId, 0, -1, null, customerId, Map.of(), List.of());
	}

	/**
	 * Create a session with an assignment and no customer.
	 * @param configKey the config key, never blank
	 * @param sessionId the session id, never blank
	 * @param configVersion the config version the model came from, or {@code 0}
	 * @param variantIndex the index of the assigned variant, or {@code -1}
	 * @param model the assigned model, or {@code null}
	 */
	public FallomSessionContext(String configKey, String sessionId, int configVersion, int variantIndex,
			@Nullable String model) {
		this(configKey, sessionId, configVersion, variantIndex, model, null, Map.of(), List.of());
	}

	/**
	 * Return a copy for a customer.
	 * @param customerId the customer id; {@code null} or blank means none
	 * @return the copy
	 */
	public FallomSessionContext withCustomerId(@Nullable String customerId) {
		return new FallomSessionContext(this.configKey, this.sessionId, this.configVersion, this.variantIndex,
				this.model, customerId, this.metadata, this.tags, this.targetingContext);
	}

	/**
	 * Return a copy with session metadata.
	 * @param metadata strings, numbers and booleans by name
	 * @return the copy
	 */
	public FallomSessionContext withMetadata(Map<String, ?> metadata) {
		return new FallomSessionContext(this.configKey, this.sessionId, this.configVersion, this.variantIndex,
				this.model, this.customerId, validMetadata(metadata), this.tags, this.targetingContext);
	}

	/**
	 * Return a copy with session tags.
	 * @param tags the tags
	 * @return the copy
	 */
	public FallomSessionContext withTags(List<String> tags) {
		return new FallomSessionContext(this.configKey, this.sessionId, this.configVersion, this.variantIndex,
				this.model, this.customerId, this.metadata, tags, this.targetingContext);
	}

	/**
	 * Return a copy with the fields targeting rules read; the map is copied.
	 * @param targetingContext the fields, such as {@code plan} and {@code region}
	 * @return the copy
	 */
	public FallomSessionContext withTargetingContext(Map<String, String> targetingContext) {
		return new FallomSessionContext(this.configKey, this.sessionId, this.configVersion, this.variantIndex,
				this.model, this.customerId, this.metadata, this.tags, targetingContext);
	}

	/**
	 * Return a copy with another assignment, keeping what belongs to the session: the
	 * customer, metadata, tags and targeting context.
	 * @param configKey the config key
	 * @param configVersion the config version, or {@code 0}
	 * @param variantIndex the variant index, or {@code -1}
	 * @param model the model, or {@code null}
	 * @param customerId the customer id, or {@code null}
	 * @return the copy
	 */
	public FallomSessionContext withAssignment(String configKey, int configVersion, int variantIndex,
			@Nullable String model, @Nullable String customerId) {
		return new FallomSessionContext(configKey, this.sessionId, configVersion, variantIndex, model, customerId,
				this.metadata, this.tags, this.targetingContext);
	}

	/**
	 * Whether this session carries the assignment of a config variant.
	 * @return whether the config version and variant are known
	 */
	public boolean hasAssignment() {
		return this.variantIndex >= 0;
	}

	/**
	 * Whether this session has the given config key and session id.
	 * @param configKey the config key
	 * @param sessionId the session id
	 * @return whether both match
	 */
	public boolean matches(String configKey, String sessionId) {
		return this.configKey.equals(configKey) && this.sessionId.equals(sessionId);
	}

	/**
	 * Whether this session has the given config key, session id and assignment.
	 * @param configKey the config key
	 * @param sessionId the session id
	 * @param configVersion the config version
	 * @param variantIndex the variant index
	 * @param model the model
	 * @return whether all match
	 */
	public boolean matches(String configKey, String sessionId, int configVersion, int variantIndex,
			@Nullable String model) {
		return this.configVersion == configVersion && this.variantIndex == variantIndex
				&& Objects.equals(this.model, model) && matches(configKey, sessionId);
	}

	@Override
	public String toString() {
		// Session and customer ids can carry user identifiers: keep them out of accidental
		// log lines.
		return "FallomSessionContext[configKey=" + this.configKey + ", sessionId=<" + this.sessionId.length()
				+ " chars>, configVersion=" + this.configVersion + ", variantIndex=" + this.variantIndex + ", model="
				+ this.model + ", customerId=" + ((this.customerId != null) ? "<set>" : "none") + ", metadata="
				+ this.metadata.keySet() + ", tags=" + this.tags.size() + ", targetingContext="
				+ this.targetingContext.keySet() + "]";
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> validMetadata(@Nullable Map<String, ?> metadata) {
		if (metadata == null || metadata.isEmpty()) {
			return Map.of();
		}
		metadata.forEach((name, value) -> {
			Arguments.hasText(name, "Session metadata names must not be null or blank");
			Arguments.isTrue(value instanceof String || value instanceof Number || value instanceof Boolean,
					() -> "Session metadata '" + name + "' must be a string, a number or a boolean, not "
							+ ((value != null) ? value.getClass().getName() : "null"));
		});
		// Map.copyOf returns an already immutable map as it is: no copy on the hot path.
		return (Map<String, Object>) Map.copyOf(metadata);
	}

	static Map<String, String> validTargetingContext(@Nullable Map<String, String> targetingContext) {
		if (targetingContext == null || targetingContext.isEmpty()) {
			return Map.of();
		}
		targetingContext.forEach((name, value) -> {
			Arguments.hasText(name, "Targeting context names must not be null or blank");
			Arguments.isTrue(value != null, () -> "Targeting context field '" + name + "' must not be null");
		});
		return Map.copyOf(targetingContext);
	}

	private static List<String> validTags(@Nullable List<String> tags) {
		if (tags == null || tags.isEmpty()) {
			return List.of();
		}
		for (String tag : tags) {
			Arguments.isTrue(Arguments.hasText(tag), "Session tags must not be null or blank");
		}
		return List.copyOf(tags);
	}

}
