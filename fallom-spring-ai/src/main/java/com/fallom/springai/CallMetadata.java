package com.fallom.springai;

import java.util.List;
import java.util.Map;

import com.fallom.session.FallomSessionContext;
import com.fallom.tracing.FallomAttributes;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * What {@link FallomAdvisor} decided for one call, carried in the metadata of the call's
 * user message: Spring AI never sends message metadata to the model, and the message
 * travels with the request through every advisor, tool-calling round and thread, so the
 * chat span is tagged from the request itself rather than from a thread-local.
 *
 * @param session the session with its assignment, or {@code null} when there was no
 * session
 * @param customerId the customer id, or {@code null}
 * @param callId identifies a streamed call to its span, or {@code null}
 */
record CallMetadata(@Nullable FallomSessionContext session, @Nullable String customerId, @Nullable String callId) {

	/** The customer id attribute on spans and in message metadata. */
	static final String CUSTOMER_ID = FallomAttributes.CUSTOMER_ID;

	/** Marks a message that carries a call's metadata. */
	static final String CALL = "fallom.call";

	private static final String CALL_ID = "fallom.call_id";

	private static final String MODEL = "fallom.model";

	void writeTo(Map<String, Object> metadata) {
		metadata.put(CALL, Boolean.TRUE);
		FallomSessionContext session = this.session;
		if (session != null) {
			metadata.put(FallomAttributes.CONFIG_KEY, session.configKey());
			metadata.put(FallomAttributes.SESSION_ID, session.sessionId());
			if (session.hasAssignment()) {
				metadata.put(FallomAttributes.CONFIG_VERSION, session.configVersion());
				metadata.put(FallomAttributes.VARIANT, session.variantIndex());
				if (session.model() != null) {
					metadata.put(MODEL, session.model());
				}
			}
		}
		if (this.customerId != null) {
			metadata.put(CUSTOMER_ID, this.customerId);
		}
		if (this.callId != null) {
			metadata.put(CALL_ID, this.callId);
		}
	}

	/**
	 * Return the metadata of the latest message that carries one.
	 * @param prompt the prompt of a chat call
	 * @return the metadata, or {@code null} when no advisor decided this call
	 */
	static @Nullable CallMetadata of(Prompt prompt) {
		List<Message> messages = prompt.getInstructions();
		for (int i = messages.size() - 1; i >= 0; i--) {
			Map<String, Object> metadata = messages.get(i).getMetadata();
			if (Boolean.TRUE.equals(metadata.get(CALL))) {
				return from(metadata);
			}
		}
		return null;
	}

	private static CallMetadata from(Map<String, Object> metadata) {
		FallomSessionContext session = null;
		if (metadata.get(FallomAttributes.CONFIG_KEY) instanceof String configKey
				&& metadata.get(FallomAttributes.SESSION_ID) instanceof String sessionId) {
			if (metadata.get(FallomAttributes.CONFIG_VERSION) instanceof Number version
					&& metadata.get(FallomAttributes.VARIANT) instanceof Number variant) {
				session = new FallomSessionContext(configKey, sessionId, version.intValue(), variant.intValue(),
						(metadata.get(MODEL) instanceof String model) ? model : null);
			}
			else {
				session = new FallomSessionContext(configKey, sessionId);
			}
		}
		String customerId = (metadata.get(CUSTOMER_ID) instanceof String customer) ? customer : null;
		return new CallMetadata((session != null) ? session.withCustomerId(customerId) : null, customerId,
				(metadata.get(CALL_ID) instanceof String callId) ? callId : null);
	}

}
