package com.fallom.springai;

import java.util.List;

import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.tracing.FallomAttributes;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;

/**
 * Tags observations, such as Spring AI's ChatClient and ChatModel ones, with the current
 * Fallom session: {@code fallom.config_key}, {@code fallom.session_id} and, when the
 * session came from {@code FallomModels}, {@code fallom.config_version} and
 * {@code fallom.variant}. They are high-cardinality key-values, so tracers put them on
 * spans and meter registries never turn them into tags.
 * <p>
 * It tags on start, on the thread that starts the observation: a streamed call may stop
 * on another thread, where the session is not set.
 */
public class FallomSessionObservationHandler implements ObservationHandler<Observation.Context> {

	private final Class<?>[] supportedContexts;

	/**
	 * Create a handler.
	 * @param supportedContexts the types of observation context to tag
	 */
	public FallomSessionObservationHandler(List<Class<? extends Observation.Context>> supportedContexts) {
		this.supportedContexts = supportedContexts.toArray(Class<?>[]::new);
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		for (Class<?> type : this.supportedContexts) {
			if (type.isInstance(context)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public void onStart(Observation.Context context) {
		FallomSessionContext session = FallomSessionHolder.get();
		if (session == null) {
			return;
		}
		context.addHighCardinalityKeyValue(KeyValue.of(FallomAttributes.CONFIG_KEY, session.configKey()));
		context.addHighCardinalityKeyValue(KeyValue.of(FallomAttributes.SESSION_ID, session.sessionId()));
		if (session.hasAssignment()) {
			context.addHighCardinalityKeyValue(
					KeyValue.of(FallomAttributes.CONFIG_VERSION, Integer.toString(session.configVersion())));
			context.addHighCardinalityKeyValue(
					KeyValue.of(FallomAttributes.VARIANT, Integer.toString(session.variantIndex())));
		}
		if (session.customerId() != null) {
			context.addHighCardinalityKeyValue(KeyValue.of(FallomAttributes.CUSTOMER_ID, session.customerId()));
		}
		// Metadata as strings, as the span processor writes it; tags are a string array,
		// which key-values cannot carry, so the span processor alone sets them.
		session.metadata()
			.forEach((name, value) -> context.addHighCardinalityKeyValue(
					KeyValue.of(FallomAttributes.METADATA_PREFIX + name, value.toString())));
	}

}
