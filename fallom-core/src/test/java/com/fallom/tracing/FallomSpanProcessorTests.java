package com.fallom.tracing;

import java.util.List;
import java.util.Map;

import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
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

	@Test
	void spansCarryTheCustomerIdMetadataAsStringsAndTagsAsAStringArray() {
		FallomSessionHolder.set(new FallomSessionContext("support", "user-1", "vip-1")
			.withMetadata(Map.of("plan", "pro", "seats", 5, "trial", true))
			.withTags(List.of("beta", "eu")));
		this.tracer.spanBuilder("work").startSpan().end();
		Attributes attributes = this.exporter.getFinishedSpanItems().get(0).getAttributes();
		assertThat(attributes.get(AttributeKey.stringKey("fallom.customer_id"))).isEqualTo("vip-1");
		assertThat(attributes.get(AttributeKey.stringKey("fallom.metadata.plan"))).isEqualTo("pro");
		assertThat(attributes.get(AttributeKey.stringKey("fallom.metadata.seats"))).isEqualTo("5");
		assertThat(attributes.get(AttributeKey.stringKey("fallom.metadata.trial"))).isEqualTo("true");
		assertThat(attributes.get(AttributeKey.stringArrayKey("fallom.tags"))).containsExactly("beta", "eu");
	}

	@Test
	void sessionsWithoutACustomerCarryNoCustomerAttribute() {
		FallomSessionHolder.set(new FallomSessionContext("support", "user-1", " "));
		this.tracer.spanBuilder("work").startSpan().end();
		Attributes attributes = this.exporter.getFinishedSpanItems().get(0).getAttributes();
		assertThat(attributes.get(AttributeKey.stringKey("fallom.customer_id"))).isNull();
		assertThat(attributes.get(AttributeKey.stringArrayKey("fallom.tags"))).isNull();
		assertThat(attributes.size()).isEqualTo(2);
	}

}
