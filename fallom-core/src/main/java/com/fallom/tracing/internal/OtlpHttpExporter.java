package com.fallom.tracing.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;

import com.fallom.internal.FallomHttpClient;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.jspecify.annotations.Nullable;

/**
 * Exports spans as OTLP/HTTP protobuf ({@code POST /v1/traces}) through the engine's one
 * {@link FallomHttpClient}, so that span export costs no HTTP client, TLS set-up or
 * threads of its own. No retries of its own: the {@link BoundedExportSpanProcessor}
 * retries, and reads the status of a refused export from {@link HttpStatusException}.
 * Internal API.
 */
public final class OtlpHttpExporter implements SpanExporter {

	private static final String PATH = "/v1/traces";

	private static final String CONTENT_TYPE = "application/x-protobuf";

	private final FallomHttpClient client;

	private final Duration timeout;

	/**
	 * Create an exporter.
	 * @param tracesClient the client of the traces service
	 * @param timeout the timeout of one export
	 */
	public OtlpHttpExporter(FallomHttpClient tracesClient, Duration timeout) {
		this.client = tracesClient;
		this.timeout = timeout;
	}

	@Override
	public CompletableResultCode export(Collection<SpanData> spans) {
		CompletableResultCode result = new CompletableResultCode();
		byte[] body;
		try {
			TraceRequestMarshaler request = TraceRequestMarshaler.create(spans);
			ByteArrayOutputStream out = new ByteArrayOutputStream(request.getBinarySerializedSize());
			request.writeBinaryTo(out);
			body = out.toByteArray();
		}
		catch (IOException | RuntimeException ex) {
			return result.failExceptionally(ex);
		}
		this.client.postAsync(PATH, CONTENT_TYPE, body, this.timeout).whenComplete((response, ex) -> {
			if (ex != null) {
				result.failExceptionally(ex);
			}
			else if (response.isSuccessful()) {
				result.succeed();
			}
			else {
				result.failExceptionally(new HttpStatusException(response.status(), response.retryAfter()));
			}
		});
		return result;
	}

	@Override
	public CompletableResultCode flush() {
		return CompletableResultCode.ofSuccess();
	}

	@Override
	public CompletableResultCode shutdown() {
		// The engine closes the shared client.
		return CompletableResultCode.ofSuccess();
	}

	/**
	 * An export the backend answered with a status other than 2xx.
	 */
	public static final class HttpStatusException extends IOException {

		private static final long serialVersionUID = 1L;

		private final int status;

		private final transient @Nullable String retryAfter;

		HttpStatusException(int status, @Nullable String retryAfter) {
			super("HTTP " + status);
			this.status = status;
			this.retryAfter = retryAfter;
		}

		public int status() {
			return this.status;
		}

		public @Nullable String retryAfter() {
			return this.retryAfter;
		}

	}

}
