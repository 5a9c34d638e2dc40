package com.fallom.autoconfigure.web;

import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.autoconfigure.FallomProperties;
import com.fallom.web.servlet.FallomContextResolver;
import com.fallom.web.servlet.FallomSessionFilter;
import jakarta.servlet.DispatcherType;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the servlet filter that sets the Fallom session of each request.
 */
@AutoConfiguration(after = FallomAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass({ OncePerRequestFilter.class, FilterRegistrationBean.class, FallomSessionFilter.class })
@ConditionalOnBooleanProperty(name = "fallom.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "fallom.web.enabled", matchIfMissing = true)
public final class FallomWebMvcAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FallomSessionFilter fallomSessionFilter(FallomProperties properties,
			ObjectProvider<FallomContextResolver> contextResolver) {
		return new FallomSessionFilter(SessionIdExtractors.of(properties.getWeb()),
				properties.getWeb().isCustomerIdFromPrincipal(), contextResolver.getIfUnique());
	}

	@Bean
	@ConditionalOnMissingBean(name = "fallomSessionFilterRegistration")
	FilterRegistrationBean<FallomSessionFilter> fallomSessionFilterRegistration(FallomSessionFilter filter,
			FallomProperties properties, ObjectProvider<FallomContextResolver> contextResolver) {
		FilterRegistrationBean<FallomSessionFilter> registration = new FilterRegistrationBean<>(filter);
		// After Spring Security when the principal is the customer or a resolver reads the
		// request: only then is the authenticated user known.
		boolean afterSecurity = properties.getWeb().isCustomerIdFromPrincipal()
				|| contextResolver.getIfUnique() != null;
		registration
			.setOrder(afterSecurity ? FallomSessionFilter.PRINCIPAL_ORDER : FallomSessionFilter.DEFAULT_ORDER);
		// ASYNC too: the session must be set again on the thread of each async dispatch.
		registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
		return registration;
	}

}
