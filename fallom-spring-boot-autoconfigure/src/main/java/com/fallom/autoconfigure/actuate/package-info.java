/**
 * Auto-configuration of the Fallom actuator endpoint and health indicator.
 */
@NullMarked
package com.fallom.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
