package com.fallom.annotation;

import java.lang.reflect.Method;

import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;

/**
 * Matches the methods that {@link FallomSession @FallomSession} applies to: those
 * annotated themselves (or where they are declared by an interface or superclass), and
 * those declared by an annotated class. Methods that {@code Object} declares
 * ({@code toString}, {@code hashCode}) are not a class's own, as with AspectJ's
 * {@code @within}. The class filter only drops what cannot carry the annotation (JDK
 * types), so that matching costs a look-up per method, with no weaver.
 */
final class FallomSessionPointcut extends StaticMethodMatcherPointcut {

	FallomSessionPointcut() {
		setClassFilter((type) -> AnnotationUtils.isCandidateClass(type, FallomSession.class));
	}

	@Override
	public boolean matches(Method method, Class<?> targetClass) {
		Method specificMethod = AopUtils.getMostSpecificMethod(method, targetClass);
		return AnnotatedElementUtils.hasAnnotation(specificMethod, FallomSession.class)
				|| (specificMethod != method && AnnotatedElementUtils.hasAnnotation(method, FallomSession.class))
				|| AnnotatedElementUtils.hasAnnotation(specificMethod.getDeclaringClass(), FallomSession.class);
	}

}
