package com.fallom.sample.support;

import java.util.Collections;

import com.fallom.web.servlet.FallomContextResolver;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Gives Fallom's targeting rules the account's plan. Here the API gateway in front of
 * the app sets it in a header; a real app might read it from the authenticated user.
 */
@Configuration(proxyBeanMethods = false)
public class AccountPlanConfiguration {

	/**
	 * The header that carries the account's plan.
	 */
	public static final String PLAN_HEADER = "X-Account-Plan";

	// tag::context-resolver[]
	@Bean
	FallomContextResolver fallomContextResolver() {
		// The request's targeting fields: never exported, only read by FallomModels.
		// A null value (no header) leaves the field absent, and rules on it do not match.
		return (request) -> Collections.singletonMap("plan", request.getHeader(PLAN_HEADER));
	}
	// end::context-resolver[]

}
