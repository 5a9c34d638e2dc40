/**
 * Auto-configuration of LangChain4j tracing.
 */
@NullMarked
package com.fallom.autoconfigure.langchain4j;

import org.jspecify.annotations.NullMarked;
