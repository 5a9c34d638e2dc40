/**
 * The current Fallom session of a unit of work, and its context-propagation accessor.
 */
@NullMarked
package com.fallom.session;

import org.jspecify.annotations.NullMarked;
