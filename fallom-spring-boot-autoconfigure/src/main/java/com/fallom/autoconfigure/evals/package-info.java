/**
 * Auto-configuration of evals: a {@code FallomEvals} bean when fallom-evals is on the classpath.
 */
@NullMarked
package com.fallom.autoconfigure.evals;

import org.jspecify.annotations.NullMarked;
