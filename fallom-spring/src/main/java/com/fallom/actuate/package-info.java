/**
 * The {@code fallom} actuator endpoint and health indicator.
 */
@NullMarked
package com.fallom.actuate;

import org.jspecify.annotations.NullMarked;
