/**
 * Auto-configuration of prompt management.
 */
@NullMarked
package com.fallom.autoconfigure.prompts;

import org.jspecify.annotations.NullMarked;
