package com.fallom.annotation;

import java.util.function.Supplier;

import com.fallom.tracing.FallomTrace;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMethodMatcher;

/**
 * Applies {@link FallomSpan @FallomSpan} to the methods that carry it (or whose interface
 * or superclass method does), with a plain Spring AOP advisor as
 * {@link FallomSessionPostProcessor} does: no AspectJ weaver, no auto-proxy creator, the
 * application's AOP set-up left as it is. An already proxied bean gets the advice added
 * inside its existing advice, so that a {@code @FallomSession} on the same method sets the
 * session before the span starts.
 */
public class FallomSpanPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

	/**
	 * Create the post-processor.
	 * @param trace supplies the engine's trace API when a method runs, or {@code null}
	 * when Fallom is off
	 */
	public FallomSpanPostProcessor(Supplier<@Nullable FallomTrace> trace) {
		// The class filter skips, in one pass, the beans whose types carry no @FallomSpan.
		ComposablePointcut pointcut = new ComposablePointcut(new AnnotatedTypes(FallomSpan.class),
				new AnnotationMethodMatcher(FallomSpan.class, true));
		this.advisor = new DefaultPointcutAdvisor(pointcut, new FallomSpanInterceptor(trace));
	}

}
