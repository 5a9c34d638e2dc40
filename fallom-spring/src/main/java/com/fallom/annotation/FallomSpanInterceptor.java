package com.fallom.annotation;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import com.fallom.tracing.FallomTrace;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Runs a {@link FallomSpan @FallomSpan} method inside a manual span of the engine's
 * {@link FallomTrace}; without one (Fallom off) the method runs alone.
 */
final class FallomSpanInterceptor implements MethodInterceptor {

	private static final boolean reactorPresent = ClassUtils.isPresent("reactor.core.publisher.Mono",
			FallomSpanInterceptor.class.getClassLoader());

	private final Supplier<@Nullable FallomTrace> trace;

	private final Map<Method, Target> targets = new ConcurrentHashMap<>();

	FallomSpanInterceptor(Supplier<@Nullable FallomTrace> trace) {
		this.trace = trace;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		FallomTrace trace = this.trace.get();
		if (trace == null) {
			return invocation.proceed();
		}
		Target target = this.targets.computeIfAbsent(invocation.getMethod(),
				(method) -> target(method, invocation.getThis()));
		com.fallom.tracing.FallomSpan span = trace.startSpan(target.name(), target.kind());
		Object result;
		try {
			result = invocation.proceed();
		}
		catch (Throwable ex) {
			span.setError(ex);
			span.close();
			throw ex;
		}
		if (result instanceof CompletionStage<?> stage) {
			span.detach();
			stage.whenComplete((value, error) -> {
				if (error != null) {
					span.setError(unwrap(error));
				}
				span.close();
			});
			return result;
		}
		if (reactorPresent && ReactorSpans.isReactive(result)) {
			span.detach();
			return ReactorSpans.endOnCompletion(result, span);
		}
		span.close();
		return result;
	}

	private static Throwable unwrap(Throwable error) {
		return ((error instanceof CompletionException || error instanceof ExecutionException)
				&& error.getCause() != null) ? error.getCause() : error;
	}

	private static Target target(Method method, @Nullable Object bean) {
		Class<?> type = (bean != null) ? AopUtils.getTargetClass(bean) : method.getDeclaringClass();
		Method specific = AopUtils.getMostSpecificMethod(method, type);
		FallomSpan annotation = AnnotatedElementUtils.findMergedAnnotation(specific, FallomSpan.class);
		if (annotation == null) {
			annotation = AnnotatedElementUtils.findMergedAnnotation(method, FallomSpan.class);
		}
		String name = (annotation != null) ? annotation.name() : "";
		if (name.isBlank()) {
			name = ClassUtils.getUserClass(type).getSimpleName() + "." + method.getName();
		}
		return new Target(name, (annotation != null) ? annotation.kind() : com.fallom.tracing.FallomSpan.Kind.CUSTOM);
	}

	private record Target(String name, com.fallom.tracing.FallomSpan.Kind kind) {
	}

}
