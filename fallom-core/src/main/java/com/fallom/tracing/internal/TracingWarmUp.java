package com.fallom.tracing.internal;

import java.util.concurrent.CompletableFuture;

import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;

/**
 * Loads OpenTelemetry's SDK tracing (the tracer provider, its sampler, limits, resource
 * and tracer) on a short-lived daemon thread, by building and closing a tracer provider
 * that nothing uses. An engine built online without starting (by a container) starts it
 * first, then builds its HTTP client and senders; when it comes to build its private
 * tracer provider, the classes are loaded and initialised already, so that most of that
 * work is done off the thread that creates the application context. The JVM initialises
 * each class once, so the engine's own build, if it comes first, waits for the same
 * initialisation instead of doing it twice. The throwaway provider has no exporter: it
 * starts no thread of its own, does no I/O and sets nothing global. Internal API.
 */
public final class TracingWarmUp {

	/** The name of the thread, which ends once the tracing classes are loaded. */
	public static final String THREAD_NAME = "fallom-tracing-warm-up";

	private TracingWarmUp() {
	}

	/**
	 * Start loading OpenTelemetry's SDK tracing.
	 * @return completes once it is loaded, or with the failure that the engine's own
	 * tracer provider meets too
	 */
	public static CompletableFuture<Void> start() {
		CompletableFuture<Void> done = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				SdkTracerProvider provider = SdkTracerProvider.builder()
					.setSampler(Sampler.alwaysOn())
					.setResource(Resource.getDefault())
					.setSpanLimits(
							SpanLimits.builder().setMaxNumberOfAttributes(GenAiAttributes.MAX_SPAN_ATTRIBUTES).build())
					.addSpanProcessor(SpanProcessor.composite())
					.build();
				provider.get("com.fallom.warm-up");
				provider.close();
				done.complete(null);
			}
			catch (RuntimeException | LinkageError ex) {
				// Not lost: the engine's own tracer provider meets it again and reports it
				done.completeExceptionally(ex);
			}
		}, THREAD_NAME);
		thread.setDaemon(true);
		thread.start();
		return done;
	}

}
