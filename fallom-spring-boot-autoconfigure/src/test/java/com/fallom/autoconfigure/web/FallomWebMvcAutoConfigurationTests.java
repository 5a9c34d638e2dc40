package com.fallom.autoconfigure.web;

import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.web.SessionIdExtractor;
import com.fallom.web.servlet.FallomSessionFilter;
import jakarta.servlet.DispatcherType;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallomWebMvcAutoConfiguration}.
 */
@ExtendWith(OutputCaptureExtension.class)
class FallomWebMvcAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(FallomAutoConfiguration.class, FallomWebMvcAutoConfiguration.class));

	@Test
	void registersFilterRightAfterSpringSecurityForRequestAndAsyncDispatches() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(FallomSessionFilter.class);
			FilterRegistrationBean<?> registration = context.getBean("fallomSessionFilterRegistration",
					FilterRegistrationBean.class);
			assertThat(registration.getFilter()).isSameAs(context.getBean(FallomSessionFilter.class));
			assertThat(registration.getOrder()).as("the principal is the customer: after Spring Security")
				.isEqualTo(FallomSessionFilter.PRINCIPAL_ORDER);
			assertThat(registration.determineDispatcherTypes()).containsExactlyInAnyOrder(DispatcherType.REQUEST,
					DispatcherType.ASYNC);
		});
	}

	@Test
	void registersFilterRightAfterObservationFilterWhenThePrincipalIsNotTheCustomer() {
		this.runner.withPropertyValues("fallom.web.customer-id-from-principal=false")
			.run((context) -> assertThat(
					context.getBean("fallomSessionFilterRegistration", FilterRegistrationBean.class).getOrder())
				.isEqualTo(FallomSessionFilter.DEFAULT_ORDER)
				.isEqualTo(Integer.MIN_VALUE + 2));
	}

	@Test
	void customerIdIsThePrincipalsAndNoHeaderUnlessOneIsConfigured(CapturedOutput output) {
		this.runner.withPropertyValues("fallom.web.default-config-key=support").run((context) -> {
			FallomSessionFilter filter = context.getBean(FallomSessionFilter.class);
			assertThat(extract(filter, request("vip-user-123", null)).customerId()).as("a claimed customer").isNull();
			assertThat(extract(filter, request("vip-user-123", "alice")).customerId()).isEqualTo("alice");
			assertThat(extract(filter, request("vip-user-123", null)).customerId()).isNull();
		});
		assertThat(output).containsOnlyOnce("Ignored the X-Fallom-Customer-Id header")
			.contains("fallom.web.customer-id-header")
			.doesNotContain("vip-user-123");
		this.runner
			.withPropertyValues("fallom.web.default-config-key=support",
					"fallom.web.customer-id-header=X-Fallom-Customer-Id")
			.run((context) -> {
				FallomSessionFilter filter = context.getBean(FallomSessionFilter.class);
				assertThat(extract(filter, request("vip-user-123", null)).customerId()).isEqualTo("vip-user-123");
				assertThat(extract(filter, request("vip-user-123", "alice")).customerId()).as("the principal wins")
					.isEqualTo("alice");
			});
	}

	@Test
	void failsOnBlankCustomerIdHeader() {
		this.runner.withPropertyValues("fallom.web.customer-id-header= ")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("fallom.web.customer-id-header"));
	}

	private static MockHttpServletRequest request(String customerHeader, @Nullable String principal) {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.addHeader("X-Fallom-Session-Id", "s-1");
		request.addHeader("X-Fallom-Customer-Id", customerHeader);
		if (principal != null) {
			request.setUserPrincipal(() -> principal);
		}
		return request;
	}

	@Test
	void bindsWebProperties() {
		this.runner
			.withPropertyValues("fallom.web.session-header=X-Conversation", "fallom.web.config-key-header=X-Agent",
					"fallom.web.session-cookie=conv", "fallom.web.session-query-parameter=conv",
					"fallom.web.default-config-key=support", "fallom.web.max-session-id-length=5")
			.run((context) -> {
				SessionIdExtractor extractor = context.getBean(FallomSessionFilter.class).getExtractor();
				MockHttpServletRequest request = new MockHttpServletRequest();
				request.addHeader("X-Conversation", "c-1");
				request.addHeader("X-Agent", "agent");
				assertThat(extract(context.getBean(FallomSessionFilter.class), request))
					.isEqualTo(new FallomSessionContext("agent", "c-1"));
				MockHttpServletRequest byQuery = new MockHttpServletRequest();
				byQuery.setQueryString("a=1&conv=q%2D1");
				assertThat(extract(context.getBean(FallomSessionFilter.class), byQuery))
					.isEqualTo(new FallomSessionContext("support", "q-1"));
				MockHttpServletRequest malformed = new MockHttpServletRequest();
				malformed.setQueryString("conv=%zz");
				assertThat(extract(context.getBean(FallomSessionFilter.class), malformed)).isNull();
				MockHttpServletRequest tooLong = new MockHttpServletRequest();
				tooLong.addHeader("X-Conversation", "c-1234");
				assertThat(extract(context.getBean(FallomSessionFilter.class), tooLong)).isNull();
				assertThat(extractor.getInvalidCount()).isOne();
			});
	}

	@Test
	void backsOffWhenWebIsDisabled() {
		this.runner.withPropertyValues("fallom.web.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FallomSessionFilter.class)
				.doesNotHaveBean("fallomSessionFilterRegistration"));
	}

	@Test
	void backsOffWhenFallomIsDisabled() {
		this.runner.withPropertyValues("fallom.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FallomSessionFilter.class));
	}

	@Test
	void backsOffInReactiveApplication() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(FallomAutoConfiguration.class, FallomWebMvcAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(FallomSessionFilter.class));
	}

	@Test
	void backsOffInNonWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(FallomAutoConfiguration.class, FallomWebMvcAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(FallomSessionFilter.class));
	}

	@Test
	void backsOffWithoutSpringWeb() {
		this.runner.withClassLoader(new FilteredClassLoader(OncePerRequestFilter.class))
			.run((context) -> assertThat(context).doesNotHaveBean(FallomSessionFilter.class));
	}

	@Test
	void usesUserFilterWithTheSameRegistration() {
		this.runner.withUserConfiguration(UserFilterConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(FallomSessionFilter.class);
			assertThat(context.getBean(FallomSessionFilter.class)).isSameAs(UserFilterConfiguration.FILTER);
			assertThat(context.getBean("fallomSessionFilterRegistration", FilterRegistrationBean.class).getFilter())
				.isSameAs(UserFilterConfiguration.FILTER);
		});
	}

	@Test
	void failsOnNonPositiveMaxLength() {
		this.runner.withPropertyValues("fallom.web.max-session-id-length=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("fallom.web.max-session-id-length"));
	}

	@Test
	void failsOnBlankSessionHeader() {
		this.runner.withPropertyValues("fallom.web.session-header= ")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("fallom.web.session-header"));
	}

	private static FallomSessionContext extract(FallomSessionFilter filter, MockHttpServletRequest request)
			throws Exception {
		FallomSessionContext[] seen = new FallomSessionContext[1];
		filter.doFilter(request, new MockHttpServletResponse(),
				(req, res) -> seen[0] = FallomSessionHolder.get());
		return seen[0];
	}

	@Configuration(proxyBeanMethods = false)
	static class UserFilterConfiguration {

		static final FallomSessionFilter FILTER = new FallomSessionFilter(
				new SessionIdExtractor("X-S", null, null, "X-C", "k", 10));

		@Bean
		FallomSessionFilter customFallomSessionFilter() {
			return FILTER;
		}

	}

}
