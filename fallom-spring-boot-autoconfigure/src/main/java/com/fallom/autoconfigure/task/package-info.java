/**
 * Auto-configuration of the task decorator that scopes the Fallom session to each task.
 */
@NullMarked
package com.fallom.autoconfigure.task;

import org.jspecify.annotations.NullMarked;
