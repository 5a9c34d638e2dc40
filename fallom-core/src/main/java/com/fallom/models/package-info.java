/**
 * Model A/B testing: sticky assignment of a session to a config's variant, from configs synced in the background.
 */
@NullMarked
package com.fallom.models;

import org.jspecify.annotations.NullMarked;
