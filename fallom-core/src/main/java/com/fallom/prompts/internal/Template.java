package com.fallom.prompts.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A prompt template parsed once into literal text and {@code {{ name }}} placeholders, so
 * that rendering is a single pass over an array with no regular expression. Placeholders
 * follow the Python SDK's {@code \{\{(\s*\w+\s*)\}\}} with Python's Unicode classes. A
 * placeholder whose name has no variable stays as written; values are inserted literally.
 * Immutable and thread-safe. Internal API.
 */
public final class Template {

	/**
	 * Python's {@code \s} on a {@code str}: Unicode White_Space plus the four information
	 * separators U+001C to U+001F, which Java's Unicode {@code \s} leaves out.
	 */
	private static final String PYTHON_SPACE = "[\\t\\n\\x0B\\f\\r\\x1C-\\x1F \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]";

	/**
	 * Python's {@code \w} on a {@code str}: letters, numbers and the underscore. Java's
	 * {@code UNICODE_CHARACTER_CLASS} {@code \w} would also take combining marks, other
	 * connector punctuation and joiners, which Python does not.
	 */
	private static final String PYTHON_WORD = "[\\p{L}\\p{N}_]";

	private static final Pattern PLACEHOLDER = Pattern
		.compile("\\{\\{" + PYTHON_SPACE + "*(" + PYTHON_WORD + "+)" + PYTHON_SPACE + "*\\}\\}");

	private static final String[] NONE = {};

	private final String source;

	/** Literal text around the placeholders: one more than there are placeholders. */
	private final String[] literals;

	private final String[] names;

	/** Each placeholder as written, kept when its variable is missing. */
	private final String[] placeholders;

	private final int literalLength;

	private Template(String source, String[] literals, String[] names, String[] placeholders) {
		this.source = source;
		this.literals = literals;
		this.names = names;
		this.placeholders = placeholders;
		int length = 0;
		for (String literal : literals) {
			length += literal.length();
		}
		this.literalLength = length;
	}

	/**
	 * Parse a template.
	 * @param source the template text
	 * @return the template
	 */
	public static Template parse(String source) {
		Matcher matcher = PLACEHOLDER.matcher(source);
		if (!matcher.find()) {
			return new Template(source, new String[] { source }, NONE, NONE);
		}
		List<String> literals = new ArrayList<>();
		List<String> names = new ArrayList<>();
		List<String> placeholders = new ArrayList<>();
		int position = 0;
		do {
			literals.add(source.substring(position, matcher.start()));
			names.add(matcher.group(1));
			placeholders.add(matcher.group());
			position = matcher.end();
		}
		while (matcher.find());
		literals.add(source.substring(position));
		return new Template(source, literals.toArray(NONE), names.toArray(NONE), placeholders.toArray(NONE));
	}

	/**
	 * Render the template.
	 * @param variables the variables by name, or {@code null}
	 * @return the text with every placeholder that has a variable replaced by its value
	 */
	public String render(@Nullable Map<String, ?> variables) {
		String[] names = this.names;
		if (names.length == 0 || variables == null || variables.isEmpty()) {
			return this.source;
		}
		String[] literals = this.literals;
		StringBuilder text = new StringBuilder(this.literalLength + 16 * names.length);
		for (int i = 0; i < names.length; i++) {
			Object value = variables.get(names[i]);
			String replacement;
			if (value != null) {
				replacement = PythonText.of(value);
			}
			else if (variables.containsKey(names[i])) {
				replacement = PythonText.of(null);
			}
			else {
				replacement = this.placeholders[i];
			}
			text.append(literals[i]).append(replacement);
		}
		return text.append(literals[names.length]).toString();
	}

	/**
	 * Return the names of the placeholders, in order of first appearance.
	 * @return the names
	 */
	public Set<String> variableNames() {
		Set<String> names = new LinkedHashSet<>();
		Collections.addAll(names, this.names);
		return Collections.unmodifiableSet(names);
	}

	/**
	 * Return the template text.
	 * @return the text
	 */
	public String source() {
		return this.source;
	}

	@Override
	public String toString() {
		return "Template[" + this.names.length + " placeholder(s), " + this.source.length() + " chars]";
	}

}
