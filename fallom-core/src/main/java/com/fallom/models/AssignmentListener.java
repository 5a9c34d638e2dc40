package com.fallom.models;

/**
 * Told of every assignment {@link FallomModels} makes, on the caller's thread: keep it
 * cheap and never throw. Used for metrics.
 */
@FunctionalInterface
public interface AssignmentListener {

	/**
	 * Called after an assignment.
	 * @param configKey the config key
	 * @param model the assigned model
	 * @param configVersion the config version, or {@code 0} for a fallback
	 * @param source how the model was decided
	 */
	void onAssignment(String configKey, String model, int configVersion, AssignmentSource source);

}
