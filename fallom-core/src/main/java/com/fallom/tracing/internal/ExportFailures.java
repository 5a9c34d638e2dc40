package com.fallom.tracing.internal;

import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;

/**
 * Reads the HTTP status of a failed OTLP export, to tell a refused export (4xx) from one
 * worth retrying. OpenTelemetry reports it through an internal exception whose response
 * type changed between releases (1.55: {@code HttpSender.Response.statusCode()}, later:
 * {@code HttpResponse.getStatusCode()}), so it is read reflectively: the same jar works on
 * every OpenTelemetry that the supported Spring Boot lines manage.
 */
final class ExportFailures {

	private static final String HTTP_EXPORT_EXCEPTION = "io.opentelemetry.exporter.internal.FailedExportException$HttpExportException";

	private static final @Nullable Method GET_RESPONSE = method(HTTP_EXPORT_EXCEPTION, "getResponse");

	private static final Method @Nullable [] STATUS_CODES = {
			method("io.opentelemetry.sdk.common.export.HttpResponse", "getStatusCode"),
			method("io.opentelemetry.exporter.internal.http.HttpSender$Response", "statusCode") };

	private ExportFailures() {
	}

	/**
	 * Return the HTTP status an export failed with.
	 * @param failure the failure of the export
	 * @return the status, or {@code null} when the export got no HTTP answer
	 */
	static @Nullable Integer statusOf(@Nullable Throwable failure) {
		if (failure == null || GET_RESPONSE == null || !GET_RESPONSE.getDeclaringClass().isInstance(failure)) {
			return null;
		}
		try {
			Object response = GET_RESPONSE.invoke(failure);
			if (response == null) {
				return null;
			}
			for (Method statusCode : STATUS_CODES) {
				if (statusCode != null && statusCode.getDeclaringClass().isInstance(response)) {
					return (Integer) statusCode.invoke(response);
				}
			}
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			// An OpenTelemetry we do not know: treat the failure as worth retrying.
		}
		return null;
	}

	private static @Nullable Method method(String className, String name) {
		try {
			return Class.forName(className, false, ExportFailures.class.getClassLoader()).getMethod(name);
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			return null;
		}
	}

}
