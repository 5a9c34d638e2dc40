/**
 * Auto-configuration of model A/B testing.
 */
@NullMarked
package com.fallom.autoconfigure.models;

import org.jspecify.annotations.NullMarked;
