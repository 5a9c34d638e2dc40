/**
 * Session ids from HTTP requests, shared by the servlet and WebFlux filters.
 */
@NullMarked
package com.fallom.web;

import org.jspecify.annotations.NullMarked;
