/**
 * The sample application: a support assistant A/B testing two models.
 */
@NullMarked
package com.fallom.sample;

import org.jspecify.annotations.NullMarked;
