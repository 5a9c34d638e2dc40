package com.fallom.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class against one {@link FallomMockServer}, started before its tests and
 * closed after them, and injected into any test, lifecycle method or constructor
 * parameter of that type. Recordings and faults are reset before each test; configs
 * stay.
 * <p>
 * It does not touch Spring: in a {@code @SpringBootTest}, use
 * {@code @AutoConfigureFallomMockServer} of {@code fallom-spring-boot-test}, which points
 * the app at the mock whatever its environment says.
 *
 * @see FallomMockServerExtension
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(FallomMockServerExtension.class)
public @interface FallomMockServerTest {

}
