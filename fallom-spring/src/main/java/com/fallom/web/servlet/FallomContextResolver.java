package com.fallom.web.servlet;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Resolves the fields that targeting rules read (such as {@code plan} or {@code region})
 * from a request, for {@link FallomSessionFilter} to put on the request's session. Declare
 * one as a bean and the auto-configured filter uses it, running after Spring Security so
 * that the authenticated user is known.
 * <p>
 * The fields stay in the process: {@code FallomModels} reads them, nothing exports them.
 *
 * <pre class="code">
 * &#64;Bean
 * FallomContextResolver fallomContextResolver(Accounts accounts) {
 *     return (request) -&gt; accounts.targetingFields(request.getUserPrincipal());
 * }
 * </pre>
 */
@FunctionalInterface
public interface FallomContextResolver {

	/**
	 * Return the targeting fields of a request. Called once per request that has a Fallom
	 * session, on the request's thread: it must not block on slow I/O.
	 * @param request the request
	 * @return the fields; an entry whose value is {@code null} is left out, as absent
	 */
	Map<String, String> resolve(HttpServletRequest request);

}
