package com.fallom.web.reactive;

import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;

/**
 * Resolves the fields that targeting rules read (such as {@code plan} or {@code region})
 * from an exchange, for {@link FallomSessionWebFilter} to put on the request's session.
 * Declare one as a bean and the auto-configured filter uses it, running after Spring
 * Security so that {@code exchange.getPrincipal()} is the authenticated user. The reactive
 * twin of {@code com.fallom.web.servlet.FallomContextResolver}.
 * <p>
 * The fields stay in the process: {@code FallomModels} reads them, nothing exports them.
 */
@FunctionalInterface
public interface ReactiveFallomContextResolver {

	/**
	 * Return the targeting fields of an exchange. Called once per request that has a
	 * Fallom session; it must not block.
	 * @param exchange the exchange
	 * @return the fields, or an empty {@code Mono} for none; an entry whose value is
	 * {@code null} is left out, as absent
	 */
	Mono<Map<String, String>> resolve(ServerWebExchange exchange);

}
