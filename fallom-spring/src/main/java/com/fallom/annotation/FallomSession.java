package com.fallom.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a method in a Fallom session: every LLM call and span made while it runs is
 * tagged with the config key and session id. On a class, it applies to every method of
 * the bean; an annotation on the method wins.
 *
 * <pre class="code">
 * &#64;FallomSession(configKey = "support-assistant", sessionId = "#conversationId")
 * public String answer(String conversationId, String question) { ... }
 *
 * &#64;FallomSession(configKey = "support-assistant", sessionId = "#conversationId", customerId = "#user.id",
 *         context = { "plan=#user.plan", "region=#user.region" }, tags = "beta")
 * public String answer(String conversationId, User user, String question) { ... }
 * </pre>
 *
 * The session is set for the method's duration and the previous one is restored after,
 * also when the method throws. A {@code Mono} or {@code Flux} result carries the session
 * in its Reactor {@code Context}. Works on Spring beans only, through their proxy (a
 * plain Spring AOP proxy: no AspectJ needed).
 *
 * @see FallomSessionPostProcessor
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface FallomSession {

	/**
	 * The config key: a literal such as {@code "support-assistant"}, or a SpEL expression
	 * over the method's parameters when it contains {@code #}, such as
	 * {@code "#request.agent"}.
	 * @return the config key or its expression
	 */
	String configKey();

	/**
	 * A SpEL expression over the method's parameters that gives the session id:
	 * {@code "#conversationId"}, {@code "#p0"}, {@code "#request.id"}. It must not
	 * evaluate to {@code null} or blank.
	 * @return the session id expression
	 */
	String sessionId();

	/**
	 * The customer id, for spans ({@code fallom.customer_id}) and targeting: a SpEL
	 * expression over the method's parameters when it contains {@code #}, such as
	 * {@code "#user.id"}, else a literal. Empty (the default), or an expression that
	 * evaluates to {@code null} or blank, means the customer of the current session when
	 * it has the same session id (set by the web filter), else the customer of a request
	 * without a session id, else none.
	 * @return the customer id or its expression
	 */
	String customerId() default "";

	/**
	 * Fields that targeting rules read, as {@code name=value} entries: the value is a SpEL
	 * expression over the method's parameters when it contains {@code #}, such as
	 * {@code "plan=#user.plan"}, else a literal. A value that evaluates to {@code null}
	 * leaves the field absent, so rules on it do not match. They add to, and override, the
	 * fields of the current session when it has the same session id, else of the
	 * request's customer (set by a {@code FallomContextResolver}). Used by
	 * {@code FallomModels} only: never exported.
	 * @return the entries
	 */
	String[] context() default {};

	/**
	 * Session metadata, exported on spans as {@code fallom.metadata.<name>}, as
	 * {@code name=value} entries read like {@link #context()}. A string, number or boolean
	 * value is kept as it is, another value becomes its {@code toString()}, and
	 * {@code null} leaves the entry out.
	 * @return the entries
	 */
	String[] metadata() default {};

	/**
	 * Session tags, exported on spans as {@code fallom.tags}: literals, or SpEL expressions
	 * when they contain {@code #}. A tag that evaluates to {@code null} or blank is left out.
	 * @return the tags
	 */
	String[] tags() default {};

}
