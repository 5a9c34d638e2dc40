/**
 * The sample's local chat model, so it runs without an LLM key.
 */
@NullMarked
package com.fallom.sample.chat;

import org.jspecify.annotations.NullMarked;
