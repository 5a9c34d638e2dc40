/**
 * Spring test support for Fallom: {@link com.fallom.test.autoconfigure.AutoConfigureFallomMockServer}
 * points the app of a Spring test at a {@link com.fallom.test.FallomMockServer}. May import
 * {@code fallom-test}, {@code fallom-spring-boot-autoconfigure} and Spring's test context
 * framework.
 */
@NullMarked
package com.fallom.test.autoconfigure;

import org.jspecify.annotations.NullMarked;
