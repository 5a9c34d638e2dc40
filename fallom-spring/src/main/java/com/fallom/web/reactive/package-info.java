/**
 * The WebFlux filter that sets each request's Fallom session.
 */
@NullMarked
package com.fallom.web.reactive;

import org.jspecify.annotations.NullMarked;
