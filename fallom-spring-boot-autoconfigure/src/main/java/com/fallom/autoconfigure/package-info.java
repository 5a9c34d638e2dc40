/**
 * Auto-configuration of the Fallom engine: properties, connection details and lifecycle.
 */
@NullMarked
package com.fallom.autoconfigure;

import org.jspecify.annotations.NullMarked;
