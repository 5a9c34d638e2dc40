package com.fallom.tracing;

import java.util.List;

import com.fallom.prompts.PromptContext;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

/**
 * Tags every span the application starts inside a Fallom session with
 * {@code fallom.config_key} and {@code fallom.session_id} (and the config version and
 * variant when known, the customer id, metadata and tags when set), as the Python SDK's
 * span processor does. Declared as a
 * {@link SpanProcessor} bean, Spring Boot adds it to the application's own tracer
 * provider beside its exporting processor.
 */
public class FallomSpanProcessor implements SpanProcessor {

	static final AttributeKey<String> CONFIG_KEY = AttributeKey.stringKey(FallomAttributes.CONFIG_KEY);

	static final AttributeKey<String> SESSION_ID = AttributeKey.stringKey(FallomAttributes.SESSION_ID);

	static final AttributeKey<String> CONFIG_VERSION = AttributeKey.stringKey(FallomAttributes.CONFIG_VERSION);

	static final AttributeKey<String> VARIANT = AttributeKey.stringKey(FallomAttributes.VARIANT);

	static final AttributeKey<String> CUSTOMER_ID = AttributeKey.stringKey(FallomAttributes.CUSTOMER_ID);

	static final AttributeKey<List<String>> TAGS = AttributeKey.stringArrayKey(FallomAttributes.TAGS);

	static final AttributeKey<String> PROMPT_KEY = AttributeKey.stringKey(FallomAttributes.PROMPT_KEY);

	static final AttributeKey<Long> PROMPT_VERSION = AttributeKey.longKey(FallomAttributes.PROMPT_VERSION);

	static final AttributeKey<String> PROMPT_AB_TEST = AttributeKey.stringKey(FallomAttributes.PROMPT_AB_TEST);

	static final AttributeKey<Long> PROMPT_VARIANT = AttributeKey.longKey(FallomAttributes.PROMPT_VARIANT);

	@Override
	public void onStart(Context parentContext, ReadWriteSpan span) {
		FallomSessionContext session = FallomSessionHolder.get();
		if (session != null) {
			tag(span, session);
		}
	}

	/**
	 * Put a session context on a span: the one mapping of session to span attributes,
	 * shared by every integration that starts Fallom spans.
	 * @param span the span
	 * @param session the session context
	 */
	public static void tag(Span span, FallomSessionContext session) {
		span.setAttribute(CONFIG_KEY, session.configKey());
		span.setAttribute(SESSION_ID, session.sessionId());
		if (session.hasAssignment()) {
			span.setAttribute(CONFIG_VERSION, Integer.toString(session.configVersion()));
			span.setAttribute(VARIANT, Integer.toString(session.variantIndex()));
		}
		if (session.customerId() != null) {
			span.setAttribute(CUSTOMER_ID, session.customerId());
		}
		if (!session.metadata().isEmpty()) {
			session.metadata()
				.forEach((name, value) -> span.setAttribute(FallomAttributes.METADATA_PREFIX + name, value.toString()));
		}
		if (!session.tags().isEmpty()) {
			span.setAttribute(TAGS, session.tags());
		}
	}

	/**
	 * Put the managed prompt a chat call used on its span: {@code fallom.prompt_key},
	 * {@code fallom.prompt_version} (an integer) and, for a prompt A/B test,
	 * {@code fallom.prompt_ab_test} and {@code fallom.prompt_variant} (an integer). Never
	 * prompt text or variable values, so it applies with content capture off too.
	 * @param span the span
	 * @param prompt the prompt context
	 */
	public static void tag(Span span, PromptContext prompt) {
		span.setAttribute(PROMPT_KEY, prompt.promptKey());
		span.setAttribute(PROMPT_VERSION, prompt.promptVersion());
		if (prompt.abTestKey() != null && prompt.variantIndex() != null) {
			span.setAttribute(PROMPT_AB_TEST, prompt.abTestKey());
			span.setAttribute(PROMPT_VARIANT, prompt.variantIndex());
		}
	}

	@Override
	public boolean isStartRequired() {
		return true;
	}

	@Override
	public void onEnd(ReadableSpan span) {
	}

	@Override
	public boolean isEndRequired() {
		return false;
	}

}
