package com.fallom.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import com.fallom.tracing.FallomSpan.Kind;

import org.springframework.core.annotation.AliasFor;

/**
 * Times a method of a Spring bean as a manual Fallom span, as
 * {@code fallom.trace().startSpan(name, kind)} does around its body: <pre class="code">
 * &#64;FallomSpan(name = "search-docs", kind = Kind.RETRIEVAL)
 * List&lt;Document&gt; search(String question) { ... }
 * </pre> The span belongs to the current session and run; spans and model calls the method
 * starts on its thread are its children; an exception it throws marks the span failed
 * (only the exception's type without content capture) and is rethrown. A method that
 * returns a {@code CompletionStage}, {@code Mono} or {@code Flux} ends the span when
 * the result completes, fails or is cancelled. Applied by a plain Spring AOP advisor (no
 * AspectJ), to calls through the bean's proxy: a call from the bean to itself is not
 * timed.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface FallomSpan {

	/**
	 * Alias for {@link #name()}.
	 * @return the name
	 */
	@AliasFor("name")
	String value() default "";

	/**
	 * The span's name; empty for the method's, {@code SimpleClassName.method}.
	 * @return the name
	 */
	@AliasFor("value")
	String name() default "";

	/**
	 * What the step is.
	 * @return the kind
	 */
	Kind kind() default Kind.CUSTOM;

}
