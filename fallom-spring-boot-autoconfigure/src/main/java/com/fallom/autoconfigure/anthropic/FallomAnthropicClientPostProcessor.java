package com.fallom.autoconfigure.anthropic;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.AnthropicClientAsync;
import com.fallom.anthropic.FallomAnthropic;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Wraps each {@link AnthropicClient} and {@link AnthropicClientAsync} bean with
 * {@link FallomAnthropic}, so that its calls are traced. The wrapper implements the
 * client interface, so inject the beans by {@code AnthropicClient} /
 * {@code AnthropicClientAsync}, not by implementation class.
 */
public final class FallomAnthropicClientPostProcessor implements BeanPostProcessor {

	private final ObjectProvider<FallomAnthropic> anthropic;

	/**
	 * Create a post-processor.
	 * @param anthropic the tracing, resolved at the first client bean
	 */
	public FallomAnthropicClientPostProcessor(ObjectProvider<FallomAnthropic> anthropic) {
		this.anthropic = anthropic;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof AnthropicClient client) {
			return this.anthropic.getObject().wrap(client);
		}
		if (bean instanceof AnthropicClientAsync client) {
			return this.anthropic.getObject().wrap(client);
		}
		return bean;
	}

}
