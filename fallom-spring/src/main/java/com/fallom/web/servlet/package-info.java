/**
 * The servlet filter that sets each request's Fallom session.
 */
@NullMarked
package com.fallom.web.servlet;

import org.jspecify.annotations.NullMarked;
