package com.fallom.annotation;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.springframework.aop.ClassFilter;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.core.annotation.RepeatableContainers;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import org.springframework.util.ConcurrentReferenceHashMap;
import org.springframework.util.ReflectionUtils;

/**
 * The class filter of Fallom's annotation pointcuts: whether a class, one of its
 * superclasses or one of its interfaces carries the annotation, on the type or on a
 * method it declares (directly or as a meta-annotation). A class that does not is
 * skipped before any method of it is matched, so that a bean without the annotation
 * costs one pass over its declared methods at start-up, not a search of the type
 * hierarchy for each of its methods.
 * <p>
 * What each type declares is read once for all of Fallom's annotations and kept, so that
 * the {@code @FallomSession} and {@code @FallomSpan} post-processors share one pass, and a
 * superclass or interface that many beans have in common (Spring's own, mostly) is read
 * once, not once per bean.
 */
final class AnnotatedTypes implements ClassFilter {

	/** The annotations that a type's one pass looks for, each a bit of the kept mask. */
	private static final List<Class<? extends Annotation>> ANNOTATIONS = List.of(FallomSession.class,
			FallomSpan.class);

	/** Which of {@link #ANNOTATIONS} each type declares; soft references, as Spring's caches. */
	private static final Map<Class<?>, Integer> declared = new ConcurrentReferenceHashMap<>();

	private static final LongAdder passes = new LongAdder();

	private final Class<? extends Annotation> annotation;

	private final int bit;

	AnnotatedTypes(Class<? extends Annotation> annotation) {
		int index = ANNOTATIONS.indexOf(annotation);
		Assert.isTrue(index >= 0, () -> "Not one of Fallom's annotations: " + annotation.getName());
		this.annotation = annotation;
		this.bit = 1 << index;
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
		return (declared.computeIfAbsent(type, AnnotatedTypes::scan) & this.bit) != 0;
	}

	/**
	 * One pass over a type and the methods it declares, for all of {@link #ANNOTATIONS}.
	 */
	private static int scan(Class<?> type) {
		passes.increment();
		int mask = annotationsOn(type);
		for (Method method : ReflectionUtils.getDeclaredMethods(type)) {
			mask |= annotationsOn(method);
		}
		return mask;
	}

	private static int annotationsOn(AnnotatedElement element) {
		if (element.getDeclaredAnnotations().length == 0) {
			return 0;
		}
		MergedAnnotations annotations = MergedAnnotations.from(element, SearchStrategy.DIRECT,
				RepeatableContainers.none());
		int mask = 0;
		for (int i = 0; i < ANNOTATIONS.size(); i++) {
			if (annotations.isPresent(ANNOTATIONS.get(i))) {
				mask |= 1 << i;
			}
		}
		return mask;
	}

	/**
	 * The passes over a type made so far, for tests.
	 */
	static long passes() {
		return passes.sum();
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
