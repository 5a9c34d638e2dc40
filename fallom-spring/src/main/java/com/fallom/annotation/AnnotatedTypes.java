package com.fallom.annotation;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;

import org.springframework.aop.ClassFilter;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.core.annotation.RepeatableContainers;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The class filter of Fallom's annotation pointcuts: whether a class, one of its
 * superclasses or one of its interfaces carries the annotation, on the type or on a
 * method it declares (directly or as a meta-annotation). A class that does not is
 * skipped before any method of it is matched, so that a bean without the annotation
 * costs one pass over its declared methods at start-up, not a search of the type
 * hierarchy for each of its methods.
 */
final class AnnotatedTypes implements ClassFilter {

	private final Class<? extends Annotation> annotation;

	AnnotatedTypes(Class<? extends Annotation> annotation) {
		this.annotation = annotation;
	}

	@Override
	public boolean matches(Class<?> type) {
		for (Class<?> current = type; current != null && current != Object.class; current = current
			.getSuperclass()) {
			if (declares(current)) {
				return true;
			}
		}
		for (Class<?> implemented : ClassUtils.getAllInterfacesForClassAsSet(type)) {
			if (declares(implemented)) {
				return true;
			}
		}
		return false;
	}

	private boolean declares(Class<?> type) {
		// JDK types cannot carry it
		if (!AnnotationUtils.isCandidateClass(type, this.annotation)) {
			return false;
		}
		if (isPresent(type)) {
			return true;
		}
		for (Method method : ReflectionUtils.getDeclaredMethods(type)) {
			if (isPresent(method)) {
				return true;
			}
		}
		return false;
	}

	private boolean isPresent(AnnotatedElement element) {
		return element.getDeclaredAnnotations().length > 0 && MergedAnnotations
			.from(element, SearchStrategy.DIRECT, RepeatableContainers.none())
			.isPresent(this.annotation);
	}

	@Override
	public boolean equals(Object other) {
		return (this == other) || (other instanceof AnnotatedTypes that && this.annotation == that.annotation);
	}

	@Override
	public int hashCode() {
		return this.annotation.hashCode();
	}

	@Override
	public String toString() {
		return "AnnotatedTypes: " + this.annotation.getName();
	}

}
