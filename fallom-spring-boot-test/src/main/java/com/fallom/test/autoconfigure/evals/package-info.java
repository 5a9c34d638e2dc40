/**
 * Spring Boot support for evals as tests: {@link com.fallom.test.autoconfigure.evals.FallomEvalTest}
 * starts the app without a web server, against the mock Fallom backend and, unless the app
 * names a judge, a mock judge; {@link com.fallom.test.autoconfigure.evals.FallomEvalBeans}
 * hands the app's {@code FallomEvals} bean to a {@code FallomEvalSuite}.
 */
@NullMarked
package com.fallom.test.autoconfigure.evals;

import org.jspecify.annotations.NullMarked;
