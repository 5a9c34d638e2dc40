package com.fallom.annotation;

import java.lang.reflect.Method;

import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Matches the methods that {@link FallomSession @FallomSession} applies to: those
 * annotated themselves (or where they are declared by an interface or superclass), and
 * those declared by an annotated class. Methods that {@code Object} declares
 * ({@code toString}, {@code hashCode}) are not a class's own, as with AspectJ's
 * {@code @within}. The class filter drops, in one pass over its declared methods, a class
 * whose type hierarchy carries the annotation nowhere, so that only the classes that may
 * be advised cost a look-up per method; no weaver.
 */
final class FallomSessionPointcut extends StaticMethodMatcherPointcut {

	FallomSessionPointcut() {
		setClassFilter(new AnnotatedTypes(FallomSession.class));
	}

	@Override
	public boolean matches(Method method, Class<?> targetClass) {
		Method specificMethod = AopUtils.getMostSpecificMethod(method, targetClass);
		return AnnotatedElementUtils.hasAnnotation(specificMethod, FallomSession.class)
				|| (specificMethod != method && AnnotatedElementUtils.hasAnnotation(method, FallomSession.class))
				|| AnnotatedElementUtils.hasAnnotation(specificMethod.getDeclaringClass(), FallomSession.class);
	}

}
