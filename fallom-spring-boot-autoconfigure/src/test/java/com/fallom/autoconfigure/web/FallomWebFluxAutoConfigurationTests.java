package com.fallom.autoconfigure.web;

import java.util.concurrent.atomic.AtomicReference;

import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionThreadLocalAccessor;
import com.fallom.web.SessionIdExtractor;
import com.fallom.web.reactive.FallomSessionWebFilter;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpCookie;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallomWebFluxAutoConfiguration}.
 */
class FallomWebFluxAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FallomAutoConfiguration.class, FallomWebFluxAutoConfiguration.class));

	@Test
	void registersWebFilterRightAfterSpringSecurity() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(FallomSessionWebFilter.class);
			assertThat(context.getBean(FallomSessionWebFilter.class).getOrder())
				.as("the principal is the customer: after Spring Security")
				.isEqualTo(FallomSessionWebFilter.PRINCIPAL_ORDER);
		});
	}

	@Test
	void registersWebFilterEarlyWhenThePrincipalIsNotTheCustomer() {
		this.runner.withPropertyValues("fallom.web.customer-id-from-principal=false")
			.run((context) -> assertThat(context.getBean(FallomSessionWebFilter.class).getOrder())
				.isEqualTo(FallomSessionWebFilter.DEFAULT_ORDER)
				.isEqualTo(Integer.MIN_VALUE + 2));
	}

	@Test
	void customerIdHeaderIsReadOnlyWhenConfigured() {
		this.runner.withPropertyValues("fallom.web.default-config-key=support").run((context) -> {
			FallomSessionWebFilter filter = context.getBean(FallomSessionWebFilter.class);
			StepVerifier.create(sessionSeenBy(filter, claimingVip()))
				.expectNext(new FallomSessionContext("support", "s-1"))
				.verifyComplete();
		});
		this.runner
			.withPropertyValues("fallom.web.default-config-key=support",
					"fallom.web.customer-id-header=X-Fallom-Customer-Id")
			.run((context) -> {
				FallomSessionWebFilter filter = context.getBean(FallomSessionWebFilter.class);
				StepVerifier.create(sessionSeenBy(filter, claimingVip()))
					.expectNext(new FallomSessionContext("support", "s-1", "vip-user-123"))
					.verifyComplete();
			});
	}

	private static MockServerWebExchange claimingVip() {
		return MockServerWebExchange.from(MockServerHttpRequest.get("/")
			.header("X-Fallom-Session-Id", "s-1")
			.header("X-Fallom-Customer-Id", "vip-user-123"));
	}

	@Test
	void bindsWebPropertiesAndPutsSessionInReactorContext() {
		this.runner
			.withPropertyValues("fallom.web.session-header=X-Conversation", "fallom.web.session-cookie=conv",
					"fallom.web.default-config-key=support")
			.run((context) -> {
				FallomSessionWebFilter filter = context.getBean(FallomSessionWebFilter.class);
				MockServerWebExchange exchange = MockServerWebExchange
					.from(MockServerHttpRequest.get("/").header("X-Conversation", "c-1"));
				StepVerifier.create(sessionSeenBy(filter, exchange))
					.expectNext(new FallomSessionContext("support", "c-1"))
					.verifyComplete();
				MockServerWebExchange byCookie = MockServerWebExchange.from(MockServerHttpRequest.get("/")
					.cookie(new HttpCookie("conv", "k-1")));
				StepVerifier.create(sessionSeenBy(filter, byCookie))
					.expectNext(new FallomSessionContext("support", "k-1"))
					.verifyComplete();
			});
	}

	@Test
	void leavesContextEmptyForInvalidHeaderAndCountsIt() {
		this.runner.withPropertyValues("fallom.web.default-config-key=support").run((context) -> {
			FallomSessionWebFilter filter = context.getBean(FallomSessionWebFilter.class);
			MockServerWebExchange exchange = MockServerWebExchange
				.from(MockServerHttpRequest.get("/").header("X-Fallom-Session-Id", "x".repeat(257)));
			StepVerifier.create(sessionSeenBy(filter, exchange)).verifyComplete();
			assertThat(filter.getExtractor().getInvalidCount()).isOne();
		});
	}

	@Test
	void backsOffWhenWebIsDisabled() {
		this.runner.withPropertyValues("fallom.web.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FallomSessionWebFilter.class));
	}

	@Test
	void backsOffWhenFallomIsDisabled() {
		this.runner.withPropertyValues("fallom.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FallomSessionWebFilter.class));
	}

	@Test
	void backsOffInServletApplication() {
		new WebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(FallomAutoConfiguration.class, FallomWebFluxAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(FallomSessionWebFilter.class));
	}

	@Test
	void backsOffInNonWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(FallomAutoConfiguration.class, FallomWebFluxAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(FallomSessionWebFilter.class));
	}

	@Test
	void backsOffWithoutSpringWebFlux() {
		this.runner.withClassLoader(new FilteredClassLoader(WebFilter.class))
			.run((context) -> assertThat(context).doesNotHaveBean(FallomSessionWebFilter.class));
	}

	@Test
	void backsOffToUserFilter() {
		this.runner.withUserConfiguration(UserFilterConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(FallomSessionWebFilter.class)
				.hasBean("customFallomSessionWebFilter"));
	}

	private static Mono<FallomSessionContext> sessionSeenBy(FallomSessionWebFilter filter, MockServerWebExchange exchange) {
		AtomicReference<FallomSessionContext> seen = new AtomicReference<>();
		WebFilterChain chain = (filtered) -> Mono.deferContextual((context) -> {
			context.<FallomSessionContext>getOrEmpty(FallomSessionThreadLocalAccessor.KEY).ifPresent(seen::set);
			return Mono.empty();
		});
		return filter.filter(exchange, chain).then(Mono.fromSupplier(seen::get));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserFilterConfiguration {

		@Bean
		FallomSessionWebFilter customFallomSessionWebFilter() {
			return new FallomSessionWebFilter(new SessionIdExtractor("X-S", null, null, "X-C", "k", 10));
		}

	}

}
