package com.fallom.autoconfigure.evals;

import com.fallom.autoconfigure.FallomConnectionDetails;
import com.fallom.autoconfigure.FallomProperties;
import com.fallom.autoconfigure.FallomPropertiesValidator;
import com.fallom.evals.EvalListener;
import com.fallom.evals.FallomEvals;
import com.fallom.evals.Judge;
import com.fallom.evals.OpenAiCompatibleClient;
import com.fallom.evals.langchain4j.LangChain4jEvalModels;
import com.fallom.evals.springai.SpringAiEvalModels;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of evals: a {@link FallomEvals} bean from {@code fallom.evals.*}, with the Fallom API key
 * of the {@link FallomConnectionDetails} (else {@code fallom.api-key}). The judge is the
 * OpenAI-compatible endpoint of {@code fallom.evals.judge-base-url}, or the Spring AI or
 * LangChain4j {@code ChatModel} bean named by {@code fallom.evals.judge-chat-model}. An
 * {@link EvalListener} bean replaces the logging one.
 */
@AutoConfiguration(afterName = "com.fallom.autoconfigure.FallomAutoConfiguration")
@ConditionalOnClass(FallomEvals.class)
@ConditionalOnBooleanProperty(name = "fallom.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "fallom.evals.enabled", matchIfMissing = true)
@EnableConfigurationProperties(FallomProperties.class)
public final class FallomEvalsAutoConfiguration {

	private static final String SPRING_AI_CHAT_MODEL = "org.springframework.ai.chat.model.ChatModel";

	private static final String LANGCHAIN4J_CHAT_MODEL = "dev.langchain4j.model.chat.ChatModel";

	@Bean
	@ConditionalOnMissingBean
	FallomEvals fallomEvals(FallomProperties properties, ObjectProvider<FallomConnectionDetails> connectionDetails,
			ObjectProvider<EvalListener> listener, BeanFactory beanFactory) {
		FallomProperties.Evals evals = properties.getEvals();
		FallomPropertiesValidator.validateEvals(evals);
		FallomConnectionDetails details = connectionDetails.getIfAvailable();
		String apiKey = (details != null) ? details.getApiKey() : properties.getApiKey();
		FallomEvals.Builder builder = FallomEvals.builder()
			.appUrl(evals.getAppUrl())
			.apiKey(apiKey)
			.judgeModel(evals.getJudgeModel())
			.concurrency(evals.getConcurrency())
			.maxRetries(evals.getMaxRetries())
			.maxCalls(evals.getMaxCalls())
			.maxCost(evals.getMaxCost())
			.cacheDirectory(evals.getCacheDirectory())
			.reportDirectory(evals.getReportDirectory())
			// Privacy mode: the inputs and outputs of a run stay in the process
			.uploads(properties.isCaptureContent());
		OpenAiCompatibleClient.Builder client = OpenAiCompatibleClient.builder()
			.baseUrl(evals.getJudgeBaseUrl())
			.timeout(evals.getJudgeTimeout());
		if (evals.getJudgeApiKey() != null) {
			client.apiKey(evals.getJudgeApiKey());
		}
		builder.judgeClient(client.build());
		if (evals.getJudgeChatModel() != null && !evals.getJudgeChatModel().isBlank()) {
			builder.judge(chatModelJudge(beanFactory, evals.getJudgeChatModel(), evals.getJudgeModel()));
		}
		listener.ifAvailable(builder::listener);
		return builder.build();
	}

	private static Judge chatModelJudge(BeanFactory beanFactory, String beanName, String judgeModel) {
		Object bean;
		try {
			bean = beanFactory.getBean(beanName);
		}
		catch (NoSuchBeanDefinitionException ex) {
			throw new InvalidConfigurationPropertyValueException("fallom.evals.judge-chat-model", beanName,
					"No bean of that name.");
		}
		ClassLoader classLoader = FallomEvalsAutoConfiguration.class.getClassLoader();
		if (ClassUtils.isPresent(SPRING_AI_CHAT_MODEL, classLoader)) {
			Judge judge = SpringAiJudges.judge(bean, judgeModel);
			if (judge != null) {
				return judge;
			}
		}
		if (ClassUtils.isPresent(LANGCHAIN4J_CHAT_MODEL, classLoader)) {
			Judge judge = LangChain4jJudges.judge(bean, judgeModel);
			if (judge != null) {
				return judge;
			}
		}
		throw new InvalidConfigurationPropertyValueException("fallom.evals.judge-chat-model", beanName,
				"The bean is a " + bean.getClass().getName()
						+ ", not a Spring AI or LangChain4j ChatModel.");
	}

	/**
	 * Touches Spring AI only when it is on the classpath.
	 */
	private static final class SpringAiJudges {

		static @Nullable Judge judge(Object bean, String judgeModel) {
			if (!(bean instanceof org.springframework.ai.chat.model.ChatModel chatModel)) {
				return null;
			}
			var options = chatModel.getDefaultOptions();
			String model = (options != null && options.getModel() != null) ? options.getModel() : judgeModel;
			return SpringAiEvalModels.judge(chatModel, model);
		}

	}

	/**
	 * Touches LangChain4j only when it is on the classpath.
	 */
	private static final class LangChain4jJudges {

		static @Nullable Judge judge(Object bean, String judgeModel) {
			if (!(bean instanceof dev.langchain4j.model.chat.ChatModel chatModel)) {
				return null;
			}
			return LangChain4jEvalModels.judge(chatModel, judgeModel);
		}

	}

}
