/**
 * Auto-configuration of the servlet and WebFlux session filters.
 */
@NullMarked
package com.fallom.autoconfigure.web;

import org.jspecify.annotations.NullMarked;
