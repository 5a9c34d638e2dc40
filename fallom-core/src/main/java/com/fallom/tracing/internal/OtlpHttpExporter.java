package com.fallom.tracing.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

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
 * Spans read back from the delivery spool are already encoded: they go in the same
 * request as the spans ended since, their bytes appended. Internal API.
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
		return export(spans, List.of());
	}

	/**
	 * Export spans together with requests encoded earlier (read back from the spool), as
	 * one request: serialised {@code ExportTraceServiceRequest} messages one after the
	 * other are one message whose spans are all of theirs, as protobuf merges repeated
	 * fields.
	 * @param spans the spans ended in this process
	 * @param encodedRequests requests written by {@link #encode}
	 * @return the result, failed with {@link HttpStatusException} when the backend
	 * answers other than 2xx
	 */
	public CompletableResultCode export(Collection<SpanData> spans, List<byte[]> encodedRequests) {
		CompletableResultCode result = new CompletableResultCode();
		byte[] body;
		try {
			List<byte[]> parts = new ArrayList<>(encodedRequests.size() + 1);
			if (!spans.isEmpty() || encodedRequests.isEmpty()) {
				parts.add(encode(spans));
			}
			parts.addAll(encodedRequests);
			body = join(parts);
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

	/**
	 * Encode spans as an OTLP {@code ExportTraceServiceRequest}, the body of
	 * {@code POST /v1/traces}.
	 * @param spans the spans
	 * @return the protobuf bytes
	 * @throws IOException never, in practice: the bytes are written to memory
	 */
	public static byte[] encode(Collection<SpanData> spans) throws IOException {
		TraceRequestMarshaler request = TraceRequestMarshaler.create(spans);
		ByteArrayOutputStream out = new ByteArrayOutputStream(request.getBinarySerializedSize());
		request.writeBinaryTo(out);
		return out.toByteArray();
	}

	private static byte[] join(List<byte[]> parts) {
		if (parts.size() == 1) {
			return parts.get(0);
		}
		int length = 0;
		for (byte[] part : parts) {
			length = Math.addExact(length, part.length);
		}
		byte[] joined = new byte[length];
		int position = 0;
		for (byte[] part : parts) {
			System.arraycopy(part, 0, joined, position, part.length);
			position += part.length;
		}
		return joined;
	}

	/**
	 * Check that bytes read back are what {@link #encode} writes: an
	 * {@code ExportTraceServiceRequest} of one or more resource spans (protobuf field 1,
	 * length-delimited) and nothing else, each length within the bytes. The spool's
	 * checksum catches torn and edited items; this catches items that were never ours.
	 * @param bytes the bytes
	 * @return whether they are an export request
	 */
	public static boolean isEncodedRequest(byte[] bytes) {
		if (bytes.length == 0) {
			return false;
		}
		int position = 0;
		while (position < bytes.length) {
			// The tag of resource_spans: field 1, wire type 2 (length-delimited)
			if (bytes[position++] != 0x0A) {
				return false;
			}
			long length = 0;
			int shift = 0;
			while (true) {
				if (position >= bytes.length || shift > 28) {
					return false;
				}
				byte next = bytes[position++];
				length |= (long) (next & 0x7F) << shift;
				if ((next & 0x80) == 0) {
					break;
				}
				shift += 7;
			}
			if (length > bytes.length - position) {
				return false;
			}
			position += (int) length;
		}
		return true;
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
