package com.fallom.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Matches when {@code fallom.api-key} has text: without it Fallom stays offline and makes
 * no network call at all.
 */
class OnFallomOnlineCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		String apiKey = context.getEnvironment().getProperty("fallom.api-key");
		if (StringUtils.hasText(apiKey)) {
			return ConditionOutcome.match("fallom.api-key is set");
		}
		return ConditionOutcome.noMatch("fallom.api-key is not set: Fallom is offline");
	}

}
