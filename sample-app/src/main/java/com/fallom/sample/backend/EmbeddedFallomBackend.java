package com.fallom.sample.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fallom.autoconfigure.FallomProperties;
import com.fallom.models.ModelTargeting;
import com.fallom.test.FallomMockServer;
import com.fallom.test.MockConfig;
import org.apache.commons.logging.Log;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Runs the sample on nothing but the local machine: when no {@code fallom.api-key} is set
 * (nor {@code FALLOM_API_KEY}), starts the {@code fallom-test} mock backend in-process
 * and points Fallom at it, so that config sync, session records, traces and custom
 * metrics all travel over real HTTP.
 * <p>
 * It runs as an {@link EnvironmentPostProcessor}, after {@code application.yml} is read and
 * before any Fallom bean exists: the engine then sees an ordinary online configuration.
 * The mock serves the bootstrap configs of {@code fallom.models.configs} and the bootstrap
 * prompts and prompt A/B tests of {@code fallom.prompts}, so the app fetches them as it
 * would from Fallom, the configs with targeting that pins the customer
 * {@code sample.mock-backend.vip-customer} ({@code vip-1}) and accounts on the
 * {@code enterprise} plan to the second variant. The
 * server becomes the {@code fallomMockServer}
 * bean and closes with the context.
 */
public class EmbeddedFallomBackend implements EnvironmentPostProcessor, Ordered {

	/**
	 * The API key of the embedded backend: it never leaves the machine.
	 */
	public static final String LOCAL_API_KEY = "sample-local-key";

	/**
	 * The name of the mock server bean.
	 */
	public static final String BEAN_NAME = "fallomMockServer";

	/** Set by Spring Boot while it processes the application ahead of time. */
	private static final String AOT_PROCESSING = "spring.aot.processing";

	private static final String PROPERTY_SOURCE_NAME = "fallomEmbeddedBackend";

	private final Log logger;

	/**
	 * Create an instance.
	 * @param logFactory the factory of a log that is replayed once logging is set up
	 */
	public EmbeddedFallomBackend(DeferredLogFactory logFactory) {
		this.logger = logFactory.getLog(EmbeddedFallomBackend.class);
	}

	@Override
	public int getOrder() {
		// After ConfigDataEnvironmentPostProcessor, so application.yml and profiles are read
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		// Build-time AOT processing runs this too: it must not start a server, and it cannot
		// generate code for a bean given as an instance.
		if (Boolean.getBoolean(AOT_PROCESSING)) {
			return;
		}
		if (StringUtils.hasText(environment.getProperty("fallom.api-key"))
				|| !environment.getProperty("fallom.enabled", Boolean.class, true)
				|| !environment.getProperty("sample.mock-backend.enabled", Boolean.class, true)
				|| environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)) {
			return;
		}
		int port = environment.getProperty("sample.mock-backend.port", Integer.class, 8001);
		FallomMockServer server = FallomMockServer.start(port, LOCAL_API_KEY);
		String vipCustomer = environment.getProperty("sample.mock-backend.vip-customer", "vip-1");
		bootstrapConfigs(environment, vipCustomer).forEach(server::putConfig);
		servePrompts(environment, server);
		Map<String, Object> properties = new LinkedHashMap<>(server.properties());
		environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, properties));
		application.addInitializers((context) -> register(context, server));
		// A start-up that fails before the context exists would otherwise leave it running
		application.addListeners((event) -> {
			if (event instanceof ApplicationFailedEvent) {
				server.close();
			}
		});
		this.logger.info("No fallom.api-key set: started the embedded mock Fallom backend on " + server.baseUrl()
				+ " (set FALLOM_API_KEY to use a real backend)");
	}

	private static void register(ConfigurableApplicationContext context, FallomMockServer server) {
		if (context instanceof GenericApplicationContext generic) {
			generic.registerBean(BEAN_NAME, FallomMockServer.class, () -> server,
					(definition) -> definition.setDestroyMethodName("close"));
		}
		else {
			context.getBeanFactory().registerSingleton(BEAN_NAME, server);
			context.addApplicationListener((event) -> {
				if (event instanceof ContextClosedEvent) {
					server.close();
				}
			});
		}
	}

	/**
	 * Serve the bootstrap prompts of {@code fallom.prompts.templates} and the tests of
	 * {@code fallom.prompts.ab-tests}, as the backend's prompt JSON.
	 */
	private static void servePrompts(ConfigurableEnvironment environment, FallomMockServer server) {
		Binder binder = Binder.get(environment);
		binder.bind("fallom.prompts.templates", Bindable.mapOf(String.class, FallomProperties.Template.class))
			.orElse(Map.of())
			.forEach((key, template) -> server.putPrompt(key, template.getVersion(), template.getSystem(),
					template.getUser()));
		binder.bind("fallom.prompts.ab-tests", Bindable.mapOf(String.class, FallomProperties.AbTest.class))
			.orElse(Map.of())
			.forEach((key, test) -> {
				List<Map<String, Object>> variants = new ArrayList<>();
				test.getVariants().forEach((variant) -> {
					Map<String, Object> json = new LinkedHashMap<>();
					json.put("prompt_key", variant.getPromptKey());
					json.put("prompt_version", variant.getPromptVersion());
					json.put("weight", variant.getWeight());
					variants.add(json);
				});
				Map<String, Object> document = new LinkedHashMap<>();
				document.put("key", key);
				document.put("version", test.getVersion());
				document.put("variants", variants);
				server.putPromptAbTest(JsonMapper.shared().writeValueAsString(document));
			});
	}

	/**
	 * Add the targeting of a bootstrap config, so that the backend serves what the app
	 * would use without it: the same targets and rules, in their order.
	 */
	@SuppressWarnings("unchecked")
	private static MockConfig withTargeting(MockConfig config, FallomProperties.Targeting targeting) {
		for (FallomProperties.IndividualTarget target : targeting.getIndividualTargets()) {
			config = config.individualTarget(target.getField(), target.getValue(), target.getVariantIndex());
		}
		for (FallomProperties.Rule rule : targeting.getRules()) {
			Map<String, Object>[] conditions = rule.getConditions()
				.stream()
				.map((condition) -> MockConfig.condition(condition.getField(), condition.getOperator(),
						ModelTargeting.LIST_OPERATORS.contains(condition.getOperator()) ? condition.getValue()
								: condition.getValue().get(0)))
				.toArray(Map[]::new);
			config = config.rule(rule.getVariantIndex(), conditions);
		}
		return targeting.isEnabled() ? config : config.targetingDisabled();
	}

	/**
	 * Render the bootstrap configs of {@code fallom.models.configs} as the backend's
	 * config JSON, each pinning the VIP customer and enterprise accounts to its second
	 * variant, as targeting set up in Fallom's dashboard would.
	 */
	private static List<MockConfig> bootstrapConfigs(ConfigurableEnvironment environment, String vipCustomer) {
		Map<String, FallomProperties.Config> configs = Binder.get(environment)
			.bind("fallom.models.configs", Bindable.mapOf(String.class, FallomProperties.Config.class))
			.orElse(Map.of());
		List<MockConfig> json = new ArrayList<>();
		configs.forEach((key, bootstrap) -> {
			MockConfig config = MockConfig.key(key).version(bootstrap.getVersion());
			for (FallomProperties.Variant variant : bootstrap.getVariants()) {
				config = config.variant(variant.getModel(), variant.getWeight());
			}
			if (bootstrap.getTargeting() != null) {
				config = withTargeting(config, bootstrap.getTargeting());
			}
			if (StringUtils.hasText(vipCustomer) && bootstrap.getVariants().size() > 1) {
				// tag::vip[]
				config = config.customer(vipCustomer, 1);
				// end::vip[]
				// tag::enterprise-rule[]
				config = config.rule(1, MockConfig.condition("plan", "eq", "enterprise"));
				// end::enterprise-rule[]
			}
			json.add(config);
		});
		return json;
	}

}
