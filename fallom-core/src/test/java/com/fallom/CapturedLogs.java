package com.fallom;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The log lines the engine wrote during a test, one per line as {@code LEVEL message}.
 * Commons Logging writes to {@code java.util.logging} when nothing else is on the
 * classpath, as in fallom-core's tests, so this captures at the JUL root logger.
 */
public final class CapturedLogs implements CharSequence {

	private final StringBuffer lines = new StringBuffer();

	private final Handler handler = new Handler() {

		@Override
		public void publish(LogRecord record) {
			CapturedLogs.this.lines.append(record.getLevel()).append(' ').append(record.getMessage());
			// An exception logged with the line counts too: its message (and its causes')
			// is printed with it.
			for (Throwable thrown = record.getThrown(); thrown != null; thrown = thrown.getCause()) {
				CapturedLogs.this.lines.append(" | ").append(thrown);
			}
			CapturedLogs.this.lines.append('\n');
		}

		@Override
		public void flush() {
		}

		@Override
		public void close() {
		}

	};

	/**
	 * Return how many captured lines contain a text.
	 * @param text the text
	 * @return the number of lines
	 */
	public long count(String text) {
		return this.lines.toString().lines().filter((line) -> line.contains(text)).count();
	}

	@Override
	public int length() {
		return this.lines.length();
	}

	@Override
	public char charAt(int index) {
		return this.lines.charAt(index);
	}

	@Override
	public CharSequence subSequence(int start, int end) {
		return this.lines.subSequence(start, end);
	}

	@Override
	public String toString() {
		return this.lines.toString();
	}

	/**
	 * Captures the logs of each test and resolves {@link CapturedLogs} parameters.
	 */
	public static final class Extension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

		private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
			.create(CapturedLogs.class);

		@Override
		public void beforeEach(ExtensionContext context) {
			CapturedLogs logs = new CapturedLogs();
			logs.handler.setLevel(Level.ALL);
			Logger.getLogger("").addHandler(logs.handler);
			context.getStore(NAMESPACE).put(CapturedLogs.class, logs);
		}

		@Override
		public void afterEach(ExtensionContext context) {
			CapturedLogs logs = context.getStore(NAMESPACE).remove(CapturedLogs.class, CapturedLogs.class);
			if (logs != null) {
				Logger.getLogger("").removeHandler(logs.handler);
			}
		}

		@Override
		public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
			return parameter.getParameter().getType() == CapturedLogs.class;
		}

		@Override
		public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
			return context.getStore(NAMESPACE).get(CapturedLogs.class, CapturedLogs.class);
		}

	}

}
