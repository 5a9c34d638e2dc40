package com.fallom.autoconfigure.langchain4j;

import com.fallom.Fallom;
import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.langchain4j.FallomChatModelListener;
import com.fallom.langchain4j.FallomToolExecutionListener;
import dev.langchain4j.model.chat.listener.ChatModelListener;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of LangChain4j tracing: a {@link FallomChatModelListener} bean, which LangChain4j's own
 * Spring Boot starters add to the chat models they build, and a
 * {@link FallomToolExecutionListener} bean for {@code AiServices} builders when
 * {@code dev.langchain4j:langchain4j} is present. Both export through the engine's
 * private tracer, a no-op while offline.
 */
@AutoConfiguration(after = FallomAutoConfiguration.class)
@ConditionalOnClass({ ChatModelListener.class, FallomChatModelListener.class })
@ConditionalOnBooleanProperty(name = "fallom.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "fallom.tracing.enabled", matchIfMissing = true)
@ConditionalOnBean(Fallom.class)
public final class FallomLangChain4jAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FallomChatModelListener fallomChatModelListener(Fallom fallom) {
		return FallomChatModelListener.create(fallom);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "dev.langchain4j.service.tool.ToolExecution")
	static class AiServicesConfiguration {

		@Bean
		@ConditionalOnMissingBean
		FallomToolExecutionListener fallomToolExecutionListener(Fallom fallom) {
			return FallomToolExecutionListener.create(fallom);
		}

	}

}
