package com.fallom.annotation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;

import org.springframework.aop.ClassFilter;
import org.springframework.aop.PointcutAdvisor;
import org.springframework.aop.framework.AbstractAdvisingBeanPostProcessor;
import org.springframework.aop.support.AopUtils;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The class filters of the {@code @FallomSession} and {@code @FallomSpan} pointcuts drop
 * the classes whose type hierarchy carries the annotation nowhere (so that their methods
 * are never matched one by one at start-up), and keep every class the annotation may
 * apply to.
 */
class AnnotatedTypesTests {

	private final ClassFilter sessionFilter = classFilter(new FallomSessionPostProcessor());

	private final ClassFilter spanFilter = classFilter(new FallomSpanPostProcessor(() -> null));

	@Test
	void classesWithoutTheAnnotationAreDropped() {
		assertThat(this.sessionFilter.matches(Plain.class)).isFalse();
		assertThat(this.sessionFilter.matches(PlainChild.class)).isFalse();
		assertThat(this.sessionFilter.matches(String.class)).isFalse();
		assertThat(this.spanFilter.matches(Plain.class)).isFalse();
		assertThat(this.spanFilter.matches(SessionOnType.class)).isFalse();
	}

	@Test
	void sessionOnTheTypeAMethodASuperclassOrAnInterfaceIsKept() {
		assertThat(this.sessionFilter.matches(SessionOnType.class)).isTrue();
		assertThat(this.sessionFilter.matches(SessionOnMethod.class)).isTrue();
		assertThat(this.sessionFilter.matches(SessionOnSuperclassMethod.class)).isTrue();
		assertThat(this.sessionFilter.matches(SessionOnInterfaceMethod.class)).isTrue();
		assertThat(this.sessionFilter.matches(SessionOnInterfaceType.class)).isTrue();
		assertThat(this.sessionFilter.matches(SessionAsMetaAnnotation.class)).isTrue();
	}

	@Test
	void spanOnAMethodASuperclassOrAnInterfaceIsKept() {
		assertThat(this.spanFilter.matches(SpanOnMethod.class)).isTrue();
		assertThat(this.spanFilter.matches(SpanOnSuperclassMethod.class)).isTrue();
		assertThat(this.spanFilter.matches(SpanOnInterfaceMethod.class)).isTrue();
	}

	@Test
	void onlyTheAnnotatedBeansAreProxied() {
		try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
			context.registerBean(FallomSessionPostProcessor.class);
			context.registerBean(FallomSpanPostProcessor.class, () -> new FallomSpanPostProcessor(() -> null));
			context.registerBean("plain", PlainChild.class);
			context.registerBean("session", SessionOnInterfaceMethod.class);
			context.registerBean("span", SpanOnSuperclassMethod.class);
			context.refresh();
			assertThat(AopUtils.isAopProxy(context.getBean("plain"))).isFalse();
			assertThat(AopUtils.isAopProxy(context.getBean("session"))).isTrue();
			assertThat(AopUtils.isAopProxy(context.getBean("span"))).isTrue();
		}
	}

	@Test
	void eachTypeIsReadOnceForBothAnnotationsAndForEveryClassThatSharesIt() {
		long before = AnnotatedTypes.passes();
		assertThat(this.sessionFilter.matches(SharingOne.class)).isFalse();
		// SharingOne, SharedBase and SharedApi: one pass each
		assertThat(AnnotatedTypes.passes() - before).isEqualTo(3);
		assertThat(this.spanFilter.matches(SharingOne.class)).isFalse();
		assertThat(this.spanFilter.matches(SharingTwo.class)).isFalse();
		assertThat(this.sessionFilter.matches(SharingTwo.class)).isFalse();
		// The span filter read nothing again; SharingTwo was read once for both filters.
		assertThat(AnnotatedTypes.passes() - before).isEqualTo(4);
		assertThat(this.spanFilter.matches(SpanOnSharedBase.class)).isTrue();
		assertThat(this.sessionFilter.matches(SpanOnSharedBase.class)).isFalse();
	}

	private static ClassFilter classFilter(AbstractAdvisingBeanPostProcessor postProcessor) {
		PointcutAdvisor advisor = (PointcutAdvisor) ReflectionTestUtils.getField(postProcessor, "advisor");
		assertThat(advisor).isNotNull();
		return advisor.getPointcut().getClassFilter();
	}

	public static class Plain implements Callable<String> {

		@Override
		public String call() {
			return "plain";
		}

		@Deprecated
		public String other() {
			return "other";
		}

	}

	public static class PlainChild extends Plain {

	}

	@FallomSession(configKey = "support", sessionId = "'s-1'")
	public static class SessionOnType {

		public String call() {
			return "type";
		}

	}

	public static class SessionOnMethod {

		@FallomSession(configKey = "support", sessionId = "'s-1'")
		public String call() {
			return "method";
		}

	}

	public static class SessionOnSuperclassMethod extends SessionOnMethod {

	}

	public interface SessionApi {

		@FallomSession(configKey = "support", sessionId = "'s-1'")
		String call();

	}

	public static class SessionOnInterfaceMethod implements SessionApi {

		@Override
		public String call() {
			return "interface";
		}

	}

	@FallomSession(configKey = "support", sessionId = "'s-1'")
	public interface AnnotatedApi {

		String call();

	}

	public static class SessionOnInterfaceType implements AnnotatedApi {

		@Override
		public String call() {
			return "interface type";
		}

	}

	@Retention(RetentionPolicy.RUNTIME)
	@Target(ElementType.METHOD)
	@FallomSession(configKey = "support", sessionId = "'s-1'")
	public @interface SupportSession {

	}

	public static class SessionAsMetaAnnotation {

		@SupportSession
		public String call() {
			return "meta";
		}

	}

	public interface SharedApi {

		@Deprecated
		String call();

	}

	public static class SharedBase implements SharedApi {

		@Override
		public String call() {
			return "shared";
		}

	}

	public static class SharingOne extends SharedBase {

	}

	public static class SharingTwo extends SharedBase {

	}

	public static class SpanOnSharedBase extends SharedBase {

		@FallomSpan
		public String spanned() {
			return "span";
		}

	}

	public static class SpanOnMethod {

		@FallomSpan
		public String call() {
			return "span";
		}

	}

	public static class SpanOnSuperclassMethod extends SpanOnMethod {

	}

	public interface SpanApi {

		@FallomSpan
		String call();

	}

	public static class SpanOnInterfaceMethod implements SpanApi {

		@Override
		public String call() {
			return "span interface";
		}

	}

}
