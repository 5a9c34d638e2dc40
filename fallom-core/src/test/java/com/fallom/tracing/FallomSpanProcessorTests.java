package com.fallom.tracing;

import com.fallom.session.FallomSessionHolder;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallomSpanProcessor}.
 */
class FallomSpanProcessorTests {

	private final InMemorySpanExporter exporter = InMemorySpanExporter.create();

	private final SdkTracerProvider provider = SdkTracerProvider.builder()
		.addSpanProcessor(new FallomSpanProcessor())
		.addSpanProcessor(SimpleSpanProcessor.create(this.exporter))
		.build();

	private final Tracer tracer = this.provider.get("app");

	@AfterEach
	void close() {
		FallomSessionHolder.clear();
		this.provider.close();
	}

	@Test
	void spansStartedInsideASessionCarryItsAttributes() {
		FallomSessionHolder.setIfChanged("support", "user-1", 2, 0, "gpt-4o");
		this.tracer.spanBuilder("work").startSpan().end();
		SpanData span = this.exporter.getFinishedSpanItems().get(0);
		assertThat(span.getAttributes().get(AttributeKey.stringKey("fallom.config_key"))).isEqualTo("support");
		assertThat(span.getAttributes().get(AttributeKey.stringKey("fallom.session_id"))).isEqualTo("user-1");
		assertThat(span.getAttributes().get(AttributeKey.stringKey("fallom.config_version"))).isEqualTo("2");
		assertThat(span.getAttributes().get(AttributeKey.stringKey("fallom.variant"))).isEqualTo("0");
	}

	@Test
	void spansStartedOutsideASessionAreLeftAlone() {
		this.tracer.spanBuilder("work").startSpan().end();
		assertThat(this.exporter.getFinishedSpanItems().get(0).getAttributes().isEmpty()).isTrue();
	}

}
