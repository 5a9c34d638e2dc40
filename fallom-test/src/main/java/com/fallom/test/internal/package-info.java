/**
 * Support shared by the mock servers. Internal API.
 */
@NullMarked
package com.fallom.test.internal;

import org.jspecify.annotations.NullMarked;
