package com.fallom.annotation;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fallom.session.FallomCustomerContext;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.context.expression.AnnotatedElementKey;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.common.LiteralExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * The advice behind {@link FallomSession @FallomSession}: evaluates the session of each
 * call and sets it as the current thread's Fallom session for the call, restoring the
 * previous one afterwards.
 * <p>
 * Return values: a {@code Mono} or {@code Flux} carries the session in its Reactor
 * {@code Context} and has it set while it is subscribed to. For a
 * {@code CompletionStage}, the session is set while the method runs, so work it hands to
 * an executor that propagates context (Spring's {@code ContextPropagatingTaskDecorator})
 * carries it; callbacks that run on other threads do not see it otherwise.
 * <p>
 * Expressions are parsed once: {@link #validate(Class)} parses those of a class, so that
 * a bad one fails start-up with the method's name.
 */
final class FallomSessionInterceptor implements MethodInterceptor {

	private static final boolean reactorPresent = ClassUtils.isPresent("reactor.core.publisher.Mono",
			FallomSessionInterceptor.class.getClassLoader());

	private final SpelExpressionParser parser = new SpelExpressionParser();

	private final ParameterNameDiscoverer parameterNameDiscoverer = new DefaultParameterNameDiscoverer();

	private final Map<AnnotatedElementKey, SessionExpressions> expressions = new ConcurrentHashMap<>();

	/**
	 * Parse the expressions of the {@code @FallomSession} annotations of a class and its
	 * methods.
	 * @param type the class
	 * @throws IllegalStateException naming the method of an expression that does not
	 * parse
	 */
	void validate(Class<?> type) {
		MethodIntrospector
			.selectMethods(type,
					(MethodIntrospector.MetadataLookup<Boolean>) (method) -> AnnotatedElementUtils.hasAnnotation(method,
							FallomSession.class) ? Boolean.TRUE : null)
			.keySet()
			.forEach((method) -> expressionsFor(method, type));
		FallomSession annotation = AnnotatedElementUtils.findMergedAnnotation(type, FallomSession.class);
		if (annotation != null) {
			// Parsed to fail fast; methods are cached on their first call.
			parse(annotation, "class " + type.getName());
		}
	}

	/**
	 * Run an annotated method in its session.
	 * @param invocation the call
	 * @return the method's result, a {@code Mono} or {@code Flux} carrying the session
	 * @throws Throwable what the method throws
	 */
	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Method method = invocation.getMethod();
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopProxyUtils.ultimateTargetClass(target)
				: method.getDeclaringClass();
		Method specificMethod = AopUtils.getMostSpecificMethod(method, targetClass);
		SessionExpressions sessionExpressions = expressionsFor(specificMethod, targetClass);
		if (sessionExpressions == null) {
			return invocation.proceed();
		}
		FallomSessionContext session = sessionExpressions.evaluate(specificMethod, invocation.getArguments());
		FallomSessionContext previous = FallomSessionHolder.set(session);
		Object result;
		try {
			result = invocation.proceed();
		}
		finally {
			FallomSessionHolder.set(previous);
		}
		return (reactorPresent) ? ReactorSessionScopes.scope(result, session) : result;
	}

	private @Nullable SessionExpressions expressionsFor(Method method, Class<?> targetClass) {
		AnnotatedElementKey key = new AnnotatedElementKey(method, targetClass);
		SessionExpressions cached = this.expressions.get(key);
		if (cached != null) {
			return cached;
		}
		FallomSession annotation = AnnotatedElementUtils.findMergedAnnotation(method, FallomSession.class);
		if (annotation == null) {
			annotation = AnnotatedElementUtils.findMergedAnnotation(targetClass, FallomSession.class);
		}
		if (annotation == null) {
			return null;
		}
		SessionExpressions parsed = parse(annotation, ClassUtils.getQualifiedMethodName(method, targetClass));
		this.expressions.putIfAbsent(key, parsed);
		return parsed;
	}

	private SessionExpressions parse(FallomSession annotation, String element) {
		Expression configKey = valueExpression(annotation.configKey(), "configKey", element);
		if (configKey == null) {
			throw new IllegalStateException("@FallomSession on " + element + " has a blank configKey");
		}
		List<Expression> tags = new ArrayList<>();
		for (String tag : annotation.tags()) {
			Expression expression = valueExpression(tag, "tags", element);
			if (expression == null) {
				throw new IllegalStateException("@FallomSession on " + element + " has a blank tag");
			}
			tags.add(expression);
		}
		return new SessionExpressions(element, configKey, parse(annotation.sessionId(), "sessionId", element),
				valueExpression(annotation.customerId(), "customerId", element),
				entries(annotation.context(), "context", element), entries(annotation.metadata(), "metadata", element),
				tags);
	}

	/**
	 * Parse a value that is a SpEL expression when it contains {@code #}, else a literal.
	 * @return the expression, or {@code null} when the value is blank
	 */
	private @Nullable Expression valueExpression(String value, String attribute, String element) {
		if (value.contains("#")) {
			return parse(value, attribute, element);
		}
		return StringUtils.hasText(value) ? new LiteralExpression(value) : null;
	}

	/**
	 * Parse {@code name=value} entries, in their order.
	 */
	private Map<String, Expression> entries(String[] entries, String attribute, String element) {
		Map<String, Expression> parsed = new LinkedHashMap<>();
		for (String entry : entries) {
			int separator = entry.indexOf('=');
			String name = (separator > 0) ? entry.substring(0, separator).trim() : "";
			if (name.isEmpty()) {
				throw new IllegalStateException("@FallomSession on " + element + " has a " + attribute + " entry '"
						+ entry + "' that is not of the form name=value");
			}
			String value = entry.substring(separator + 1).trim();
			Expression expression = valueExpression(value, attribute, element);
			if (expression == null) {
				throw new IllegalStateException(
						"@FallomSession on " + element + " has a blank " + attribute + " value for '" + name + "'");
			}
			if (parsed.putIfAbsent(name, expression) != null) {
				throw new IllegalStateException(
						"@FallomSession on " + element + " has two " + attribute + " entries named '" + name + "'");
			}
		}
		return parsed;
	}

	private Expression parse(String expression, String attribute, String element) {
		if (!StringUtils.hasText(expression)) {
			throw new IllegalStateException("@FallomSession on " + element + " has a blank " + attribute);
		}
		try {
			return this.parser.parseExpression(expression);
		}
		catch (ParseException ex) {
			throw new IllegalStateException("@FallomSession on " + element + " has an invalid " + attribute
					+ " expression '" + expression + "': " + ex.getMessage(), ex);
		}
	}

	/**
	 * The parsed expressions of one annotated method.
	 */
	private final class SessionExpressions {

		private final String element;

		private final Expression configKey;

		private final Expression sessionId;

		private final @Nullable Expression customerId;

		private final Map<String, Expression> targetingContext;

		private final Map<String, Expression> metadata;

		private final List<Expression> tags;

		SessionExpressions(String element, Expression configKey, Expression sessionId,
				@Nullable Expression customerId, Map<String, Expression> targetingContext,
				Map<String, Expression> metadata, List<Expression> tags) {
			this.element = element;
			this.configKey = configKey;
			this.sessionId = sessionId;
			this.customerId = customerId;
			this.targetingContext = targetingContext;
			this.metadata = metadata;
			this.tags = tags;
		}

		FallomSessionContext evaluate(Method method, @Nullable Object[] args) {
			MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(null, method, args,
					FallomSessionInterceptor.this.parameterNameDiscoverer);
			String sessionId = value(this.sessionId, "sessionId", context);
			// What the request said about this same session (the web filter's customer and
			// targeting context), or about its customer when it had no session id: the
			// defaults of what the annotation says.
			FallomSessionContext current = FallomSessionHolder.get();
			FallomSessionContext request = (current != null && current.sessionId().equals(sessionId)) ? current
					: null;
			FallomCustomerContext customer = (request == null) ? FallomSessionHolder.getCustomer() : null;
			String customerId = null;
			if (this.customerId != null) {
				Object value = evaluate(this.customerId, "customerId", context);
				customerId = (value != null) ? value.toString() : null;
			}
			if (!StringUtils.hasText(customerId)) {
				customerId = (request != null) ? request.customerId()
						: (customer != null) ? customer.customerId() : null;
			}
			Map<String, String> targetingContext = new HashMap<>();
			if (request != null) {
				targetingContext.putAll(request.targetingContext());
			}
			else if (customer != null) {
				targetingContext.putAll(customer.targetingContext());
			}
			this.targetingContext.forEach((name, expression) -> {
				Object value = evaluate(expression, "context", context);
				if (value != null) {
					targetingContext.put(name, value.toString());
				}
			});
			Map<String, Object> metadata = new HashMap<>((request != null) ? request.metadata() : Map.of());
			this.metadata.forEach((name, expression) -> {
				Object value = evaluate(expression, "metadata", context);
				if (value != null) {
					metadata.put(name, (value instanceof String || value instanceof Number || value instanceof Boolean)
							? value : value.toString());
				}
			});
			Set<String> tags = new LinkedHashSet<>((request != null) ? request.tags() : List.of());
			for (Expression expression : this.tags) {
				Object value = evaluate(expression, "tags", context);
				if (value != null && StringUtils.hasText(value.toString())) {
					tags.add(value.toString());
				}
			}
			return new FallomSessionContext(value(this.configKey, "configKey", context), sessionId, 0, -1, null,
					customerId, metadata, List.copyOf(tags), targetingContext);
		}

		private @Nullable Object evaluate(Expression expression, String attribute,
				MethodBasedEvaluationContext context) {
			try {
				return expression.getValue(context);
			}
			catch (EvaluationException ex) {
				throw new IllegalArgumentException("@FallomSession " + attribute + " expression '"
						+ expression.getExpressionString() + "' of " + this.element + " failed: " + ex.getMessage(),
						ex);
			}
		}

		private String value(Expression expression, String attribute, MethodBasedEvaluationContext context) {
			Object value = evaluate(expression, attribute, context);
			String text = (value != null) ? value.toString() : null;
			if (!StringUtils.hasText(text)) {
				throw new IllegalArgumentException("@FallomSession " + attribute + " expression '"
						+ expression.getExpressionString() + "' of " + this.element + " evaluated to "
						+ ((value != null) ? "a blank value" : "null"));
			}
			return text;
		}

	}

}
