package com.fallom.test.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Points the app of a Spring test at a {@link com.fallom.test.FallomMockServer}: the
 * mock starts on a free loopback port with the context, and a
 * {@link com.fallom.autoconfigure.FallomConnectionDetails} bean sends every Fallom
 * service (configs, traces, prompts) to it with the mock's API key, whatever the
 * environment says ({@code FALLOM_API_KEY}, {@code FALLOM_BASE_URL}, properties).
 * <p>
 * The mock is a bean: inject it with {@code @Autowired FallomMockServer}. Contexts that
 * Spring's test framework caches share it, so its recordings are cleared after each test
 * method. Put configs and prompts into it before the app's first sync with a
 * {@link FallomMockServerCustomizer} bean.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface AutoConfigureFallomMockServer {

}
