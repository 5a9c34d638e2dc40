/**
 * Task decoration that scopes the Fallom session to each task on pooled threads.
 */
@NullMarked
package com.fallom.task;

import org.jspecify.annotations.NullMarked;
