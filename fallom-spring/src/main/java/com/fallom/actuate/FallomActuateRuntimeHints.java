package com.fallom.actuate;

import com.fallom.models.ModelVariant;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Registers the endpoint's response types for JSON serialization in a native image. The
 * actuator infers most of them from the operations; listing them here keeps the nested
 * records and {@link ModelVariant} covered whatever the inference does.
 */
public class FallomActuateRuntimeHints implements RuntimeHintsRegistrar {

	private final BindingReflectionHintsRegistrar bindingRegistrar = new BindingReflectionHintsRegistrar();

	@Override
	public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
		this.bindingRegistrar.registerReflectionHints(hints.reflection(), FallomEndpoint.FallomDescriptor.class,
				ModelVariant.class);
	}

}
